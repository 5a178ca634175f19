"""When Jenkins runs a pipeline and its stages: `triggers {}`, `when {}` and scripted `if (...)`.

Jenkinsfiles are read by multibranch jobs (and organisation folders), which build every branch and
every pull request by default: that is the assumed starting point. `triggers {}` (or scripted
`properties([pipelineTriggers([...])])`) adds schedules, upstream jobs and webhooks; declared
`parameters` make the job one a person starts with "Build with Parameters".
"""

from __future__ import annotations

import re

from devops_scan_detectors.ci_conditions import (ANYTHING, Narrowing, both, either, negate, never,
                                                 read_condition)
from devops_scan_detectors.ci_groovy import (Call, Group, Item, call_of, flat_text, is_group, is_word, statements,
                                             string_value)
from devops_scan_detectors.cimodel import CALL, MANUAL, OTHER, PULL_REQUEST, PUSH, SCHEDULE, TAG

# Multibranch default: every branch push and every pull request.
MULTIBRANCH_EVENTS = frozenset({PUSH, PULL_REQUEST})

# Trigger steps (declarative `triggers {}` or `pipelineTriggers([...])`) → the event they add.
TRIGGER_EVENTS = {
    "cron": SCHEDULE, "parameterizedCron": SCHEDULE, "pollSCM": PUSH, "githubPush": PUSH, "gitlab": PUSH,
    "bitbucketPush": PUSH, "upstream": CALL, "GenericTrigger": OTHER, "issueCommentTrigger": OTHER,
    "gerrit": PUSH, "GitHubPullRequestTrigger": PULL_REQUEST, "ghprbTrigger": PULL_REQUEST,
}
_TRIGGERED_BY = {"TimerTrigger": SCHEDULE, "SCMTrigger": PUSH, "UserIdCause": MANUAL, "BuildUpstreamCause": CALL,
                 "UpstreamCause": CALL, "BranchIndexingCause": PUSH, "BranchEventCause": PUSH}


def when_condition(block: Group, depth: int = 0) -> Narrowing:
    """A declarative `when { ... }` block: its conditions all hold (AND)."""
    result = ANYTHING
    for statement in statements(block):
        call = call_of(statement)
        if call is not None:
            result = both(result, condition_of(call, depth))
    return result


def condition_of(call: Call, depth: int = 0) -> Narrowing:
    """One `when` condition, as far as the model can express it."""
    name = call.name
    if depth > 20:
        return ANYTHING
    if name == "branch":
        pattern = call.first_string("pattern")
        if pattern is None:
            return ANYTHING
        comparator = string_value(call.named("comparator") or ()) or "GLOB"
        return Narrowing(events=frozenset({PUSH}), branches=(f"/{pattern}/" if comparator == "REGEXP" else pattern,))
    if name in ("buildingTag", "tag"):
        return Narrowing(events=frozenset({TAG}))
    if name == "changeRequest":
        return Narrowing(events=frozenset({PULL_REQUEST}))
    if name == "triggeredBy":
        cause = call.first_string("cause")
        event = _TRIGGERED_BY.get(cause or "")
        return Narrowing(events=frozenset({event})) if event else ANYTHING
    if name == "expression" and call.closures:
        return expression_condition(flat_text(call.closures[0].items))
    blocks = call.closures
    if name == "not" and blocks:
        return negate(when_condition(blocks[0], depth + 1))
    if name == "allOf" and blocks:
        return when_condition(blocks[0], depth + 1)
    if name == "anyOf" and blocks:
        result: Narrowing | None = None
        for statement in statements(blocks[0]):
            inner = call_of(statement)
            if inner is not None:
                condition = condition_of(inner, depth + 1)
                result = condition if result is None else either(result, condition)
        return result or ANYTHING
    # changeset, environment, equals, beforeAgent...: run-time facts the file does not decide.
    return ANYTHING


_BRANCH = r"(?:env\.)?(?:BRANCH_NAME|GIT_BRANCH)"
_QUOTED = r"(['\"])(.*?)\2"
_BRANCH_EQUALS = re.compile(rf"^{_BRANCH}\s*(==|!=)\s*{_QUOTED}$")
_QUOTED_EQUALS_BRANCH = re.compile(rf"^{_QUOTED}\s*(==|!=)\s*{_BRANCH}$")
_BRANCH_STARTS = re.compile(rf"^{_BRANCH}\.startsWith\s*\(\s*{_QUOTED}\s*\)$")


def expression_condition(text: str) -> Narrowing:
    """`expression { ... }` or a scripted `if (...)`: literal false, branch and tag tests; else nothing."""
    text = re.sub(r"\s*(\?\.|\.)\s*", ".", text).strip()
    text = re.sub(r"^return\s+", "", text).strip()
    if text in ("false", "return false"):
        return never(f"the condition is `{text}`")
    return read_condition(text, _expression_atom)


def _expression_atom(text: str) -> Narrowing | None:
    text = text.strip()
    if text == "true":
        return ANYTHING
    match = _BRANCH_EQUALS.match(text)
    if match:
        operator, branch = match.group(1), match.group(3)
    else:
        match = _QUOTED_EQUALS_BRANCH.match(text)
        if match:
            branch, operator = match.group(2), match.group(3)
    if match:
        if operator == "==":
            return Narrowing(events=frozenset({PUSH}), branches=(branch,))
        return Narrowing(branches_ignore=(branch,))
    match = _BRANCH_STARTS.match(text)
    if match:
        return Narrowing(events=frozenset({PUSH}), branches=(match.group(2) + "*",))
    if re.fullmatch(r"(?:env\.)?TAG_NAME|buildingTag\(\s*\)", text):
        return Narrowing(events=frozenset({TAG}))
    if re.fullmatch(r"(?:env\.)?CHANGE_ID", text):
        return Narrowing(events=frozenset({PULL_REQUEST}))
    return None


def if_branches(statement_items: list[Item]) -> list[tuple[Group, Narrowing]]:
    """The closures of `if (c) {...} else {...}` with the condition each runs under."""
    condition = ANYTHING
    result: list[tuple[Group, Narrowing]] = []
    closures = [item for item in statement_items if is_group(item, "{")]
    if len(statement_items) > 1 and is_group(statement_items[1], "("):
        condition = expression_condition(flat_text(statement_items[1].items))  # type: ignore[union-attr]
    simple_else = len(closures) == 2 and sum(1 for item in statement_items if is_word(item, "if")) == 1
    for index, closure in enumerate(closures):
        if index == 0:
            result.append((closure, condition))
        elif simple_else:
            result.append((closure, negate(condition)))
        else:
            result.append((closure, ANYTHING))
    return result


def trigger_events(calls: list[Call]) -> frozenset[str]:
    """Events added by trigger steps (`cron(...)`, `upstream(...)`, `gitlab(triggerOnMergeRequest: true)`)."""
    events: set[str] = set()
    for call in calls:
        event = TRIGGER_EVENTS.get(call.name)
        if event is not None:
            events.add(event)
        if call.name == "gitlab" and flat_text(call.named("triggerOnMergeRequest") or ()) != "false":
            events.add(PULL_REQUEST)
    return frozenset(events)
