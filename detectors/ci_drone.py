"""Drone (`.drone.yml`) and Woodpecker (`.woodpecker.yml`, `.woodpecker/*.yml`) pipelines into the CI model.

Woodpecker began as a fork of Drone: both run a pipeline as a sequence of container steps, each with
`commands` (shell text) or, without commands, a plugin image configured by `settings` (a uses step
named by its image). Every step is a Job (`pipeline/step`, after the step before it unless
`depends_on` says otherwise) because each step has its own `when:`. Filters (`trigger:`/`when:`):
`event` (push, pull_request, tag, cron, promote/rollback and Woodpecker's deployment and manual —
started by a person: manual), `branch`, `ref` (`refs/tags/*` is a tag), `target`/`environment` (the
environment a promotion deploys to), Woodpecker's `evaluate:` expression (`CI_COMMIT_BRANCH == "main"`).
Without an event filter Drone runs for every event; Woodpecker for every event but cron.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, apply, both, either, read_condition, unquote
from devops_scan_detectors.ci_parsekit import (environment_in_name, guarded, inputs_of, line_of, loc, mapping,
                                               only_except, sequence, strings)
from devops_scan_detectors.cimodel import (DEFAULT_BRANCH, MANUAL, OTHER, PULL_REQUEST, PUSH, RELEASE, SCHEDULE, TAG,
                                           Job, Pipeline, Step, Triggers, as_text)

DRONE_EVENTS = {"push": PUSH, "pull_request": PULL_REQUEST, "tag": TAG, "cron": SCHEDULE, "promote": MANUAL,
                "rollback": MANUAL, "custom": MANUAL}
WOODPECKER_EVENTS = {"push": PUSH, "pull_request": PULL_REQUEST, "pull_request_closed": OTHER, "tag": TAG,
                     "release": RELEASE, "deployment": MANUAL, "cron": SCHEDULE, "manual": MANUAL}
DRONE_DEFAULT = frozenset({PUSH, PULL_REQUEST, TAG, SCHEDULE, MANUAL})
WOODPECKER_DEFAULT = frozenset({PUSH, PULL_REQUEST, TAG, MANUAL, RELEASE})
_EVALUATE = re.compile(r"^(CI_COMMIT_BRANCH|CI_COMMIT_TAG|CI_PIPELINE_EVENT|CI_COMMIT_TARGET_BRANCH)\s*"
                       r"(==|!=)\s*(.+)$")


@guarded("drone")
def parse_drone(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    documents = context.yaml(client, path).documents
    jobs: list[Job] = []
    for index, document in enumerate(documents):
        document = mapping(document)
        if document.get("kind", "pipeline") != "pipeline" or "steps" not in document:
            continue  # secrets and signatures
        name = as_text(document.get("name")) or f"pipeline {index + 1}"
        filters = document.get("trigger")
        base = _base(filters_condition(filters, DRONE_EVENTS), DRONE_DEFAULT, DRONE_EVENTS,
                     loc(path, line_of(document, "trigger")))
        jobs += _steps(path, name, document.get("steps"), base, _target(filters), DRONE_EVENTS)
    return Pipeline("drone", path, _union(jobs, DRONE_DEFAULT), tuple(jobs))


@guarded("woodpecker")
def parse_woodpecker(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    documents = context.yaml(client, path).documents
    config = mapping(documents[0]) if documents else {}
    filters = config.get("when")
    base = _base(filters_condition(filters, WOODPECKER_EVENTS), WOODPECKER_DEFAULT, WOODPECKER_EVENTS,
                 loc(path, line_of(config, "when")))
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].lstrip(".")
    steps = config.get("steps", config.get("pipeline"))
    jobs = _steps(path, name, steps, base, _target(filters), WOODPECKER_EVENTS)
    matrix = mapping(config.get("matrix"))
    axes = {str(key): strings(values) for key, values in matrix.items() if key != "include" and strings(values)}
    if axes:
        jobs = [replace(job, matrix=axes) for job in jobs]
    return Pipeline("woodpecker", path, _union(jobs, WOODPECKER_DEFAULT), tuple(jobs))


def _base(condition: Narrowing, default: frozenset[str], names: dict[str, str], location: Any) -> Triggers:
    """A pipeline's triggers: its event filter chooses among all the system's events; without one, the
    system's default events apply (Woodpecker leaves out cron)."""
    universe = default if condition.events is None else frozenset(names.values())
    return apply(condition, Triggers(universe), location)


def _union(jobs: list[Job], default: frozenset[str]) -> Triggers:
    runnable = [job for job in jobs if job.disabled is None]
    if not runnable:
        return Triggers(default if not jobs else frozenset())
    events = frozenset().union(*(job.triggers.events for job in runnable if job.triggers))
    return Triggers(events)


def _named_steps(steps: Any) -> Iterator[tuple[str, dict[Any, Any], int | None]]:
    """Steps written as a list of mappings with `name:`, or as a mapping name → step (Woodpecker)."""
    if isinstance(steps, dict):
        for key, body in steps.items():
            yield str(key), mapping(body), line_of(steps, key)
    for index, body in enumerate(sequence(steps)):
        body = mapping(body)
        yield as_text(body.get("name")) or f"step {index + 1}", body, line_of(steps, index)


def _steps(path: str, pipeline: str, steps: Any, base: Triggers, environment: str | None,
           events: dict[str, str]) -> list[Job]:
    jobs: list[Job] = []
    previous: tuple[str, ...] = ()
    for name, body, line in _named_steps(steps):
        location = loc(path, line)
        commands = body.get("commands", body.get("command"))
        image = as_text(body.get("image"))
        if commands is not None:
            run = [Step(loc(path, line_of(commands, i) if isinstance(commands, list) else line_of(body, "commands")),
                        name=name, run=text)
                   for i, text in enumerate(strings(commands))]
        else:  # a plugin: the image does the work, configured by its settings
            run = [Step(location, name=name, uses=image or name, inputs=inputs_of(body.get("settings")))]
        condition = filters_condition(body.get("when"), events)
        needs = tuple(f"{pipeline}/{need}" for need in strings(body.get("depends_on"))) \
            if "depends_on" in body else previous
        job_id = f"{pipeline}/{name}"
        jobs.append(Job(job_id, location, name=name, steps=tuple(run), needs=needs, image=image,
                        environment=_target(body.get("when")) or environment or environment_in_name(name),
                        disabled=condition.never,
                        triggers=apply(condition, base, location if condition != ANYTHING else base.location)))
        previous = (job_id,)
    return jobs


def filters_condition(filters: Any, names: dict[str, str], depth: int = 0) -> Narrowing:
    """A `trigger:`/`when:` mapping (or Woodpecker's list of them, any of which may hold); `names` maps the
    system's event names to the model's."""
    if isinstance(filters, list) and depth < 3:
        result: Narrowing | None = None
        for item in filters:
            part = filters_condition(item, names, depth + 1)
            result = part if result is None else either(result, part)
        return result or ANYTHING
    filters = mapping(filters)
    condition = ANYTHING
    if "event" in filters:
        included, excluded = only_except(filters["event"])
        events = frozenset(names[event] for event in (included or names) if event in names
                           and event not in excluded)
        condition = both(condition, Narrowing(events=events))
    if "branch" in filters:
        branches, ignore = only_except(filters["branch"])
        condition = both(condition, Narrowing(branches=_default_branch(branches), branches_ignore=ignore))
    if "ref" in filters:
        refs, _ = only_except(filters["ref"])
        condition = both(condition, _refs(refs or ()))
    if "evaluate" in filters:
        condition = both(condition, read_condition(as_text(filters["evaluate"]) or "", _evaluate_atom))
    return condition


def _default_branch(branches: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Woodpecker's `${CI_REPO_DEFAULT_BRANCH}` is the repository's default branch, whatever its name."""
    if branches is None:
        return None
    return tuple(DEFAULT_BRANCH if branch.strip("${}") == "CI_REPO_DEFAULT_BRANCH" else branch for branch in branches)


def _refs(refs: tuple[str, ...]) -> Narrowing:
    """`ref:` globs: branch heads (pushes to those branches), tags, pull request refs — any of them."""
    heads = tuple(ref[len("refs/heads/"):] for ref in refs if ref.startswith("refs/heads/"))
    parts = [Narrowing(events=frozenset({TAG}))] if any(ref.startswith("refs/tags/") for ref in refs) else []
    if any(ref.startswith("refs/pull/") for ref in refs):
        parts.append(Narrowing(events=frozenset({PULL_REQUEST})))
    if heads:
        parts.append(Narrowing(events=frozenset({PUSH, MANUAL, SCHEDULE}), branches=heads))
    result = parts[0] if parts else ANYTHING
    for part in parts[1:]:
        result = either(result, part)
    return result


def _target(filters: Any) -> str | None:
    """The environment a filter names (Drone `target`, Woodpecker `environment`), when it names one."""
    for item in filters if isinstance(filters, list) else [filters]:
        item = mapping(item)
        targets, _ = only_except(item.get("target", item.get("environment")))
        if targets and len(targets) == 1:
            return targets[0]
    return None


def _evaluate_atom(text: str) -> Narrowing | None:
    match = _EVALUATE.match(text.strip())
    if match is None:
        return None
    variable, operator, value = match.group(1), match.group(2), unquote(match.group(3))
    if variable in ("CI_COMMIT_BRANCH", "CI_COMMIT_TARGET_BRANCH"):
        value = DEFAULT_BRANCH if value.strip("${}") == "CI_REPO_DEFAULT_BRANCH" else value
        return Narrowing(branches=(value,)) if operator == "==" else Narrowing(branches_ignore=(value,))
    if variable == "CI_PIPELINE_EVENT" and value in WOODPECKER_EVENTS:
        event = frozenset({WOODPECKER_EVENTS[value]})
        return Narrowing(events=event) if operator == "==" else None
    if variable == "CI_COMMIT_TAG":
        return Narrowing(events=frozenset({TAG})) if operator == "!=" and value == "" else None
    return None


PARSERS = {"drone": parse_drone, "woodpecker": parse_woodpecker}
