"""TeamCity build runners written as the command each runs, so that what a step does can be read
like any shell step (`gradle { tasks = "clean test" }` is `./gradlew clean test`)."""

from __future__ import annotations

import textwrap
from typing import Callable, Mapping

from devops_scan_detectors.ci_groovy import Call, Group, Item, call_of, is_punct, is_word, statements, string_value
from devops_scan_detectors.ci_parsekit import loc
from devops_scan_detectors.cimodel import Step

Value = tuple[str | None, Call | None, int]
_DOTNET = {"dotnetBuild": "build", "dotnetTest": "test", "dotnetPublish": "publish", "dotnetPack": "pack",
           "dotnetRestore": "restore", "dotnetRun": "run", "dotnetVsTest": "vstest", "dotnetNugetPush": "nuget push"}
_PYTHON_TOOLS = {"pytest": "python -m pytest", "flake8": "python -m flake8", "pylint": "python -m pylint",
                 "unittest": "python -m unittest"}


def assignments(block: Group) -> dict[str, Value]:
    """`name = "x"` / `commandType = build { ... }` statements of a block: name → (text, call, line)."""
    values: dict[str, Value] = {}
    for statement in statements(block):
        if len(statement) >= 3 and is_word(statement[0]) and is_punct(statement[1], "="):
            value = statement[2:]
            name = statement[0].text  # type: ignore[union-attr]
            values[name] = (string_value(value) or _literal(value), call_of(value), statement[0].line)
    return values


def _literal(items: list[Item]) -> str | None:
    return items[0].text if len(items) == 1 and is_word(items[0]) else None  # type: ignore[union-attr]


def _text(values: Mapping[str, Value], key: str) -> str:
    return (values.get(key, (None, None, 0))[0] or "").strip()


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)


def _nested(values: Mapping[str, Value], key: str) -> tuple[str | None, Mapping[str, Value]]:
    """`commandType = build { ... }` → ("build", the assignments inside)."""
    call = values.get(key, (None, None, 0))[1]
    if call is None:
        return None, {}
    return call.name, assignments(call.closures[0]) if call.closures else {}


def _script(values: Mapping[str, Value]) -> str | None:
    text = values.get("scriptContent", (None, None, 0))[0]
    return textwrap.dedent(text).strip() if text else None


def _gradle(values: Mapping[str, Value]) -> str:
    wrapper = _text(values, "useGradleWrapper") != "false"
    return _join("./gradlew" if wrapper else "gradle", _text(values, "tasks"), _text(values, "gradleParams"))


def _docker(values: Mapping[str, Value]) -> str | None:
    kind, inner = _nested(values, "commandType")
    tags = _text(inner, "namesAndTags").split()
    if kind == "build":
        _, source = _nested(inner, "source")
        dockerfile = _text(source, "path") or "Dockerfile"
        context = _text(inner, "contextDir") or "."
        return _join("docker build -f", dockerfile, *(f"-t {tag}" for tag in tags), _text(inner, "commandArgs"),
                     context)
    if kind == "push":
        return "\n".join(f"docker push {tag}" for tag in tags) or None
    if kind == "other":
        return _join("docker", _text(inner, "subCommand"), _text(inner, "commandArgs"))
    return None


def _python(values: Mapping[str, Value]) -> str | None:
    kind, inner = _nested(values, "command")
    if kind == "script":
        return textwrap.dedent(_text(inner, "content")) or None
    if kind == "module":
        return _join("python -m", _text(inner, "module"), _text(inner, "scriptArguments"))
    if kind == "file":
        return _join("python", _text(inner, "filename"), _text(inner, "scriptArguments"))
    if kind in _PYTHON_TOOLS:
        return _join(_PYTHON_TOOLS[kind], _text(inner, "scriptArguments"))
    return None


def _powershell(values: Mapping[str, Value]) -> str | None:
    _, inner = _nested(values, "scriptMode")
    content = _text(inner, "content")
    return textwrap.dedent(content).strip() if content else (_text(inner, "path") or None)


COMMANDS: dict[str, Callable[[Mapping[str, Value]], str | None]] = {
    "script": _script,
    "maven": lambda v: _join("mvn", _text(v, "goals"), _text(v, "runnerArgs")),
    "gradle": _gradle,
    "ant": lambda v: _join("ant", _text(v, "targets")),
    "exec": lambda v: _join(_text(v, "path"), _text(v, "arguments")) or None,
    "nodeJS": lambda v: textwrap.dedent(_text(v, "shellScript")).strip() or None,
    "dockerCommand": _docker,
    "dockerCompose": lambda v: _join("docker compose -f", _text(v, "file") or "docker-compose.yml", "up"),
    "python": _python,
    "powerShell": _powershell,
}


def runner_step(path: str, call: Call, values: Mapping[str, Value]) -> Step:
    name = values.get("name", (None, None, 0))[0] or call.name
    location = loc(path, call.line)
    if call.name in _DOTNET:
        run = _join("dotnet", _DOTNET[call.name], _text(values, "projects"), _text(values, "args"))
        return Step(location, name=name, run=run)
    command = COMMANDS.get(call.name)
    run = command(values) if command else None
    if run:
        return Step(location, name=name, run=run)
    inputs = {key: value for key, (value, _, _) in values.items() if value is not None}
    return Step(location, name=name, uses=f"teamcity:{call.name}", inputs=inputs)
