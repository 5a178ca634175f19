"""CircleCI `.circleci/config.yml` into the CI model.

A job runs when a workflow lists it; each listed job becomes one Job (`workflow/name`) with its
filters (branches only/ignore; tags only when `tags:` is given — CircleCI runs no job for tags
otherwise), `requires` as needs, `matrix.parameters` as matrix, and its steps: `run` as shell text,
built-in steps (`store_test_results`...) and orb commands (`codecov/upload`) as uses, commands
defined in the file expanded in place. An `approval` job is manual, and so is every job that waits
for one. Without `workflows:` (config 2.0) the `build` job runs on every push. CircleCI builds
every pushed branch, and a pull request's branch with it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_circleci_logic import workflow_condition
from devops_scan_detectors.ci_conditions import Narrowing, apply, both
from devops_scan_detectors.ci_parsekit import (first_document, guarded, in_directory, inputs_of, line_of, loc,
                                               mapping, named_items, only_except, sequence, strings)
from devops_scan_detectors.cimodel import (PULL_REQUEST, PUSH, SCHEDULE, TAG, Include, Job, Pipeline, Step,
                                           Triggers, as_text)

BUILT_IN_STEPS = frozenset({"checkout", "setup_remote_docker", "save_cache", "restore_cache", "store_artifacts",
                            "store_test_results", "persist_to_workspace", "attach_workspace", "add_ssh_keys"})
_DEFAULT_EVENTS = frozenset({PUSH, PULL_REQUEST})
_MAX_EXPANSION = 8  # commands calling commands: deeper is a loop


@guarded("circleci")
def parse_circleci(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    return CircleConfig(path, config).pipeline()


class CircleConfig:
    def __init__(self, path: str, config: dict[Any, Any]) -> None:
        self.path = path
        self.config = config
        self.jobs = mapping(config.get("jobs"))
        self.commands = mapping(config.get("commands"))
        self.executors = mapping(config.get("executors"))
        self.problems: list[str] = []

    def pipeline(self) -> Pipeline:
        orbs = mapping(self.config.get("orbs"))
        includes = tuple(Include("orb", ref, loc(self.path, line_of(orbs, alias)))
                         for alias, ref in ((alias, as_text(value)) for alias, value in orbs.items()) if ref)
        workflows = {name: body for name, body in mapping(self.config.get("workflows")).items()
                     if name != "version" and isinstance(body, dict)}
        jobs: list[Job] = []
        if workflows:
            for name, body in workflows.items():
                jobs.extend(self._workflow(str(name), body))
        elif "build" in self.jobs:  # 2.0 without workflows: `build` runs on every push
            jobs.append(self._job("build", "build", {}, Triggers(_DEFAULT_EVENTS), line_of(self.jobs, "build")))
        jobs = _manual_after_approval(jobs)
        events = frozenset(event for job in jobs if job.disabled is None
                           for event in (job.triggers.events if job.triggers else _DEFAULT_EVENTS)) or _DEFAULT_EVENTS
        return Pipeline("circleci", self.path, Triggers(events, location=loc(self.path, line_of(self.config,
                                                                                               "workflows"))),
                        tuple(jobs), includes=includes, problems=tuple(self.problems))

    def _workflow(self, name: str, body: dict[Any, Any]) -> list[Job]:
        condition = workflow_condition(body)
        scheduled = [item.get("schedule") for item in sequence(body.get("triggers")) if isinstance(item, dict)]
        base = Triggers(frozenset({SCHEDULE}) if scheduled else _DEFAULT_EVENTS | {TAG})
        if scheduled:
            branches, ignore = only_except(mapping(mapping(scheduled[0]).get("filters")).get("branches"))
            base = Triggers(base.events, branches, ignore)
        jobs = []
        for job_name, settings, line in named_items(body.get("jobs")):
            settings = mapping(settings)
            instance = f"{name}/{as_text(settings.get('name')) or job_name}"
            triggers = apply(both(condition, _filters(settings.get("filters"), bool(scheduled))), base,
                             loc(self.path, line))
            job = self._job(instance, job_name, settings, triggers, line)
            if condition.never:
                job = replace(job, disabled=f"workflow `{name}`: {condition.never}")
            jobs.append(job)
        return jobs

    def _job(self, instance: str, job_name: str, settings: dict[Any, Any], triggers: Triggers,
             line: int | None) -> Job:
        needs = tuple(f"{instance.split('/', 1)[0]}/{need}" for need in strings(settings.get("requires")))
        matrix = {str(key): strings(values) for key, values in
                  mapping(mapping(settings.get("matrix")).get("parameters")).items() if strings(values)}
        location = loc(self.path, line)
        if settings.get("type") == "approval":
            return Job(instance, location, name=job_name, manual=True, needs=needs, triggers=triggers)
        definition = mapping(self.jobs.get(job_name))
        if not definition:
            # An orb's job (`node/test`) or a job this file does not define: it runs as one unit.
            step = Step(location, uses=job_name, inputs=inputs_of({k: v for k, v in settings.items()
                                                                   if k not in ("requires", "filters", "name")}))
            return Job(instance, location, name=job_name, steps=(step,), needs=needs, matrix=matrix,
                       triggers=triggers)
        directory = _directory(definition.get("working_directory"))
        steps = [*self._steps(settings.get("pre-steps"), directory, 0),
                 *self._steps(definition.get("steps"), directory, 0),
                 *self._steps(settings.get("post-steps"), directory, 0)]
        return Job(instance, location, name=job_name, steps=tuple(steps), needs=needs, matrix=matrix,
                   image=self._image(definition), triggers=triggers)

    def _steps(self, value: Any, directory: str | None, depth: int) -> list[Step]:
        steps: list[Step] = []
        for name, body, line in named_items(value):
            location = loc(self.path, line)
            if name == "run":
                run = mapping(body)
                command = as_text(body) if not isinstance(body, dict) else as_text(run.get("command"))
                where = _directory(run.get("working_directory")) or directory
                if command:
                    steps.append(Step(location, name=as_text(run.get("name")), run=command, working_directory=in_directory(where)))
            elif name in ("when", "unless"):
                steps.extend(self._conditional(name, mapping(body), directory, depth))
            elif name in self.commands and depth < _MAX_EXPANSION:
                steps.extend(self._steps(mapping(self.commands[name]).get("steps"), directory, depth + 1))
            elif name == "deploy":  # the legacy `deploy` step is a `run`
                command = as_text(mapping(body).get("command")) if isinstance(body, dict) else as_text(body)
                steps.append(Step(location, name="deploy", run=command or ""))
            else:
                steps.append(Step(location, uses=name, inputs=inputs_of(body)))
        return steps

    def _conditional(self, kind: str, body: dict[Any, Any], directory: str | None, depth: int) -> list[Step]:
        condition = body.get("condition")
        # `when: false` / `unless: true` steps never run; anything else may.
        if (kind == "when" and condition is False) or (kind == "unless" and condition is True):
            return []
        return self._steps(body.get("steps"), directory, depth + 1)

    def _image(self, definition: dict[Any, Any]) -> str | None:
        docker = sequence(definition.get("docker"))
        if docker:
            return as_text(mapping(docker[0]).get("image"))
        executor = definition.get("executor")
        executor_name = as_text(mapping(executor).get("name")) if isinstance(executor, dict) else as_text(executor)
        return self._image(mapping(self.executors.get(executor_name))) if executor_name in self.executors else None


def _filters(value: Any, scheduled: bool) -> Narrowing:
    filters = mapping(value)
    branches, ignore = only_except(filters.get("branches"))
    tags_only, _ = only_except(filters.get("tags"))
    if scheduled:
        return Narrowing(branches=branches, branches_ignore=ignore)
    events = set(_DEFAULT_EVENTS)
    if branches is not None:
        events.discard(PULL_REQUEST)  # a pull request is built on its own branch, which the filter names not
    if tags_only:
        events.add(TAG)
    if any(pattern in ("/.*/", ".*") for pattern in ignore):
        events -= {PUSH, PULL_REQUEST}  # `ignore: /.*/` with `tags: only:`: a tag-only job
        ignore = ()
    return Narrowing(events=frozenset(events), branches=branches, branches_ignore=ignore)


def _directory(value: Any) -> str | None:
    """`working_directory` relative to the checkout (`~/project` by default)."""
    text = as_text(value)
    if not text:
        return None
    for prefix in ("~/project/", "/root/project/", "~/project"):
        if text.startswith(prefix):
            return text[len(prefix):] or None
    return text


def _manual_after_approval(jobs: list[Job]) -> list[Job]:
    """A job that requires an approval job waits for a person: it is manual too."""
    manual = {job.id for job in jobs if job.manual}
    changed = True
    while changed:
        changed = False
        for job in jobs:
            if job.id not in manual and any(need in manual for need in job.needs):
                manual.add(job.id)
                changed = True
    return [replace(job, manual=True) if job.id in manual and not job.manual else job for job in jobs]


PARSERS = {"circleci": parse_circleci}
