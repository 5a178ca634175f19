"""Buildkite pipeline files (`.buildkite/pipeline.yml`...) into the CI model.

Each command step is a Job (its `key`, else its label): `command`/`commands` as shell text, plugins
as uses steps with their settings (the docker plugin's `image` is the job's image), `trigger` steps
as `buildkite-trigger:<pipeline>`. `branches:` ("main release/*", `!` to exclude) and `if:`
(`build.branch == "main"`, `build.tag != null`, `build.pull_request.id != null`,
`build.source == "schedule"`) narrow a step; `if: false` disables it. A `block` step stops the build
until a person unblocks it, so every step after it is manual; an `input` step does not hold back
the steps after it (Buildkite documents it so). Which events start a build is a setting of the
Buildkite pipeline: for the file a new Buildkite pipeline reads by default (`.buildkite/pipeline.yml`)
pushes and pull requests are assumed (the settings' defaults); any other file (`pipeline.release.yml`)
is read by a pipeline set up in Buildkite, often triggered by another build — the file cannot say
when, so its triggers are `other` with a problem note.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, apply, both, read_condition, unquote
from devops_scan_detectors.ci_parsekit import (first_document, guarded, inputs_of, line_of, loc, mapping, sequence,
                                               strings)
from devops_scan_detectors.cimodel import (MANUAL, OTHER, PULL_REQUEST, PUSH, SCHEDULE, TAG, Job, Pipeline, Step,
                                           Triggers, as_text)

_ASSUMED = frozenset({PUSH, PULL_REQUEST})
DEFAULT_FILES = frozenset({".buildkite/pipeline.yml", ".buildkite/pipeline.yaml", "buildkite.yml", "buildkite.yaml",
                           ".buildkite.yml"})
NOT_THE_DEFAULT = ("not the file a Buildkite pipeline reads by default: which pipeline uploads it, and when it "
                   "runs, is set in Buildkite")
_SOURCES = {"schedule": SCHEDULE, "ui": MANUAL, "api": MANUAL, "webhook": PUSH, "trigger_job": MANUAL}


@guarded("buildkite")
def parse_buildkite(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    default_file = path in DEFAULT_FILES
    triggers = Triggers(_ASSUMED if default_file else frozenset({OTHER}))
    jobs: list[Job] = []
    state: dict[str, Any] = {"block": None}
    _steps(path, config.get("steps"), triggers, jobs, state, 0)
    events = triggers.events.union(*(job.triggers.events for job in jobs if job.triggers and not job.disabled))
    return Pipeline("buildkite", path, Triggers(events), tuple(jobs),
                    problems=() if default_file else (NOT_THE_DEFAULT,))


def _steps(path: str, steps: Any, triggers: Triggers, jobs: list[Job], state: dict[str, Any], depth: int) -> None:
    for index, item in enumerate(sequence(steps)):
        line = line_of(steps, index)
        if isinstance(item, str):
            if item == "block":
                state["block"] = ANYTHING
            continue
        step = mapping(item)
        if "group" in step and depth < 4:
            _steps(path, step.get("steps"), triggers, jobs, state, depth + 1)
        elif "block" in step:
            state["block"] = _branches(step.get("branches"))  # a filtered block holds only those builds
        elif "command" in step or "commands" in step or "plugins" in step or "trigger" in step:
            job = _job(path, step, line, len(jobs) + 1, triggers, False)
            jobs.append(replace(job, manual=_held(state["block"], job)))


def _held(block: Narrowing | None, job: Job) -> bool:
    """Whether a block step before `job` holds it: a branch-filtered block does not hold tag or pull
    request builds (their branch is the tag or the source branch)."""
    if block is None:
        return False
    if block.branches is None or job.triggers is None:
        return True
    return bool(job.triggers.events & {PUSH, SCHEDULE, MANUAL})


def _job(path: str, step: dict[Any, Any], line: int | None, number: int, triggers: Triggers, manual: bool) -> Job:
    label = as_text(step.get("label", step.get("name")))
    job_id = as_text(step.get("key", step.get("id"))) or label or f"step {number}"
    steps: list[Step] = []
    commands = step.get("commands", step.get("command"))
    for index, command in enumerate(sequence(commands) if isinstance(commands, list) else [commands]):
        text = as_text(command)
        if text:
            command_line = line_of(commands, index) if isinstance(commands, list) else line_of(step, "command") \
                or line_of(step, "commands")
            steps.append(Step(loc(path, command_line), name=label, run=text))
    image = None
    plugins = step.get("plugins")
    entries = plugins.items() if isinstance(plugins, dict) else \
        ((next(iter(entry.items())) if isinstance(entry, dict) and entry else (entry, None))
         for entry in sequence(plugins))
    for index, (plugin, settings) in enumerate(entries):
        name = str(plugin)
        if name.split("#", 1)[0].rsplit("/", 1)[-1].startswith("docker") and mapping(settings).get("image"):
            image = as_text(mapping(settings)["image"])
        steps.append(Step(loc(path, line_of(plugins, index if isinstance(plugins, list) else plugin)),
                          uses=name, inputs=inputs_of(settings)))
    if "trigger" in step:
        steps.append(Step(loc(path, line_of(step, "trigger")), uses=f"buildkite-trigger:{as_text(step['trigger'])}",
                          inputs=inputs_of(mapping(step.get("build")))))
    condition = _branches(step.get("branches"))
    evidence: frozenset[str] = frozenset()
    if "if" in step:
        written = read_condition(as_text(step["if"]) or "", buildkite_atom)
        # `if: build.tag != null` (one event) says the pipeline's settings build tags; a branch test does not.
        evidence = written.events if written.events is not None and len(written.events) == 1 else evidence
        condition = both(condition, written)
    matrix = step.get("matrix")
    dimensions = {str(key): strings(values) for key, values in mapping(mapping(matrix).get("setup")).items()} \
        if isinstance(matrix, dict) else ({"matrix": strings(matrix)} if isinstance(matrix, list) else {})
    base = Triggers(triggers.events | evidence)
    return Job(job_id, loc(path, line), name=label, steps=tuple(steps), manual=manual,
               needs=_needs(step.get("depends_on")), matrix=dimensions, image=image, disabled=condition.never,
               triggers=None if condition == ANYTHING or condition.never else apply(condition, base))


def _needs(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return strings(value)
    keys = (as_text(mapping(need).get("step")) if isinstance(need, dict) else as_text(need) for need in value)
    return tuple(key for key in keys if key)


def _branches(value: Any) -> Narrowing:
    patterns = [part for text in strings(value) for part in text.split()]
    if not patterns:
        return ANYTHING
    include = tuple(pattern for pattern in patterns if not pattern.startswith("!"))
    exclude = tuple(pattern[1:] for pattern in patterns if pattern.startswith("!"))
    # A pull request build's branch is its source branch: a branch filter keeps pushes (and scheduled or
    # manual builds of those branches), not pull requests from other branches.
    return Narrowing(events=frozenset({PUSH, SCHEDULE, MANUAL}) if include else None, branches=include or None,
                     branches_ignore=exclude)


_COMPARISON = re.compile(r"^build\.(branch|tag|source|pull_request\.id|pull_request\.base_branch)\s*"
                         r"(==|!=|=~|!~)\s*(.+)$")


def buildkite_atom(text: str) -> Narrowing | None:
    match = _COMPARISON.match(text.strip())
    if match is None:
        return None
    subject, operator, value = match.group(1), match.group(2), match.group(3).strip()
    if subject in ("tag", "pull_request.id") and value == "null":
        event = TAG if subject == "tag" else PULL_REQUEST
        present = operator == "!="
        return Narrowing(events=frozenset({event})) if present else None
    if subject == "branch" and operator in ("==", "=~"):
        pattern = unquote(value) if operator == "==" else f"/{unquote(value)}/"
        return Narrowing(events=frozenset({PUSH, SCHEDULE, MANUAL}), branches=(pattern,))
    if subject == "branch" and operator == "!=":
        return Narrowing(branches_ignore=(unquote(value),))
    if subject == "source" and operator == "==" and unquote(value) in _SOURCES:
        return Narrowing(events=frozenset({_SOURCES[unquote(value)]}))
    if subject == "tag" and operator == "=~":
        return Narrowing(events=frozenset({TAG}))
    return None


PARSERS = {"buildkite": parse_buildkite}
