"""When a GitHub Actions workflow runs (`on:` in all its forms), and when each of its jobs does (`if:`).

`on: push` runs for branch and tag pushes alike; a push filtered only by `tags:` is a tag trigger and
one filtered only by `branches:` is not. A job's `if:` is tried in every situation the workflow
starts in (see ci_situations): never true → the job is disabled; true in some → its own Triggers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from devops_scan.model import Location
from devops_scan_detectors.ci_github_expr import condition_text, evaluate, string_literals
from devops_scan_detectors.ci_situations import (
    DEFAULT_BRANCH, UNNAMED_BRANCH, Situation, push_situations, triggers_where,
)
from devops_scan_detectors.cimodel import (
    CALL, MANUAL, OTHER, PULL_REQUEST, PUSH, RELEASE, SCHEDULE, TAG, Triggers,
)

# GitHub event → normalised event (anything not listed is OTHER).
EVENTS = {
    "pull_request": PULL_REQUEST, "pull_request_target": PULL_REQUEST, "schedule": SCHEDULE,
    "workflow_dispatch": MANUAL, "release": RELEASE, "workflow_call": CALL,
    # Runs after another workflow finished: chained to it, not started by a person or a push of its own.
    "workflow_run": CALL,
}
# Pull request activity types that mean "the code of a pull request changed"; a workflow listening
# only to others (`closed`, `labeled`) does not check pull requests.
_PR_CODE_TYPES = {"opened", "synchronize", "reopened"}
_EVERY_BRANCH = ("*", "**")


@dataclass(frozen=True)
class On:
    """The workflow's `on:`, as Triggers and as the (event, GitHub event name) pairs it starts with."""

    triggers: Triggers
    sources: tuple[tuple[str, str], ...]
    # The repository's default branch, when the scan knows it.
    default: str | None = None

    def situations(self, named: list[str]) -> list[Situation]:
        """Every situation the workflow starts in, trying `named` branches too where pushes allow them."""
        found: list[Situation] = []
        for event, source in self.sources:
            if event == PUSH:
                found.extend(self._pushes(named))
            else:
                branch = DEFAULT_BRANCH if event == SCHEDULE else None
                found.append(Situation(event, source, branch))
        return found

    def _pushes(self, named: list[str]) -> list[Situation]:
        patterns = self.triggers.branches
        catch_all = any(pattern in _EVERY_BRANCH for pattern in self.triggers.branches_ignore)
        if patterns is None or any(pattern in _EVERY_BRANCH for pattern in patterns):
            candidates = push_situations(named, self.default) if not catch_all else []
        else:
            unnamed_default = self.default and self.default not in (*patterns, *named)
            candidates = [Situation(PUSH, "push", DEFAULT_BRANCH)] if unnamed_default else []
            candidates += [Situation(PUSH, "push", pattern) for pattern in patterns]
            candidates += [Situation(PUSH, "push", name) for name in sorted(set(named) - set(patterns))]
        return [situation for situation in candidates if self._allows(situation.branch or "")]

    def _allows(self, branch: str) -> bool:
        if branch == DEFAULT_BRANCH and self.default:
            return self.triggers.on_push_to(self.default)
        if branch in (DEFAULT_BRANCH, UNNAMED_BRANCH):
            return True  # catch-all ignores were handled above; other patterns cannot name these
        return branch in (self.triggers.branches or ()) or self.triggers.on_push_to(branch)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, (str, int, float))]
    return []


def read_on(on: Any, location: Location, problems: list[str], default: str | None = None) -> On:
    """Triggers from `on:` (string, list or mapping), with problems for what is not an event."""
    if isinstance(on, str):
        events: dict[str, Any] = {on: None}
    elif isinstance(on, list):
        events = {item: None for item in on if isinstance(item, str)}
        if len(events) != len(on):
            problems.append(f"on: an entry that is not an event name at line {location.line}")
    elif isinstance(on, dict):
        events = {str(key): value for key, value in on.items()}
    else:
        problems.append(f"on: not an event, a list or a mapping at line {location.line}")
        events = {}
    kinds: set[str] = set()
    sources: list[tuple[str, str]] = []
    branches: tuple[str, ...] | None = None
    ignored: tuple[str, ...] = ()
    for name, config in sorted(events.items()):
        config = config if isinstance(config, dict) else {}
        if name == "push":
            branches, ignored, pushes = _push(config)
            sources.extend((event, "push") for event in pushes)
            kinds.update(pushes)
            continue
        event = EVENTS.get(name, OTHER)
        if event == PULL_REQUEST and "types" in config and not _PR_CODE_TYPES & set(_strings(config["types"])):
            event = OTHER
        kinds.add(event)
        sources.append((event, name))
    return On(Triggers(frozenset(kinds), branches, ignored, location), tuple(sources), default)


def _push(config: dict[str, Any]) -> tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]:
    """(branch patterns or None, ignored patterns, events) of `on: push`."""
    by_branch = "branches" in config or "branches-ignore" in config
    by_tag = "tags" in config or "tags-ignore" in config
    events = tuple(event for event, wanted in ((PUSH, by_branch or not by_tag), (TAG, by_tag or not by_branch))
                   if wanted)
    listed = _strings(config.get("branches"))
    # `!pattern` inside `branches:` excludes, like branches-ignore.
    positive = tuple(pattern for pattern in listed if not pattern.startswith("!"))
    ignored = tuple(_strings(config.get("branches-ignore"))) + tuple(p[1:] for p in listed if p.startswith("!"))
    return (positive if "branches" in config else None), ignored, events


@dataclass(frozen=True)
class JobCondition:
    triggers: Triggers | None = None
    disabled: str | None = None


def job_condition(on: On, condition: Any, location: Location, inputs: Mapping[str, str]) -> JobCondition:
    """What a job's `if:` does to when it runs: nothing, narrows it, or makes it never run."""
    text = condition_text(condition)
    if text is True or text is None:
        return JobCondition()
    if text is False:
        return JobCondition(disabled=f"if: false at {location}")
    named = [literal.removeprefix("refs/heads/") for literal in string_literals(text)]
    tried = on.situations(named)
    if not tried:
        return JobCondition()
    runs = [situation for situation in tried if evaluate(text, situation, inputs, on.default) is not False]
    if not runs:
        events = ", ".join(sorted({source for _, source in on.sources}))
        return JobCondition(disabled=f"if: `{text}` is never true when the workflow runs (on: {events}) "
                                     f"at {location}")
    if len(runs) == len(tried):
        return JobCondition()
    return JobCondition(triggers=triggers_where(runs, tried, location))


def can_run(on: On, condition: Any, inputs: Mapping[str, str]) -> bool:
    """Whether a step's `if:` can be true in some situation the workflow starts in."""
    text = condition_text(condition)
    if text is False:
        return False
    if text is True or text is None:
        return True
    named = [literal.removeprefix("refs/heads/") for literal in string_literals(text)]
    tried = on.situations(named)
    return not tried or any(evaluate(text, situation, inputs, on.default) is not False for situation in tried)
