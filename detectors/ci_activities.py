"""What CI steps do: the public API the practice detectors call.

A `run` step's shell text is split into commands, each followed into the repository (Makefile,
tox, nox, package scripts, shell scripts...) and classified; a `uses` step is looked up in the
reusable-unit tables (actions.py), and the commands a unit runs for the user are followed too.
Local composite actions are expanded into steps by the GitHub parser, so `uses: ./...` adds nothing here.

Lines: `Step.location.line` is where the `run` text is written; when that line ends with a YAML block
indicator (`run: |`, `- |`) the text starts on the next line, so line i of the script is at
`start + i - 1`. The folder commands run in: `Step.working_directory` if the model grows one, or a run
step's `working-directory` input (GitHub); other parsers write `cd DIR` in front of the script.
"""

from __future__ import annotations

import posixpath
import re
from typing import Iterable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.actions import unit_effect
from devops_scan_detectors.activity import DEPLOY, Activity
from devops_scan_detectors.cimodel import Include, Job, Step
from devops_scan_detectors.follow import Follower, FollowResult
from devops_scan_detectors.follow_make import resolve_make
from devops_scan_detectors.follow_maven import resolve_maven
from devops_scan_detectors.follow_packages import resolve_package_scripts
from devops_scan_detectors.follow_precommit import resolve_pre_commit
from devops_scan_detectors.follow_pyscripts import resolve_python_scripts
from devops_scan_detectors.follow_python import resolve_nox, resolve_tox
from devops_scan_detectors.follow_recipes import resolve_just, resolve_task
from devops_scan_detectors.follow_shell import resolve_shell_script
from devops_scan_detectors.unit_templates import template_activities

# CI systems whose job runs its script lines in one shell session (a `cd` carries to the next line).
_SHELL_SESSION_SYSTEMS = frozenset({"gitlab-ci", "travis-ci", "bitbucket-pipelines", "drone", "woodpecker",
                                    "semaphore", "aws-codebuild", "buildkite"})
_SHELL_SESSION_PATHS = re.compile(r"(^|/)(\.gitlab-ci\.ya?ml|\.travis\.yml|bitbucket-pipelines\.yml|\.drone\.ya?ml|"
                                  r"buildspec[\w.-]*\.ya?ml)$|^(\.woodpecker|\.semaphore|\.buildkite)/")
RESOLVERS = (resolve_make, resolve_just, resolve_task, resolve_tox, resolve_nox, resolve_pre_commit,
             resolve_python_scripts, resolve_package_scripts, resolve_maven, resolve_shell_script)

__all__ = ["command_activities", "command_notes", "include_activities", "job_activities", "job_notes",
           "step_activities", "step_notes", "template_activities"]


def follower(client: RepoClient, context: ScanContext) -> Follower:
    """The scan's one follower: files it reads and chains it follows are memoised for every detector."""
    return context.shared("ci-activities:follower", lambda: Follower(client, context, RESOLVERS))


def command_activities(client: RepoClient, context: ScanContext, text: str, location: Location,
                       cwd: str = "") -> tuple[Activity, ...]:
    """What shell text does (a `run:` step, a hook, a Procfile line), following it into the repository."""
    return _sorted(_follow_text(client, context, text, location, cwd).activities)


def command_notes(client: RepoClient, context: ScanContext, text: str, location: Location,
                  cwd: str = "") -> tuple[str, ...]:
    """What in that text could not be followed (a missing script, an unknown make target), with why."""
    return _follow_text(client, context, text, location, cwd).notes


def step_activities(client: RepoClient, context: ScanContext, step: Step) -> tuple[Activity, ...]:
    return _step(client, context, step).activities


def step_notes(client: RepoClient, context: ScanContext, step: Step) -> tuple[str, ...]:
    """Why part of what a step does is unknown (a script that is not in the repository...)."""
    return _step(client, context, step).notes


def job_activities(client: RepoClient, context: ScanContext, job: Job, system: str | None = None
                   ) -> tuple[Activity, ...]:
    """Every step's activities, deduplicated and sorted. A deploy gets the job's environment when its
    command names none. Disabled jobs are answered too: callers use `Pipeline.runnable_jobs()`.

    `system` (the Pipeline's) says whether the job's script lines share one shell, so that a `cd` in
    one line moves the next (GitLab, Travis, Bitbucket...); without it, the paths and step names tell."""
    found: list[Activity] = []
    for result in _job_results(client, context, job, system):
        for activity in result.activities:
            if activity.kind == DEPLOY and job.environment and "environment" not in activity.data:
                activity = Activity(activity.kind, activity.tool, activity.location, activity.detail, activity.chain,
                                    {**activity.data, "environment": job.environment})
            found.append(activity)
    return _sorted(found)


def job_notes(client: RepoClient, context: ScanContext, job: Job, system: str | None = None) -> tuple[str, ...]:
    """What the job's steps run that could not be followed, with why (see `step_notes`)."""
    return tuple(dict.fromkeys(note for result in _job_results(client, context, job, system)
                               for note in result.notes))


def _job_results(client: RepoClient, context: ScanContext, job: Job, system: str | None) -> list[FollowResult]:
    shared = _shares_shell(job, system)
    cwd = ""
    results = []
    for step in job.steps:
        if shared and step.run is not None:
            if step.name == "after_script":
                cwd = ""  # GitLab runs after_script in a new shell, back at the project folder
            result = _step(client, context, step, cwd)
            cwd = result.cwd
        else:
            result = _step(client, context, step)
        results.append(result)
    return results


def include_activities(include: Include) -> tuple[Activity, ...]:
    """What an included template does by itself (GitLab `Security/SAST.gitlab-ci.yml`, components)."""
    return _sorted(template_activities(include))


# --- internals ---------------------------------------------------------------------------------------

def _follow_text(client: RepoClient, context: ScanContext, text: str, location: Location, cwd: str) -> FollowResult:
    memo: dict[tuple[str, Location, str], FollowResult] = context.shared("ci-activities:text", dict)
    key = (text, location, cwd)
    if key not in memo:
        memo[key] = follower(client, context).follow_text(text, location, cwd)
    return memo[key]


def _shares_shell(job: Job, system: str | None) -> bool:
    if system is not None:
        return system in _SHELL_SESSION_SYSTEMS
    paths = [job.location.path] + [step.location.path for step in job.steps]
    if any(_SHELL_SESSION_PATHS.search(path) for path in paths):
        return True
    # GitLab jobs read from included files: their steps are named after the keyword they come from.
    return any(step.name in ("before_script", "script") for step in job.steps)


def _step(client: RepoClient, context: ScanContext, step: Step, start: str = "") -> FollowResult:
    """What a step does, starting in folder `start` (memoised per scan)."""
    memo: dict[tuple[Step, str], FollowResult] = context.shared("ci-activities:steps", dict)
    key = (step, start)
    if key not in memo:
        try:
            memo[key] = _compute_step(client, context, step, start)
        except Exception as error:  # noqa: BLE001 - one odd step must not cost the job's other steps
            memo[key] = FollowResult((), (f"{step.location}: could not be analysed ({type(error).__name__})",))
    return memo[key]


def _compute_step(client: RepoClient, context: ScanContext, step: Step, start: str) -> FollowResult:
    cwd = _working_directory(step) or start
    if step.run is not None:
        # Parsers point at the `run:` key; a block scalar's text starts on the next line.
        line = follower(client, context).scalar_start(step.location.path, step.location.line)
        result = _follow_text(client, context, step.run, Location(step.location.path, line), cwd)
        return FollowResult(_sorted(result.activities), result.notes, result.cwd)
    if not step.uses:
        return FollowResult()
    uses = step.uses.strip()
    if uses.startswith("./"):
        return FollowResult()  # a local action: the parser lists its steps after this one
    effect = unit_effect(uses, step.inputs, step.location.path)
    if effect is None:
        return FollowResult()
    activities = [Activity(kind, tool, step.location, uses, (), data) for kind, tool, data in effect.activities]
    notes: list[str] = []
    for text in effect.commands:
        result = _follow_text(client, context, text, Location(step.location.path, step.location.line), cwd)
        here = f"{step.location} `{uses}`"
        activities += [Activity(a.kind, a.tool, a.location, a.detail, (here,) + a.chain, a.data)
                       for a in result.activities]
        notes += result.notes
    return FollowResult(_sorted(activities), tuple(notes))


def _working_directory(step: Step) -> str:
    # GitHub's parser passes `working-directory:` as an input of the run step.
    folder = getattr(step, "working_directory", None) or (step.inputs.get("working-directory") if step.run else None)
    if not isinstance(folder, str) or not folder.strip():
        return ""
    normal = posixpath.normpath(folder.strip().lstrip("./") or ".")
    return "" if normal in (".", "") or normal.startswith("..") else normal


def _sorted(activities: Iterable[Activity]) -> tuple[Activity, ...]:
    unique: dict[tuple, Activity] = {}
    for activity in activities:
        key = (activity.location.path, activity.location.line or 0, activity.kind, activity.tool, activity.detail,
               activity.chain, tuple(sorted(activity.data.items())))
        unique.setdefault(key, activity)
    return tuple(unique[key] for key in sorted(unique))
