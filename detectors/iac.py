"""Infrastructure as code: every IaC kind read once per scan (`iac_facts`), and the detector that judges
`infra.as-code`, `infra.remote-state`, `infra.pinned-modules` and `infra.tested` from it.

The readers (one module per family) describe; this module assembles their readings into one frozen
`IacFacts` that other detectors reuse (`iac_environments.py`, `iac_rollout.py`, `containers.py`,
and the lead's CI detectors through `iac_facts(client, context)`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.iac_aws import read_aws
from devops_scan_detectors.iac_cloud import read_cloud
from devops_scan_detectors.iac_config_mgmt import read_config_management
from devops_scan_detectors.iac_helm import HelmChart, chart_folders, read_helm
from devops_scan_detectors.iac_kubernetes import read_manifests
from devops_scan_detectors.iac_kustomize import Kustomization, kustomizations, read_kustomize
from devops_scan_detectors.iac_model import DECLARATIVE_KINDS, KIND_NAMES, IacFile, Reading, Signal
from devops_scan_detectors.iac_policy import read_policies
from devops_scan_detectors.iac_scope import deliverable
from devops_scan_detectors.iac_terraform import read_terraform_tree
from devops_scan_detectors.iac_tests import read_infra_tests
from devops_scan_detectors.iac_verdicts import pinned_finding, remote_state_finding

_EVIDENCE_LIMIT = 12


@dataclass(frozen=True)
class IacFacts(Reading):
    """Everything the IaC readers found, plus the Helm charts and kustomizations themselves."""

    charts: tuple[HelmChart, ...] = ()
    kustomizations: tuple[Kustomization, ...] = ()
    # Set when the repository's infrastructure is itself the product (a reusable Terraform module, an
    # Ansible role or collection for Galaxy): no application of its own to containerise or roll out.
    distributable: Fact | None = None

    def paths_by_kind(self) -> dict[str, list[str]]:
        """The `iac` inventory: kind → sorted paths, for the kinds present."""
        found: dict[str, set[str]] = defaultdict(set)
        for item in self.files:
            found[item.kind].add(item.path)
        return {kind: sorted(paths) for kind, paths in sorted(found.items())}

    def declarative(self) -> tuple[IacFile, ...]:
        return tuple(item for item in self.files if item.kind in DECLARATIVE_KINDS)

    def signals_for(self, practice: str) -> tuple[Signal, ...]:
        return tuple(signal for signal in self.signals if signal.practice == practice)


def iac_facts(client: RepoClient, context: ScanContext) -> IacFacts:
    """Every infrastructure fact of the repository, computed once per scan."""
    return context.shared("iac-facts", lambda: _collect(client, context))


def _collect(client: RepoClient, context: ScanContext) -> IacFacts:
    readers: list[tuple[str, Callable[[], Reading]]] = [
        ("Terraform", lambda: read_terraform_tree(client)),
        ("Helm", lambda: read_helm(client, context)),
        ("Kustomize", lambda: read_kustomize(client, context)),
        ("Kubernetes", lambda: read_manifests(client, context)),
        ("AWS", lambda: read_aws(client, context)),
        ("Pulumi/Azure/Packer/Nomad", lambda: read_cloud(client, context)),
        ("configuration management", lambda: read_config_management(client, context)),
        ("policy", lambda: read_policies(client)),
    ]
    total = Reading()
    for name, read in readers:
        total += _isolated(name, read)
    kinds = {item.kind for item in total.files}
    total += _isolated("infrastructure tests", lambda: read_infra_tests(client, "cdk" in kinds, "pulumi" in kinds))
    charts = _isolated_value(lambda: chart_folders(client, context), ())
    found = _isolated_value(lambda: kustomizations(client, context), ())
    return IacFacts(**{name: tuple(sorted(set(getattr(total, name)), key=_order)) for name in _FIELDS},
                    charts=charts, kustomizations=found, distributable=_distributable(client, total))


_FIELDS = ("files", "dependencies", "environments", "workloads", "signals", "backends", "problems")


def _distributable(client: RepoClient, total: Reading) -> Fact | None:
    declared = sorted((f for f in total.files if f.kind in DECLARATIVE_KINDS), key=lambda f: f.path)
    if declared and {f.kind for f in declared} == {"terraform"} and not total.backends:
        return Fact("package", "reusable Terraform module(s), no root module: infrastructure for others to call",
                    Location(declared[0].path, declared[0].line))
    for path, marker, what in (("meta/main.yml", "galaxy_info", "an Ansible role for Ansible Galaxy"),
                               ("galaxy.yml", "namespace:", "an Ansible collection for Ansible Galaxy")):
        if path in client.files:
            try:
                if marker in client.read_text(path).text:
                    return Fact("package", f"{path}: {what}", Location(path))
            except UnreadableFile:
                continue
    return None


def _order(item: object) -> tuple:
    location = getattr(item, "location", None)
    path = getattr(item, "path", None) or (location.path if location else "")
    line = getattr(item, "line", None) if hasattr(item, "line") else (location.line if location else None)
    return (path, line or 0, repr(item))


def _isolated(name: str, read: Callable[[], Reading]) -> Reading:
    """One reader's bug costs its own evidence only, and is reported."""
    try:
        return read()
    except Exception as error:  # noqa: BLE001 - isolation is the point
        return Reading(problems=(Fact("iac-reader-failed", f"the {name} reader failed: {type(error).__name__}: "
                                                           f"{error}"),))


def _isolated_value(compute: Callable[[], tuple], default: tuple) -> tuple:
    try:
        return compute()
    except Exception:  # noqa: BLE001 - already reported by the reader that uses the same computation
        return default


class InfrastructureAsCodeDetector(Detector):
    id = "infrastructure-as-code"
    title = "Infrastructure as code: kinds, state, pins and tests"
    practices = ("infra.as-code", "infra.remote-state", "infra.pinned-modules", "infra.tested")
    description = (
        "Recognises infrastructure as code by content: Terraform/OpenTofu and Terragrunt (HCL parsed), "
        "CloudFormation and SAM (`AWSTemplateFormatVersion` or `AWS::` resource types, any file name), CDK "
        "(`cdk.json` with `app`), Pulumi, Bicep, ARM (`$schema` deploymentTemplate), Ansible (playbooks as "
        "lists of plays, roles), Salt, Chef, Puppet, Kubernetes manifests (real API groups and kinds with "
        "`metadata.name`; files of a Helm chart are Helm's, files a kustomization renders are Kustomize's), "
        "Helm charts and helmfiles, Kustomize, Packer, Serverless, Skaffold, Crossplane, Nomad, Argo CD and "
        "Flux, and policy-as-code files. Files under examples/docs/samples, vendored and test-data folders "
        "are not the project's infrastructure.\n\n"
        "`infra.remote-state`: every Terraform root module (a folder with a backend, a lock file, provider "
        "configuration or a Terragrunt unit) keeps its state in a remote, locking backend; a Pulumi.yaml "
        "without `backend.url` leaves it to `pulumi login` (unknown). `infra.pinned-modules`: registry "
        "modules have `version`, git sources a tag or commit `?ref=`, providers a constraint or a "
        "committed `.terraform.lock.hcl`, chart dependencies, Galaxy roles and collections, Berksfile and "
        "Puppetfile entries and remote Kustomize bases a version. `infra.tested`: Terratest, Molecule, "
        "Test Kitchen, `terraform test`, helm-unittest or Helm test hooks, InSpec, Goss, chart-testing, CDK "
        "assertions, Pulumi mocks.\n\n"
        "A repository that publishes a package and defines nothing that runs on servers (no container, "
        "platform manifest or infrastructure) is a library: `infra.as-code` is not applicable there."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = iac_facts(client, context)
        found: list[Fact] = [item.fact() for item in facts.files]
        found += [backend.fact() for backend in facts.backends]
        found += [dependency.fact() for dependency in facts.dependencies]
        found += [signal.fact("lock-file") for signal in facts.signals_for("infra.pinned-modules")]
        found += [signal.fact("infra-test") for signal in facts.signals_for("infra.tested")]
        found += list(facts.problems)
        scope = deliverable(client, context)
        found += [fact for fact in (scope.package, scope.runtime) if fact is not None]
        return Evidence(self.id, tuple(found), {"iac": facts.paths_by_kind()},
                        tuple(f"{p.location}: {p.detail}" if p.location else p.detail for p in facts.problems))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_as_code(evidence), remote_state_finding(evidence), pinned_finding(evidence), _tested(evidence)]


def _declared(evidence: Evidence) -> list[Fact]:
    return [fact for fact in evidence.of_kind("iac-file") if fact.data["kind"] in DECLARATIVE_KINDS]


def _first_per_kind(files: list[Fact]) -> tuple[Fact, ...]:
    seen: dict[str, Fact] = {}
    for fact in files:
        seen.setdefault(fact.data["kind"], fact)
    return tuple(sorted(seen.values(), key=lambda f: f.data["kind"]))[:_EVIDENCE_LIMIT]


def _summary(files: list[Fact]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for fact in files:
        counts[fact.data["kind"]] += 1
    return ", ".join(f"{KIND_NAMES[kind]} ({count} file(s))" for kind, count in sorted(counts.items()))


def _as_code(evidence: Evidence) -> Finding:
    declared = _declared(evidence)
    if declared:
        return Finding("infra.as-code", Outcome.PASS, f"declared as code: {_summary(declared)}",
                       _first_per_kind(declared))
    package, runtime = evidence.of_kind("package"), evidence.of_kind("runtime-file")
    unreadable = evidence.of_kind("iac-unreadable")
    if package and not runtime and not unreadable:
        return Finding("infra.as-code", Outcome.NOT_APPLICABLE,
                       "a library or tool package with nothing that runs on servers: no infrastructure to declare",
                       package)
    reason = "no declarative infrastructure (Terraform, CloudFormation, Pulumi, Kubernetes, Helm...) and no " \
             "configuration management (Ansible, Salt, Chef, Puppet)"
    if unreadable:
        reason += f"; {len(unreadable)} file(s) look like infrastructure but could not be read"
    return Finding("infra.as-code", Outcome.FAIL, reason, unreadable[:_EVIDENCE_LIMIT] + runtime)


def _tested(evidence: Evidence) -> Finding:
    declared = _declared(evidence)
    tests = evidence.of_kind("infra-test")
    if not declared:
        return Finding("infra.tested", Outcome.NOT_APPLICABLE, "no infrastructure code to test")
    if tests:
        kinds = sorted({fact.detail for fact in tests})
        return Finding("infra.tested", Outcome.PASS, f"infrastructure tests: {', '.join(kinds)}",
                       tests[:_EVIDENCE_LIMIT])
    return Finding("infra.tested", Outcome.FAIL,
                   f"no infrastructure tests (Terratest, Molecule, Test Kitchen, `terraform test`, helm-unittest...) "
                   f"for {_summary(declared)}", _first_per_kind(declared))
