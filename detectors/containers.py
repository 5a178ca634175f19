"""Containers: does the application run in containers (`env.containerised`), and do its containers and
workloads declare health checks (`obs.health-checks`, the container side)?

Facts come from `containers_facts.container_facts` (Dockerfiles, Compose, dev containers) and from
`iac.iac_facts` (Kubernetes workloads, Helm charts, ECS and Nomad), both computed once per scan.
"""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.containers_facts import ContainerFacts, container_facts
from devops_scan_detectors.containers_dockerfile import Dockerfile
from devops_scan_detectors.iac import IacFacts, iac_facts
from devops_scan_detectors.iac_scope import deliverable

__all__ = ["ContainersDetector", "container_facts"]
_LIMIT = 12
# Kinds that deploy containers whatever they contain (raw manifests count through their workloads).
_RUNNER_KINDS = {"skaffold": "Skaffold", "argocd": "Argo CD", "flux": "Flux"}


class ContainersDetector(Detector):
    id = "containers"
    title = "Containers: images, where they run, health checks"
    practices = ("env.containerised", "obs.health-checks")
    description = (
        "Dockerfiles are `Dockerfile`, `Containerfile`, `Dockerfile.<variant>`, `Dockerfile-<variant>` and "
        "`<name>.Dockerfile` with a FROM instruction; templates (`.j2`, `.tmpl`, `.in`, `.template`...) and "
        "files full of template tags are named but not counted. Each is parsed (dockerfile-parse, from text) "
        "for its stages, base-image pinning (digest, tag, `latest`), final user and HEALTHCHECK. Compose "
        "files are recognised by content (a top-level `services:` mapping of Compose services), never by "
        "name; dev containers by `devcontainer.json`.\n\n"
        "`env.containerised` passes when a Dockerfile is run by something in the repository (a Compose "
        "service that builds it, a dev container, Kubernetes/Helm/Kustomize/Skaffold, ECS, Nomad, Fly.io, "
        "Heroku, Render), or when orchestrator definitions run published images. `obs.health-checks` "
        "passes on a Dockerfile HEALTHCHECK, a Compose healthcheck on a service built here, Kubernetes "
        "readiness/liveness/startup probes (in manifests or Helm templates), ECS or load-balancer health "
        "checks, or Nomad checks; it is not applicable when nothing here runs containers.\n\n"
        "A library (a published package with nothing that runs on servers, or a reusable Terraform module or "
        "Ansible role) is not applicable for both when its containers only serve development and tests."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        containers = container_facts(client, context)
        infrastructure = iac_facts(client, context)
        facts = _dockerfile_facts(containers) + _compose_facts(containers) + _runner_facts(containers, infrastructure)
        facts += _health_facts(containers, infrastructure)
        scope = deliverable(client, context)
        product = scope.package or infrastructure.distributable
        facts += [fact for fact in (product, scope.runtime) if fact is not None]
        inventory = {
            "dockerfiles": sorted(d.path for d in containers.dockerfiles),
            "compose_files": sorted(c.path for c in containers.compose_files),
        }
        return Evidence(self.id, tuple(facts), inventory)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_containerised(evidence), _health_checks(evidence)]


def _dockerfile_facts(containers: ContainerFacts) -> list[Fact]:
    facts = []
    for dockerfile in containers.dockerfiles:
        facts.append(Fact("dockerfile", _describe(dockerfile), Location(dockerfile.path, dockerfile.stages[0].line),
                          {"multistage": dockerfile.multistage, "runs_as_root": dockerfile.runs_as_root,
                           "healthcheck": dockerfile.has_healthcheck}))
        facts.extend(Fact("base-image", stage.describe(), Location(dockerfile.path, stage.line), {"pin": stage.pin})
                     for stage in dockerfile.stages)
    facts.extend(Fact("not-a-dockerfile", f"not counted: {item.problem}", Location(item.path))
                 for item in containers.not_dockerfiles)
    facts.extend(Fact("dockerignore", ".dockerignore", Location(path)) for path in containers.dockerignores)
    return facts


def _describe(dockerfile: Dockerfile) -> str:
    stages = f"{len(dockerfile.stages)} stages" if dockerfile.multistage else "single stage"
    if dockerfile.runs_as_root is None:
        user = f"final user `{dockerfile.user}` set by a build variable"
    elif dockerfile.runs_as_root:
        user = f"runs as root (USER {dockerfile.user})" if dockerfile.user else "runs as root (no USER)"
    else:
        user = f"runs as `{dockerfile.user}`" if dockerfile.user else "runs as the base image's non-root user"
    health = "HEALTHCHECK" if dockerfile.has_healthcheck else (
        "HEALTHCHECK NONE" if dockerfile.healthcheck_disabled else "no HEALTHCHECK")
    return f"Dockerfile: {stages}, {user}, {health}"


def _compose_facts(containers: ContainerFacts) -> list[Fact]:
    facts = []
    for compose in containers.compose_files:
        built = [s.name for s in compose.builds_here]
        what = f"builds and runs {', '.join(built)}" if built else "runs published images only"
        facts.append(Fact("compose-file", f"Compose file with {len(compose.services)} service(s): {what}",
                          Location(compose.path, compose.line), {"builds": bool(built)}))
    facts.extend(Fact("compose-lookalike", f"named like a Compose file but not one: {why}", Location(path))
                 for path, why in containers.compose_lookalikes)
    return facts


def _runner_facts(containers: ContainerFacts, infrastructure: IacFacts) -> list[Fact]:
    facts = [Fact("container-runner", f"Compose builds and runs {', '.join(s.name for s in c.builds_here)}",
                  Location(c.path, c.builds_here[0].line), {"where": "development"})
             for c in containers.compose_files if c.builds_here]
    for compose in containers.compose_files:
        stack = [s for s in compose.services if s.swarm]
        if stack:
            facts.append(Fact("container-runner", f"Swarm stack runs {', '.join(s.name for s in stack)}",
                              Location(compose.path, stack[0].line), {"where": "production"}))
    for devcontainer in containers.devcontainers:
        if devcontainer.runs:
            facts.append(Fact("container-runner", f"dev container: {devcontainer.runs}", Location(devcontainer.path),
                              {"where": "development"}))
        else:
            facts.append(Fact("devcontainer-problem", f"dev container ignored: {devcontainer.problem}",
                              Location(devcontainer.path)))
    if infrastructure.workloads:
        workload, more = infrastructure.workloads[0], len(infrastructure.workloads) - 1
        source = "Helm template" if workload.source == "helm-template" else "manifest"
        detail = f"Kubernetes {workload.kind} {workload.name} ({source}) runs containers"
        detail += f", and {more} more workload(s)" if more else ""
        facts.append(Fact("container-runner", detail, workload.location, {"where": "production"}))
    seen: set[str] = set()
    for item in infrastructure.files:
        if item.kind in _RUNNER_KINDS and item.kind not in seen:
            seen.add(item.kind)
            facts.append(Fact("container-runner", f"{_RUNNER_KINDS[item.kind]} deploys containers ({item.detail})",
                              Location(item.path, item.line), {"where": "production"}))
    facts.extend(Fact("container-runner", signal.detail, signal.location, {"where": "production"})
                 for signal in infrastructure.signals_for("env.containerised"))
    facts.extend(f for f in containers.platforms if f.kind == "container-runner")
    return facts


def _health_facts(containers: ContainerFacts, infrastructure: IacFacts) -> list[Fact]:
    facts = []
    for dockerfile in containers.dockerfiles:
        if dockerfile.healthcheck_line is not None:
            kind = "healthcheck" if dockerfile.has_healthcheck else "healthcheck-disabled"
            word = "HEALTHCHECK" if dockerfile.has_healthcheck else "HEALTHCHECK NONE disables the image's check"
            facts.append(Fact(kind, f"Dockerfile {word}", Location(dockerfile.path, dockerfile.healthcheck_line)))
    for compose in containers.compose_files:
        for service in compose.builds_here:
            if service.has_healthcheck:
                facts.append(Fact("healthcheck", f"Compose healthcheck for {service.name}",
                                  Location(compose.path, service.healthcheck_line)))
    for workload in infrastructure.workloads:
        probes = [name for name, present in (("readiness", workload.readiness_probe),
                                             ("liveness", workload.liveness_probe)) if present]
        kind = "healthcheck" if probes else "workload-without-probes"
        detail = f"{workload.kind} {workload.name}: " + (f"{' and '.join(probes)} probe" if probes else "no probes")
        facts.append(Fact(kind, detail, workload.location))
    facts.extend(signal.fact("healthcheck") for signal in infrastructure.signals_for("obs.health-checks"))
    facts.extend(f for f in containers.platforms if f.kind == "healthcheck")
    return facts


def _containerised(evidence: Evidence) -> Finding:
    practice = "env.containerised"
    dockerfiles = evidence.of_kind("dockerfile")
    runners = evidence.of_kind("container-runner")
    production = [f for f in runners if f.data.get("where") == "production"]
    if dockerfiles and runners:
        places = sorted({f.data.get("where", "production") for f in runners})
        return Finding(practice, Outcome.PASS,
                       f"{len(dockerfiles)} Dockerfile(s), run in {' and '.join(places)} by what the repository "
                       f"defines", (dockerfiles + runners)[:_LIMIT])
    if production:
        return Finding(practice, Outcome.PASS, "orchestrator definitions run container images (built elsewhere)",
                       production[:_LIMIT])
    if dockerfiles:
        return Finding(practice, Outcome.FAIL,
                       "Dockerfile(s) but nothing in the repository runs them (no Compose service that builds "
                       "them, dev container, Kubernetes/Helm, ECS or Nomad definition)", dockerfiles[:_LIMIT],
                       remediation="Run the image you build: a `compose.yaml` service with `build: .` for "
                                   "development, and Kubernetes manifests, a Helm chart or an ECS task definition "
                                   "for production.")
    package, runtime = evidence.of_kind("package"), evidence.of_kind("runtime-file")
    if package and not runtime and not production:  # dev containers of a library run no application
        return Finding(practice, Outcome.NOT_APPLICABLE,
                       f"nothing of its own runs on servers: {package[0].detail}", package)
    others = evidence.of_kind("compose-file") + runners + evidence.of_kind("not-a-dockerfile") \
        + evidence.of_kind("compose-lookalike")
    reason = "no Dockerfile or Containerfile builds the application's image"
    if others:
        reason += " (only published images, dev containers or templates)"
    return Finding(practice, Outcome.FAIL, reason, others[:_LIMIT])


def _health_checks(evidence: Evidence) -> Finding:
    practice = "obs.health-checks"
    checks = evidence.of_kind("healthcheck")
    if checks:
        return Finding(practice, Outcome.PASS, f"{len(checks)} health check(s) declared", checks[:_LIMIT])
    without = list(evidence.of_kind("workload-without-probes") + evidence.of_kind("healthcheck-disabled"))
    dockerfiles = list(evidence.of_kind("dockerfile"))
    builds = [f for f in evidence.of_kind("compose-file") if f.data.get("builds")]
    production = [f for f in evidence.of_kind("container-runner") if f.data.get("where") == "production"]
    if not (without or dockerfiles or builds):
        return Finding(practice, Outcome.NOT_APPLICABLE,
                       "no container or orchestrator definitions here: health endpoints are for the application's "
                       "code to show")
    if evidence.of_kind("package") and not evidence.of_kind("runtime-file") and not production:
        return Finding(practice, Outcome.NOT_APPLICABLE,
                       "a library: its containers are for development and tests, no service of its own to check",
                       evidence.of_kind("package"))
    return Finding(practice, Outcome.FAIL,
                   "containers and workloads are defined but none declares a health check (no HEALTHCHECK, "
                   "Compose healthcheck or Kubernetes probe)", (without + dockerfiles + builds)[:_LIMIT])
