"""Conditions on when a job runs, reduced to what the CI model can say: events and branch filters.

CI systems write conditions in small languages (Travis `if: branch = main AND type = push`, Buildkite
`if: build.branch == "main"`, Semaphore `when: "branch = 'main'"`, Jenkins `when { branch 'main' }`).
A Narrowing is what a condition says about the model's terms; anything it cannot read narrows
nothing (the job may run: an unreadable condition is never taken to disable a job), and a literal
`false` means the job can never run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from devops_scan.model import Location
from devops_scan_detectors.cimodel import EVENTS, PUSH, Triggers

ALL_EVENTS = frozenset(EVENTS)


@dataclass(frozen=True)
class Narrowing:
    # Events the condition allows; None: it says nothing about events.
    events: frozenset[str] | None = None
    # Branches a push must be on; None: any branch.
    branches: tuple[str, ...] | None = None
    branches_ignore: tuple[str, ...] = ()
    # Why the condition can never hold (`if: false`); None when it can.
    never: str | None = None


ANYTHING = Narrowing()


def never(reason: str) -> Narrowing:
    return Narrowing(never=reason)


def both(first: Narrowing, second: Narrowing) -> Narrowing:
    """Both conditions hold (AND)."""
    if first.never or second.never:
        return Narrowing(never=first.never or second.never)
    if first.events is None or second.events is None:
        events = first.events if second.events is None else second.events
    else:
        events = first.events & second.events
    if first.branches is None or second.branches is None:
        branches = first.branches if second.branches is None else second.branches
    else:
        # Patterns cannot be intersected exactly; keep the common ones, else the later (narrower) ones.
        branches = tuple(sorted(set(first.branches) & set(second.branches))) or second.branches
    ignore = tuple(sorted(set(first.branches_ignore) | set(second.branches_ignore)))
    return Narrowing(events, branches, ignore)


def either(first: Narrowing, second: Narrowing) -> Narrowing:
    """One of the conditions holds (OR)."""
    if first.never:
        return second
    if second.never:
        return first
    events = None if first.events is None or second.events is None else first.events | second.events
    # Only a side that allows pushes says anything about the branches pushes run on.
    pushing = [side for side in (first, second) if side.events is None or PUSH in side.events]
    if not pushing or any(side.branches is None for side in pushing):
        branches = None
    else:
        branches = tuple(sorted({pattern for side in pushing for pattern in side.branches or ()}))
    ignored = [set(side.branches_ignore) for side in pushing]
    ignore = tuple(sorted(set.intersection(*ignored))) if ignored else ()
    return Narrowing(events, branches, ignore)


def negate(condition: Narrowing) -> Narrowing:
    """NOT: exact for a branch list or an event set alone; anything else narrows nothing."""
    if condition.never:
        return ANYTHING
    if condition.branches is not None and (condition.events is None or PUSH in condition.events) \
            and not condition.branches_ignore:
        # Not on those branches: every other build still runs (a push elsewhere, a tag, a pull request).
        return Narrowing(branches_ignore=condition.branches)
    if condition.events is not None and condition.branches is None and not condition.branches_ignore:
        return Narrowing(events=ALL_EVENTS - condition.events)
    if condition.branches_ignore and condition.events is None and condition.branches is None:
        return Narrowing(events=frozenset({PUSH}), branches=condition.branches_ignore)
    return ANYTHING


def apply(condition: Narrowing, base: Triggers, location: Location | None = None) -> Triggers:
    """The triggers of `base` narrowed by `condition` (for a job inside a pipeline)."""
    events = base.events if condition.events is None else base.events & condition.events
    if base.branches is None or condition.branches is None:
        branches = condition.branches if base.branches is None else base.branches
    else:
        branches = tuple(pattern for pattern in condition.branches if pattern in base.branches) \
            or condition.branches
    ignore = tuple(sorted(set(base.branches_ignore) | set(condition.branches_ignore)))
    return Triggers(frozenset(events), branches, ignore, location or base.location)


# --- a small infix reader shared by the systems whose conditions are boolean expressions -------------------

Atom = Callable[[str], "Narrowing | None"]
_TOKEN = re.compile(r"""\s*(?:
    (?P<open>\() | (?P<close>\)) |
    (?P<op>&&|\|\||!(?![=~])|\b(?:AND|OR|NOT|and|or|not)\b) |
    (?P<text>'(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|(?:[^\s()'"&|!]|![=~]|&(?!&)|\|(?!\|))+)
)""", re.VERBOSE)
_MAX_NESTING = 40


def read_condition(text: str, atom: Atom) -> Narrowing:
    """Read `a AND (b OR NOT c)` / `a && !(b || c)`; each comparison is given to `atom`."""
    tokens = [(match.lastgroup or "", match.group(match.lastgroup or 0)) for match in _TOKEN.finditer(text)
              if match.lastgroup]
    if text.strip().lower() == "false":
        return never(f"the condition is `{text.strip()}`")
    reader = _Reader(tokens, atom)
    try:
        return reader.any_of(0)
    except _Unreadable:
        return ANYTHING


class _Unreadable(Exception):
    pass


class _Reader:
    def __init__(self, tokens: list[tuple[str, str]], atom: Atom) -> None:
        self.tokens = tokens
        self.pos = 0
        self.atom = atom

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _is_op(self, *names: str) -> bool:
        token = self._peek()
        return token is not None and token[0] == "op" and token[1].upper() in names

    def any_of(self, depth: int) -> Narrowing:
        result = self.all_of(depth)
        while self._is_op("OR", "||"):
            self.pos += 1
            result = either(result, self.all_of(depth))
        return result

    def all_of(self, depth: int) -> Narrowing:
        result = self.negation(depth)
        while self._is_op("AND", "&&"):
            self.pos += 1
            result = both(result, self.negation(depth))
        return result

    def negation(self, depth: int) -> Narrowing:
        if self._is_op("NOT", "!"):
            self.pos += 1
            return negate(self.negation(depth + 1)) if depth < _MAX_NESTING else ANYTHING
        return self.primary(depth)

    def primary(self, depth: int) -> Narrowing:
        token = self._peek()
        if token is None or depth > _MAX_NESTING:
            raise _Unreadable()
        if token[0] == "open":
            self.pos += 1
            result = self.any_of(depth + 1)
            if self._peek() is not None and self._peek()[0] == "close":  # type: ignore[index]
                self.pos += 1
            return result
        parts: list[str] = []
        while (token := self._peek()) is not None and token[0] in ("text", "open"):
            if token[0] == "open" and not parts:
                break
            if token[0] == "open":
                parts.append(self._group())  # `branch IN (a, b)`, `change_in('/lib')`
                continue
            parts.append(token[1])
            self.pos += 1
        if not parts:
            self.pos += 1  # a stray `)`: skip it rather than fail the whole condition
            return ANYTHING
        atom_text = " ".join(parts)
        if atom_text.lower() == "false":
            return never(f"the condition contains `{atom_text}`")
        result = self.atom(atom_text)
        return ANYTHING if result is None else result

    def _group(self) -> str:
        depth, parts = 0, []
        while (token := self._peek()) is not None:
            self.pos += 1
            depth += {"open": 1, "close": -1}.get(token[0], 0)
            parts.append(token[1])
            if depth <= 0:
                break
        return "".join(part if part in "()" else part + " " for part in parts).replace(" )", ")")


def unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"/":
        return text[1:-1]
    return text
