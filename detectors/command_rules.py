"""The small vocabulary the command tables are written in: flags, operands, results.

A handler receives the words after the program name and the command's environment, and returns
what the command does as (activity kind, tool, data) triples — an empty list when it does nothing
the practices care about (`black .` rewrites files, it checks nothing).
"""

from __future__ import annotations

from typing import Callable, Mapping

Result = list[tuple[str, str, dict[str, str]]]
Handler = Callable[[tuple[str, ...], Mapping[str, str]], Result]


def kinds(tool: str, *activity_kinds: str, **data: str | None) -> Result:
    clean = {key: text for key, text in data.items() if text}
    return [(kind, tool, dict(clean)) for kind in activity_kinds]


def has(args: tuple[str, ...], *names: str) -> bool:
    """A flag is present (`--check`, `--cov=src`, `--cov src`)."""
    return any(arg == name or arg.startswith(name + "=") for arg in args for name in names)


def value(args: tuple[str, ...], *names: str) -> str | None:
    """The value of an option written `--name=value`, `--name value` or `-nVALUE` for one-letter names."""
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(name + "="):
                return arg[len(name) + 1:]
            if len(name) == 2 and name.startswith("-") and arg.startswith(name) and not arg.startswith("--"):
                return arg[2:] or None
    return None


def values(args: tuple[str, ...], *names: str) -> list[str]:
    """Every value of a repeatable option (`--reporters a --reporters=b`)."""
    found = []
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                found.append(args[index + 1])
            elif arg.startswith(name + "="):
                found.append(arg[len(name) + 1:])
    return found


def operands(args: tuple[str, ...], valued: str = "") -> list[str]:
    """Arguments that are not options nor options' values; `valued` lists options taking a value."""
    takes_value = set(valued.split())
    found: list[str] = []
    skip = False
    for index, arg in enumerate(args):
        if skip:
            skip = False
        elif arg == "--":
            found.extend(args[index + 1:])
            break
        elif arg.startswith("-") and arg != "-":
            skip = arg in takes_value
        else:
            found.append(arg)
    return found


def unless_dry(tool: str, *activity_kinds: str, dry: tuple[str, ...] = ("--dry-run",)) -> Handler:
    """Counts unless run as a dry run (`npm publish --dry-run` publishes nothing)."""
    return lambda args, _env: [] if has(args, *dry) else kinds(tool, *activity_kinds)


def always(tool: str, *activity_kinds: str) -> Handler:
    return lambda _args, _env: kinds(tool, *activity_kinds)


def when_flag(tool: str, kind: str, *flags: str) -> Handler:
    """Counts only in check mode: `black --check`, `prettier --check`, `gofmt -l`."""
    return lambda args, _env: kinds(tool, kind) if has(args, *flags) else []


def subcommands(tool: str, table: Mapping[str, tuple[str, ...] | Handler], valued: str = "") -> Handler:
    """Dispatch on the first operand: `trivy image` vs `trivy fs`. An entry may be kinds or a handler
    receiving the words after the subcommand; "" is the entry for no subcommand."""

    def handle(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
        found = operands(args, valued)
        name = found[0] if found else ""
        entry = table.get(name)
        if entry is None:
            return []
        if callable(entry):
            rest = args[args.index(name) + 1:] if name else args
            return entry(rest, env)
        return kinds(tool, *entry)

    return handle


def combine(*handlers: Handler) -> Handler:
    return lambda args, env: [item for handler in handlers for item in handler(args, env)]
