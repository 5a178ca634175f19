"""Shell text split into simple commands, each with the line it is written on.

bashlex parses real bash (pipelines, `&&`, `if`, loops, subshells, functions, command and process
substitutions). It refuses some valid bash (`[[ ]]`, `$(( ))`, `case`, `time`): then each logical
line is tried alone, and a line bashlex still refuses is cut with shlex at `&&`, `||`, `;` and `|`.
Nothing here raises: unreadable text yields fewer commands, never an exception.
"""

from __future__ import annotations

import functools
import re
import shlex
from dataclasses import dataclass, replace
from typing import Any, Iterator


# Beyond this, bashlex (pure Python) gets slow; such texts are cut line by line instead.
_MAX_BASHLEX_CHARS = 50_000
_MAX_COMMANDS = 2_000
# CI expression syntaxes that are not shell: GitHub/Gitea `${{ x }}`, Jenkins/Groovy `${x.y}` is fine.
_CI_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][\w-]*)\1")
_OPERATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&", "(", ")", "{", "}"})
_KEYWORDS = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "esac",
                       "in", "{", "}"})
# What the fallback removes before cutting a line: tests and arithmetic (no commands inside) and
# redirections (the word after `>` is a file, not a command). `<(` is a process substitution: kept.
_NOT_COMMANDS = (
    re.compile(r"\$\(\(.*?\)\)"),
    re.compile(r"\[\[.*?\]\]|\(\(.*?\)\)"),
    re.compile(r"(?<![\w$])\d*(?:>>|>&|&>|>\||>|<<<|<<-?|<)(?!\()\s*(?:&\d+|'[^']*'|\"[^\"]*\"|[^\s;&|()]+)?"),
)


@dataclass(frozen=True)
class Command:
    """One simple command: its words (quotes removed), its line, its text as written."""

    argv: tuple[str, ...]
    # 1-based line inside the text it came from.
    line: int
    # The command as written, on one line (continuations joined), for evidence.
    text: str
    # `NAME=value` assignments written before it (`COVERAGE=true rspec`).
    env: tuple[tuple[str, str], ...] = ()
    # The subshells it runs in, outermost first (`(cd web && npm test)`, `$(make tags)`): a `cd` there
    # does not move the commands after the subshell.
    subshell: tuple[int, ...] = ()

    def env_value(self, name: str) -> str | None:
        return dict(self.env).get(name)


# Text with none of these is plain words, quotes and `&&`/`||`/`;`/`|` between commands: shlex cuts it
# exactly as bash would, without loading bashlex (~70 ms at start-up) or running its parser.
_NEEDS_BASH = re.compile(r"[$`(){}<>\\!]|^\s*(if|then|else|elif|fi|for|while|until|do|done|case|esac|function)\b",
                         re.MULTILINE)


_SIMPLE_VARIABLE = re.compile(r"\$\{?[A-Za-z_]\w*\}?")


def _needs_bash(text: str) -> bool:
    return bool(_NEEDS_BASH.search(_SIMPLE_VARIABLE.sub("v", text)))


@functools.lru_cache(maxsize=4096)
def split_commands(text: str) -> tuple[Command, ...]:
    """Every simple command of a shell script, in order of appearance; never raises.

    Memoised: the same recipe or script is reached from many jobs, and bashlex is slow."""
    try:
        text = _CI_EXPRESSION.sub(_stand_in, str(text))
        # `$VAR` and `${VAR}` stay words for shlex too; only substitutions, redirections and
        # compound commands need the real parser.
        if not _needs_bash(text):
            commands = [command for number, line in _logical_lines(text) for command in _with_shlex(line, number)]
            return tuple(command for command in commands if command.argv or command.env)[:_MAX_COMMANDS]
        commands = _with_bashlex(text, 1) if len(text) <= _MAX_BASHLEX_CHARS else None
        if commands is None:
            commands = [command for number, line in _logical_lines(text)
                        for command in (_with_bashlex(line, number) if len(line) <= 2000 and _needs_bash(line)
                                        else None)
                        or _with_shlex(line, number)]
        # Bare assignments (`DIR=$(dirname "$0")`) are kept: the follower tracks them for `cd "$DIR"`.
        return tuple(command for command in commands if command.argv or command.env)[:_MAX_COMMANDS]
    except Exception:  # noqa: BLE001 - the contract is "never raises"; odd text gives no commands
        return ()


def _stand_in(match: re.Match[str]) -> str:
    # Keep line numbers: an expression spanning lines keeps its newlines. The workspace expression
    # becomes its shell variable so that `${{ github.workspace }}/ci/test.sh` is still a repository path.
    if re.fullmatch(r"\$\{\{\s*github\.workspace\s*\}\}", match.group(0)):
        return "$GITHUB_WORKSPACE"
    return "CI_EXPRESSION" + "\n" * match.group(0).count("\n")


def _with_bashlex(text: str, first_line: int) -> list[Command] | None:
    if not text.strip():
        return []
    import bashlex  # only for text that needs a real shell parser

    try:
        trees = bashlex.parse(text)
    except Exception:  # noqa: BLE001 - bashlex raises many kinds of error (parsing, unsupported syntax...)
        return None
    commands: list[Command] = []
    counter = [0]
    for tree in trees:
        for node, subshell in _command_nodes(tree, 0, (), counter):
            command = _from_node(node, text, first_line)
            if command is not None:
                commands.append(replace(command, subshell=subshell))
    commands.sort(key=lambda command: command.line)
    return commands


def _command_nodes(node: Any, depth: int, subshell: tuple[int, ...], counter: list[int]
                   ) -> Iterator[tuple[Any, tuple[int, ...]]]:
    """CommandNodes in the tree with the subshells they run in, including those inside substitutions;
    heredoc bodies are data."""
    if depth > 200:
        return
    kind = getattr(node, "kind", None)
    if kind == "command":
        yield node, subshell
    opens = kind in ("commandsubstitution", "processsubstitution") or kind == "compound" and any(
        getattr(part, "kind", None) == "reservedword" and getattr(part, "word", None) == "("
        for part in (getattr(node, "list", None) or ())[:1])
    if opens:
        counter[0] += 1
        subshell = (*subshell, counter[0])
    for attribute in ("parts", "list"):
        for child in getattr(node, attribute, None) or ():
            yield from _command_nodes(child, depth + 1, subshell, counter)
    inner = getattr(node, "command", None)
    if inner is not None and not isinstance(inner, str):
        yield from _command_nodes(inner, depth + 1, subshell, counter)


def _from_node(node: Any, text: str, first_line: int) -> Command | None:
    env: list[tuple[str, str]] = []
    argv: list[str] = []
    for part in node.parts:
        kind = getattr(part, "kind", None)
        if kind == "assignment" and not argv:
            name, _, value = part.word.partition("=")
            env.append((name, value))
        elif kind == "word":
            argv.append(part.word)
    start, end = node.pos
    line = first_line + text.count("\n", 0, start)
    return Command(tuple(argv), line, _one_line(text[start:end]), tuple(env))


def _one_line(text: str) -> str:
    return " ".join(text.replace("\\\n", " ").split())


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, line) with backslash continuations joined; heredoc bodies skipped."""
    lines = text.split("\n")  # as bashlex counts lines: a lone \r is not a line break
    index = 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        while line.endswith("\\") and index + 1 < len(lines):
            index += 1
            line = line[:-1] + " " + lines[index]
        index += 1
        heredoc = _HEREDOC.search(line)
        if heredoc:
            while index < len(lines) and lines[index].strip() != heredoc.group(2):
                index += 1
            index += 1
        yield number, line


def _with_shlex(line: str, number: int) -> list[Command]:
    """A conservative cut of one line: words grouped between shell operators, keywords dropped."""
    stripped = line.strip()
    if not stripped or stripped.startswith("#"):
        return []
    for pattern in _NOT_COMMANDS:
        stripped = pattern.sub(" true ", stripped) if pattern is _NOT_COMMANDS[1] else pattern.sub(" ", stripped)
    try:
        lexer = shlex.shlex(stripped, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: words as they stand
        tokens = stripped.split()
    commands: list[Command] = []
    words: list[str] = []
    scopes: list[int] = []  # open subshells; a `)` with none open ends a `case` pattern
    for token in [*tokens, ";"]:
        if token in _OPERATORS or token and set(token) <= set("&|;()<>"):
            if token == ")" and not scopes:
                del commands[:]  # `a|b)` of a case statement: patterns, not commands
                words = []
            if words:
                commands.append(replace(_from_words(words, number), subshell=tuple(scopes)))
            words = []
            scopes += [number * 1000 + len(commands) + len(scopes)] * token.count("(")
            del scopes[len(scopes) - min(token.count(")"), len(scopes)):]
        elif not words and token in _KEYWORDS:
            continue
        else:
            words.append(token)
    return commands


def _from_words(words: list[str], number: int) -> Command:
    env: list[tuple[str, str]] = []
    while words and re.match(r"^[A-Za-z_]\w*=", words[0]):
        name, _, value = words.pop(0).partition("=")
        env.append((name, value))
    text = " ".join(shlex.quote(word) if " " in word else word for word in words)
    return Command(tuple(words), number, text, tuple(env))
