"""The CI as the practice detectors see it: each job with what it really does and when it runs.

`ci_facts` turns every runnable job's activities into Facts whose data carries the job's context
(system, file, environment, manual, which triggers run it), so that each practice detector's
`evaluate` is a pure filter over evidence, and its evidence points at the line that does the work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Fact, Location
from devops_scan_detectors.activity import Activity
from devops_scan_detectors.cimodel import CALL, MANUAL, PULL_REQUEST, PUSH, RELEASE, SCHEDULE, TAG, Job, Pipeline

PRODUCTION = re.compile(r"^(prod|production|prd|live|release)([-_ /].*)?$", re.IGNORECASE)
PRE_PRODUCTION = re.compile(r"(^|[-_ /])(stag(e|ing)|qa|tests?|testing|uat|preview|review|dev(elop(ment)?)?|"
                            r"sandbox|pre-?prod(uction)?|integration|canary|demo|e2e|ci|pr|ephemeral)([-_ /]|$)",
                            re.IGNORECASE)


# Environments that stand in for production before a release (the seed's "qa" and "staging"),
# narrower than pre-production in general (a developer's `dev` environment is not one).
STAGING = re.compile(r"(^|[-_ /])(stag(e|ing)|qa|uat|pre-?prod(uction)?|tests?|testing|preview|review|"
                     r"integration|acceptance)([-_ /]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class JobView:
    pipeline: Pipeline
    job: Job
    activities: tuple[Activity, ...]
    # Commands that could not be followed (a script that is not in the repository, a program decided
    # at run time), each with why: what they do is unknown.
    unfollowed: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"job '{self.job.name or self.job.id}' ({self.pipeline.path})"


def job_views(client: RepoClient, context: ScanContext) -> tuple[tuple[JobView, ...], tuple[str, ...]]:
    """(every job of every parsed CI file with its activities, analysis problems) — once per scan."""
    return context.shared("ci-job-views", lambda: _views(client, context))


def _views(client: RepoClient, context: ScanContext) -> tuple[tuple[JobView, ...], tuple[str, ...]]:
    from devops_scan_detectors.ci_activities import include_activities, job_activities, job_notes
    from devops_scan_detectors.ci_pipelines import ci_pipelines

    pipelines, problems = ci_pipelines(client, context)
    views = []
    for pipeline in pipelines:
        from_includes = tuple(activity for include in pipeline.includes for activity in include_activities(include))
        for job in pipeline.jobs:
            views.append(JobView(pipeline, job, job_activities(client, context, job, system=pipeline.system),
                                 job_notes(client, context, job, system=pipeline.system)))
        if from_includes:
            # A template (GitLab's Security/SAST.gitlab-ci.yml, say) adds jobs we cannot see: their
            # activities belong to the pipeline as a whole.
            views.append(JobView(pipeline, Job(id="(included templates)", location=Location(pipeline.path)),
                                 from_includes))
    return tuple(views), problems


def when_it_runs(view: JobView, default_branch: str | None) -> dict[str, str]:
    """Flags ("true"/"false"/"unknown") saying which events run the job."""
    triggers = view.pipeline.job_triggers(view.job)
    events = triggers.events
    every_branch = PUSH in events and triggers.branches is None and not triggers.branches_ignore
    if default_branch is not None:
        on_default = str(triggers.on_push_to(default_branch, default_branch)).lower()
    else:  # without knowing the default branch, only "every branch" is certain
        on_default = "true" if every_branch else ("false" if PUSH not in events else "unknown")
    return {
        "default_branch": on_default,
        "pull_request": str(PULL_REQUEST in events).lower(),
        # Pushes to every branch also run the branch of every pull/merge request.
        "every_branch": str(every_branch).lower(),
        "tag": str(TAG in events or RELEASE in events).lower(),
        "schedule": str(SCHEDULE in events).lower(),
        # Started by another pipeline finishing (workflow_run, pipeline triggers): no person involved.
        "chained": str(CALL in events).lower(),
        "manual": str(view.job.manual or (bool(events) and events <= {MANUAL})).lower(),
        "dispatchable": str(MANUAL in events or view.job.manual).lower(),
    }


# A job that makes its own throw-away cluster deploys there to test, not to an environment.
_EPHEMERAL_ACTIONS = ("helm/kind-action", "engineerd/setup-kind", "container-tools/kind-action",
                      "medyagh/setup-minikube", "manusa/actions-setup-minikube", "absaoss/k3d-action",
                      "nolar/setup-k3d-k3s", "helm/chart-testing-action")
_EPHEMERAL_COMMANDS = re.compile(r"\b(kind\s+create\s+cluster|minikube\s+start|k3d\s+cluster\s+create|"
                                 r"ct\s+install|k3s\s+server)\b")


def ephemeral_cluster(job: Job) -> bool:
    return any((step.uses or "").lower().startswith(_EPHEMERAL_ACTIONS)
               or _EPHEMERAL_COMMANDS.search(step.run or "") for step in job.steps)


def job_context(view: JobView, default_branch: str | None) -> dict[str, str]:
    return {
        "ephemeral": str(ephemeral_cluster(view.job)).lower(),
        "system": view.pipeline.system,
        "pipeline": view.pipeline.path,
        "job": view.job.id,
        "environment": view.job.environment or "",
        "environment_url": view.job.environment_url or "",
        "image": view.job.image or "",
        "runner": ",".join(view.job.runner),
        "matrix": ",".join(f"{k}={len(v)}" for k, v in sorted(view.job.matrix.items()) if len(v) > 1),
        **when_it_runs(view, default_branch),
    }


def activity_facts(views: tuple[JobView, ...], default_branch: str | None) -> tuple[Fact, ...]:
    """One `ci:<kind>` fact per activity of a runnable job (`ci-off:<kind>` for a job that can never
    run, so a reason can say what it would have done), and `ci-external` for what is defined outside."""
    facts = []
    for view in views:
        context = job_context(view, default_branch)
        disabled = view.job.disabled
        if disabled is None:
            facts.append(Fact("ci-job", view.label, view.job.location, context))
        prefix = "ci:" if disabled is None else "ci-off:"
        for activity in view.activities:
            chain = " → ".join(activity.chain)
            detail = f"{activity.tool}: `{activity.detail}` in {view.label}" + (f" via {chain}" if chain else "")
            if disabled is not None:
                detail += f", which can never run ({disabled})"
            facts.append(Fact(prefix + activity.kind, detail, activity.location,
                              {**context, "tool": activity.tool, **dict(activity.data)}))
        if disabled is None:
            for external in view.job.external:
                facts.append(Fact("ci-external", f"{view.label} runs {external}, defined outside the repository",
                                  view.job.location, context))
            for note in view.unfollowed:
                facts.append(Fact("ci-unfollowed", f"{view.label}: {note}", view.job.location, context))
    return tuple(facts)


def is_production(environment: str) -> bool:
    return bool(environment) and bool(PRODUCTION.match(environment.strip()))


def is_staging(environment: str) -> bool:
    return bool(environment) and not is_production(environment) and bool(STAGING.search(environment))


def is_pre_production(environment: str) -> bool:
    return bool(environment) and not is_production(environment) and bool(PRE_PRODUCTION.search(environment))
