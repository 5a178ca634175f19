"""Following a command into the repository: what `make test` or `./ci/run-tests.sh` really runs.

A command is offered to the resolvers in order (make, just, task, tox, nox, Python script
runners, package scripts, Maven, shell scripts); the first that recognises it reads its file and
returns the commands written there (Links), which are followed in turn — up to MAX_DEPTH levels,
never twice around a cycle. What no resolver recognises is peeled of its wrappers and classified.
Every activity keeps the chain of commands that led to it, outermost first.

When a command cannot be followed (the Makefile has no such target, the script is not in the
repository) a note says so: what it hides is unknown, not absent.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan_detectors.activity import Activity
from devops_scan_detectors.commands import classify_leaf
from devops_scan_detectors.shell import Command, split_commands
from devops_scan_detectors.wrappers import unwrap_once

MAX_DEPTH = 6
_DETAIL_LIMIT = 200
# Variables that name the checkout's root in CI systems: `$GITHUB_WORKSPACE/ci/test.sh` is `ci/test.sh`.
_ROOT_VARIABLES = re.compile(
    r"^(\$\{?(GITHUB_WORKSPACE|CI_PROJECT_DIR|WORKSPACE|BITBUCKET_CLONE_DIR|CIRCLE_WORKING_DIRECTORY|"
    r"TRAVIS_BUILD_DIR|BUILD_SOURCESDIRECTORY|CODEBUILD_SRC_DIR|DRONE_WORKSPACE|CI_WORKSPACE|"
    r"SEMAPHORE_GIT_DIR|BUILDKITE_BUILD_CHECKOUT_PATH|SYSTEM_DEFAULTWORKINGDIRECTORY)\}?|"
    r"\$\(Build\.SourcesDirectory\)|\$\(System\.DefaultWorkingDirectory\))(/|$)")
# ... and the folder the shell is in.
_CURRENT_FOLDER = re.compile(r"^(\$\{?PWD\}?|\$\(pwd\)|`pwd`)(/|$)")
_SCRIPT_DIR = re.compile(r"^\$\((dirname|cd)\b[^)]*(\$0|BASH_SOURCE)[^)]*\)+(?P<rest>.*)$")
_BLOCK_INDICATOR = re.compile(r"[|>][-+0-9]*\s*(#.*)?$")
_TOP_LEVEL = re.compile(r"^\$\(git rev-parse --show-toplevel\)(?P<rest>.*)$")


@dataclass(frozen=True)
class Link:
    """A command written in a file a resolver read: where, in which folder it runs, under what name."""

    text: str
    location: Location
    cwd: str
    # How a reader names the place: `test:` (a make target), `[testenv:py]`, `scripts.test`.
    label: str = ""
    # Words already split (nox `session.run("pytest", "--cov")`); None: `text` is shell text.
    argv: tuple[str, ...] | None = None
    # A script's own path, for `cd "$(dirname "$0")"` inside it.
    script: str | None = None


@dataclass(frozen=True)
class Resolution:
    """What a resolver found for one command."""

    # Identity of what was followed (`("make", "Makefile", "test")`): cycles and memoisation use it.
    key: tuple[str, ...]
    links: tuple[Link, ...] = ()
    # Activities read straight from a file (Maven plugin executions in pom.xml), chains relative.
    activities: tuple[Activity, ...] = ()
    # Why (part of) the command could not be followed; its effect is then unknown.
    note: str | None = None
    # The command is also judged by itself (`mvn verify` runs tests AND the pom's bound plugins).
    classify_too: bool = False


@dataclass(frozen=True)
class FollowResult:
    activities: tuple[Activity, ...] = ()
    notes: tuple[str, ...] = ()
    # The folder the text leaves the shell in (after its `cd`s): the next script line of the same shell
    # session (GitLab `script:` items, Travis, Bitbucket) starts there.
    cwd: str = ""


Resolver = Callable[["Follower", Command, str], "Resolution | None"]


@dataclass
class _Outcome:
    activities: list[Activity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    complete: bool = True  # False when a cycle or the depth limit cut it: not memoised
    cwd: str = ""


class Follower:
    """Follows commands through one repository. One per scan (see `follower`), memoising per file."""

    def __init__(self, client: RepoClient, context: ScanContext, resolvers: Iterable[Resolver]) -> None:
        self.client = client
        self.context = context
        self._resolvers = tuple(resolvers)
        self._memo: dict[tuple[str, ...], _Outcome] = {}

    # --- what resolvers use ---------------------------------------------------------------------

    def read(self, path: str) -> str | None:
        try:
            return self.client.read_text(path).text
        except UnreadableFile:
            return None

    def parsed(self, kind: str, path: str, parse: Callable[[str], object]) -> object | None:
        """A file parsed once per scan (shared by every detector); None when unreadable or unparsable."""

        def compute() -> object | None:
            text = self.read(path)
            if text is None:
                return None
            try:
                return parse(text)
            except Exception:  # noqa: BLE001 - a parser bug on one odd file costs that file only
                return None

        return self.context.shared(f"follow:{kind}:{path}", compute)

    def repo_path(self, cwd: str, word: str) -> str | None:
        """The repository path a word names from `cwd`, if it stays inside the repository."""
        rooted = _ROOT_VARIABLES.match(word)
        here = _CURRENT_FOLDER.match(word)
        if rooted:
            base, word = "", word[rooted.end():]
        elif here:
            base, word = cwd, word[here.end():]
        elif word.startswith("/"):
            return None  # an absolute path: the runner's file system, not the checkout
        else:
            base = cwd
        if "$" in word or "`" in word or word.startswith("~"):
            return None
        path = posixpath.normpath(posixpath.join(base, word)) if word else (base or ".")
        if path == ".":
            return ""
        return None if path.startswith("..") else path

    def scalar_start(self, path: str, line: int | None) -> int | None:
        """The first line of a YAML scalar's text: the line after `key: |` for a block scalar."""
        text = self.read(path) if line is not None else None
        lines = text.splitlines() if text is not None else []
        if line is not None and 0 < line <= len(lines) and _BLOCK_INDICATOR.search(lines[line - 1]):
            return line + 1
        return line

    def exists(self, path: str) -> bool:
        return path in self.client.files

    def find_up(self, cwd: str, *names: str) -> str | None:
        """The nearest of `names` in `cwd` or a parent folder (how npm finds package.json)."""
        folder = cwd
        while True:
            for name in names:
                candidate = posixpath.join(folder, name) if folder else name
                if self.exists(candidate):
                    return candidate
            if not folder:
                return None
            folder = posixpath.dirname(folder)

    # --- following ------------------------------------------------------------------------------

    def follow_text(self, text: str, location: Location, cwd: str = "", label: str = "",
                    script: str | None = None) -> FollowResult:
        outcome = self._text(text, location, cwd, label, script, (), 0, ())
        return FollowResult(tuple(outcome.activities), tuple(dict.fromkeys(outcome.notes)), outcome.cwd)

    def _text(self, text: str, location: Location, cwd: str, label: str, script: str | None,
              chain: tuple[str, ...], depth: int, stack: tuple[tuple[str, ...], ...]) -> _Outcome:
        outcome = _Outcome()
        variables: dict[str, str] = {}
        previous: list[str] = []
        # The folder of each subshell: a `cd` inside `( ... )` or `$( ... )` stays there.
        folders: dict[tuple[int, ...], str] = {(): cwd}
        for command in split_commands(text):
            where = Location(location.path, None if location.line is None else location.line + command.line - 1)
            if not command.argv:
                for name, value in command.env:
                    variables[name] = value
                continue
            scope = command.subshell
            start = next(folders[scope[:size]] for size in range(len(scope), -1, -1) if scope[:size] in folders)
            cwd = folders[scope] = self._directory(command, start, script, variables, previous)
            if command.argv[0] in ("cd", "pushd", "popd"):
                continue
            command, unknown = _program_named(command, variables)
            if unknown:
                outcome.notes.append(f"{where} {label + ' ' if label else ''}`{_trim(command.text)}`: {unknown}")
                continue
            _merge(outcome, self._command(command, where, cwd, label, chain, depth, stack))
        outcome.cwd = folders[()]
        return outcome

    def _directory(self, command: Command, cwd: str, script: str | None, variables: dict[str, str],
                   previous: list[str]) -> str:
        """Track `cd`, `pushd`, `popd` so later commands are resolved in the right folder."""
        name = command.argv[0]
        if name == "popd":
            return previous.pop() if previous else cwd
        if name not in ("cd", "pushd") or len(command.argv) < 2:
            return cwd
        word = command.argv[1]
        for variable, value in variables.items():
            word = word.replace("${" + variable + "}", value).replace("$" + variable, value)
        match = _SCRIPT_DIR.match(word) or _TOP_LEVEL.match(word)
        if match:
            base = posixpath.dirname(script) if script and match.re is _SCRIPT_DIR else ""
            target = self.repo_path(base, match.group("rest").lstrip("/"))
        else:
            target = self.repo_path(cwd, word)
        if target is None:
            return cwd
        if name == "pushd":
            previous.append(cwd)
        return target

    def _command(self, command: Command, location: Location, cwd: str, label: str, chain: tuple[str, ...],
                 depth: int, stack: tuple[tuple[str, ...], ...]) -> _Outcome:
        for resolver in self._resolvers:
            try:
                resolution = resolver(self, command, cwd)
            except Exception:  # noqa: BLE001 - a resolver bug must not cost the other commands
                resolution = None
            if resolution is not None:
                return self._resolved(resolution, command, location, label, chain, depth, stack)
        unwrapped = unwrap_once(command)
        if unwrapped is None:
            return _Outcome(self._leaf(command, location, chain))
        outcome = _Outcome(self._leaf(command, location, chain) if unwrapped.outer_counts else [])
        inner = _Outcome()
        for sub in unwrapped.commands:
            _merge(inner, self._command(sub, location, cwd, label, chain, depth + 1, stack))
        if not inner.activities and unwrapped.alternatives:
            for sub in unwrapped.alternatives:
                _merge(inner, self._command(sub, location, cwd, label, chain, depth + 1, stack))
        _merge(outcome, inner)
        return outcome

    def _leaf(self, command: Command, location: Location, chain: tuple[str, ...]) -> list[Activity]:
        detail = _trim(command.text)
        return [Activity(kind, tool, location, detail, chain, data)
                for kind, tool, data in classify_leaf(command.argv, dict(command.env))]

    def _resolved(self, resolution: Resolution, command: Command, location: Location, label: str,
                  chain: tuple[str, ...], depth: int, stack: tuple[tuple[str, ...], ...]) -> _Outcome:
        outcome = _Outcome(self._leaf(command, location, chain) if resolution.classify_too else [])
        here = f"{location} {label + ' ' if label else ''}`{_trim(command.text)}`"
        if resolution.note:
            outcome.notes.append(f"{here}: {resolution.note}")
        if resolution.key in stack:
            outcome.complete = False
            return outcome  # a cycle: what it runs is already being followed further out
        if depth >= MAX_DEPTH:
            outcome.notes.append(f"{here}: not followed further (more than {MAX_DEPTH} levels deep)")
            outcome.complete = False
            return outcome
        inner = self._memo.get(resolution.key)
        if inner is None:
            inner = self._links(resolution, depth, stack + (resolution.key,))
            if inner.complete:
                self._memo[resolution.key] = inner
        prefix = chain + (here,)
        outcome.activities += [Activity(a.kind, a.tool, a.location, a.detail, prefix + a.chain, a.data)
                               for a in inner.activities]
        outcome.notes += inner.notes
        outcome.complete = outcome.complete and inner.complete
        return outcome

    def _links(self, resolution: Resolution, depth: int, stack: tuple[tuple[str, ...], ...]) -> _Outcome:
        """What a resolution's links run, with chains relative to the resolved command."""
        outcome = _Outcome(list(resolution.activities))
        for link in resolution.links:
            if link.argv is not None:
                command = Command(link.argv, 1, link.text)
                _merge(outcome, self._command(command, link.location, link.cwd, link.label, (), depth + 1, stack))
            else:
                _merge(outcome, self._text(link.text, link.location, link.cwd, link.label, link.script, (),
                                           depth + 1, stack))
        return outcome


_VARIABLE = re.compile(r"^\$\{?([A-Za-z_]\w*)\}?$")
# After a variable, these make it a comparison or an assignment (PowerShell, `test`), not a program.
_NOT_ARGUMENTS = frozenset({"=", "==", "!=", "+=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "-and", "-or", "-not",
                            "-like", "-notlike", "-match", "-notmatch", "-contains", "-notcontains", "-is"})


def _program_named(command: Command, variables: dict[str, str]) -> tuple[Command, str | None]:
    """A program written as a variable (`$PYTHON -m pytest`, `${{ env.CARGO }} test`): the value the
    script gave it, or why it cannot be known (set outside the text, or computed at run time)."""
    first = command.argv[0]
    if first.startswith("CI_EXPRESSION"):
        return command, "the program is a CI expression, decided at run time: what it does is unknown"
    match = _VARIABLE.match(first)
    operator = command.argv[1:2] and command.argv[1].lower() in _NOT_ARGUMENTS
    if not match or len(command.argv) < 2 or operator:
        return command, None  # `$output` alone, PowerShell's `$x = ...` / `$LASTEXITCODE -ne 0`: no program
    value = variables.get(match.group(1), "").strip("'\"")
    if not value or "$" in value or "`" in value:
        return command, f"the program is the variable `{first}`, set outside this text: what it does is unknown"
    return replace(command, argv=(*value.split(), *command.argv[1:])), None


def _merge(into: _Outcome, other: _Outcome) -> None:
    into.activities += other.activities
    into.notes += other.notes
    into.complete = into.complete and other.complete


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"
