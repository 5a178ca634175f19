"""Semaphore 2 pipelines (`.semaphore/*.yml`) into the CI model.

Each job of each block's task is a Job (`Block/job`) running the global prologue, the task prologue,
its commands and the epilogue. Blocks with `dependencies:` form a graph (needs); without, they run
in order (stages). `run.when` / `skip.when` conditions (`branch = 'main'`, `tag =~ '.*'`,
`pull_request =~ '.*'`; `change_in(...)` may hold) narrow a block.

Promotions: the pipeline that declares them records each as an Include(kind="promotion") resolved to
the promoted file. A promoted file is a pipeline of its own (it is also a `.semaphore/*.yml`), and
its triggers are its promotions': a person clicking "promote" (manual) or `auto_promote.when`.
`.semaphore/semaphore.yml` is the entry pipeline Semaphore runs for pushes, pull requests and tags
(which of those it builds is a project setting; all are assumed); any other file nothing promotes
is started by something configured in Semaphore, which the file cannot tell.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, apply, both, either, negate, read_condition, \
    unquote
from devops_scan_detectors.ci_parsekit import (command_steps, environment_in_name, first_document, guarded, line_of,
                                               loc, mapping, sequence, strings)
from devops_scan_detectors.cimodel import (MANUAL, OTHER, PULL_REQUEST, PUSH, TAG, Include, Job, Pipeline, Step,
                                           Triggers, as_text)

ENTRY = ".semaphore/semaphore.yml"
_ENTRY_EVENTS = frozenset({PUSH, PULL_REQUEST, TAG})
_ATOM = re.compile(r"^(branch|tag|pull_request)\s*(=~|=|!=)\s*(.+)$")


@guarded("semaphore")
def parse_semaphore(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    problems: list[str] = []
    promoted = _promoted(client, context, path)
    triggers, environment = promoted if promoted is not None else (None, None)
    if triggers is None:
        if path in (ENTRY, ".semaphore/semaphore.yaml"):
            triggers = Triggers(_ENTRY_EVENTS)
        else:
            triggers = Triggers(frozenset({OTHER}))
            problems.append("not the entry pipeline and no promotion starts it: what runs it is set in Semaphore")
    blocks = sequence(config.get("blocks"))
    staged = not any(isinstance(block, dict) and "dependencies" in block for block in blocks)
    prologue = mapping(mapping(config.get("global_job_config")).get("prologue"))
    epilogue = mapping(mapping(config.get("global_job_config")).get("epilogue"))
    jobs: list[Job] = []
    stages: list[str] = []
    for index, block in enumerate(blocks):
        block = mapping(block)
        name = as_text(block.get("name")) or f"block {index + 1}"
        stages.append(name)
        condition = ANYTHING
        if "run" in block:
            condition = both(condition, semaphore_condition(as_text(mapping(block["run"]).get("when")) or "true"))
        if "skip" in block:
            condition = both(condition, negate(semaphore_condition(as_text(mapping(block["skip"]).get("when"))
                                                                   or "false")))
        needs = tuple(f"{dependency}/{job_id}" for dependency in strings(block.get("dependencies"))
                      for job_id in _job_names(blocks, dependency))
        task = mapping(block.get("task"))
        shared = [*_commands(path, prologue), *_commands(path, mapping(task.get("prologue")))]
        after = [*_commands(path, mapping(task.get("epilogue"))), *_commands(path, epilogue)]
        task_jobs = sequence(task.get("jobs"))
        for number, job in enumerate(task_jobs):
            job = mapping(job)
            job_name = as_text(job.get("name")) or f"job {number + 1}"
            matrix = {as_text(mapping(axis).get("env_var")) or "": strings(mapping(axis).get("values"))
                      for axis in sequence(job.get("matrix"))}
            jobs.append(Job(f"{name}/{job_name}", loc(path, line_of(task_jobs, number)), name=job_name,
                            steps=(*shared, *command_steps(path, job, "commands", name=job_name), *after),
                            needs=needs, stage=name if staged else None, disabled=condition.never,
                            environment=environment,
                            matrix={key: values for key, values in matrix.items() if key and values},
                            triggers=None if condition == ANYTHING or condition.never else apply(condition, triggers)))
    includes = tuple(Include("promotion", as_text(promotion.get("pipeline_file")) or "",
                             loc(path, line_of(sequence(config.get("promotions")), index)),
                             resolved=_promoted_path(path, as_text(promotion.get("pipeline_file")) or ""))
                     for index, promotion in enumerate(map(mapping, sequence(config.get("promotions")))))
    return Pipeline("semaphore", path, triggers, tuple(jobs), name=as_text(config.get("name")), includes=includes,
                    stages=tuple(stages) if staged else (), problems=tuple(problems))


def semaphore_condition(text: str) -> Narrowing:
    return read_condition(text, _atom)


def _atom(text: str) -> Narrowing | None:
    if text.strip().lower() == "true":
        return ANYTHING
    match = _ATOM.match(text.strip())
    if match is None:
        return None  # change_in(...), result = 'passed': may hold
    subject, operator, value = match.group(1), match.group(2), unquote(match.group(3))
    if subject == "branch":
        pattern = f"/{value}/" if operator == "=~" else value
        if operator == "!=":
            return Narrowing(branches_ignore=(pattern,))
        return Narrowing(events=frozenset({PUSH, MANUAL}), branches=(pattern,))
    event = TAG if subject == "tag" else PULL_REQUEST
    return Narrowing(events=frozenset({event})) if operator != "!=" else None


def _commands(path: str, section: dict[Any, Any]) -> list[Step]:
    steps = command_steps(path, section, "commands")
    for key in ("always", "on_pass", "on_fail"):  # epilogue hooks
        steps += command_steps(path, mapping(section.get(key)), "commands")
    return steps


def _job_names(blocks: list[Any], block_name: str) -> list[str]:
    block = next((mapping(b) for b in blocks if as_text(mapping(b).get("name")) == block_name), {})
    return [as_text(mapping(job).get("name")) or f"job {n + 1}"
            for n, job in enumerate(sequence(mapping(block.get("task")).get("jobs")))]


def _promoted_path(path: str, pipeline_file: str) -> str | None:
    if not pipeline_file:
        return None
    normal = posixpath.normpath(posixpath.join(posixpath.dirname(path), pipeline_file))
    return None if normal.startswith("..") else normal


def _promoted(client: RepoClient, context: ScanContext, path: str) -> tuple[Triggers, str | None] | None:
    """(triggers, environment) given to `path` by the promotions of the other Semaphore files; None when
    nothing promotes it. The environment is the promotion's `deployment_target`, else read from its name."""
    events: set[str] = set()
    condition: Narrowing | None = None
    environments: set[str] = set()
    for other in sorted(set(client.files.glob(".semaphore/*.yml")) | set(client.files.glob(".semaphore/*.yaml"))):
        if other == path:
            continue
        try:
            promotions = sequence(first_document(client, context, other).get("promotions"))
        except (UnreadableFile, YamlProblem):
            continue
        for promotion in map(mapping, promotions):
            if _promoted_path(other, as_text(promotion.get("pipeline_file")) or "") != path:
                continue
            events.add(MANUAL)  # a promotion can always be started by hand
            target = as_text(promotion.get("deployment_target")) or \
                environment_in_name(as_text(promotion.get("name")) or "")
            environments.update([target] if target else [])
            when = as_text(mapping(promotion.get("auto_promote")).get("when"))
            if when:
                automatic = semaphore_condition(when)
                condition = automatic if condition is None else either(condition, automatic)
    if not events:
        return None
    environment = environments.pop() if len(environments) == 1 else None
    if condition is None or condition.never:
        return Triggers(frozenset({MANUAL})), environment
    automatic = apply(condition, Triggers(_ENTRY_EVENTS))
    return Triggers(frozenset(events) | automatic.events, automatic.branches, automatic.branches_ignore), environment


PARSERS = {"semaphore": parse_semaphore}
