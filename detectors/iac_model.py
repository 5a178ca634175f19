"""Value types of the infrastructure facts, shared by the IaC readers and the detectors that judge them.

Readers (`iac_terraform.py`, `iac_kubernetes.py`, ...) only describe what the files say; the
detectors (`iac.py`, `iac_environments.py`, `iac_rollout.py`, `containers.py`) judge. Everything is
frozen so one detector cannot change what another sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from devops_scan.model import Fact, Location
# The IaC readers import `line_of` from here: one line finder for every reader.
from devops_scan_detectors.common import line_matching as line_of  # noqa: F401

# The kinds of the `iac` inventory key, in the order the issue lists them.
KINDS: tuple[str, ...] = (
    "terraform", "cloudformation", "sam", "cdk", "pulumi", "bicep", "arm", "ansible", "salt", "chef",
    "puppet", "kubernetes", "helm", "kustomize", "packer", "serverless", "skaffold", "crossplane", "nomad",
    "argocd", "flux", "policy-as-code",
)
# Kinds that describe infrastructure or configuration (policy files only check it).
DECLARATIVE_KINDS = frozenset(KINDS) - {"policy-as-code"}

KIND_NAMES: dict[str, str] = {
    "terraform": "Terraform/OpenTofu", "cloudformation": "CloudFormation", "sam": "AWS SAM", "cdk": "AWS CDK",
    "pulumi": "Pulumi", "bicep": "Bicep", "arm": "ARM templates", "ansible": "Ansible", "salt": "Salt",
    "chef": "Chef", "puppet": "Puppet", "kubernetes": "Kubernetes manifests", "helm": "Helm",
    "kustomize": "Kustomize", "packer": "Packer", "serverless": "Serverless Framework", "skaffold": "Skaffold",
    "crossplane": "Crossplane", "nomad": "Nomad", "argocd": "Argo CD", "flux": "Flux",
    "policy-as-code": "policy as code",
}


@dataclass(frozen=True)
class IacFile:
    """One file that defines infrastructure of one kind."""

    kind: str
    path: str
    line: int | None
    detail: str

    def fact(self) -> Fact:
        return Fact("iac-file", f"{KIND_NAMES[self.kind]}: {self.detail}", Location(self.path, self.line),
                    {"kind": self.kind})


@dataclass(frozen=True)
class Dependency:
    """An external module, provider, chart, role or base the infrastructure pulls in, and whether it is pinned."""

    ecosystem: str          # terraform-module, terraform-provider, helm-chart, ansible-role, kustomize-remote...
    name: str
    reference: str          # the version, ref or constraint as written ("" when none)
    pinned: bool
    why: str                # words for the evidence: "version 5.1.0", "no ?ref=: follows the default branch"
    location: Location

    def fact(self) -> Fact:
        kind = "pinned-dependency" if self.pinned else "unpinned-dependency"
        return Fact(kind, f"{self.ecosystem} {self.name}: {self.why}", self.location,
                    {"ecosystem": self.ecosystem, "name": self.name, "reference": self.reference})


@dataclass(frozen=True)
class Environment:
    """A deployment environment as the infrastructure defines it.

    `shared_definition` names what it is built from (a Kustomize base, a Helm chart, a Terraform
    module); None when the environment is a tree of its own (copied manifests, a root module that
    declares its resources itself).
    """

    name: str
    how: str                # kustomize-overlay, helm-values, tfvars, terraform-root, pulumi-stack, ...
    location: Location
    shared_definition: str | None

    def fact(self) -> Fact:
        built = (f"built from {self.shared_definition}" if self.shared_definition
                 else "defined on its own")
        return Fact("environment", f"{self.name} ({self.how}), {built}", self.location,
                    {"environment": self.name, "how": self.how, "shared": self.shared_definition})


@dataclass(frozen=True)
class Workload:
    """A long-running workload an orchestrator rolls out (Deployment, StatefulSet, Rollout, ...)."""

    kind: str
    name: str
    location: Location
    # The update strategy as written (RollingUpdate, Recreate, canary, blueGreen, OnDelete); None = default.
    strategy: str | None = None
    readiness_probe: bool = False
    liveness_probe: bool = False
    # "manifest" (parsed YAML) or "helm-template" (read as text: templates are not YAML).
    source: str = "manifest"


@dataclass(frozen=True)
class Signal:
    """A piece of evidence for one practice, with what it proves (rollout strategy, test, config split...)."""

    practice: str
    proves: bool
    detail: str
    location: Location
    data: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def fact(self, kind: str | None = None) -> Fact:
        return Fact(kind or ("signal" if self.proves else "counter-signal"), self.detail, self.location,
                    {**self.data, "practice": self.practice})


# --- environment names -----------------------------------------------------------------------------

ENVIRONMENT_WORDS: dict[str, str] = {
    "dev": "development", "develop": "development", "development": "development",
    "test": "test", "testing": "test", "qa": "qa", "uat": "uat", "sit": "test", "int": "integration",
    "integration": "integration", "stage": "staging", "staging": "staging", "stg": "staging",
    "preprod": "pre-production", "pre-prod": "pre-production", "pre-production": "pre-production",
    "preproduction": "pre-production", "perf": "performance", "load": "performance", "sandbox": "sandbox",
    "demo": "demo", "preview": "preview", "canary": "canary",
    "prod": "production", "prd": "production", "production": "production", "live": "production",
}
_TOKENS = re.compile(r"[A-Za-z]+")


def environment_name(text: str) -> str | None:
    """The environment a file or folder name stands for (`values-prod.yaml` → production), or None.

    The whole name, or its first or last word, must be an environment word: `prod-eu-west-1` is
    production, `productivity` is not an environment at all, and `test`, `load`, `demo` count only as
    a whole name (`values-test.yaml` is usually test input for a chart, not an environment).
    """
    lowered = text.lower()
    for suffix in (".yaml", ".yml", ".json", ".tfvars", ".auto", ".hcl", ".bicepparam", ".parameters", ".values"):
        lowered = lowered.removesuffix(suffix)
    if lowered in ENVIRONMENT_WORDS:
        return ENVIRONMENT_WORDS[lowered]
    for joined in ("pre-prod", "pre-production"):
        if lowered.startswith(joined):
            return "pre-production"
    words = _TOKENS.findall(lowered)
    if not words:
        return None
    for word in (words[0], words[-1]):
        if word in ENVIRONMENT_WORDS and word not in ("test", "load", "int", "canary", "demo"):
            return ENVIRONMENT_WORDS[word]
    return None


@dataclass(frozen=True)
class StateBackend:
    """Where one Terraform root or Pulumi project keeps its state."""

    tool: str               # terraform, pulumi
    directory: str
    backend: str            # s3, gcs, cloud, remote, local, none, file, pulumi-cloud...
    remote: bool | None     # None when the repository does not say (chosen at `pulumi login`)
    locked: bool | None     # None when locking is configured outside the repository
    detail: str
    location: Location

    def fact(self) -> Fact:
        return Fact("state-backend", self.detail, self.location,
                    {"tool": self.tool, "backend": self.backend, "directory": self.directory,
                     "remote": self.remote, "locked": self.locked})


@dataclass(frozen=True)
class Reading:
    """What one reader (Terraform, Kubernetes, Ansible...) found in the repository."""

    files: tuple[IacFile, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    environments: tuple[Environment, ...] = ()
    workloads: tuple[Workload, ...] = ()
    signals: tuple[Signal, ...] = ()
    backends: tuple[StateBackend, ...] = ()
    # Files that look like infrastructure but could not be read (invalid YAML, HCL syntax errors).
    problems: tuple[Fact, ...] = ()

    def __add__(self, other: "Reading") -> "Reading":
        return Reading(*(getattr(self, name) + getattr(other, name) for name in _READING_FIELDS))


_READING_FIELDS = ("files", "dependencies", "environments", "workloads", "signals", "backends", "problems")




def config_signal(mechanism: str, detail: str, location: Location) -> Signal:
    """Evidence that configuration is kept apart from the definitions, by `mechanism` (e.g. "Helm values")."""
    return Signal("deploy.config-separated", True, detail, location, {"mechanism": mechanism})
