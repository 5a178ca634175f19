"""The CI model: every CI system's configuration normalised into pipelines → jobs → steps.

System parsers (`ci_github.py`, `ci_gitlab.py`, ...) turn one configuration file into a Pipeline;
`ci_activities.py` says what each step does (runs tests, uploads coverage, deploys...), following
`make`/`tox`/`npm run`/scripts into the repository; the practice detectors read only this model.
Nothing here judges: a Pipeline is what the file says, with the line of everything.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from typing import Any, Mapping

from devops_scan.model import Location

# Normalised trigger events.
PUSH = "push"                  # a push to a branch (see Triggers.branches)
PULL_REQUEST = "pull_request"  # a pull/merge request (opened, updated)
TAG = "tag"                    # a pushed tag
SCHEDULE = "schedule"          # cron
MANUAL = "manual"              # a person starts it (workflow_dispatch, GitLab web/when: manual pipeline, ...)
RELEASE = "release"            # a release published on the platform
CALL = "call"                  # called by another pipeline (workflow_call, trigger jobs, templates)
OTHER = "other"                # anything else (issue comments, webhooks, ...)
EVENTS = (PUSH, PULL_REQUEST, TAG, SCHEDULE, MANUAL, RELEASE, CALL, OTHER)

# A branch pattern meaning "the repository's default branch, whatever its name" (GitLab's
# `$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH`); parsers put it in Triggers.branches.
DEFAULT_BRANCH = "$CI_DEFAULT_BRANCH"


@dataclass(frozen=True)
class Triggers:
    """When a pipeline (or a job) runs."""

    events: frozenset[str]
    # Branch patterns a push must match (glob, as the CI system writes them); None means every branch.
    branches: tuple[str, ...] | None = None
    # Branch patterns that exclude a push (branches-ignore, except:).
    branches_ignore: tuple[str, ...] = ()
    location: Location | None = None

    def on_push_to(self, branch: str, default_branch: str | None = None) -> bool:
        """Whether a push to `branch` runs it, as far as the branch filters say. `default_branch`
        resolves the DEFAULT_BRANCH pattern (pass the branch itself when checking the default branch)."""
        if PUSH not in self.events:
            return False
        if any(_branch_matches(pattern, branch, default_branch) for pattern in self.branches_ignore):
            return False
        return self.branches is None or any(_branch_matches(pattern, branch, default_branch)
                                            for pattern in self.branches)


def _branch_matches(pattern: str, branch: str, default_branch: str | None = None) -> bool:
    # GitHub's `**` and `*` globs, `/regex/` (GitLab, Travis, CircleCI, Buildkite...), plain names.
    if pattern == DEFAULT_BRANCH:
        return default_branch is not None and branch == default_branch
    if len(pattern) > 2 and pattern.startswith("/") and pattern.endswith("/"):
        try:
            return re.search(pattern[1:-1], branch) is not None
        except re.error:
            return False
    return fnmatch.fnmatchcase(branch, pattern.replace("**", "*"))


@dataclass(frozen=True)
class Step:
    """One thing a job does: shell text it runs, or a reusable unit it uses."""

    location: Location
    name: str | None = None
    # Shell text (`run:`, `script:` lines, `sh '...'`); multi-line scripts stay one string.
    run: str | None = None
    # A reusable unit: a GitHub action (`actions/checkout@v4`), a CircleCI orb command
    # (`codecov/upload`), a Jenkins step from a shared library, a Tekton task, a Buildkite plugin...
    uses: str | None = None
    # Inputs of `uses` (`with:`, orb parameters), as strings.
    inputs: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    # The folder `run` starts in, relative to the repository (`dir('api')`, `working_directory:`).
    working_directory: str | None = None


@dataclass(frozen=True)
class Job:
    id: str
    location: Location
    name: str | None = None
    steps: tuple[Step, ...] = ()
    # Deployment environment the job targets (GitHub `environment:`, GitLab `environment:`, ...).
    environment: str | None = None
    environment_url: str | None = None
    # A person must start or approve it (GitLab `when: manual`, Jenkins `input`, an approval step).
    manual: bool = False
    # Why the job can never run (`if: false`, `when: never`, ...); None when it can.
    disabled: str | None = None
    needs: tuple[str, ...] = ()
    # True when `needs` replaces stage ordering (GitLab: a job with `needs:`, even `needs: []`, starts as
    # soon as those jobs finish, whatever its stage).
    dag: bool = False
    # The stage it belongs to, for systems that order jobs by stages (GitLab, Azure, Jenkins, Bitbucket,
    # Semaphore blocks): a job runs after every job of an earlier stage. None when not staged.
    stage: str | None = None
    # Build matrix: dimension → values (GitHub strategy.matrix, GitLab parallel:matrix, Travis, ...).
    matrix: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False, compare=False)
    # Container image the job runs in.
    image: str | None = None
    # Where it runs: GitHub `runs-on` labels, GitLab runner `tags`, an agent label (platform, OS).
    runner: tuple[str, ...] = ()
    # When the job narrows the pipeline's triggers (GitLab rules/only/except); None: the pipeline's.
    triggers: Triggers | None = None
    # What it runs that is defined outside the repository (a Jenkins shared-library step, a remote
    # template): its effect cannot be read here, so practices it would decide stay unknown.
    external: tuple[str, ...] = ()
    # GitHub Actions `permissions:` of the job ("read-all", "write-all", or scope → level); None if unset.
    permissions: str | Mapping[str, str] | None = field(default=None, hash=False, compare=False)


@dataclass(frozen=True)
class Include:
    """A piece of configuration the file pulls in."""

    # local | remote | template | project | component | orb | shared-library | reusable-workflow
    kind: str
    ref: str
    location: Location
    # The repository path a local include was read from, when it was followed.
    resolved: str | None = None


@dataclass(frozen=True)
class Pipeline:
    system: str
    path: str
    triggers: Triggers
    jobs: tuple[Job, ...]
    name: str | None = None
    includes: tuple[Include, ...] = ()
    # Stage names in execution order (see Job.stage).
    stages: tuple[str, ...] = ()
    # Things the parser could not read (a missing local include, an unsupported construct), with lines.
    problems: tuple[str, ...] = ()
    # GitHub Actions top-level `permissions:`; None when not declared (the repository default applies).
    permissions: str | Mapping[str, str] | None = field(default=None, hash=False, compare=False)

    def runnable_jobs(self) -> tuple[Job, ...]:
        return tuple(job for job in self.jobs if job.disabled is None)

    def job_triggers(self, job: Job) -> Triggers:
        return job.triggers or self.triggers

    def runs_after(self, later: Job, earlier: Job) -> bool:
        """Whether `later` waits for `earlier`: through `needs` and stage order, transitively."""
        by_id = {job.id: job for job in self.jobs}
        stages = list(self.stages)
        seen: set[str] = set()
        pending = list(self._predecessors(later, by_id, stages))
        while pending:
            job = pending.pop()
            if job.id == earlier.id:
                return True
            if job.id not in seen:
                seen.add(job.id)
                pending.extend(self._predecessors(job, by_id, stages))
        return False

    def _predecessors(self, job: Job, by_id: dict[str, Job], stages: list[str]) -> list[Job]:
        found = [by_id[name] for name in job.needs if name in by_id]
        if not job.dag and job.stage in stages:
            position = stages.index(job.stage)
            found += [other for other in self.jobs if other.stage in stages[:position]]
        return found


def as_text(value: Any) -> str | None:
    """A YAML scalar as the string a CI system would see; None for None and collections."""
    if value is None or isinstance(value, (dict, list)):
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
