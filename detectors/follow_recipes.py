"""Task runners whose recipes are shell lines: just (justfile) and Task (Taskfile.yml).

Each resolver turns `just lint` / `task ci` into the recipe lines it runs, with their lines, its
dependencies first (as the runner orders them).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from devops_scan.model import Location
from devops_scan.yamlsafe import item_line, key_line
from devops_scan_detectors.follow import Follower, Link, Resolution
from devops_scan_detectors.shell import Command
from devops_scan_detectors.wrappers import program

_RECIPE_PREFIX = re.compile(r"^[@+\-\s]+")


@dataclass
class _Recipe:
    name: str
    line: int
    dependencies: list[str] = field(default_factory=list)
    body: list[tuple[int, str]] = field(default_factory=list)
    parameters: int = 0


@dataclass
class _Justfile:
    recipes: dict[str, _Recipe] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    first: str | None = None


_JUST_HEADER = re.compile(r"^@?([A-Za-z_][\w-]*)((?:\s+[^:]*?)?)\s*:(?!=)\s*(.*)$")


def parse_justfile(text: str) -> _Justfile:
    justfile = _Justfile()
    current: _Recipe | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line[:1] in (" ", "\t"):
            body = line.strip()
            # Comments are not commands; a shebang as the first line says which language the recipe is.
            shebang = body.startswith("#!") and current is not None and not current.body
            if current is not None and body and (not body.startswith("#") or shebang):
                current.body.append((number, body))
            continue
        stripped = line.strip()
        current = None
        if not stripped or stripped.startswith(("#", "[", "set ", "import ", "mod ")):
            continue
        alias = re.match(r"^alias\s+([\w-]+)\s*:=\s*([\w-]+)", stripped)
        variable = re.match(r"^(?:export\s+)?([A-Za-z_][\w-]*)\s*:=\s*(.*)$", stripped)
        header = _JUST_HEADER.match(stripped)
        if alias:
            justfile.aliases[alias.group(1)] = alias.group(2)
        elif variable:
            justfile.variables[variable.group(1)] = variable.group(2).strip().strip("'\"")
        elif header:
            name, parameters, dependencies = header.groups()
            current = _Recipe(name, number, parameters=len(parameters.split()))
            current.dependencies = re.findall(r"(?:^|\s|\(|&&\s*)([A-Za-z_][\w-]*)",
                                              re.sub(r"\(([\w-]+)[^)]*\)", r"\1", dependencies))
            justfile.recipes.setdefault(name, current)
            justfile.first = justfile.first or name
    return justfile


def _interpolate(text: str, justfile: _Justfile) -> str:
    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        if expression in ("justfile_directory()", "invocation_directory()"):
            return "."
        return justfile.variables.get(expression, "")

    return re.sub(r"\{\{(.*?)\}\}", value, text)


def resolve_just(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    if program(command.argv[0]) != "just":
        return None
    args = command.argv[1:]
    given = next((args[i + 1] for i, word in enumerate(args[:-1]) if word in ("-f", "--justfile")), None)
    path = follower.repo_path(cwd, given) if given else follower.find_up(cwd, "justfile", "Justfile", ".justfile")
    if path is None or not follower.exists(path):
        return Resolution(("just", cwd), note="no justfile in the repository for it")
    parsed = follower.parsed("just", path, parse_justfile)
    if not isinstance(parsed, _Justfile):
        return Resolution(("just", path), note=f"{path} could not be read")
    operands = [word for word in args if not word.startswith("-") and word != given]
    names: list[str] = []
    for word in operands:
        name = parsed.aliases.get(word, word)
        if name in parsed.recipes:
            names.append(name)
            if parsed.recipes[name].parameters:
                break  # the words after it are its arguments
    if not operands and parsed.first:
        names = [parsed.first]
    if not names:
        return Resolution(("just", path, *operands), note=f"{path} has no recipe `{' '.join(operands)}`")
    links: list[Link] = []
    visited: set[str] = set()
    folder = posixpath.dirname(path)

    def visit(name: str) -> None:
        recipe = parsed.recipes.get(parsed.aliases.get(name, name))
        if recipe is None or recipe.name in visited:
            return
        visited.add(recipe.name)
        for dependency in recipe.dependencies:
            visit(dependency)
        body = recipe.body
        if body and body[0][1].startswith("#!") and not re.search(r"\b(ba|z|da|k)?sh\b", body[0][1]):
            return  # a Python/Node shebang recipe: its lines are not shell
        for line, text in body:
            if not text.startswith("#"):
                links.append(Link(_RECIPE_PREFIX.sub("", _interpolate(text, parsed)), Location(path, line), folder,
                                  f"{recipe.name}:"))

    for name in names:
        visit(name)
    return Resolution(("just", path, *names), tuple(links))


# --- Task (taskfile.dev) ----------------------------------------------------------------------------

_TASKFILES = ("Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml",
              "Taskfile.dist.yaml")


def resolve_task(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    if program(command.argv[0]) not in ("task", "go-task"):
        return None
    args = command.argv[1:]
    valued = ("-d", "--dir", "-t", "--taskfile", "-o", "--output", "-C", "--concurrency", "--interval")
    directory = next((args[i + 1] for i, word in enumerate(args[:-1]) if word in ("-d", "--dir")), None)
    folder = follower.repo_path(cwd, directory) if directory else cwd
    given = next((args[i + 1] for i, word in enumerate(args[:-1]) if word in ("-t", "--taskfile")), None)
    path = follower.repo_path(folder or "", given) if given else follower.find_up(folder or "", *_TASKFILES)
    if path is None or not follower.exists(path):
        return Resolution(("task", cwd), note="no Taskfile in the repository for it")
    try:
        document = follower.context.yaml(follower.client, path).first
    except Exception:  # noqa: BLE001 - unreadable or invalid YAML: say so
        return Resolution(("task", path), note=f"{path} could not be read as YAML")
    tasks = document.get("tasks") if isinstance(document, dict) else None
    if not isinstance(tasks, dict):
        return Resolution(("task", path), note=f"{path} defines no tasks")
    names, skip = [], False
    for word in args:
        if skip:
            skip = False
        elif word == "--":
            break
        elif word in valued:
            skip = True
        elif not word.startswith("-") and "=" not in word:
            names.append(word)
    names = names or ["default"]
    missing = [name for name in names if name not in tasks]
    links: list[Link] = []
    visited: set[str] = set()
    for name in names:
        _task_links(follower, tasks, name, path, posixpath.dirname(path), links, visited)
    note = f"{path} has no task {', '.join(f'`{n}`' for n in missing)}" if missing else None
    return Resolution(("task", path, *names), tuple(links), note=note)


def _task_links(follower: Follower, tasks: dict, name: str, path: str, folder: str, links: list[Link],
                visited: set[str]) -> None:
    if name in visited or name not in tasks or len(visited) > 100:
        return
    visited.add(name)
    task = tasks[name]
    if isinstance(task, str):
        start = follower.scalar_start(path, key_line(tasks, name))
        links.append(Link(task, Location(path, start), folder, f"task {name}:"))
        return
    if isinstance(task, list):
        task = {"cmds": task}
    if not isinstance(task, dict):
        return
    directory = task.get("dir")
    here = posixpath.normpath(posixpath.join(folder, directory)) if isinstance(directory, str) else folder
    for dependency in task.get("deps") or ():
        reference = dependency.get("task") if isinstance(dependency, dict) else dependency
        if isinstance(reference, str):
            _task_links(follower, tasks, reference, path, folder, links, visited)
    commands = task.get("cmds")
    if isinstance(task.get("cmd"), str):
        commands = [task["cmd"]]
    if not isinstance(commands, list):
        return
    for index, item in enumerate(commands):
        line = item_line(commands, index)
        if isinstance(item, dict) and isinstance(item.get("task"), str):
            _task_links(follower, tasks, item["task"], path, folder, links, visited)
            continue
        text = item.get("cmd") if isinstance(item, dict) else item
        line = (key_line(item, "cmd") or line) if isinstance(item, dict) else line
        if isinstance(text, str):
            links.append(Link(text, Location(path, follower.scalar_start(path, line)), here, f"task {name}:"))
