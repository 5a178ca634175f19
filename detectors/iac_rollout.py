"""Rollouts users do not notice (`deploy.zero-downtime`), from the orchestrator definitions.

Kubernetes: a Deployment rolls out pod by pod (RollingUpdate, the default) and a readiness probe
keeps traffic away from pods that are not ready yet; `Recreate` stops every pod first. Argo
Rollouts canary/blue-green and Flagger canaries gate on analysis. ECS services roll or go blue/
green through CodeDeploy; SAM functions shift traffic gradually; Nomad `update` stanzas roll;
Swarm `update_config: order: start-first` starts the new task before stopping the old one.
"""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.containers_facts import container_facts
from devops_scan_detectors.iac import iac_facts
from devops_scan_detectors.iac_model import Workload
from devops_scan_detectors.iac_scope import deliverable

_LIMIT = 12


class ZeroDowntimeDetector(Detector):
    id = "zero-downtime-rollout"
    title = "Rolling, blue-green or canary rollouts"
    practices = ("deploy.zero-downtime",)
    description = (
        "Reads the rollout each orchestrator definition asks for. Passes on a Kubernetes Deployment, "
        "StatefulSet or DaemonSet that rolls (explicit `RollingUpdate`, or the default together with a "
        "readinessProbe; in manifests or Helm templates), an Argo Rollouts canary or blue-green, a Flagger "
        "Canary, an ECS service with a deployment configuration or CodeDeploy controller, a CodeDeploy "
        "blue/green group, a SAM DeploymentPreference, an Auto Scaling rolling update policy, a Nomad "
        "`update` stanza, or a Swarm `start-first` update. Fails when the workloads use `Recreate`/`OnDelete` "
        "or roll without readiness probes. Unknown when containers are built but what rolls them out is not "
        "in the repository; not applicable when nothing here is deployed."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = iac_facts(client, context)
        containers = container_facts(client, context)
        found = [_judge(workload) for workload in facts.workloads]
        found += [signal.fact("rollout") for signal in facts.signals_for("deploy.zero-downtime")]
        for compose in containers.compose_files:
            for service in compose.services:
                if service.update_order == "start-first":
                    found.append(Fact("rollout", f"Swarm update of {service.name} starts the new task first",
                                      Location(compose.path, service.line)))
        found += [f for f in containers.platforms if f.kind in ("rollout", "interrupting-rollout")]
        found += [Fact("image", "Dockerfile", Location(d.path)) for d in containers.dockerfiles[:3]]
        scope = deliverable(client, context)
        if scope.library_only:
            found.append(scope.package)
        return Evidence(self.id, tuple(found))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        practice = "deploy.zero-downtime"
        rollouts = evidence.of_kind("rollout")
        if rollouts:
            return [Finding(practice, Outcome.PASS, f"{len(rollouts)} rollout(s) without downtime: "
                            f"{rollouts[0].detail}", rollouts[:_LIMIT])]
        interrupting = evidence.of_kind("interrupting-rollout")
        if interrupting:
            return [Finding(practice, Outcome.FAIL, f"{len(interrupting)} workload(s) roll out with a gap: "
                            f"{interrupting[0].detail}", interrupting[:_LIMIT])]
        images = evidence.of_kind("image")
        if images and not evidence.of_kind("package"):
            return [Finding(practice, Outcome.UNKNOWN,
                            "container images are built here, but what rolls them out (and how) is configured "
                            "outside the repository", images)]
        return [Finding(practice, Outcome.NOT_APPLICABLE,
                        "nothing here is rolled out: no Kubernetes, ECS, Nomad, SAM or Swarm definitions")]


def _judge(workload: Workload) -> Fact:
    where = f"{workload.kind} {workload.name}" + (" (Helm template)" if workload.source == "helm-template" else "")
    strategy = workload.strategy
    if strategy in ("canary", "blueGreen"):
        return Fact("rollout", f"{where}: Argo Rollouts {strategy}", workload.location)
    if strategy in ("Recreate", "OnDelete"):
        words = "stops every pod before starting new ones" if strategy == "Recreate" \
            else "only replaces pods that someone deletes"
        return Fact("interrupting-rollout", f"{where}: `{strategy}` {words}", workload.location)
    if workload.readiness_probe:
        rolling = "RollingUpdate" if strategy == "RollingUpdate" else "rolling update (the default)"
        return Fact("rollout", f"{where}: {rolling} gated by a readinessProbe", workload.location)
    if strategy == "RollingUpdate":
        return Fact("rollout", f"{where}: explicit RollingUpdate (no readinessProbe: a pod gets traffic as soon "
                               f"as it starts)", workload.location)
    return Fact("interrupting-rollout", f"{where}: rolls by default but without a readinessProbe, so pods get "
                                        f"traffic before they are ready", workload.location)
