"""What a Jenkinsfile declares besides its stages: functions, variables, shared libraries, and the
arguments of steps read as strings."""

from __future__ import annotations

from devops_scan.model import Location
from devops_scan_detectors.ci_groovy import (Call, Group, Item, flat_text, is_group, is_punct, is_word, split_args,
                                             statements, string_value, words_in)
from devops_scan_detectors.ci_groovy_lexer import STRING
from devops_scan_detectors.cimodel import Include

DECLARATIONS = frozenset({"def", "final", "String", "boolean", "int", "Map", "List"})
_DEFINITION_STARTS = frozenset({"def", "void", "private", "static", "String", "boolean", "Map", "List"})


def is_definition(statement: list[Item]) -> bool:
    """`def name(args) { body }` / `void name() { ... }`."""
    return (len(statement) >= 4 and is_word(statement[0], *_DEFINITION_STARTS)
            and is_word(statement[1]) and is_group(statement[2], "(") and is_group(statement[3], "{"))


def definitions(root: Group) -> dict[str, Group]:
    """Functions defined at the top of a file: `def runTests() { ... }` and `def runTests = { ... }`."""
    found: dict[str, Group] = {}
    for statement in statements(root):
        closure = len(statement) == 4 and is_word(statement[0], "def") and is_word(statement[1]) \
            and is_punct(statement[2], "=") and is_group(statement[3], "{")
        if is_definition(statement) or closure:
            found[statement[1].text] = statement[3]  # type: ignore[union-attr,assignment]
    return found


def declared_variable(items: list[Item]) -> str | None:
    """The variable a statement declares or assigns (`def image = ...`, `notify = load(...)`, `def x`)."""
    assign = next((index for index, item in enumerate(items) if is_punct(item, "=")), None)
    if assign is not None and assign > 0 and is_word(items[assign - 1]):
        return next((item.text for item in items[:assign]  # type: ignore[union-attr]
                     if is_word(item) and item.text not in DECLARATIONS), None)  # type: ignore[union-attr]
    if len(items) == 2 and is_word(items[0], *DECLARATIONS) and is_word(items[1]):
        return items[1].text  # type: ignore[union-attr]
    return None


def library_includes(statement: list[Item], path: str) -> list[Include]:
    """`@Library('name@version') _` and `@Library(['a', 'b']) _`: one Include per library."""
    if len(statement) < 3 or not is_punct(statement[0], "@") or not is_word(statement[1], "Library"):
        return []
    group = statement[2]
    items = group.items if isinstance(group, Group) else [group]
    line = statement[1].line
    return [Include("shared-library", token.text, Location(path, line))
            for token in words_in(items) if token.kind == STRING]


def inputs_of(call: Call) -> dict[str, str]:
    """A step's arguments as strings: named ones by name, the first positional string as `value`."""
    inputs = {arg.name: string_value(arg.items) or flat_text(arg.items) for arg in call.args if arg.name}
    first = string_value(call.positional() or ())
    if first is not None:
        inputs["value"] = first
    return {key: value for key, value in inputs.items() if value}


def configurations_matrix(call: Call) -> dict[str, tuple[str, ...]]:
    """`buildPlugin(configurations: [[platform: 'linux', jdk: 21], ...])`: the versions it is asked to test."""
    configurations = call.named("configurations")
    if not configurations or not is_group(configurations[0], "["):
        return {}
    axes: dict[str, list[str]] = {}
    for entry in configurations[0].items:  # type: ignore[union-attr]
        if not is_group(entry, "["):
            continue
        for arg in split_args(entry.items):  # type: ignore[union-attr]
            value = string_value(arg.items) or flat_text(arg.items)
            if arg.name and value and value not in axes.setdefault(arg.name, []):
                axes[arg.name].append(value)
    return {axis: tuple(values) for axis, values in axes.items() if values}
