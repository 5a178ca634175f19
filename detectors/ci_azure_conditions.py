"""Azure Pipelines `condition:` expressions reduced to a Narrowing.

Conditions are function calls: `and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/main'))`.
Branch and tag tests read `Build.SourceBranch`/`Build.SourceBranchName`, event tests `Build.Reason`;
a pipeline variable defined as a runtime expression (`isMain: $[eq(variables['Build.SourceBranch'],
'refs/heads/main')]`) is read through. Anything else narrows nothing: status functions
(`succeeded()`, `always()`) and variables set outside the file may let the job run.
"""

from __future__ import annotations

import re
from typing import Mapping

from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, both, either, negate, never
from devops_scan_detectors.cimodel import CALL, MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG

_REASONS = {"pullrequest": {PULL_REQUEST}, "schedule": {SCHEDULE}, "manual": {MANUAL},
            "individualci": {PUSH, TAG}, "batchedci": {PUSH, TAG}, "resourcetrigger": {CALL}}
_VARIABLE = re.compile(r"^variables(?:\[\s*'([^']+)'\s*\]|\.([\w.]+))$", re.IGNORECASE)
_RUNTIME = re.compile(r"^\$\[(.*)\]$", re.DOTALL)
_MAX_DEPTH = 30


def azure_condition(text: str, variables: Mapping[str, str] | None = None) -> Narrowing:
    text = text.strip()
    if text.lower() == "false":
        return never("`condition: false`")
    try:
        return _Expression(variables or {}).read(text, 0)
    except (ValueError, IndexError):
        return ANYTHING


class _Expression:
    def __init__(self, variables: Mapping[str, str]) -> None:
        self.variables = {name.lower(): value for name, value in variables.items()}

    def read(self, text: str, depth: int) -> Narrowing:
        text = text.strip()
        if depth > _MAX_DEPTH:
            return ANYTHING
        if text.lower() == "false":
            return never("the condition is `false`")
        runtime = self._runtime(text)
        if runtime is not None:
            return self.read(runtime, depth + 1)
        name, args = _call(text)
        if name is None:
            return ANYTHING
        if name in ("and", "or") and args:
            parts = [self.read(arg, depth + 1) for arg in args]
            result = parts[0]
            for part in parts[1:]:
                result = both(result, part) if name == "and" else either(result, part)
            return result
        if name == "not" and len(args) == 1:
            return negate(self.read(args[0], depth + 1))
        if name in ("eq", "ne") and len(args) == 2:
            result = self._equal(args[0], args[1], depth)
            return negate(result) if name == "ne" else result
        if name in ("in", "notin") and len(args) >= 2:
            result = ANYTHING
            for index, literal in enumerate(args[1:]):
                part = self._equal(args[0], literal, depth)
                result = part if index == 0 else either(result, part)
            return negate(result) if name == "notin" else result
        if name == "startswith" and len(args) == 2:
            return self._starts_with(args[0], _literal(args[1]))
        return ANYTHING  # succeeded(), always(), contains(...), variables from elsewhere

    def _runtime(self, text: str) -> str | None:
        """The expression behind `variables.isMain` when the file defines it as `$[ ... ]`."""
        match = _VARIABLE.match(text)
        if match is None:
            return None
        value = self.variables.get((match.group(1) or match.group(2)).lower(), "")
        runtime = _RUNTIME.match(value.strip())
        return runtime.group(1) if runtime else None

    def _equal(self, first: str, second: str, depth: int) -> Narrowing:
        for subject, other in ((first, second), (second, first)):
            literal = _literal(other)
            variable = _VARIABLE.match(subject.strip())
            if literal is not None and literal.lower() == "true" and self._runtime(subject.strip()) is not None:
                return self.read(subject, depth + 1)  # eq(variables.isMain, true)
            if literal is None or variable is None:
                continue
            name = (variable.group(1) or variable.group(2)).lower()
            if name == "build.sourcebranch":
                if literal.startswith("refs/tags/"):
                    return Narrowing(events=frozenset({TAG}))
                return Narrowing(events=frozenset({PUSH, MANUAL, SCHEDULE}),
                                 branches=(literal.removeprefix("refs/heads/"),))
            if name == "build.sourcebranchname":
                return Narrowing(events=frozenset({PUSH, MANUAL, SCHEDULE}), branches=(literal,))
            if name == "build.reason" and literal.lower() in _REASONS:
                return Narrowing(events=frozenset(_REASONS[literal.lower()]))
        return ANYTHING

    def _starts_with(self, subject: str, prefix: str | None) -> Narrowing:
        variable = _VARIABLE.match(subject.strip())
        if prefix is None or variable is None:
            return ANYTHING
        name = (variable.group(1) or variable.group(2)).lower()
        if name == "build.sourcebranch" and prefix.startswith("refs/tags/"):
            return Narrowing(events=frozenset({TAG}))
        if name == "build.sourcebranch" and prefix.startswith("refs/heads/"):
            return Narrowing(events=frozenset({PUSH, MANUAL, SCHEDULE}),
                             branches=(prefix.removeprefix("refs/heads/") + "*",))
        return ANYTHING


def _literal(text: str) -> str | None:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    if text.lower() in ("true", "false"):
        return text.lower()
    return None


def _call(text: str) -> tuple[str | None, list[str]]:
    """`name(a, b(c, d))` → ("name", ["a", "b(c, d)"]); (None, []) when text is not a call."""
    match = re.match(r"^([A-Za-z]+)\s*\((.*)\)$", text, re.DOTALL)
    if match is None:
        return None, []
    args: list[str] = []
    depth, quoted, current = 0, False, []
    for char in match.group(2):
        if char == "'":
            quoted = not quoted
        elif not quoted and char in "([":
            depth += 1
        elif not quoted and char in ")]":
            depth -= 1
        if char == "," and depth == 0 and not quoted:
            args.append("".join(current))
            current = []
        else:
            current.append(char)
    if "".join(current).strip():
        args.append("".join(current))
    return match.group(1).lower(), [arg.strip() for arg in args]
