"""Named scripts of Python project tools: `hatch run test`, `pdm run lint`, `poe ci`, `rye run check`.

Each tool keeps its scripts in pyproject.toml (hatch also in hatch.toml). A script is a command, a
list of commands, or a sequence of other scripts; the resolver expands it to the commands it runs,
with the line of each in the TOML file. A name the configuration does not define is not a script:
the resolver declines and the command is judged as written (`hatch run pytest` runs pytest).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass
from typing import Any, Callable

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (declared in pyproject.toml)
    import tomli as tomllib
from devops_scan.model import Location
from devops_scan_detectors.follow import Follower, Link, Resolution
from devops_scan_detectors.shell import Command
from devops_scan_detectors.wrappers import program

# One item of a script: ("cmd", shell text), ("ref", another script's name) or ("note", why unreadable).
Item = tuple[str, str]


@dataclass(frozen=True)
class _Tool:
    name: str
    # The scripts table of a parsed TOML document, for an environment (hatch) or None.
    table: Callable[[dict[str, Any], str], dict[str, Any] | None]
    items: Callable[[Any], list[Item]]
    # TOML section headers where the table is written (for line numbers).
    headers: Callable[[str], tuple[str, ...]]
    hooks: bool = False


def _hatch_table(document: dict[str, Any], env: str) -> dict[str, Any] | None:
    envs = document.get("tool", {}).get("hatch", {}).get("envs") if "tool" in document else document.get("envs")
    if not isinstance(envs, dict):
        return None
    scripts: dict[str, Any] = {}
    seen = set()
    name: str | None = env.split(".")[0]
    while name and name not in seen:  # an environment inherits its template's scripts (default: "default")
        seen.add(name)
        config = envs.get(name) if isinstance(envs.get(name), dict) else {}
        for key, value in (config.get("scripts") or {}).items():
            scripts.setdefault(key, value)
        name = config.get("template", "default" if name != "default" else None)
    return scripts


def _command_items(value: Any) -> list[Item]:
    if isinstance(value, str):
        return [("cmd", value)]
    if isinstance(value, list):
        return [("cmd", item) for item in value if isinstance(item, str)]
    return []


def _pdm_items(value: Any) -> list[Item]:
    if isinstance(value, dict):
        if "composite" in value and isinstance(value["composite"], list):
            return [("cmd", item) for item in value["composite"] if isinstance(item, str)]
        if "call" in value:
            return [("note", f"calls the Python function `{value['call']}`, which is not read")]
        command = value.get("cmd", value.get("shell"))
        return [("cmd", shlex.join(command) if isinstance(command, list) else command)] if isinstance(
            command, (str, list)) else []
    return _command_items(value)


def _poe_items(value: Any) -> list[Item]:
    if isinstance(value, list):  # a bare array is a sequence of task references
        return [("ref", item) if isinstance(item, str) else next(iter(_poe_items(item)), ("note", ""))
                for item in value]
    if isinstance(value, dict):
        for key in ("cmd", "shell"):
            if isinstance(value.get(key), str):
                return [("cmd", value[key])]
        if isinstance(value.get("ref"), str):
            return [("ref", value["ref"])]
        if isinstance(value.get("sequence"), list):
            return _poe_items(value["sequence"])
        if "script" in value or "expr" in value:
            return [("note", "runs Python code, which is not read")]
        return []
    return _command_items(value)


def _rye_items(value: Any) -> list[Item]:
    if isinstance(value, dict):
        if isinstance(value.get("chain"), list):
            return [("ref", item) for item in value["chain"] if isinstance(item, str)]
        if "call" in value:
            return [("note", f"calls the Python function `{value['call']}`, which is not read")]
        command = value.get("cmd")
        return [("cmd", shlex.join(command) if isinstance(command, list) else command)] if isinstance(
            command, (str, list)) else []
    return _command_items(value)


TOOLS = {
    "hatch": _Tool("hatch", _hatch_table, _command_items,
                   lambda env: (f"tool.hatch.envs.{env}.scripts", f"envs.{env}.scripts", f"tool.hatch.envs.{env}",
                                f"envs.{env}")),
    "pdm": _Tool("pdm", lambda d, _e: d.get("tool", {}).get("pdm", {}).get("scripts"), _pdm_items,
                 lambda _env: ("tool.pdm.scripts",), hooks=True),
    "poe": _Tool("poe", lambda d, _e: d.get("tool", {}).get("poe", {}).get("tasks"), _poe_items,
                 lambda _env: ("tool.poe.tasks",)),
    "rye": _Tool("rye", lambda d, _e: d.get("tool", {}).get("rye", {}).get("scripts"), _rye_items,
                 lambda _env: ("tool.rye.scripts",)),
}


def _invocation(command: Command) -> tuple[str, str, str, tuple[str, ...]] | None:
    """(tool, environment, script name, its arguments) when the command runs a named script."""
    argv = command.argv
    name = program(argv[0])
    if name == "hatch":
        env = next((argv[i + 1] for i, word in enumerate(argv[:-1]) if word in ("-e", "--env")), "default")
        if "run" not in argv:
            return None
        rest = list(argv[argv.index("run") + 1:])
        while rest and rest[0].startswith(("+", "-")):  # matrix selectors (`+py=3.12`) and options
            rest.pop(0)
        if not rest:
            return None
        target = rest[0]
        if ":" in target:
            env, target = target.split(":", 1)
        return "hatch", env, target, tuple(rest[1:])
    if name in ("pdm", "rye") and len(argv) > 2 and argv[1] == "run":
        return name, "", argv[2], argv[3:]
    if name == "pdm" and len(argv) > 1 and not argv[1].startswith("-"):
        return "pdm", "", argv[1], argv[2:]  # `pdm test`: a script shortcut when not a pdm command
    if name == "poe" and len(argv) > 1:
        words = [word for word in argv[1:] if not word.startswith("-")]
        return ("poe", "", words[0], ()) if words else None
    if name == "poetry" and len(argv) > 2 and argv[1] == "poe":
        return "poe", "", argv[2], argv[3:]
    return None


def resolve_python_scripts(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    found = _invocation(command)
    if found is None:
        return None
    tool_name, env, name, _arguments = found
    tool = TOOLS[tool_name]
    homes = ("hatch.toml", "pyproject.toml") if tool_name == "hatch" else ("pyproject.toml",)
    for home in homes:
        path = follower.find_up(cwd, home)
        if path is None:
            continue
        document = follower.parsed("toml", path, tomllib.loads)
        table = tool.table(document, env) if isinstance(document, dict) else None
        if isinstance(table, dict) and name in table:
            links, notes = _expand(follower, tool, table, name, env, path, set())
            return Resolution((tool_name, path, env, name), tuple(links), note="; ".join(notes) or None)
    return None  # not a script: the command itself runs (`hatch run pytest`)


def _expand(follower: Follower, tool: _Tool, table: dict[str, Any], name: str, env: str, path: str,
            visited: set[str]) -> tuple[list[Link], list[str]]:
    if name in visited or len(visited) > 50:
        return [], []
    visited.add(name)
    links: list[Link] = []
    notes: list[str] = []
    names = ([f"pre_{name}"] if tool.hooks and f"pre_{name}" in table else []) + [name] + (
        [f"post_{name}"] if tool.hooks and f"post_{name}" in table else [])
    text = follower.read(path) or ""
    for script in names:
        for kind, value in tool.items(table[script]):
            first = value.split()[0] if value.split() else ""
            if kind == "ref" or kind == "cmd" and first in table and first != script and tool.name != "poe":
                more, more_notes = _expand(follower, tool, table, first if kind == "cmd" else value, env, path,
                                           visited)
                links += more
                notes += more_notes
            elif kind == "cmd":
                line = _line(text, tool.headers(env), script, value)
                links.append(Link(_stand_ins(value), Location(path, line), posixpath.dirname(path),
                                  f"{tool.name} {script}:"))
            elif kind == "note" and value:
                notes.append(f"`{script}` {value}")
    return links, notes


def _stand_ins(text: str) -> str:
    # hatch `{args:tests}` → its default; `{root}` → the project; other context fields → nothing.
    # A leading `- ` tells hatch to ignore the command's exit code: it still runs.
    text = re.sub(r"^-\s+", "", text.strip())
    text = re.sub(r"\{args:([^}]*)\}", r"\1", text)
    text = re.sub(r"\{(env:[^:}]+:)([^}]*)\}", r"\2", text)
    return re.sub(r"\{(args|root|home|verbosity[^}]*|env:[^}]*|matrix:[^}]*)\}", lambda m: "." if m.group(1) ==
                  "root" else "", text)


def _line(text: str, headers: tuple[str, ...], name: str, value: str) -> int | None:
    """Line of `value` in script `name` under one of `headers`: the item's own line when it is found."""
    lines = text.splitlines()
    for header in headers:
        start = next((n for n, line in enumerate(lines, 1) if re.match(
            rf"^\s*\[\s*{re.escape(header)}(\.\"?{re.escape(name)}\"?)?\s*\]", line)), None)
        if start is None:
            continue
        section_end = next((n for n, line in enumerate(lines[start:], start + 1) if line.startswith("[")),
                           len(lines) + 1)
        key = next((n for n in range(start + 1, section_end) if re.match(
            rf"^\s*\"?{re.escape(name)}\"?\s*=", lines[n - 1])), start)
        needle = value.strip().splitlines()[0][:40] if value.strip() else ""
        exact = next((n for n in range(key, min(section_end, key + 40)) if needle and needle in lines[n - 1]), None)
        return exact or key
    return None
