"""Concourse pipelines (`ci/pipeline.yml`...) into the CI model.

Each job is a Job whose steps are its build plan, in order (`in_parallel`, `do`, `try` and the
`on_success`/`on_failure`/`ensure` hooks included): a `task` runs `run.path` with `run.args` (an
`sh -c "..."` task is its script) from its inline `config:` or from the task file it names, read from
this repository when the path after the input name is a file here (`source/ci/tasks/unit.yml` →
`ci/tasks/unit.yml`); `get` and `put` are uses steps `concourse-get:<resource type>` and
`concourse-put:<resource type>` (a `put` to a `registry-image` resource pushes an image).

Triggers: a job runs when a `get` with `trigger: true` sees a new version — a git resource on its
branch (a push; with a tag filter, a tag), a `time` resource (a schedule), a pull-request resource
(a pull request), another kind (other). `passed:` gives needs. A job with no triggering `get` only runs
when a person starts it (`fly trigger-job` or the web UI).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.ci_parsekit import (environment_in_name, first_document, guarded, in_directory,
                                               inputs_of, line_of, loc, mapping, sequence, shell_join, strings)
from devops_scan_detectors.cimodel import (MANUAL, OTHER, PULL_REQUEST, PUSH, SCHEDULE, TAG, Include, Job,
                                           Pipeline, Step, Triggers, as_text)

_HOOKS = ("on_success", "on_failure", "on_error", "on_abort", "ensure")
_MAX_DEPTH = 12


@guarded("concourse")
def parse_concourse(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    reader = _Reader(client, context, path, config)
    jobs = [reader.job(mapping(job), line_of(config["jobs"], index))
            for index, job in enumerate(sequence(config.get("jobs")))]
    jobs = _inherit_upstream(jobs, reader.upstream)
    events = frozenset().union(*(job.triggers.events for job in jobs if job.triggers)) or frozenset({MANUAL})
    return Pipeline("concourse", path, Triggers(events), tuple(jobs), includes=tuple(reader.includes),
                    problems=tuple(reader.problems))


class _Reader:
    def __init__(self, client: RepoClient, context: ScanContext, path: str, config: dict[Any, Any]) -> None:
        self.client = client
        self.context = context
        self.path = path
        self.resources = {as_text(mapping(r).get("name")): mapping(r) for r in sequence(config.get("resources"))}
        self.includes: list[Include] = []
        self.problems: list[str] = []
        # Job → the jobs whose output triggers it (`get: x, trigger: true, passed: [job]`).
        self.upstream: dict[str, list[str]] = {}
        self._current = ""

    def job(self, job: dict[Any, Any], line: int | None) -> Job:
        name = as_text(job.get("name")) or "job"
        self._current = name
        steps: list[Step] = []
        triggers: list[Triggers] = []
        needs: list[str] = []
        image: list[str] = []
        plan = sequence(job.get("plan"))
        for index, step in enumerate(plan):
            self._step(mapping(step), line_of(plan, index), steps, triggers, needs, image, 0)
        for hook in _HOOKS:
            if hook in job:
                self._step(mapping(job[hook]), line_of(job, hook), steps, triggers, needs, image, 0)
        if triggers:
            events = frozenset().union(*(t.events for t in triggers))
            branch_lists = [t.branches for t in triggers if PUSH in t.events]
            branches = None if not branch_lists or None in branch_lists else \
                tuple(sorted({b for bs in branch_lists for b in bs or ()}))
            job_triggers = Triggers(events, branches, location=triggers[0].location)
        else:
            job_triggers = Triggers(frozenset({MANUAL}))
        return Job(name, loc(self.path, line), name=name, steps=tuple(steps), needs=tuple(dict.fromkeys(needs)),
                   environment=environment_in_name(name), image=image[0] if image else None, triggers=job_triggers)

    def _step(self, step: dict[Any, Any], line: int | None, steps: list[Step], triggers: list[Triggers],
              needs: list[str], image: list[str], depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        location = loc(self.path, line)
        for key in ("in_parallel", "do", "aggregate"):
            if key in step:
                children = step[key]
                children = sequence(mapping(children).get("steps") if isinstance(children, dict) else children)
                for index, child in enumerate(children):
                    self._step(mapping(child), line_of(children, index), steps, triggers, needs, image, depth + 1)
        if "try" in step:
            self._step(mapping(step["try"]), line, steps, triggers, needs, image, depth + 1)
        if "get" in step or "put" in step:
            verb = "get" if "get" in step else "put"
            resource = self.resources.get(as_text(step.get("resource")) or as_text(step[verb]), {})
            kind = as_text(resource.get("type")) or "unknown"
            steps.append(Step(location, name=as_text(step[verb]), uses=f"concourse-{verb}:{kind}",
                              inputs={**inputs_of(resource.get("source")), **inputs_of(step.get("params"))}))
            if verb == "get":
                needs.extend(strings(step.get("passed")))
                if step.get("trigger") is True and strings(step.get("passed")):
                    # A version that passed upstream jobs: it arrives when they run.
                    self.upstream.setdefault(self._current, []).extend(strings(step.get("passed")))
                    triggers.append(Triggers(frozenset(), location=location))
                elif step.get("trigger") is True:
                    triggers.append(self._resource_triggers(resource, location))
        if "task" in step:
            config = mapping(step.get("config")) or self._task_file(as_text(step.get("file")), line)
            run = mapping(config.get("run"))
            repository = mapping(mapping(config.get("image_resource")).get("source")).get("repository")
            if repository:
                image.append(as_text(repository) or "")
            text = _run_text(run)
            if text:
                directory = _repository_directory(as_text(run.get("dir")), config)
                text = _repository_path(text, config)
                steps.append(Step(location, name=as_text(step["task"]), run=text, working_directory=in_directory(directory)))
        for hook in _HOOKS:
            if hook in step:
                self._step(mapping(step[hook]), line_of(step, hook), steps, triggers, needs, image, depth + 1)

    def _resource_triggers(self, resource: dict[Any, Any], location: Any) -> Triggers:
        kind, source = as_text(resource.get("type")) or "", mapping(resource.get("source"))
        if kind == "time":
            return Triggers(frozenset({SCHEDULE}), location=location)
        if "pull-request" in kind or kind.endswith("-pr"):
            return Triggers(frozenset({PULL_REQUEST}), location=location)
        if kind == "git":
            if source.get("tag_filter") or source.get("tag_regex"):
                return Triggers(frozenset({TAG}), location=location)
            branch = as_text(source.get("branch"))
            return Triggers(frozenset({PUSH}), (branch,) if branch else None, location=location)
        return Triggers(frozenset({OTHER}), location=location)

    def _task_file(self, file: str | None, line: int | None) -> dict[Any, Any]:
        """A task file named `input/path/in/repo.yml`: read from this repository when it is here."""
        if not file or "/" not in file:
            return {}
        repo_path = posixpath.normpath(file.split("/", 1)[1])
        if repo_path.startswith("..") or repo_path not in self.client.files:
            self.problems.append(f"line {line}: task file {file} is not in this repository")
            return {}
        self.includes.append(Include("local", file, loc(self.path, line), resolved=repo_path))
        try:
            return first_document(self.client, self.context, repo_path)
        except (UnreadableFile, YamlProblem) as error:
            self.problems.append(f"line {line}: task file {file} could not be read ({error})")
            return {}


def _repository_directory(directory: str | None, config: dict[Any, Any]) -> str | None:
    """A task's `dir` inside this repository: inputs are mounted under their names, so `source/api` is
    the `api` folder of the checkout named `source`."""
    if not directory:
        return None
    inputs = {as_text(mapping(item).get("name")) for item in sequence(config.get("inputs"))}
    first, _, rest = directory.partition("/")
    return (rest or None) if first in inputs else directory


def _repository_path(command: str, config: dict[Any, Any]) -> str:
    """`rates-src/ci/scripts/rollout.sh` → `ci/scripts/rollout.sh`: a script inside an input is a repository file."""
    inputs = {as_text(mapping(item).get("name")) for item in sequence(config.get("inputs"))}
    first, _, rest = command.partition("/")
    return rest if first in inputs and rest else command


def _inherit_upstream(jobs: list[Job], upstream: dict[str, list[str]]) -> list[Job]:
    """Jobs triggered by what upstream jobs pass on run when those run: they inherit their events."""
    by_name = {job.id: job for job in jobs}
    for _ in range(len(jobs)):
        changed = False
        for name, sources in upstream.items():
            job = by_name.get(name)
            inherited = [by_name[source].triggers for source in sources if source in by_name]
            if job is None or job.triggers is None:
                continue
            events = job.triggers.events.union(*(t.events for t in inherited if t)) - {MANUAL}
            events = events or job.triggers.events
            if events != job.triggers.events:
                branch_lists = [t.branches for t in inherited if t and PUSH in t.events]
                branches = job.triggers.branches if not branch_lists or None in branch_lists else \
                    tuple(sorted({b for bs in branch_lists for b in bs or ()} | set(job.triggers.branches or ())))
                by_name[name] = replace(job, triggers=Triggers(events, branches, location=job.triggers.location))
                changed = True
        if not changed:
            break
    return [by_name[job.id] for job in jobs]


def _run_text(run: dict[Any, Any]) -> str | None:
    path = as_text(run.get("path"))
    if not path:
        return None
    args = list(strings(run.get("args")))
    if posixpath.basename(path) in ("sh", "bash", "ash") and len(args) >= 2 and args[0].startswith("-") \
            and "c" in args[0]:
        return args[1]  # `sh -exc "script"`: the script is what runs
    return shell_join([path, *args])


PARSERS = {"concourse": parse_concourse}
