"""Infrastructure code checked in CI, and deployment defined as code."""

from __future__ import annotations

from typing import Iterable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors import activity as a
from devops_scan_detectors.ci_base import EVIDENCE_LIMIT, CIDetector, decide, of_kinds
from devops_scan_detectors.ci_views import JobView
from devops_scan_detectors.common import not_the_projects_own

# IaC kinds that describe how the application is deployed (not just the infrastructure under it).
DEPLOY_KINDS = ("kubernetes", "helm", "kustomize", "serverless", "argocd", "flux", "nomad", "skaffold")
# Deployment tools' files that say how and where the application is deployed.
DEPLOY_FILES = {"fabfile.py": "Fabric tasks", "Capfile": "Capistrano", "netlify.toml": "Netlify",
                "vercel.json": "Vercel", "render.yaml": "Render blueprint", "appspec.yml": "AWS CodeDeploy appspec",
                "app.json": "Heroku app manifest", "Procfile": "Procfile", "fly.toml": "Fly.io app",
                "app.yaml": "App Engine app", ".platform.app.yaml": "Platform.sh app"}


class CIInfrastructureDetector(CIDetector):
    id = "ci-infrastructure"
    title = "Infrastructure checks in CI and deployment as code"
    practices = ("infra.validated-in-ci", "infra.policy-as-code", "deploy.as-code")
    description = (
        "`infra.validated-in-ci`: when the repository holds infrastructure code, a CI job formats, "
        "validates, plans or lints it (terraform fmt/validate/plan, tflint, cfn-lint, ansible-lint, "
        "helm lint, kubeconform...). `infra.policy-as-code`: a CI job checks it against policies "
        "(Conftest/OPA, Checkov, tfsec, Trivy config, KICS, Kyverno); policy files that nothing runs "
        "do not count. Both are not applicable without infrastructure code. `deploy.as-code`: a CI "
        "job deploys, or the repository defines its deployment (Kubernetes manifests, Helm, Kustomize, "
        "Serverless, Argo CD or Flux apps, Nomad, Skaffold, Ansible, Fabric, Capistrano, Procfile, "
        "fly.toml, app.yaml, Netlify, Vercel, Render, CodeDeploy); not applicable for a library or tool "
        "that runs nowhere as a service."
    )

    def extra_facts(self, client: RepoClient, context: ScanContext, views: tuple[JobView, ...]) -> Iterable[Fact]:
        from devops_scan_detectors.iac import iac_facts
        from devops_scan_detectors.service_kind import service_kind

        facts = iac_facts(client, context)
        for item in facts.declarative():
            yield Fact("iac-file", f"{item.kind}: {item.detail}", Location(item.path, item.line), {"kind": item.kind})
        for path in facts.paths_by_kind().get("policy-as-code", []):
            yield Fact("policy-file", "policy as code", Location(path), {})
        for name, what in DEPLOY_FILES.items():
            for path in client.files.named(name):
                if not not_the_projects_own(path):
                    yield Fact("deploy-file", what, Location(path), {})
        kind = service_kind(client, context)
        yield Fact("service-kind", kind.reason, None, {"verdict": kind.verdict})

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        iac = evidence.of_kind("iac-file")
        if not iac:
            none = "no infrastructure code in the repository"
            return [Finding("infra.validated-in-ci", Outcome.NOT_APPLICABLE, none),
                    Finding("infra.policy-as-code", Outcome.NOT_APPLICABLE, none), _as_code(evidence)]
        return [decide(evidence, "infra.validated-in-ci", (a.IAC_VALIDATE,), "validates or lints the infrastructure code"),
                _policy(evidence), _as_code(evidence)]


def _policy(evidence: Evidence) -> Finding:
    finding = decide(evidence, "infra.policy-as-code", (a.POLICY_CHECK,), "checks infrastructure against policies")
    policies = evidence.of_kind("policy-file")
    if finding.outcome is Outcome.FAIL and policies:
        return Finding("infra.policy-as-code", Outcome.FAIL,
                       f"{len(policies)} policy file(s), but no CI job runs a policy check", policies[:EVIDENCE_LIMIT])
    return finding


def _as_code(evidence: Evidence) -> Finding:
    deploys = of_kinds(evidence, (a.DEPLOY,))
    definitions = [fact for fact in evidence.of_kind("iac-file") if fact.data.get("kind") in DEPLOY_KINDS + ("ansible",)]
    files = list(evidence.of_kind("deploy-file"))
    found = deploys + definitions + files
    if found:
        parts = []
        if deploys:
            parts.append(f"CI deploys ({', '.join(sorted({f.data.get('tool', '?') for f in deploys}))})")
        if definitions or files:
            kinds = sorted({f.data["kind"] for f in definitions} | {f.detail for f in files})
            parts.append(f"deployment defined in the repository ({', '.join(kinds)})")
        return Finding("deploy.as-code", Outcome.PASS, "; ".join(parts), tuple(found[:EVIDENCE_LIMIT]))
    kind = evidence.of_kind("service-kind")
    if kind and kind[0].data["verdict"] == "not a service":
        return Finding("deploy.as-code", Outcome.NOT_APPLICABLE, f"nothing to deploy: {kind[0].detail}")
    return Finding("deploy.as-code", Outcome.FAIL,
                   "no deploy job in CI and no deployment definition in the repository",
                   remediation="Describe the deployment in the repository (Helm chart, Kubernetes manifests, "
                               "Kustomize, Serverless, an Ansible playbook...) and run it from a CI job; if the "
                               "project deploys nothing, declare it not applicable in .devops-scan.yml.")
