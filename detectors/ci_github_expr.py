"""GitHub Actions `if:` expressions, evaluated in one situation (event and ref) to true, false or "maybe".

Only what can be known from the workflow is known: the event name, the ref, the ref type and the
status functions. Everything else (`secrets`, `vars`, `github.repository`, step outputs...) is
UNKNOWN, so a condition on it is "maybe" and the job counts as one that can run. Text that does not
parse is "maybe" too: this reader must never turn a job GitHub would run into a disabled one.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Mapping

from devops_scan_detectors.cimodel import CALL, MANUAL, OTHER, PULL_REQUEST, PUSH, RELEASE, SCHEDULE, TAG
from devops_scan_detectors.ci_situations import (
    DEFAULT_BRANCH, UNKNOWN, Opaque, Situation, branch_value, equals, starts_with, with_prefix,
)

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^']|'')*')
  | (?P<num>-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?))
  | (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\],.*])
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
)""", re.VERBOSE)


class _Unparsable(Exception):
    pass


def tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _Unparsable(text[position:position + 10])
        kind = match.lastgroup or ""
        found.append((kind, match.group(kind)))
        position = match.end()
    return found


def string_literals(text: str) -> list[str]:
    """The quoted strings of an expression (branch names to try as situations)."""
    try:
        return [value[1:-1].replace("''", "'") for kind, value in tokens(text) if kind == "str"]
    except _Unparsable:
        return []


def condition_text(value: Any) -> str | bool | None:
    """An `if:` value as expression text, or a constant when YAML or interpolation decides it."""
    if isinstance(value, bool) or value is None:
        return True if value is None else value
    if isinstance(value, (int, float)):
        return value != 0
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("${{") and text.endswith("}}") and text.count("${{") == 1:
        text = text[3:-2].strip()
    elif "${{" in text:
        return True  # text around `${{ }}` makes the whole condition a non-empty string: always true
    return False if text == "false" else text


def evaluate(text: str, situation: Situation, inputs: Mapping[str, str] | None = None,
             default: str | None = None) -> bool | None:
    """True, False, or None when the workflow cannot tell. `inputs` are known `inputs.*` values (what a
    caller passes to a composite action or a reusable workflow); `default` the default branch's name."""
    try:
        parser = _Parser(tokens(text), lambda path: _context(path, situation, inputs or {}, default))
        value = parser.expression()
        if parser.position != len(parser.tokens):
            return None
    except (_Unparsable, IndexError, RecursionError):
        return None
    return truthy(value)


def truthy(value: Any) -> bool | None:
    if value is UNKNOWN:
        return None
    if isinstance(value, Opaque):
        return True
    if isinstance(value, float):
        return not math.isnan(value) and value != 0.0
    return bool(value)


def _ref(situation: Situation, default: str | None) -> tuple[Any, Any, Any]:
    """(github.ref, github.ref_name, github.ref_type) in a situation."""
    if situation.event == PUSH or situation.event == SCHEDULE:
        name = branch_value(situation.branch or DEFAULT_BRANCH, default)
        return with_prefix("refs/heads/", name), name, "branch"
    if situation.event in (TAG, RELEASE):
        return Opaque("refs/tags/", "tag"), Opaque("", "tag"), "tag"
    if situation.event == PULL_REQUEST:
        return Opaque("refs/pull/", "pr"), Opaque("", "pr"), "branch"
    if situation.event == MANUAL:
        return Opaque("refs/", "?"), Opaque("", "?"), UNKNOWN
    return UNKNOWN, UNKNOWN, UNKNOWN


def _context(path: tuple[str, ...], situation: Situation, inputs: Mapping[str, str], default: str | None) -> Any:
    lowered = tuple(part.lower() for part in path)
    if len(path) == 2 and lowered[0] == "inputs":
        return inputs.get(path[1], UNKNOWN)
    if lowered[:1] != ("github",):
        return UNKNOWN
    ref, ref_name, ref_type = _ref(situation, default)
    is_pr = situation.event == PULL_REQUEST
    known = {
        ("github", "event_name"): situation.source,
        ("github", "ref"): ref,
        ("github", "ref_name"): ref_name,
        ("github", "ref_type"): ref_type,
        ("github", "base_ref"): Opaque("", "?") if is_pr else "",
        ("github", "head_ref"): Opaque("", "?") if is_pr else "",
        ("github", "event", "repository", "default_branch"): branch_value(DEFAULT_BRANCH, default),
    }
    if situation.event == CALL:
        return UNKNOWN  # a called workflow sees its caller's event and ref, which this file does not name
    if situation.event == OTHER and lowered != ("github", "event_name"):
        return UNKNOWN
    if lowered in known:
        return known[lowered]
    if lowered[:3] == ("github", "event", "pull_request"):
        return UNKNOWN if is_pr else None  # only pull request events carry a pull_request payload
    return UNKNOWN


class _Parser:
    """Recursive descent over GitHub's expression grammar; values are Python values or UNKNOWN."""

    def __init__(self, tokens: list[tuple[str, str]], lookup: Callable[[tuple[str, ...]], Any]) -> None:
        self.tokens = tokens
        self.position = 0
        self.lookup = lookup

    def peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise _Unparsable(token[1])
        self.position += 1
        return token

    def expression(self) -> Any:
        left = self.conjunction()
        while self.peek() == "||":
            self.take()
            right = self.conjunction()
            left = _value(_either(truthy(left), truthy(right)))
        return left

    def conjunction(self) -> Any:
        left = self.comparison()
        while self.peek() == "&&":
            self.take()
            right = self.comparison()
            left = _value(_both(truthy(left), truthy(right)))
        return left

    def comparison(self) -> Any:
        left = self.unary()
        while self.peek() in ("==", "!=", "<", ">", "<=", ">="):
            operator = self.take()[1]
            right = self.unary()
            left = _compare(operator, left, right)
        return left

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            value = truthy(self.unary())
            return UNKNOWN if value is None else not value
        return self.primary()

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.expression()
            self.take(")")
            return value
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind == "num":
            return float(int(text, 16)) if text.lower().startswith("0x") else float(text)
        if kind != "name":
            raise _Unparsable(text)
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            return self.call(text)
        return self.lookup(self.path(text))

    def path(self, first: str) -> tuple[str, ...]:
        parts = [first]
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                parts.append(self.take()[1])
            else:
                index = self.expression()
                self.take("]")
                parts.append(index if isinstance(index, str) else "*")
        return tuple(parts)

    def call(self, name: str) -> Any:
        self.take("(")
        arguments: list[Any] = []
        while self.peek() != ")":
            arguments.append(self.expression())
            if self.peek() == ",":
                self.take()
        self.take(")")
        return _value(_function(name.lower(), arguments))


def _value(result: Any) -> Any:
    """A three-valued result as an expression value: "maybe" is UNKNOWN, never None (which is null)."""
    return UNKNOWN if result is None else result


def _either(left: bool | None, right: bool | None) -> bool | None:
    if left or right:
        return True
    return None if left is None or right is None else False


def _both(left: bool | None, right: bool | None) -> bool | None:
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


def _compare(operator: str, left: Any, right: Any) -> Any:
    if operator in ("==", "!="):
        if isinstance(left, (str, Opaque)) and isinstance(right, (str, Opaque)) or left is UNKNOWN \
                or right is UNKNOWN or type(left) is type(right):
            same = equals(left, right, ignore_case=True)
        else:
            same = _number(left) == _number(right)
        return UNKNOWN if same is None else same if operator == "==" else not same
    numbers = (_number(left), _number(right))
    if None in numbers:
        return UNKNOWN
    a, b = numbers
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[operator]


def _number(value: Any) -> float | None:
    if value is UNKNOWN or isinstance(value, Opaque):
        return None
    if value is None or value is False:
        return 0.0
    if value is True:
        return 1.0
    if isinstance(value, float):
        return value
    try:
        return float(value) if str(value).strip() else 0.0
    except ValueError:
        return float("nan")


def _function(name: str, arguments: list[Any]) -> Any:
    if name in ("always", "success"):
        return True  # a job is judged as if what it needs succeeded
    if name in ("startswith", "endswith", "contains") and len(arguments) == 2:
        value, part = arguments
        if name == "startswith":
            return starts_with(value, part, ignore_case=True)
        if isinstance(value, str) and isinstance(part, str):
            value, part = value.lower(), part.lower()
            return value.endswith(part) if name == "endswith" else part in value
        return UNKNOWN
    if name == "format" and arguments and isinstance(arguments[0], str):
        return _format(arguments[0], arguments[1:])
    return UNKNOWN  # failure(), cancelled(), hashFiles(), fromJSON()...


def _format(template: str, values: list[Any]) -> Any:
    if all(isinstance(value, str) for value in values):
        try:
            return re.sub(r"\{(\d+)\}", lambda m: values[int(m.group(1))], template)
        except IndexError:
            return UNKNOWN
    # `format('refs/heads/{0}', github.event.repository.default_branch)`: a known prefix, then the unknown.
    if len(values) == 1 and isinstance(values[0], Opaque) and template.endswith("{0}") and "{" not in template[:-3]:
        return with_prefix(template[:-3], values[0])
    return UNKNOWN
