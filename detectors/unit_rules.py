"""The vocabulary of the reusable-unit tables (GitHub actions, orbs, pipes, plugins, tasks...).

A unit's entry says what it does given its inputs: activities, and shell commands it runs on the
user's behalf (`nick-fields/retry` runs its `command:` input; CircleCI `node/test` runs
`npm run test`), which are then followed like a `run:` step.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Callable, Mapping

from devops_scan_detectors.command_rules import Result, kinds

Inputs = Mapping[str, str]


@dataclass(frozen=True)
class UnitEffect:
    activities: Result = field(default_factory=list)
    # Shell text the unit runs for the user, followed like a `run:` step.
    commands: tuple[str, ...] = ()


UnitHandler = Callable[[Inputs], UnitEffect]


def does(tool: str, *activity_kinds: str, **data: str) -> UnitHandler:
    return lambda _inputs: UnitEffect(kinds(tool, *activity_kinds, **data))


def truthy(inputs: Inputs, name: str, default: bool = False) -> bool:
    value = inputs.get(name)
    if value is None:
        return default
    return str(value).strip().lower() in ("true", "yes", "1", "on")


def pick(inputs: Inputs, *names: str) -> str | None:
    """The first input present among `names` (input names are compared without case, - and _)."""
    normalised = {key.lower().replace("-", "_"): value for key, value in inputs.items()}
    for name in names:
        value = normalised.get(name.lower().replace("-", "_"))
        if value not in (None, ""):
            return str(value)
    return None


def by_input(name: str, table: Mapping[str, UnitHandler], default: str | None = None) -> UnitHandler:
    """Dispatch on an input's value (`command: buildAndPush`, `scan-type: fs`), case-insensitively."""
    lowered = {key.lower(): handler for key, handler in table.items()}

    def handle(inputs: Inputs) -> UnitEffect:
        value = (pick(inputs, name) or default or "").strip().lower()
        handler = lowered.get(value)
        return handler(inputs) if handler else UnitEffect()

    return handle


def runs(*input_names: str, prefix: str = "", fallback: str | None = None, also: UnitHandler | None = None
         ) -> UnitHandler:
    """The unit runs the shell text of its inputs (`prefix` + value), or `fallback` when none is given."""

    def handle(inputs: Inputs) -> UnitEffect:
        texts = tuple(f"{prefix}{value}" for name in input_names if (value := pick(inputs, name)))
        if not texts and fallback:
            texts = (fallback,)
        extra = also(inputs) if also else UnitEffect()
        return UnitEffect(extra.activities, texts + extra.commands)

    return handle


def words(text: str) -> list[str]:
    """An input's words as a shell would split them; unbalanced quotes do not stop us reading the rest."""
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()
