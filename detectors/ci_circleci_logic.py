"""CircleCI logic statements (`when:` / `unless:` of a workflow) reduced to a Narrowing.

`equal: [main, << pipeline.git.branch >>]` names a branch, `matches:` a branch pattern,
`<< pipeline.git.tag >>` a tag build, `equal: [scheduled_pipeline, << pipeline.trigger_source >>]` a
schedule; `and` / `or` / `not` combine them. Pipeline parameters are set by whoever starts the
pipeline: a condition on one narrows nothing (the workflow may run).
"""

from __future__ import annotations

import re
from typing import Any

from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, both, either, negate, never
from devops_scan_detectors.cimodel import MANUAL, PUSH, SCHEDULE, TAG, as_text

_BRANCH = re.compile(r"^<<\s*pipeline\.git\.branch\s*>>$")
_TAG = re.compile(r"^<<\s*pipeline\.git\.tag\s*>>$")
_SOURCE = re.compile(r"^<<\s*pipeline\.(trigger_source|schedule\.name)\s*>>$")
_SOURCES = {"scheduled_pipeline": SCHEDULE, "webhook": PUSH, "api": MANUAL}


def workflow_condition(workflow: dict[Any, Any]) -> Narrowing:
    condition = ANYTHING
    if "when" in workflow:
        condition = both(condition, logic(workflow["when"], 0))
    if "unless" in workflow:
        condition = both(condition, negate(logic(workflow["unless"], 0)))
    return condition


def logic(value: Any, depth: int) -> Narrowing:
    if depth > 20:
        return ANYTHING
    if value is False:
        return never("the condition is `false`")
    if isinstance(value, str) and _TAG.match(value.strip()):
        return Narrowing(events=frozenset({TAG}))
    if not isinstance(value, dict) or len(value) != 1:
        return ANYTHING
    operator, operand = next(iter(value.items()))
    if operator == "not":
        return negate(logic(operand, depth + 1))
    if operator in ("and", "or") and isinstance(operand, list) and operand:
        parts = [logic(item, depth + 1) for item in operand]
        result = parts[0]
        for part in parts[1:]:
            result = both(result, part) if operator == "and" else either(result, part)
        return result
    if operator == "equal" and isinstance(operand, list) and len(operand) == 2:
        return _equal(*(as_text(item) or "" for item in operand))
    if operator == "matches" and isinstance(operand, dict):
        pattern, subject = as_text(operand.get("pattern")), as_text(operand.get("value")) or ""
        if pattern and _BRANCH.match(subject.strip()):
            return Narrowing(events=frozenset({PUSH}), branches=(f"/{pattern}/",))
        if pattern and _TAG.match(subject.strip()):
            return Narrowing(events=frozenset({TAG}))
    return ANYTHING


def _equal(first: str, second: str) -> Narrowing:
    for literal, subject in ((first, second), (second, first)):
        subject = subject.strip()
        if _BRANCH.match(subject) and "<<" not in literal:
            return Narrowing(events=frozenset({PUSH}), branches=(literal,))
        source = _SOURCE.match(subject)
        if source and source.group(1) == "trigger_source" and literal in _SOURCES:
            return Narrowing(events=frozenset({_SOURCES[literal]}))
        if source and source.group(1) == "schedule.name":
            return Narrowing(events=frozenset({SCHEDULE}))
    return ANYTHING
