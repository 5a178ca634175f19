"""Pipelines-as-Code annotations of a Tekton PipelineRun: when it runs, and what it fetches.

`on-event` / `on-target-branch` (a `refs/tags/*` target is a tag push), `on-comment` (a comment on a
pull request: other), `on-label` (a labelled pull request) and `on-cel-expression`, whose common forms
(`event == "push" && target_branch == "main"`) are read; a CEL test the model cannot express
(`"docs/***".pathChanged()`) narrows nothing. `pipeline` and `task*` annotations name what PaC fetches
before the run: files of this repository, or URLs and catalog names outside it.
"""

from __future__ import annotations

import re
from typing import Any

from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, apply, read_condition
from devops_scan_detectors.ci_parsekit import line_of, loc, mapping, strings
from devops_scan_detectors.cimodel import OTHER, PULL_REQUEST, PUSH, TAG, Triggers, as_text

PAC = "pipelinesascode.tekton.dev/"
_EVENTS = {"push": PUSH, "pull_request": PULL_REQUEST, "incoming": OTHER, "tag": TAG}
_CEL = re.compile(r"""^(event|event_type|target_branch|source_branch)\s*(==|!=)\s*["']([^"']*)["']$""")


def pac_triggers(path: str, run: dict[Any, Any]) -> Triggers | None:
    """What starts the run under Pipelines-as-Code; None when it has no PaC trigger annotation."""
    annotations = annotations_of(run)
    location = loc(path, line_of(mapping(run.get("metadata")), "annotations"))
    if PAC + "on-cel-expression" in annotations:
        condition = read_condition(as_text(annotations[PAC + "on-cel-expression"]) or "", _cel_atom)
        return apply(condition, Triggers(frozenset({PUSH, PULL_REQUEST, TAG, OTHER})), location)
    events = {_EVENTS.get(event, OTHER) for event in pac_list(annotations.get(PAC + "on-event"))}
    if PAC + "on-comment" in annotations:
        events.add(OTHER)
    if PAC + "on-label" in annotations:
        events.add(PULL_REQUEST)
    if not events:
        return None
    targets = pac_list(annotations.get(PAC + "on-target-branch"))
    tags = [target for target in targets if target.startswith("refs/tags/")]
    heads = tuple(target.removeprefix("refs/heads/") for target in targets if target not in tags)
    if tags and PUSH in events:
        events.add(TAG)  # a push to a tag ref is a tag push
        if not heads:
            events.discard(PUSH)
    return Triggers(frozenset(events), heads or None, location=location)


def _cel_atom(text: str) -> Narrowing | None:
    match = _CEL.match(text.strip())
    if match is None:
        return None  # `"x".pathChanged()`, `body.action == "opened"`...: may hold
    subject, operator, value = match.groups()
    if subject in ("event", "event_type"):
        event = _EVENTS.get(value, OTHER)
        return Narrowing(events=frozenset({event})) if operator == "==" else None
    if subject == "target_branch" and value.startswith("refs/tags/"):
        return Narrowing(events=frozenset({TAG})) if operator == "==" else None
    branch = value.removeprefix("refs/heads/")
    if operator == "!=":
        return Narrowing(branches_ignore=(branch,))
    return Narrowing(branches=(branch,)) if subject == "target_branch" else ANYTHING


def annotations_of(run: dict[Any, Any]) -> dict[Any, Any]:
    return mapping(mapping(run.get("metadata")).get("annotations"))


def pac_list(value: Any) -> tuple[str, ...]:
    """PaC writes lists as strings: "[pull_request, push]"."""
    if isinstance(value, list):
        return strings(value)
    text = (as_text(value) or "").strip().strip("[]")
    return tuple(part.strip().strip("'\"") for part in text.split(",") if part.strip())


def fetched(run: dict[Any, Any]) -> list[tuple[str, str]]:
    """(annotation kind `pipeline`/`task`, reference) of what PaC fetches for the run."""
    found = []
    for key, value in annotations_of(run).items():
        name = str(key)
        if name == PAC + "pipeline" or re.fullmatch(re.escape(PAC) + r"task(-\d+)?", name):
            kind = "pipeline" if name.endswith("/pipeline") else "task"
            found.extend((kind, reference) for reference in pac_list(value))
    return found


def is_remote(reference: str) -> bool:
    """A URL, or a catalog name (`git-clone`): not a file of this repository."""
    return "://" in reference or not reference.endswith((".yaml", ".yml"))
