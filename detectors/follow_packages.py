"""Package-manager scripts: `npm test`, `yarn lint`, `pnpm run build`, `composer test` → the script text.

npm and yarn run `preX` and `postX` around `X`; pnpm and bun do not. Words after `--` (npm) or after
the script name (yarn, pnpm) are appended to the script, as the package manager does: `npm test --
--coverage` runs `jest --coverage` when `test` is `jest`. Workspace runs (`npm test --workspaces`,
`pnpm -r test`, `lerna run test`, `turbo run test`, `nx run-many -t test`) fan out to every
package.json of the repository that defines the script.
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
import shlex
from typing import Any

from devops_scan.model import Location
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.follow import Follower, Link, Resolution
from devops_scan_detectors.shell import Command
from devops_scan_detectors.wrappers import PNPM_BUILTIN, YARN_BUILTIN, program

_MAX_PACKAGES = 30
_NPM_ALIASES = {"t": "test", "tst": "test", "test": "test", "start": "start", "stop": "stop", "restart": "restart",
                "it": "test", "install-test": "test", "cit": "test", "install-ci-test": "test",
                "clean-install-test": "test"}
_COMPOSER_BUILTIN = frozenset("about archive audit browse bump check-platform-reqs clear-cache config create-project "
                              "depends diagnose dump-autoload exec fund global help init install licenses list "
                              "outdated prohibits reinstall remove require search self-update show status suggests "
                              "update validate".split())


def parse_package_json(text: str) -> dict[str, Any]:
    """scripts (name → text), their lines, the package name."""
    data = json.loads(text)
    scripts = data.get("scripts") if isinstance(data, dict) else None
    scripts = {k: v for k, v in scripts.items() if isinstance(v, (str, list))} if isinstance(scripts, dict) else {}
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines, 1) if re.search(r'"scripts"\s*:', line)), 1)
    where = {}
    for name in scripts:
        pattern = re.compile(r'^\s*"' + re.escape(name) + r'"\s*:')
        where[name] = next((n for n, line in enumerate(lines[start - 1:], start) if pattern.search(line)), start)
    return {"scripts": scripts, "lines": where, "name": data.get("name") if isinstance(data, dict) else None}


def _invocation(argv: tuple[str, ...]) -> tuple[str, str | None, str | None, bool, tuple[str, ...]] | None:
    """(manager, script, folder option, fan out to workspaces, extra words) of a script run; None if not one."""
    manager = program(argv[0])
    args = list(argv[1:])
    folder = None
    fan_out = False
    words: list[str] = []
    positions: list[int] = []
    extra: tuple[str, ...] = ()
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            extra = tuple(args[index + 1:])
            break
        if word in ("--prefix", "--cwd", "-C", "--dir") and index + 1 < len(args):
            folder = args[index + 1]
            index += 1
        elif word in ("-w", "--workspace", "--filter", "-F") and index + 1 < len(args):
            fan_out = True
            index += 1
        elif word in ("-ws", "--workspaces", "-r", "--recursive") or word.startswith(("--workspace=", "--filter=")):
            fan_out = True
        elif not word.startswith("-"):
            words.append(word)
            positions.append(index)
        index += 1
    if not words:
        return None
    head = words[0]

    def after(position: int) -> tuple[str, ...]:
        # yarn, pnpm and bun pass every word after the script name to it (options included).
        rest = args[positions[position] + 1:]
        return tuple(rest[1:] if rest[:1] == ["--"] else rest)
    if manager == "npm":
        if head in ("run", "run-script", "rum", "urn"):
            return (manager, words[1], folder, fan_out, extra) if len(words) > 1 else None
        return (manager, _NPM_ALIASES[head], folder, fan_out, extra) if head in _NPM_ALIASES else None
    if manager in ("yarn", "pnpm"):
        if manager == "yarn" and head == "workspaces":  # `yarn workspaces [foreach -A] run X`
            at = words.index("run") + 1 if "run" in words else len(words)
            return (manager, words[at], folder, True, tuple(words[at + 1:])) if at < len(words) else None
        if head == "run":
            return (manager, words[1], folder, fan_out, after(1)) if len(words) > 1 else None
        builtin = YARN_BUILTIN if manager == "yarn" else PNPM_BUILTIN
        if head in builtin:
            return None
        return manager, head, folder, fan_out, after(0)
    if manager == "bun" and head == "run" and len(words) > 1:
        return manager, words[1], folder, fan_out, after(1)
    return None


def _monorepo_task(argv: tuple[str, ...]) -> list[str] | None:
    """Script names run in every workspace package by lerna, turbo or nx."""
    name = program(argv[0])
    words = [word for word in argv[1:] if not word.startswith("-")]
    targets = [argv[i + 1] for i, word in enumerate(argv[:-1]) if word in ("-t", "--target", "--targets")]
    targets += [word.split("=", 1)[1] for word in argv if word.startswith(("--target=", "--targets="))]
    if name == "lerna" and words[:1] == ["run"] and len(words) > 1:
        return [words[1]]
    if name == "turbo":
        if words[:1] == ["run"]:
            return words[1:] or None
        return words[:1] if words and words[0] not in ("prune", "login", "link", "unlink", "daemon", "gen",
                                                         "telemetry", "ls", "query", "info") else None
    if name == "nx":
        if words[:1] in (["run-many"], ["affected"]):
            return [t for target in targets for t in target.split(",")] or None
        if words[:1] == ["run"] and len(words) > 1 and ":" in words[1]:
            return [words[1].split(":")[1]]
        return words[:1] if words and words[0] in ("test", "lint", "build", "e2e") else None
    return None


def resolve_package_scripts(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    found = _invocation(command.argv)
    if found is not None:
        manager, script, folder, fan_out, extra = found
        base = follower.repo_path(cwd, folder) if folder else cwd
        if base is None:
            return Resolution((manager, cwd, script or ""), note=f"runs in `{folder}`, which cannot be read")
        if fan_out:
            return _fan_out(follower, manager, [script], extra)
        path = follower.find_up(base, "package.json")
        if path is None:
            return Resolution((manager, base, script), note="no package.json in the repository for it")
        parsed = follower.parsed("package-json", path, parse_package_json)
        if not isinstance(parsed, dict):
            return Resolution((manager, path, script), note=f"{path} could not be read as JSON")
        if "$" in script:  # `npm run test:${suite}`: every script the name can take runs in some iteration
            pattern = re.sub(r"\$\{[^}]*\}|\$\w+", "*", script)
            names = [name for name in parsed["scripts"] if fnmatch.fnmatchcase(name, pattern)]
            links = [link for name in names for link in _script_links(path, parsed, name, manager in ("npm", "yarn"),
                                                                       extra)]
            note = None if links else f"{path} has no script matching `{script}`"
            return Resolution((manager, path, script), tuple(links), note=note)
        if script not in parsed["scripts"]:
            if manager in ("yarn", "pnpm") and command.argv[1:2] != ("run",) or manager == "bun":
                return None  # `yarn jest`, `bun run file.ts`: not a script, judged as written
            return Resolution((manager, path, script), note=f"{path} has no script `{script}`")
        hooks = manager in ("npm", "yarn")
        return Resolution((manager, path, script), tuple(_script_links(path, parsed, script, hooks, extra)))
    tasks = _monorepo_task(command.argv)
    if tasks is not None:
        return _fan_out(follower, program(command.argv[0]), tasks, ())
    if program(command.argv[0]) in ("npm-run-all", "npm-run-all2", "run-s", "run-p"):
        return _run_all(follower, command, cwd)
    if program(command.argv[0]) == "composer":
        return _composer(follower, command, cwd)
    return None


def _script_links(path: str, parsed: dict[str, Any], script: str, hooks: bool, extra: tuple[str, ...]) -> list[Link]:
    names = ([f"pre{script}"] if hooks else []) + [script] + ([f"post{script}"] if hooks else [])
    folder = posixpath.dirname(path)
    links = []
    for name in names:
        text = parsed["scripts"].get(name)
        if not isinstance(text, str):
            continue
        if name == script and extra:
            text = f"{text} {shlex.join(extra)}"
        links.append(Link(text, Location(path, parsed["lines"].get(name)), folder, f"scripts.{name}:"))
    return links


def _fan_out(follower: Follower, tool: str, scripts: list[str], extra: tuple[str, ...]) -> Resolution:
    packages = [path for path in follower.client.files.named("package.json") if not not_the_projects_own(path)]
    links: list[Link] = []
    matched: list[str] = []
    for path in packages[: _MAX_PACKAGES * 4]:
        parsed = follower.parsed("package-json", path, parse_package_json)
        if not isinstance(parsed, dict):
            continue
        for script in scripts:
            if script in parsed["scripts"] and len(matched) < _MAX_PACKAGES:
                matched.append(path)
                links += _script_links(path, parsed, script, tool in ("npm", "yarn", "lerna"), extra)
    in_packages = [link for link in links if "/" in link.location.path]
    links = in_packages or links  # workspace runs skip the root package when packages define the script
    note = None if links else f"no package.json defines {', '.join(f'`{s}`' for s in scripts)}"
    if tool == "nx" and not links:
        note = f"nx target(s) {', '.join(scripts)} are defined outside package.json (project.json): not read"
    return Resolution((tool, "*", *scripts), tuple(links), note=note)


def _run_all(follower: Follower, command: Command, cwd: str) -> Resolution:
    path = follower.find_up(cwd, "package.json")
    parsed = follower.parsed("package-json", path, parse_package_json) if path else None
    if not isinstance(parsed, dict) or path is None:
        return Resolution(("npm-run-all", cwd), note="no package.json in the repository for it")
    patterns = [word.split()[0] for word in command.argv[1:] if not word.startswith("-") and word.split()]
    names = [name for pattern in patterns for name in parsed["scripts"]
             if fnmatch.fnmatchcase(name, pattern.replace("**", "\0").replace("*", "[!:]*").replace("\0", "*"))
             or name == pattern]
    links = [link for name in dict.fromkeys(names) for link in _script_links(path, parsed, name, True, ())]
    return Resolution(("npm-run-all", path, *names), tuple(links))


def _composer(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    words = [word for word in command.argv[1:] if not word.startswith("-")]
    if not words:
        return None
    name = words[1] if words[0] in ("run-script", "run") and len(words) > 1 else words[0]
    if name in _COMPOSER_BUILTIN:
        return None
    path = follower.find_up(cwd, "composer.json")
    parsed = follower.parsed("composer-json", path, parse_package_json) if path else None
    if not isinstance(parsed, dict) or path is None or name not in parsed["scripts"]:
        return Resolution(("composer", cwd, name), note=f"no composer.json script `{name}` in the repository")
    links: list[Link] = []
    notes: list[str] = []
    _composer_links(path, parsed, name, links, notes, set())
    return Resolution(("composer", path, name), tuple(links), note="; ".join(notes) or None)


def _composer_links(path: str, parsed: dict[str, Any], name: str, links: list[Link], notes: list[str],
                    visited: set[str]) -> None:
    if name in visited or name not in parsed["scripts"]:
        return
    visited.add(name)
    value = parsed["scripts"][name]
    for item in [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)]:
        if item.startswith("@") and not item.startswith(("@php", "@composer", "@putenv")):
            _composer_links(path, parsed, item[1:].split()[0], links, notes, visited)
        elif re.match(r"^[\w\\]+::\w+$", item):
            notes.append(f"`{name}` calls the PHP method `{item}`, which is not read")
        elif not item.startswith("@putenv"):
            text = re.sub(r"^@(php|composer)\b", r"\1", item)
            links.append(Link(text, Location(path, parsed["lines"].get(name)), posixpath.dirname(path),
                              f"scripts.{name}:"))
