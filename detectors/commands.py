"""What a shell command does: `classify(argv)` → [(activity kind, tool, data)].

The tables live beside this module, one concern each: test runners and coverage
(`command_tests`), quality and security tools (`command_quality`), builds, images, publishing and
releases (`command_build`), deployments and infrastructure (`command_deploy`). A program several
tables know (`go test` / `go vet` / `go build`) is asked of each. Wrappers (`poetry run`, `sudo`,
`docker run`, `bash -c`) are peeled first (see wrappers.py).

Runners whose meaning lives in a repository file (`make`, `tox`, `nox`, `npm test`, `./ci.sh`) give
nothing here: follow.py reads the file and classifies what it really runs.
"""

from __future__ import annotations

import re
from typing import Mapping

from devops_scan_detectors import (
    command_build, command_coverage, command_deploy, command_images, command_jvm, command_quality,
    command_release, command_tests,
)
from devops_scan_detectors.activity import COVERAGE_UPLOAD, E2E_TEST, TEST
from devops_scan_detectors.command_rules import Handler, Result, kinds, operands
from devops_scan_detectors.shell import Command, split_commands
from devops_scan_detectors.wrappers import program, unwrap_once

Classification = tuple[str, str, dict[str, str]]

_MAX_UNWRAP = 8
_HANDLERS: dict[str, list[Handler]] = {}
for _table in (command_tests.HANDLERS, command_coverage.HANDLERS, command_quality.HANDLERS, command_build.HANDLERS,
               command_jvm.HANDLERS, command_images.HANDLERS, command_release.HANDLERS, command_deploy.HANDLERS):
    for _name, _handler in _table.items():
        _HANDLERS.setdefault(_name, []).append(_handler)

# Other names of the same program.
ALIASES = {"py.test": "pytest", "pytest-3": "pytest", "nosetests3": "nosetests", "mvnw": "mvn",
           "gradlew": "gradle", "kaniko-executor": "executor", "sonar-scanner-cli": "sonar-scanner",
           "sonarscanner": "sonar-scanner", "mega-linter": "megalinter", "jest-cli": "jest",
           "cucumber.js": "cucumber", "semgrep-agent": "semgrep", "dependency-check-cli": "dependency-check",
           "slim": "super-linter"}
# Programs whose subcommands are separate tools, looked up as PROGRAM-SUBCOMMAND (`cargo clippy`).
_PLUGIN_HOSTS = frozenset({"cargo", "dotnet", "git", "composer", "kubectl", "docker", "gh"})
_NO_OP = frozenset({"--version", "--help", "-h", "help", "-V"})
# Coverage uploaders that are only ever downloaded to be run (`curl -s https://codecov.io/bash | bash`).
_UPLOADER_SCRIPTS = (("codecov.io/bash", "codecov"), ("coverage.codacy.com/get.sh", "codacy"),
                     ("codacy-coverage-reporter/releases", "codacy"))
# Arguments naming end-to-end or integration suites (paths, config files, tags, markers).
_E2E_WORDS = re.compile(r"(^|[/_.:=\-])(e2e|integration|acceptance|end-?to-?end|end2end|functional|it)"
                        r"(?=$|[/_.:\-]|tests?\b|_?tests?)", re.IGNORECASE)
_NOT_SUITE_OPTIONS = ("--ignore", "--deselect", "--exclude", "--skip", "--testPathIgnorePatterns", "-skip",
                      "--ignore-glob", "--exclude-dir", "--exclude-tag", "--exclude-tags", "--cov", "--cov-report",
                      "--junitxml", "--junit-xml", "--coverprofile", "-coverprofile", "--cov-config", "--rootdir")


def known_program(name: str) -> bool:
    """Whether the tables know `name` (so a `./gradlew` in the repository is Gradle, not a script to read)."""
    name = ALIASES.get(name, name)
    return name in _HANDLERS


def classify_leaf(argv: tuple[str, ...], env: Mapping[str, str] | None = None) -> list[Classification]:
    """What one command does by itself (no wrapper peeling, no following); never raises."""
    if not argv:
        return []
    try:
        return _dedupe(_classify(argv, dict(env or {})))
    except Exception:  # noqa: BLE001 - one odd command line must not cost the others
        return []


def _classify(argv: tuple[str, ...], env: dict[str, str]) -> Result:
    name = program(argv[0])
    name = ALIASES.get(name, name)
    args = tuple(argv[1:])
    if args[:1] and args[0] in _NO_OP or any(arg in ("--version", "--help") for arg in args):
        return []
    if name in ("curl", "wget"):
        return _uploader_script(args)
    result: Result = []
    if name in _PLUGIN_HOSTS:
        found = operands(args)
        plugin = f"{name}-{found[0]}" if found else ""
        if plugin in _HANDLERS:
            rest = args[args.index(found[0]) + 1:]
            for handler in _HANDLERS[plugin]:
                result += handler(rest, env)
            return _with_suite_hints(result, args)
    for handler in _HANDLERS.get(name, ()):
        result += handler(args, env)
    return _with_suite_hints(result, args)


def _uploader_script(args: tuple[str, ...]) -> Result:
    for fragment, service in _UPLOADER_SCRIPTS:
        if any(fragment in arg for arg in args):
            return kinds(service, COVERAGE_UPLOAD, service=service, via="uploader script downloaded and run")
    return []


def _with_suite_hints(result: Result, args: tuple[str, ...]) -> Result:
    """A unit-test runner pointed at an e2e/integration suite runs that suite too."""
    tests = [item for item in result if item[0] == TEST]
    if not tests or any(item[0] == E2E_TEST for item in result) or not suite_is_e2e(args):
        return result
    return result + [(E2E_TEST, tests[0][1], {"via": "suite path or tag"})]


def suite_is_e2e(args: tuple[str, ...]) -> bool:
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
            continue
        if arg in _NOT_SUITE_OPTIONS or arg in ("-k", "-m", "--markers"):
            skip_next = arg in _NOT_SUITE_OPTIONS or _negated_selection(args, arg)
            continue
        if arg.startswith(tuple(option + "=" for option in _NOT_SUITE_OPTIONS)):
            continue
        if _E2E_WORDS.search(arg):
            return True
    return False


def _negated_selection(args: tuple[str, ...], option: str) -> bool:
    # pytest `-m "not integration"` deselects the suite: its value must not count.
    index = args.index(option)
    return index + 1 < len(args) and "not " in f" {args[index + 1]}"


def classify_command(command: Command, depth: int = 0) -> list[tuple[Command, Classification]]:
    """A command with its wrappers peeled: each leaf command with what it does."""
    unwrapped = unwrap_once(command) if depth < _MAX_UNWRAP else None
    if unwrapped is None:
        return [(command, item) for item in classify_leaf(command.argv, dict(command.env))]
    found = [(command, item) for item in classify_leaf(command.argv, dict(command.env))] \
        if unwrapped.outer_counts else []
    inner = [pair for sub in unwrapped.commands for pair in classify_command(sub, depth + 1)]
    if not inner:
        inner = [pair for sub in unwrapped.alternatives for pair in classify_command(sub, depth + 1)]
    return found + inner


def classify(argv: tuple[str, ...] | list[str], env: Mapping[str, str] | None = None) -> list[Classification]:
    """What a command line does, wrappers peeled (`poetry run pytest --cov` → pytest TEST, COVERAGE)."""
    words = list(argv)
    assignments = dict(env or {})
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):  # `COVERAGE=true rspec` given as words
        name, _, text = words.pop(0).partition("=")
        assignments[name] = text
    command = Command(tuple(words), 1, " ".join(argv), tuple(assignments.items()))
    return _dedupe([item for _command, item in classify_command(command)])


def classify_text(text: str) -> list[tuple[Command, Classification]]:
    """Every command of a shell script with what it does (no following into the repository)."""
    return [pair for command in split_commands(text) for pair in classify_command(command)]


def _dedupe(items: Result) -> list[Classification]:
    seen: set[tuple[str, str, tuple[tuple[str, str], ...]]] = set()
    unique: list[Classification] = []
    for kind, tool, data in items:
        key = (kind, tool, tuple(sorted(data.items())))
        if key not in seen:
            seen.add(key)
            unique.append((kind, tool, data))
    return unique
