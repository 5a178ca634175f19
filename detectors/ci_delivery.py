"""Delivery practices decided by CI jobs: deploys and their environments, promotion, hand-offs."""

from __future__ import annotations

from typing import Iterable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Capability, Evidence, Fact, Finding, Outcome
from devops_scan_detectors import activity as a
from devops_scan_detectors.ci_base import EVIDENCE_LIMIT, CIDetector, decide, flag, missing, of_kinds, tools
from devops_scan_detectors.ci_views import JobView, is_pre_production, is_staging, job_context

# Systems whose platform records a deployment for every job that declares an environment.
TRACKING_SYSTEMS = {"github-actions": "GitHub", "gitlab-ci": "GitLab", "bitbucket-pipelines": "Bitbucket",
                    "azure-pipelines": "Azure DevOps"}
SHIPS = (a.DEPLOY, a.PUBLISH, a.PUSH_IMAGE)
BUILDS = (a.BUILD, a.BUILD_IMAGE)


class CIDeliveryDetector(CIDetector):
    id = "ci-delivery"
    title = "Deployments in CI"
    practices = ("deploy.to-staging", "deploy.push-button", "deploy.continuous", "env.promotion",
                 "report.deployments-tracked", "build.artifact-once", "env.staging")
    description = (
        "Finds the CI jobs that deploy (kubectl, helm, terraform apply, cloud CLIs, deploy actions...) "
        "or publish (package registries, image pushes), their environments and what starts them. "
        "An environment named prod/production/live is production; staging, QA, UAT, preview, review, "
        "dev... are pre-production; a deploy with no environment name counts as production unless its "
        "job name says otherwise. Promotion is a deploy to one environment that waits (needs, or a "
        "later stage) for a deploy to another. `report.deployments-tracked` passes when deploy jobs "
        "declare environments on a platform that records deployments (GitHub, GitLab, Bitbucket, "
        "Azure DevOps); otherwise it stays unknown, as only the platform can tell."
    )

    def extra_facts(self, client: RepoClient, context: ScanContext, views: tuple[JobView, ...]) -> Iterable[Fact]:
        from devops_scan_detectors.service_kind import service_kind

        branch = client.info.default_branch
        yield from _promotions(views, branch)
        yield from _handoffs(views, branch)
        kind = service_kind(client, context)
        yield Fact("service-kind", kind.reason, None, {"verdict": kind.verdict})
        yield from _defined_environments(client, context)

    def inventory(self, facts: tuple[Fact, ...]) -> dict:
        evidence = Evidence(self.id, facts)
        ships = of_kinds(evidence, SHIPS)
        environments = {f.data.get("environment", "") for f in evidence.of_kind("ci-job")}
        return {
            "deploy_targets": sorted({f.data.get("tool", "") for f in ships} - {""}),
            # Names decided at run time (`${{ inputs.environment }}`) are not names.
            "environments": sorted(name for name in environments if name and "${" not in name and "$(" not in name),
        }

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_unless_nothing_runs(evidence, finding) for finding in self._decide(evidence)]

    def _decide(self, evidence: Evidence) -> list[Finding]:
        return [
            decide(evidence, "deploy.to-staging", (a.DEPLOY,), "deploys automatically to a pre-production environment",
                   keep=lambda f: _pre_production(f) and _automatic(f)),
            _push_button(evidence),
            decide(evidence, "deploy.continuous", SHIPS,
                   "deploys or publishes to production on every merge to the default branch or release tag",
                   keep=lambda f: _automatic(f, trunk_or_tag=True) and not _pre_production(f) and not _ephemeral(f)),
            _promotion(evidence),
            _tracked(evidence),
            _artifact_once(evidence),
            _staging(evidence),
        ]


# Practices about environments an application is deployed to: they do not apply to a library or a
# command-line tool that runs nowhere as a service (publishing it is `deploy.continuous`).
SERVICE_ONLY = ("deploy.to-staging", "env.promotion", "env.staging", "report.deployments-tracked")


def _unless_nothing_runs(evidence: Evidence, finding: Finding) -> Finding:
    kind = evidence.of_kind("service-kind")
    deploys = of_kinds(evidence, (a.DEPLOY,)) + of_kinds(evidence, (a.DEPLOY,), prefix="ci-off:")
    # A repository whose CI deploys somewhere runs somewhere, whatever its packaging suggests.
    if (finding.practice in SERVICE_ONLY and finding.outcome is not Outcome.PASS and kind and not deploys
            and kind[0].data["verdict"] == "not a service"):
        return Finding(finding.practice, Outcome.NOT_APPLICABLE, f"no environments to deploy to: {kind[0].detail}",
                       kind[0:1] if kind[0].location else ())
    return finding


def _target(fact: Fact) -> str:
    """The environment a fact is about: its declared one, or for a deploy/publish the job's name
    (`deploy-staging`). A test job's name (`test`) says nothing about an environment."""
    if fact.data.get("ephemeral") == "true":
        return ""  # a throw-away cluster the job made to run its tests in
    if fact.data.get("environment"):
        return fact.data["environment"]
    ships = {f"ci:{kind}" for kind in SHIPS} | {f"ci-off:{kind}" for kind in SHIPS}
    return fact.data.get("job", "") if fact.kind in ships else ""


def _ephemeral(fact: Fact) -> bool:
    return fact.data.get("ephemeral") == "true"


def _pre_production(fact: Fact) -> bool:
    return is_pre_production(_target(fact))


def _automatic(fact: Fact, trunk_or_tag: bool = False) -> bool:
    if flag(fact, "manual"):
        return False
    if trunk_or_tag:
        return flag(fact, "default_branch") or flag(fact, "tag")
    return any(flag(fact, name) for name in ("default_branch", "tag", "pull_request", "every_branch", "schedule",
                                             "chained"))


def _push_button(evidence: Evidence) -> Finding:
    ships = [fact for fact in of_kinds(evidence, SHIPS) if not _ephemeral(fact)]
    started = [fact for fact in ships if flag(fact, "manual") or flag(fact, "dispatchable")]
    if started:
        return Finding("deploy.push-button", Outcome.PASS,
                       f"a person can start a deploy with one action ({tools(started)})", tuple(started[:8]))
    approvable = [fact for fact in ships if fact.data.get("environment") and fact.data.get("system") in TRACKING_SYSTEMS]
    if approvable:
        return Finding("deploy.push-button", Outcome.UNKNOWN,
                       "deploy jobs target environments whose approval rules live on the platform "
                       "(scan with a token to read them)", tuple(approvable[:EVIDENCE_LIMIT]),
                       needs=Capability.PLATFORM_SETTINGS)
    if ships:
        return Finding("deploy.push-button", Outcome.FAIL,
                       "deploys run only automatically; no job a person can start or approve", tuple(ships[:3]))
    return missing(evidence, "deploy.push-button", SHIPS, "deploys")


def _promotion(evidence: Evidence) -> Finding:
    steps = evidence.of_kind("ci-promotion")
    if steps:
        return Finding("env.promotion", Outcome.PASS,
                       "deploys go through environments in order: " + "; ".join(f.detail for f in steps[:3]),
                       tuple(steps[:EVIDENCE_LIMIT]))
    deploys = of_kinds(evidence, (a.DEPLOY,))
    environments = sorted({_target(f) for f in deploys if f.data.get("environment")})
    if len(environments) > 1:
        return Finding("env.promotion", Outcome.FAIL,
                       f"deploys to {', '.join(environments)} run independently, not one after another",
                       tuple(deploys[:EVIDENCE_LIMIT]))
    return missing(evidence, "env.promotion", (a.DEPLOY,), "deploys through two environments in order")


def _tracked(evidence: Evidence) -> Finding:
    ships = [f for f in of_kinds(evidence, SHIPS) if f.data.get("environment")]
    tracked = [f for f in ships if f.data.get("system") in TRACKING_SYSTEMS]
    if tracked:
        platforms = sorted({TRACKING_SYSTEMS[f.data["system"]] for f in tracked})
        urls = sum(1 for f in tracked if f.data.get("environment_url"))
        return Finding("report.deployments-tracked", Outcome.PASS,
                       f"deploy jobs declare environments that {', '.join(platforms)} records "
                       f"({urls} with a URL)", tuple(tracked[:EVIDENCE_LIMIT]))
    return Finding("report.deployments-tracked", Outcome.UNKNOWN,
                   "no CI job declares a tracked deployment environment; whether deployments are recorded "
                   "elsewhere is known only to the hosting platform (scan with a token)", tuple(ships[:3]),
                   needs=Capability.PLATFORM_SETTINGS)


def _artifact_once(evidence: Evidence) -> Finding:
    handoffs = evidence.of_kind("ci-handoff")
    if handoffs:
        return Finding("build.artifact-once", Outcome.PASS,
                       "a build is made once and passed on: " + "; ".join(f.detail for f in handoffs[:2]),
                       tuple(handoffs[:EVIDENCE_LIMIT]))
    building_jobs = {(f.data["pipeline"], f.data["job"]) for f in of_kinds(evidence, BUILDS)}
    rebuilt = [f for f in of_kinds(evidence, (a.DEPLOY,))
               if (f.data["pipeline"], f.data["job"]) in building_jobs and not _ephemeral(f)]
    if rebuilt:
        return Finding("build.artifact-once", Outcome.FAIL,
                       "deploy jobs build what they ship themselves, so each environment gets its own build",
                       tuple(rebuilt[:EVIDENCE_LIMIT]))
    return missing(evidence, "build.artifact-once", (a.ARTIFACT_UPLOAD, a.PUSH_IMAGE),
                   "builds an artifact once and passes it to a later job")


def _defined_environments(client: RepoClient, context: ScanContext) -> Iterable[Fact]:
    """Environments the infrastructure code defines (overlays, values files, tfvars, stacks)."""
    from devops_scan_detectors.iac import iac_facts

    for environment in iac_facts(client, context).environments:
        if is_staging(environment.name):
            yield Fact("defined-environment", f"{environment.name} ({environment.how})", environment.location,
                       {"environment": environment.name})


def _staging(evidence: Evidence) -> Finding:
    """A staging/QA environment: a CI job that targets one, or infrastructure code that defines one."""
    in_ci = [fact for fact in of_kinds(evidence, SHIPS + (a.TEST, a.E2E_TEST)) if is_staging(_target(fact))]
    defined = list(evidence.of_kind("defined-environment"))
    if in_ci or defined:
        parts = ([f"CI targets {', '.join(sorted({_target(f) for f in in_ci}))}"] if in_ci else []) + \
                ([f"the infrastructure defines {', '.join(f.detail for f in defined[:3])}"] if defined else [])
        return Finding("env.staging", Outcome.PASS, "; ".join(parts), tuple((in_ci + defined)[:EVIDENCE_LIMIT]))
    return missing(evidence, "env.staging", SHIPS, "targets a staging/QA environment")


def _promotions(views: tuple[JobView, ...], branch: str | None) -> Iterable[Fact]:
    deploys = [view for view in views if view.job.disabled is None and view.job.environment
               and any(act.kind == a.DEPLOY for act in view.activities)]
    for later in deploys:
        for earlier in deploys:
            if (later is not earlier and later.pipeline is earlier.pipeline
                    and later.job.environment != earlier.job.environment
                    and later.pipeline.runs_after(later.job, earlier.job)):
                yield Fact("ci-promotion", f"{earlier.job.environment} → {later.job.environment} "
                           f"({later.pipeline.path})", later.job.location, job_context(later, branch))


def _handoffs(views: tuple[JobView, ...], branch: str | None) -> Iterable[Fact]:
    """A job that ships what an earlier job built and passed on, without building it again."""
    for consumer in views:
        kinds = {act.kind for act in consumer.activities}
        if consumer.job.disabled is not None or not kinds & {a.DEPLOY, a.PUBLISH}:
            continue
        if kinds & set(BUILDS):
            continue
        for producer in views:
            made = {act.kind for act in producer.activities}
            if (producer is not consumer and producer.pipeline is consumer.pipeline
                    and made & {a.ARTIFACT_UPLOAD, a.PUSH_IMAGE}
                    and consumer.pipeline.runs_after(consumer.job, producer.job)):
                yield Fact("ci-handoff", f"'{producer.job.id}' builds and passes on, '{consumer.job.id}' ships it "
                           f"({consumer.pipeline.path})", consumer.job.location, job_context(consumer, branch))
                break
