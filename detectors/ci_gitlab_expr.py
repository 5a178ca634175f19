"""GitLab CI's `rules:if` expression language, evaluated to true, false or "maybe".

`$VAR`, `"text"`, `null`, `==`, `!=`, `=~ /regex/flags`, `!~`, `&&`, `||` and parentheses, over values
a lookup gives for each variable: text, None (unset), an Opaque ref, or UNKNOWN. Text that does not
parse is "maybe": this reader never turns a job GitLab would run into a disabled one.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterable

from devops_scan_detectors.ci_situations import UNKNOWN, Opaque, equals, regex_matches

_BRANCH_VARIABLES = {"CI_COMMIT_BRANCH", "CI_COMMIT_REF_NAME"}
_TOKEN = re.compile(r"""\s*(?:
    (?P<var>\$\{?[A-Za-z_][A-Za-z0-9_]*\}?)
  | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
  | (?P<op>==|!=|=~|!~|&&|\|\||\(|\))
  | (?P<null>null\b)
  | (?P<re>/(?:[^/\\]|\\.)*/[a-z]*)
)""", re.VERBOSE)


class _Unparsable(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    position, text = 0, text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise _Unparsable(text[position:position + 10])
        kind = match.lastgroup or ""
        value = match.group(kind)
        found.append((kind, value.strip("${}") if kind == "var" else value))
        position = match.end()
    return found


def _literal(kind: str, text: str) -> str:
    if kind == "str":
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text  # a /regex/ keeps its slashes: it names a family of branches


def named_branches(expression: str) -> set[str]:
    """Branch names and /regexes/ an expression compares `$CI_COMMIT_BRANCH`/`$CI_COMMIT_REF_NAME` with."""
    try:
        tokens = _tokens(expression)
    except _Unparsable:
        return set()
    found: set[str] = set()
    for index in range(len(tokens) - 2):
        (k1, v1), (_, op), (k2, v2) = tokens[index:index + 3]
        if op in ("==", "!=", "=~", "!~"):
            if k1 == "var" and v1 in _BRANCH_VARIABLES and k2 in ("str", "re"):
                found.add(_literal(k2, v2))
            elif k2 == "var" and v2 in _BRANCH_VARIABLES and k1 in ("str", "re"):
                found.add(_literal(k1, v1))
    return found


def is_pattern(name: str) -> bool:
    return len(name) > 2 and name.startswith("/") and name.rfind("/") > 0


def _pattern(text: str) -> tuple[str, int]:
    end = text.rfind("/")
    return text[1:end].replace("\\/", "/"), re.IGNORECASE if "i" in text[end + 1:] else 0


def evaluate(text: str, lookup: Callable[[str], Any]) -> bool | None:
    """True, False, or None when the value of the expression cannot be told."""
    try:
        evaluator = _Evaluator(_tokens(text), lookup)
        value = evaluator.disjunction()
        if evaluator.position != len(evaluator.tokens):
            return None
    except (_Unparsable, IndexError):
        return None
    return truthy(value)


def regex(value: Any, text: str) -> bool | None:
    if isinstance(value, Opaque) and value.ident == text:
        return True  # the branch situation standing for this very pattern
    pattern, flags = _pattern(text)
    return regex_matches(value, pattern, flags)


def _value(result: Any) -> Any:
    """A three-valued result as an expression value: "maybe" is UNKNOWN, never None (which is null)."""
    return UNKNOWN if result is None else result


def truthy(value: Any) -> bool | None:
    if value is UNKNOWN:
        return None
    if isinstance(value, Opaque):
        return True
    return bool(value)


def both(left: bool | None, right: bool | None) -> bool | None:
    if left is False or right is False:
        return False
    return None if left is None or right is None else True


def either(values: Iterable[bool | None]) -> bool | None:
    result: bool | None = False
    for value in values:
        if value:
            return True
        if value is None:
            result = None
    return result


class _Evaluator:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Any) -> None:
        self.tokens, self.position, self.lookup = tokens, 0, lookup

    def _peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def disjunction(self) -> Any:
        left = self.conjunction()
        while self._peek() == "||":
            self.position += 1
            right = self.conjunction()
            left = _value(either((truthy(left), truthy(right))))
        return left

    def conjunction(self) -> Any:
        left = self.comparison()
        while self._peek() == "&&":
            self.position += 1
            left = _value(both(truthy(left), truthy(self.comparison())))
        return left

    def comparison(self) -> Any:
        left = self.operand()
        operator = self._peek()
        if operator not in ("==", "!=", "=~", "!~"):
            return left
        self.position += 1
        kind, text = self.tokens[self.position]
        right = self.operand()
        if operator in ("=~", "!~"):
            matched = regex(left, text) if kind == "re" else None
        else:
            matched = equals(left, right) if not (isinstance(left, Opaque) and is_pattern(left.ident)) \
                else (None if isinstance(right, str) and regex(right, left.ident) else False)
        return UNKNOWN if matched is None else matched if operator in ("==", "=~") else not matched

    def operand(self) -> Any:
        kind, text = self.tokens[self.position]
        self.position += 1
        if text == "(":
            value = self.disjunction()
            if self._peek() != ")":
                raise _Unparsable(text)
            self.position += 1
            return value
        if kind == "var":
            return self.lookup(text)
        if kind == "null":
            return None
        if kind in ("str", "re"):
            return _literal(kind, text)
        raise _Unparsable(text)
