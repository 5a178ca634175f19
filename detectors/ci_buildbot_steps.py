"""Literal reading of a Buildbot master.cfg's syntax tree: names, string lists, factories and steps."""

from __future__ import annotations

import ast

from devops_scan.model import Location
from devops_scan_detectors.ci_parsekit import shell_join
from devops_scan_detectors.cimodel import CALL, MANUAL, OTHER, PUSH, SCHEDULE, Step

SCHEDULER_EVENTS = {
    "SingleBranchScheduler": {PUSH}, "AnyBranchScheduler": {PUSH}, "ForceScheduler": {MANUAL},
    "Nightly": {SCHEDULE}, "Periodic": {SCHEDULE}, "NightlyTriggerable": {CALL}, "Triggerable": {CALL},
    "Dependent": {CALL}, "Try_Jobdir": {OTHER}, "Try_Userpass": {OTHER},
}
SHELL_STEPS = frozenset({"ShellCommand", "ShellSequence", "Compile", "Test", "Configure", "SetPropertyFromCommand",
                         "WarningCountingShellCommand", "PyFlakes", "PyLint", "Sphinx", "Trial", "RemoteShellCommand",
                         "TreeSize", "CMake", "MsBuild", "VisualStudio"})
DEFAULT_COMMANDS = {"Compile": "make all", "Test": "make test", "Configure": "./configure", "Trial": "trial",
                    "PyFlakes": "make pyflakes", "PyLint": "make pylint", "Sphinx": "sphinx-build", "CMake": "cmake"}


def call_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Attribute):
        return function.attr
    return function.id if isinstance(function, ast.Name) else ""


def literal_strings(node: ast.AST | None) -> list[str] | None:
    """A string, `util.Interpolate("...")`, or a list/tuple of those; None when not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Call) and call_name(node) in ("Interpolate", "WithProperties") and node.args:
        return literal_strings(node.args[0])
    if isinstance(node, (ast.List, ast.Tuple)):
        parts: list[str] = []
        for element in node.elts:
            part = literal_strings(element)
            if part is None:
                return None
            parts.extend(part)
        return parts
    return None


class StepReader:
    def __init__(self, path: str, tree: ast.Module) -> None:
        self.path = path
        self.problems: list[str] = []
        self.assigned: dict[str, ast.AST] = {}
        self.added: dict[str, list[ast.AST]] = {}  # factory variable → steps added to it, in order
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                self.assigned[node.targets[0].id] = node.value
        calls = sorted((node for node in ast.walk(tree) if isinstance(node, ast.Call)),
                       key=lambda node: (node.lineno, node.col_offset))
        for call in calls:
            function = call.func
            if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name) and call.args:
                if function.attr == "addStep":
                    self.added.setdefault(function.value.id, []).append(call.args[0])
                elif function.attr == "addSteps":
                    self.added.setdefault(function.value.id, []).extend(_elements(self._value(call.args[0])))

    def _value(self, node: ast.AST) -> ast.AST:
        """A name's assigned value (one level), else the node itself."""
        return self.assigned.get(node.id, node) if isinstance(node, ast.Name) else node

    def keyword_strings(self, call: ast.Call, key: str) -> list[str] | None:
        for keyword in call.keywords:
            if keyword.arg == key:
                return literal_strings(self._value(keyword.value))
        return None

    def factory_steps(self, builder: ast.Call) -> list[Step]:
        factory = next((keyword.value for keyword in builder.keywords if keyword.arg == "factory"), None)
        nodes: list[ast.AST] = []
        if isinstance(factory, ast.Name):
            constructed = self.assigned.get(factory.id)
            if isinstance(constructed, ast.Call) and constructed.args:
                nodes += _elements(self._value(constructed.args[0]))
            nodes += self.added.get(factory.id, [])
        elif isinstance(factory, ast.Call) and factory.args:
            nodes += _elements(self._value(factory.args[0]))
        steps = [self.step(self._value(node)) for node in nodes]
        return [step for step in steps if step is not None]

    def step(self, node: ast.AST) -> Step | None:
        if not isinstance(node, ast.Call):
            return None
        kind = call_name(node)
        location = Location(self.path, node.lineno)
        keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        condition = keywords.get("doStepIf")
        if isinstance(condition, ast.Constant) and condition.value is False:
            return None  # a step that never runs
        name = (literal_strings(keywords.get("name")) or [None])[0]
        if kind not in SHELL_STEPS:
            inputs = {key: " ".join(value) for key, value in
                      ((key, literal_strings(self._value(node_value))) for key, node_value in keywords.items())
                      if value is not None}
            return Step(location, name=name, uses=f"buildbot:{kind}", inputs=inputs)
        if kind == "ShellSequence":
            commands = [self._command(argument) for argument in _elements(self._value(keywords.get("commands")))]
            return Step(location, name=name, run="\n".join(command for command in commands if command))
        command = self._command(node) if "command" in keywords else DEFAULT_COMMANDS.get(kind)
        if kind == "Trial" and "command" not in keywords:
            command = " ".join(["trial", *(literal_strings(keywords.get("tests")) or [])])
        if command is None:
            self.problems.append(f"line {node.lineno}: {kind} command is built at run time; not read")
            return Step(location, name=name, uses=f"buildbot:{kind}")
        return Step(location, name=name, run=command)

    def _command(self, node: ast.AST) -> str | None:
        """`command=` of a step or of a `util.ShellArg`: a list is quoted as a shell would, a string kept."""
        if not isinstance(node, ast.Call):
            return None
        value = next((keyword.value for keyword in node.keywords if keyword.arg == "command"), None)
        value = self._value(value) if value is not None else None
        parts = literal_strings(value)
        if parts is None:
            return None
        return parts[0] if isinstance(value, ast.Constant) or call_name_of(value) == "Interpolate" \
            else shell_join(parts)


def call_name_of(node: ast.AST | None) -> str:
    return call_name(node) if isinstance(node, ast.Call) else ""


def _elements(node: ast.AST | None) -> list[ast.AST]:
    return list(node.elts) if isinstance(node, (ast.List, ast.Tuple)) else []
