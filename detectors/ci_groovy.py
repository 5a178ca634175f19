"""Groovy and Kotlin DSL files as nested blocks of statements and calls, without evaluating them.

Jenkinsfiles and TeamCity's settings.kts are programs, but the parts a CI reader needs are written
as nested calls with closures: `stage('Test') { steps { sh 'make test' } }`,
`script { scriptContent = "..." }`. This module turns tokens (ci_groovy_lexer) into groups
(`{...}`, `(...)`, `[...]`), splits blocks into statements and reads each statement as a call:
its dotted name, its arguments (positional or `name: value`) and its trailing closures.

Tolerance rules: an unbalanced closer is skipped, unclosed groups end at the end of the file, and
groups nested deeper than MAX_DEPTH are flattened (so walkers never recurse without bound); each
such repair is reported as a problem with its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from devops_scan_detectors.ci_groovy_lexer import NEWLINE, PUNCT, STRING, WORD, Token, tokenize

MAX_DEPTH = 60
_CLOSERS = {"}": "{", ")": "(", "]": "["}
# A statement whose last token is one of these goes on on the next line.
# (`*` is left out: `import a.b.*` ends a line far more often than a multiplication spans two.)
_CONTINUES = frozenset({",", ".", "?.", "=", "+", "-", "&&", "||", "?", "->", "==", "!=", "=~", "==~",
                        "<", ">", "<=", ">=", "?:", "|", "&"})
_MODIFIERS = frozenset({"def", "final", "static", "private", "public", "protected", "return", "val", "var",
                        "new", "override", "const", "lateinit", "String", "Map", "List", "boolean", "int"})


@dataclass
class Group:
    opener: str  # "{", "(", "[" or "" for the whole file
    line: int
    items: list[Item] = field(default_factory=list)


Item = Union[Token, Group]


@dataclass(frozen=True)
class Arg:
    name: str | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Call:
    """`name(args) { closure }`, `name arg, key: value`, or the right side of an assignment."""

    name: str
    line: int
    args: tuple[Arg, ...]
    closures: tuple[Group, ...]
    # The left side when the statement assigns (`scriptContent = "..."`, `def out = sh(...)`).
    target: str | None = None
    # Written with parentheses (`cleanWs()`), not as a bare name that may just be a value (`env.CHANGE_ID`).
    parenthesised: bool = False

    def named(self, key: str) -> tuple[Item, ...] | None:
        return next((arg.items for arg in self.args if arg.name == key), None)

    def positional(self, index: int = 0) -> tuple[Item, ...] | None:
        values = [arg.items for arg in self.args if arg.name is None]
        return values[index] if index < len(values) else None

    def first_string(self, *keys: str) -> str | None:
        """The first named argument among `keys` that is a string, else the first positional one."""
        for key in keys:
            value = string_value(self.named(key) or ())
            if value is not None:
                return value
        return string_value(self.positional() or ())

    def arg_closures(self) -> tuple[Group, ...]:
        """Closures passed as argument values (`parallel a: { ... }`)."""
        return tuple(item for arg in self.args for item in arg.items if is_group(item, "{"))


def parse(source: str) -> tuple[Group, list[str]]:
    """(the file as a root group, problems); never raises."""
    tokens, problems = tokenize(source)
    root = Group("", 1)
    stack = [root]
    flattened = 0  # openers not turned into groups because the nesting was too deep
    for token in tokens:
        if token.kind == PUNCT and token.text in ("{", "(", "["):
            if len(stack) > MAX_DEPTH:
                flattened += 1
                if flattened == 1:
                    problems.append(f"line {token.line}: nested deeper than {MAX_DEPTH} levels; not read further")
                continue
            group = Group(token.text, token.line)
            stack[-1].items.append(group)
            stack.append(group)
        elif token.kind == PUNCT and token.text in _CLOSERS:
            if flattened:
                flattened -= 1
                continue
            opener = _CLOSERS[token.text]
            depth = next((i for i in range(len(stack) - 1, 0, -1) if stack[i].opener == opener), None)
            if depth is None:
                problems.append(f"line {token.line}: `{token.text}` closes nothing; skipped")
                continue
            del stack[depth:]
        else:
            stack[-1].items.append(token)
    for group in stack[1:]:
        problems.append(f"line {group.line}: `{group.opener}` is never closed")
    return root, problems


def is_group(item: object, opener: str) -> bool:
    return isinstance(item, Group) and item.opener == opener


def is_punct(item: object, *texts: str) -> bool:
    return isinstance(item, Token) and item.kind == PUNCT and item.text in texts


def is_word(item: object, *texts: str) -> bool:
    return isinstance(item, Token) and item.kind == WORD and (not texts or item.text in texts)


def statements(group: Group) -> list[list[Item]]:
    """The statements of a block: items split at `;` and at line ends that end a statement."""
    result: list[list[Item]] = []
    current: list[Item] = []
    pending_break = False
    for item in group.items:
        if isinstance(item, Token) and item.kind == NEWLINE:
            pending_break = True
            continue
        if is_punct(item, ";"):
            pending_break = True
            continue
        if pending_break and current and not _continues(current, item):
            result.append(current)
            current = []
        pending_break = False
        current.append(item)
    if current:
        result.append(current)
    return result


def _continues(current: list[Item], item: Item) -> bool:
    last = current[-1]
    if isinstance(last, Token) and last.kind == PUNCT and last.text in _CONTINUES:
        return True
    if is_punct(item, ".", "?.") or is_word(item, "else", "catch", "finally"):
        return True
    # A brace on its own line opens the closure of the call above it (`stage('x')` ⏎ `{`).
    return is_group(item, "{") and not is_group(last, "{")


def call_of(statement: list[Item]) -> Call | None:
    """The statement read as a call, or None when it is not one (a map entry, an expression)."""
    items = [item for item in statement if not (isinstance(item, Token) and item.kind == NEWLINE)]
    target = None
    assign = next((i for i, item in enumerate(items) if is_punct(item, "=")), None)
    if assign is not None:
        target = _dotted(items[:assign]) or None
        items = items[assign + 1:]
    start = 0
    while start < len(items) and is_word(items[start]) and items[start].text in _MODIFIERS \
            and start + 1 < len(items) and is_word(items[start + 1]):
        start += 1
    if start >= len(items) or not is_word(items[start]):
        return None
    parts = [items[start].text]
    index = start + 1
    while index + 1 < len(items) and is_punct(items[index], ".", "?.") and is_word(items[index + 1]):
        parts.append(items[index + 1].text)
        index += 2
    head = items[start]
    args: list[Arg] = []
    parenthesised = index < len(items) and is_group(items[index], "(")
    if parenthesised:
        args = split_args(items[index].items)  # type: ignore[union-attr]
        index += 1
        while index + 1 < len(items) and is_punct(items[index], ".", "?.") and is_word(items[index + 1]):
            index += 3 if index + 2 < len(items) and is_group(items[index + 2], "(") else 2
    rest = items[index:]
    closures = tuple(item for position, item in enumerate(rest) if is_group(item, "{")
                     and not (position and is_punct(rest[position - 1], ":", ",")))
    if not args and rest and not is_group(rest[0], "{") and not _is_operator(rest[0]):
        trailing = len(rest)
        while trailing and rest[trailing - 1] in closures:
            trailing -= 1
        args = split_args(rest[:trailing])
    return Call(".".join(parts), head.line, tuple(args), closures, target, parenthesised)


def _is_operator(item: Item) -> bool:
    return isinstance(item, Token) and item.kind == PUNCT and item.text not in ("[", "-", "!")


def _dotted(items: list[Item]) -> str:
    words = [item.text for item in items if is_word(item) and item.text not in _MODIFIERS]
    return ".".join(words)


def split_args(items: list[Item]) -> list[Arg]:
    """Arguments separated by top-level commas; `key: value` ones are named."""
    args: list[Arg] = []
    current: list[Item] = []
    for item in [*items, Token(PUNCT, ",", 0)]:
        if isinstance(item, Token) and item.kind == NEWLINE:
            continue
        if is_punct(item, ","):
            if current:
                if len(current) >= 2 and isinstance(current[0], Token) and current[0].kind in (WORD, STRING) \
                        and is_punct(current[1], ":"):
                    args.append(Arg(current[0].text, tuple(current[2:])))
                else:
                    args.append(Arg(None, tuple(current)))
            current = []
        else:
            current.append(item)
    return args


def string_value(items: tuple[Item, ...] | list[Item]) -> str | None:
    """The text of a string argument: a literal, `'a' + var` concatenations, `\'\'\'...\'\'\'.stripIndent()`."""
    items = [item for item in items if not (isinstance(item, Token) and item.kind == NEWLINE)]
    if not items or not isinstance(items[0], Token) or items[0].kind != STRING:
        return None
    parts: list[str] = []
    index = 0
    while index < len(items):
        item = items[index]
        if isinstance(item, Token) and item.kind == STRING:
            parts.append(item.text)
            index += 1
        elif is_word(item):
            words = [item.text]
            index += 1
            while index + 1 < len(items) and is_punct(items[index], ".", "?.") and is_word(items[index + 1]):
                words.append(items[index + 1].text)
                index += 2
            parts.append("${" + ".".join(words) + "}")
        else:
            return None
        if index >= len(items) or is_punct(items[index], ".", "?."):
            break  # `.stripIndent()`, `.trim()` on the literal: the literal is what runs
        if not is_punct(items[index], "+"):
            return None
        index += 1
    return "".join(parts)


def find_calls(items: list[Item] | tuple[Item, ...], names: frozenset[str], depth: int = 0) -> list[Call]:
    """Calls named in `names` anywhere inside `items` (`properties([pipelineTriggers([cron('H 2 * * *')])])`)."""
    found: list[Call] = []
    if depth > MAX_DEPTH:
        return found
    for index, item in enumerate(items):
        if is_word(item) and item.text in names:
            following = items[index + 1] if index + 1 < len(items) else None
            args = split_args(following.items) if is_group(following, "(") else []
            found.append(Call(item.text, item.line, tuple(args), ()))
        elif isinstance(item, Group):
            found.extend(find_calls(item.items, names, depth + 1))
    return found


def words_in(items: list[Item] | tuple[Item, ...], depth: int = 0) -> list[Token]:
    """Every word and string token inside `items`, in order (for reading conditions as text)."""
    tokens: list[Token] = []
    if depth > MAX_DEPTH:
        return tokens
    for item in items:
        if isinstance(item, Group):
            tokens.extend(words_in(item.items, depth + 1))
        elif item.kind in (WORD, STRING):
            tokens.append(item)
    return tokens


def flat_text(items: list[Item] | tuple[Item, ...], depth: int = 0) -> str:
    """Items rendered back as compact text (`env.BRANCH_NAME == 'main'`), for reading conditions."""
    out: list[str] = []
    if depth > MAX_DEPTH:
        return ""
    for item in items:
        if isinstance(item, Group):
            closer = {"{": "}", "(": ")", "[": "]"}.get(item.opener, "")
            out.append(item.opener + flat_text(item.items, depth + 1) + closer)
        elif item.kind == STRING:
            out.append(repr(item.text))
        elif item.kind != NEWLINE:
            out.append(item.text)
    return " ".join(out)
