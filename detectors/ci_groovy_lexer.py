"""Tokens of Groovy (Jenkinsfiles) and Kotlin (TeamCity settings.kts), read tolerantly.

Neither language is evaluated: the CI parsers only need words, string literals, punctuation and
newlines, with their lines. The lexer must never raise and never loop forever on odd text, so every
construct it cannot finish (an unterminated string or comment) ends where a reader would give up —
at the end of the line or of the file — and is reported as a problem with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

WORD = "word"
STRING = "string"
NUMBER = "number"
PUNCT = "punct"
NEWLINE = "newline"

_WORD = re.compile(r"[^\W\d][\w$]*|\$[\w$]*")
_NUMBER = re.compile(r"\d[\w.]*")
# Longest operators first, so `==~` is not read as `==` then `~`.
_OPERATORS = ("==~", "<=>", "?.", "*.", "==", "!=", "=~", "<=", ">=", "&&", "||", "->", "++", "--", "?:", "::")
# After these a `/` starts a slashy string (`=~ /v\d+/`), elsewhere it divides.
_SLASHY_AFTER = frozenset({"(", ",", "=", "=~", "==~", "~", ":", "[", "!", "&&", "||", "return", "{"})


@dataclass(frozen=True)
class Token:
    kind: str
    # For strings: the text between the quotes (escapes and `${...}` left as written).
    text: str
    line: int


def tokenize(source: str) -> tuple[list[Token], list[str]]:
    """(tokens, problems) of `source`; never raises."""
    return _Lexer(source).run()


class _Lexer:
    def __init__(self, source: str) -> None:
        self.text = source
        self.pos = 0
        self.line = 1
        self.tokens: list[Token] = []
        self.problems: list[str] = []

    def run(self) -> tuple[list[Token], list[str]]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char == "\n":
                self._emit(NEWLINE, "\n", self.line)
                self.line += 1
                self.pos += 1
            elif char in " \t\r\f\\":
                self.pos += 1  # a backslash outside strings continues the line: nothing to keep
            elif text.startswith("//", self.pos) or (self.pos == 0 and text.startswith("#!")):
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            elif text.startswith("/*", self.pos):
                self._block_comment()
            elif text.startswith(("'''", '"""'), self.pos):
                self._triple_string(text[self.pos:self.pos + 3])
            elif char in "'\"":
                self._string(char)
            elif char == "/" and self._slashy_allowed():
                self._slashy()
            elif (match := _WORD.match(text, self.pos) or _NUMBER.match(text, self.pos)) is not None:
                self._emit(WORD if match.re is _WORD else NUMBER, match.group(), self.line)
                self.pos = match.end()
            else:
                operator = next((op for op in _OPERATORS if text.startswith(op, self.pos)), char)
                self._emit(PUNCT, operator, self.line)
                self.pos += len(operator)
        return self.tokens, self.problems

    def _emit(self, kind: str, text: str, line: int) -> None:
        if kind == NEWLINE and self.tokens and self.tokens[-1].kind == NEWLINE:
            return  # blank lines carry no meaning for statements
        self.tokens.append(Token(kind, text, line))

    def _block_comment(self) -> None:
        end = self.text.find("*/", self.pos + 2)
        if end < 0:
            self.problems.append(f"line {self.line}: unterminated /* comment */")
            end = len(self.text) - 2
        self.line += self.text.count("\n", self.pos, end + 2)
        self.pos = end + 2

    def _triple_string(self, quote: str) -> None:
        start_line, start = self.line, self.pos + 3
        end = self._find_closing(start, quote, multiline=True)
        if end < 0:
            self.problems.append(f"line {start_line}: unterminated {quote} string")
            end = len(self.text)
        self.line += self.text.count("\n", start, end)
        self._emit(STRING, self.text[start:end], start_line)
        self.pos = end + 3

    def _string(self, quote: str) -> None:
        start = self.pos + 1
        end = self._find_closing(start, quote, multiline=False)
        if end < 0:
            self.problems.append(f"line {self.line}: unterminated {quote} string")
            newline = self.text.find("\n", start)
            end = len(self.text) if newline < 0 else newline
            self._emit(STRING, self.text[start:end], self.line)
            self.pos = end
            return
        self.line += self.text.count("\n", start, end)  # only escaped newlines
        self._emit(STRING, self.text[start:end], self.line)
        self.pos = end + 1

    def _find_closing(self, pos: int, quote: str, multiline: bool) -> int:
        """Index of the closing `quote` from `pos`, skipping escapes and `${...}`; -1 if none."""
        text, interpolates = self.text, quote.startswith('"')
        while pos < len(text):
            char = text[pos]
            if char == "\\":
                pos += 2
            elif text.startswith(quote, pos):
                return pos
            elif char == "\n" and not multiline:
                return -1
            elif interpolates and text.startswith("${", pos):
                pos = self._skip_interpolation(pos + 2)
            else:
                pos += 1
        return -1

    def _skip_interpolation(self, pos: int) -> int:
        # `"${env.X ?: "y"}"`: braces and quotes inside an interpolation belong to it.
        depth, text = 1, self.text
        while pos < len(text) and depth:
            char = text[pos]
            if char == "\n":
                return pos  # interpolations do not span lines in practice; let the string end there
            if char in "'\"":
                close = text.find(char, pos + 1)
                newline = text.find("\n", pos + 1)
                pos = close + 1 if close >= 0 and (newline < 0 or close < newline) else pos + 1
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            pos += 1
        return pos

    def _slashy_allowed(self) -> bool:
        following = self.text[self.pos + 1:self.pos + 2]
        if following in ("", " ", "/", "*", "=", "\n"):
            return False
        previous = self.tokens[-1] if self.tokens else None
        return previous is None or previous.kind == NEWLINE or previous.text in _SLASHY_AFTER

    def _slashy(self) -> None:
        pos, text = self.pos + 1, self.text
        while pos < len(text) and text[pos] not in "/\n":
            pos += 2 if text[pos] == "\\" else 1
        if pos >= len(text) or text[pos] != "/":
            self._emit(PUNCT, "/", self.line)  # no closing slash on the line: it was a division
            self.pos += 1
            return
        self._emit(STRING, text[self.pos + 1:pos], self.line)
        self.pos = pos + 1
