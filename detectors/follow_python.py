"""Python runners whose commands live in configuration: tox, nox, hatch, PDM, poethepoet, Rye.

noxfile.py is read with `ast`, never imported: `session.run("pytest", "--cov")` calls with literal
arguments are the commands; arguments computed at run time are left out (`*session.posargs`).
Script runners (`hatch run test`, `pdm run lint`, `poe ci`) resolve only names their configuration
defines; any other word is a plain command (`hatch run pytest`), which the wrappers then peel.
"""

from __future__ import annotations

import ast
import posixpath
import re
from typing import Any

from devops_scan.model import Location
from devops_scan_detectors.follow import Follower, Link, Resolution
from devops_scan_detectors.shell import Command
from devops_scan_detectors.toxconfig import ToxConfig, from_ini, from_toml
from devops_scan_detectors.wrappers import program

_TOX_HOMES = (("tox.ini", "ini"), ("setup.cfg", "setup.cfg"), ("pyproject.toml", "pyproject"), ("tox.toml", "toml"))
_TOX_NOT_RUNNING = frozenset({"list", "l", "config", "c", "devenv", "d", "depends", "de", "quickstart", "q",
                              "legacy", "le", "schema"})


def _tox_config(text: str, path: str, home: str) -> ToxConfig | None:
    if home == "ini":
        return from_ini(path, text)
    if home == "setup.cfg":
        return from_ini(path, text) if re.search(r"^\[tox:tox\]", text, re.MULTILINE) else None
    return from_toml(path, text, "tool.tox." if home == "pyproject" else "")


def resolve_tox(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    if program(command.argv[0]) != "tox":
        return None
    args = command.argv[1:]
    if any(word in ("--notest", "-l", "--listenvs", "-a", "--listenvs-all", "--showconfig") for word in args):
        return Resolution(("tox", cwd), links=())
    words = [word for word in args if not word.startswith("-")]
    if words[:1] and words[0] in _TOX_NOT_RUNNING:
        return Resolution(("tox", cwd), links=())
    given = _option(args, "-c", "--conf")
    config = _find_tox(follower, cwd, given)
    if config is None:
        return Resolution(("tox", cwd), note="no tox configuration in the repository for it")
    selected = [name for value in _options(args, "-e", "--env") for name in value.split(",") if name]
    chosen = command.env_value("TOXENV") or command.env_value("TOX_ENV")  # tox 3 and tox 4 spellings
    if not selected and chosen:
        selected = [name for name in str(chosen).split(",") if name]
    for label in _options(args, "-m", "--labels"):
        selected += config.labels.get(label, [])
    if not selected or "ALL" in selected:
        selected = config.environments() if "ALL" in selected else (config.env_list or ["py"])
    folder = posixpath.dirname(config.path)
    if "--" in args and words[:1] in (["exec"], ["e"]):
        after = args[args.index("--") + 1:]
        return Resolution(("tox", config.path, "exec", *after), (Link(" ".join(after), Location(config.path), folder,
                                                                       argv=after),))
    links: list[Link] = []
    missing = []
    for env in selected:
        if f"testenv:{env}" not in config.sections and "testenv" not in config.sections:
            missing.append(env)
            continue
        lines, changedir = config.commands(env)
        here = follower.repo_path(folder, changedir) if changedir else folder
        for line, text in lines:
            links.append(Link(text, Location(config.path, line), folder if here is None else here, f"[testenv:{env}]"))
    note = f"{config.path} defines no environment {', '.join(missing)}" if missing else None
    return Resolution(("tox", config.path, *selected), tuple(links), note=note)


def _find_tox(follower: Follower, cwd: str, given: str | None) -> ToxConfig | None:
    if given:
        path = follower.repo_path(cwd, given)
        if path is None:
            return None
        candidates = [(path, home) for name, home in _TOX_HOMES if path.endswith(name)] or [
            (posixpath.join(path, name), home) for name, home in _TOX_HOMES]
    else:
        folders, folder = [], cwd
        while True:
            folders.append(folder)
            if not folder:
                break
            folder = posixpath.dirname(folder)
        candidates = [(posixpath.join(f, name) if f else name, home) for f in folders for name, home in _TOX_HOMES]
    for path, home in candidates:
        if follower.exists(path):
            parsed = follower.parsed(f"tox-{home}", path, lambda text, p=path, h=home: _tox_config(text, p, h))
            if isinstance(parsed, ToxConfig):
                return parsed
    return None


def _option(args: tuple[str, ...], *names: str) -> str | None:
    found = _options(args, *names)
    return found[0] if found else None


def _options(args: tuple[str, ...], *names: str) -> list[str]:
    found = []
    for index, word in enumerate(args):
        for name in names:
            if word == name and index + 1 < len(args):
                found.append(args[index + 1])
            elif word.startswith(name + "="):
                found.append(word.split("=", 1)[1])
            elif len(name) == 2 and word.startswith(name) and len(word) > 2 and not word.startswith("--"):
                found.append(word[2:])
    return found


# --- nox -------------------------------------------------------------------------------------------

class _Session:
    def __init__(self, name: str, function: ast.FunctionDef, tags: list[str]) -> None:
        self.name, self.function, self.tags = name, function, tags


def parse_noxfile(text: str) -> tuple[dict[str, _Session], list[str], dict[str, ast.FunctionDef]]:
    """(sessions by name, nox.options.sessions, module functions) of a noxfile, by reading its syntax."""
    tree = ast.parse(text)
    sessions: dict[str, _Session] = {}
    defaults: list[str] = []
    functions = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if _dotted(target).split(".")[-1] != "session":
                    continue
                keywords = {k.arg: k.value for k in decorator.keywords} if isinstance(decorator, ast.Call) else {}
                name = keywords.get("name")
                session_name = name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) \
                    else node.name
                tags = keywords.get("tags")
                tag_names = [e.value for e in tags.elts if isinstance(e, ast.Constant)] if isinstance(
                    tags, (ast.List, ast.Tuple)) else []
                sessions[session_name] = _Session(session_name, node, [str(t) for t in tag_names])
        elif isinstance(node, ast.Assign) and any(_dotted(t) == "nox.options.sessions" for t in node.targets):
            if isinstance(node.value, (ast.List, ast.Tuple)):
                defaults = [e.value for e in node.value.elts
                            if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return sessions, defaults, functions


def _dotted(node: Any) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def resolve_nox(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    if program(command.argv[0]) != "nox":
        return None
    args = command.argv[1:]
    if any(word in ("-l", "--list", "--list-sessions", "--json") for word in args):
        return Resolution(("nox", cwd))
    given = _option(args, "-f", "--noxfile")
    path = follower.repo_path(cwd, given) if given else posixpath.join(cwd, "noxfile.py") if cwd else "noxfile.py"
    if path is None or not follower.exists(path):
        return Resolution(("nox", cwd), note="no noxfile.py in the repository for it")
    parsed = follower.parsed("nox", path, parse_noxfile)
    if not isinstance(parsed, tuple):
        return Resolution(("nox", path), note=f"{path} could not be parsed")
    sessions, defaults, functions = parsed
    wanted = _session_arguments(args)
    tags = _options(args, "-t", "--tags")
    selected = [s for s in sessions.values() if any(t in s.tags for t in tags)] if tags else []
    for name in wanted or ([] if tags else defaults or list(sessions)):
        base = re.split(r"[-(]", name, maxsplit=1)[0]
        session = sessions.get(name) or sessions.get(base)
        if session is not None and session not in selected:
            selected.append(session)
    folder = posixpath.dirname(path)
    links: list[Link] = []
    visited: set[str] = set()
    for session in selected:
        _session_links(session, sessions, functions, path, folder, links, visited)
    missing = [name for name in wanted if re.split(r"[-(]", name, maxsplit=1)[0] not in sessions
               and name not in sessions]
    note = f"{path} has no session {', '.join(missing)}" if missing else None
    return Resolution(("nox", path, *[s.name for s in selected]), tuple(links), note=note)


def _session_arguments(args: tuple[str, ...]) -> list[str]:
    names: list[str] = []
    collecting = False
    for word in args:
        if word in ("-s", "--session", "--sessions", "-e"):
            collecting = True
        elif word.startswith(("--session=", "--sessions=")):
            names += word.split("=", 1)[1].split(",")
        elif word.startswith("-"):
            collecting = False
        elif collecting:
            names += [name for name in word.split(",") if name]
    return names


def _session_links(session: _Session, sessions: dict[str, _Session], functions: dict[str, ast.FunctionDef],
                   path: str, folder: str, links: list[Link], visited: set[str]) -> None:
    if session.name in visited:
        return
    visited.add(session.name)
    label = f"session {session.name}:"
    _calls(session.function, sessions, functions, path, folder, links, visited, label, 0)


def _calls(function: ast.FunctionDef, sessions: dict[str, _Session], functions: dict[str, ast.FunctionDef],
           path: str, folder: str, links: list[Link], visited: set[str], label: str, depth: int) -> None:
    parameter = function.args.args[0].arg if function.args.args else "session"
    calls = sorted((node for node in ast.walk(function) if isinstance(node, ast.Call)),
                   key=lambda node: (node.lineno, node.col_offset))
    for node in calls:
        callee = node.func
        if isinstance(callee, ast.Attribute) and isinstance(callee.value, ast.Name) and callee.value.id == parameter:
            if callee.attr in ("run", "run_always"):
                words = tuple(arg.value for arg in node.args if isinstance(arg, ast.Constant)
                              and isinstance(arg.value, str))
                if words:
                    links.append(Link(" ".join(words), Location(path, node.lineno), folder, label, argv=words))
            elif callee.attr == "notify" and node.args and isinstance(node.args[0], ast.Constant):
                other = sessions.get(str(node.args[0].value))
                if other is not None:
                    _session_links(other, sessions, functions, path, folder, links, visited)
        elif isinstance(callee, ast.Name) and callee.id in functions and depth < 3 and any(
                isinstance(arg, ast.Name) and arg.id == parameter for arg in node.args):
            _calls(functions[callee.id], sessions, functions, path, folder, links, visited, label, depth + 1)
