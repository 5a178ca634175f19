"""`make`: the targets a command names (or the default goal), their prerequisites first, and the
recipe lines they run, with their lines — read from the Makefile with makefile.py."""

from __future__ import annotations

import posixpath
import re

from devops_scan.model import Location
from devops_scan_detectors.follow import Follower, Link, Resolution
from devops_scan_detectors.makefile import Makefile, parse_makefile
from devops_scan_detectors.shell import Command
from devops_scan_detectors.wrappers import program

_MAKE = frozenset({"make", "gmake", "mingw32-make", "bmake"})
_MAKE_VALUED = frozenset({"-C", "--directory", "-f", "--file", "--makefile", "-I", "--include-dir", "-o",
                          "--old-file", "-W", "--what-if", "-l", "--load-average", "-O", "--output-sync"})
_RECIPE_PREFIX = re.compile(r"^[@+\-\s]+")


def _make_arguments(args: tuple[str, ...]) -> tuple[str | None, str | None, dict[str, str], list[str]]:
    """(directory, makefile, variable overrides, targets) of a `make` command line."""
    directory = makefile = None
    overrides: dict[str, str] = {}
    targets: list[str] = []
    index = 0
    while index < len(args):
        word = args[index]
        option, _, attached = word.partition("=") if word.startswith("--") else (word, "", "")
        if option in _MAKE_VALUED or word[:2] in ("-C", "-f") and len(word) > 2:
            if word[:2] in ("-C", "-f") and len(word) > 2:
                given, option = word[2:], word[:2]
            elif attached:
                given = attached
            else:
                index += 1
                given = args[index] if index < len(args) else ""
            if option in ("-C", "--directory"):
                directory = given
            elif option in ("-f", "--file", "--makefile"):
                makefile = given
        elif word == "-j" and index + 1 < len(args) and args[index + 1].isdigit():
            index += 1
        elif word.startswith("-"):
            pass
        elif "=" in word:
            name, _, text = word.partition("=")
            overrides[name] = text
        else:
            targets.append(word)
        index += 1
    return directory, makefile, overrides, targets


def resolve_make(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    if program(command.argv[0]) not in _MAKE:
        return None
    directory, name, overrides, targets = _make_arguments(command.argv[1:])
    folder = follower.repo_path(cwd, directory) if directory else cwd
    if folder is None:
        return Resolution(("make", directory or "", *targets), note=f"runs in `{directory}`, which cannot be read")
    if name:
        path = follower.repo_path(folder, name)
        candidates = [path] if path is not None else []
    else:
        candidates = [posixpath.join(folder, n) if folder else n for n in ("GNUmakefile", "makefile", "Makefile")]
    path = next((candidate for candidate in candidates if follower.exists(candidate)), None)
    if path is None:
        return Resolution(("make", folder, *targets), note=f"no Makefile in `{folder or '.'}` in the repository")
    parsed = follower.parsed("make", path, lambda text: parse_makefile(text, path, _include_reader(follower, folder)))
    if not isinstance(parsed, Makefile):
        return Resolution(("make", path, *targets), note=f"{path} could not be read")
    goals = targets or ([parsed.default] if parsed.default else [])
    missing = [goal for goal in goals if parsed.rule_for(goal) is None]
    links = _make_links(parsed, [goal for goal in goals if goal not in missing], folder, overrides)
    note = f"{path} has no rule for {', '.join(f'`{goal}`' for goal in missing)}" if missing else None
    if not goals:
        note = f"{path} has no target to run"
    return Resolution(("make", path, *goals), tuple(links), note=note)


def _include_reader(follower: Follower, folder: str):  # noqa: ANN202 - a Reader for parse_makefile
    def read(name: str) -> tuple[str, str] | None:
        if "*" in name or "?" in name:
            return None  # globbed includes: read one by one would need ordering make defines by the shell
        path = follower.repo_path(folder, name)
        if path is None or not follower.exists(path):
            return None
        text = follower.read(path)
        return (path, text) if text is not None else None

    return read


def _make_links(makefile: Makefile, goals: list[str], folder: str, overrides: dict[str, str]) -> list[Link]:
    links: list[Link] = []
    visited: set[str] = set()

    def visit(target: str) -> None:
        rule = makefile.rule_for(target) if target not in visited else None
        if rule is None:
            return
        visited.add(target)
        for prerequisite in rule.prerequisites:
            visit(prerequisite)
        for line, recipe in rule.recipe:
            text = _RECIPE_PREFIX.sub("", makefile.expand(recipe, rule, overrides))
            if text:
                links.append(Link(text, Location(rule.path, line), folder, f"{target}:"))

    for goal in goals:
        visit(goal)
    return links
