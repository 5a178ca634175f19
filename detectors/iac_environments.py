"""Environments in the infrastructure: are they built from one definition (`env.parity`), and is
configuration kept apart from the definitions (`deploy.config-separated`, the infrastructure side)?

Environments are grouped by family (Kustomize, Helm, Terraform, Pulumi, Azure parameters, Ansible
inventories, raw manifests). Parity holds in a family whose environments are all values over one
shared definition (overlays over one base, values files over one chart, tfvars over one module);
it fails when two or more environments of a family are trees of their own (copied manifests, a
root module per environment that declares its resources itself).
"""

from __future__ import annotations

from collections import defaultdict

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Outcome
from devops_scan_detectors.iac import iac_facts

_LIMIT = 12
FAMILIES = {
    "kustomize-overlay": "Kustomize", "kustomize": "Kustomize",
    "helm-values": "Helm", "helm-chart": "Helm", "helmfile-environment": "Helm",
    "tfvars": "Terraform", "terraform-root": "Terraform", "terragrunt-unit": "Terraform",
    "pulumi-stack": "Pulumi", "bicep-parameters": "Azure", "arm-parameters": "Azure",
    "ansible-inventory": "Ansible", "manifest-folder": "Kubernetes manifests",
}


class InfrastructureEnvironmentsDetector(Detector):
    id = "infrastructure-environments"
    title = "Environments built from shared infrastructure definitions"
    practices = ("env.parity", "deploy.config-separated")
    description = (
        "Finds the environments the infrastructure defines (names such as dev, test, qa, staging, "
        "pre-production, production in folder and file names): Kustomize overlays and the bases they build "
        "on, per-environment Helm values files and helmfile environments, Terraform tfvars, per-environment "
        "root modules and Terragrunt units, Pulumi stacks, Bicep/ARM parameter files, Ansible inventories, "
        "and raw Kubernetes manifests in per-environment folders.\n\n"
        "`env.parity` passes when a family's environments (at least two) are all values over one shared "
        "definition, and fails when two or more of them are defined on their own (copied manifests, a root "
        "module per environment declaring its own resources). `deploy.config-separated` (infrastructure "
        "side) passes on Helm values, Kustomize overlays and generators, ConfigMaps and workloads reading "
        "them, tfvars, Pulumi stack files, Bicep/ARM parameters or Ansible group_vars; it fails when "
        "Kubernetes workloads carry all their configuration inline. Both are not applicable when the "
        "infrastructure has nothing of the kind (other detectors may still decide the practice)."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = iac_facts(client, context)
        found = [environment.fact() for environment in facts.environments]
        found += [signal.fact("config-separated") for signal in facts.signals_for("deploy.config-separated")]
        found += [Fact("workload", f"{w.kind} {w.name}", w.location, {"source": w.source})
                  for w in facts.workloads if w.source == "manifest"]
        return Evidence(self.id, tuple(found))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_parity(evidence), _config_separated(evidence)]


def _parity(evidence: Evidence) -> Finding:
    practice = "env.parity"
    families: dict[str, list[Fact]] = defaultdict(list)
    seen: set[tuple[str, str, str | None]] = set()
    for fact in evidence.of_kind("environment"):
        family = FAMILIES.get(fact.data["how"], fact.data["how"])
        key = (family, fact.data["environment"], fact.data["shared"])
        if key not in seen:  # one fact per environment and definition: not one per copied file
            seen.add(key)
            families[family].append(fact)
    separate: list[Fact] = []
    shared: list[Fact] = []
    for _family, facts in sorted(families.items()):
        names = {fact.data["environment"] for fact in facts}
        if len(names) < 2:
            continue
        own = [fact for fact in facts if fact.data["shared"] is None]
        (separate if own else shared).extend(own or facts)
    if separate:
        names = sorted({f.data["environment"] for f in separate})
        return Finding(practice, Outcome.FAIL,
                       f"environments defined separately, not as values over one definition: {', '.join(names)}",
                       tuple(separate[:_LIMIT]))
    if shared:
        definitions = sorted({str(f.data["shared"]) for f in shared})
        names = sorted({f.data["environment"] for f in shared})
        return Finding(practice, Outcome.PASS,
                       f"{len(names)} environments ({', '.join(names)}) built from {'; '.join(definitions[:3])}",
                       tuple(shared[:_LIMIT]))
    environments = sorted({f.data["environment"] for f in evidence.of_kind("environment")})
    if environments:
        return Finding(practice, Outcome.NOT_APPLICABLE,
                       f"only one environment in the infrastructure ({', '.join(environments)}): nothing to keep "
                       "in parity", evidence.of_kind("environment")[:_LIMIT])
    return Finding(practice, Outcome.NOT_APPLICABLE, "the infrastructure defines no environments")


def _config_separated(evidence: Evidence) -> Finding:
    practice = "deploy.config-separated"
    signals = evidence.of_kind("config-separated")
    if signals:
        kinds = sorted({fact.detail.split(" for ")[0].split(" of ")[0] for fact in signals})
        return Finding(practice, Outcome.PASS, f"configuration kept apart: {', '.join(kinds[:5])}",
                       tuple(signals[:_LIMIT]))
    workloads = evidence.of_kind("workload")
    if workloads:
        return Finding(practice, Outcome.FAIL,
                       "Kubernetes workloads carry their configuration inline: no ConfigMap, Secret reference, "
                       "Helm values or Kustomize overlay", tuple(workloads[:_LIMIT]),
                       remediation="Move settings into ConfigMaps (or a Kustomize configMapGenerator) and read "
                                   "them with `envFrom`; keep per-environment values in overlays or Helm values.")
    return Finding(practice, Outcome.NOT_APPLICABLE,
                   "no Helm, Kustomize, Kubernetes, Terraform, Pulumi or Ansible configuration to judge here")
