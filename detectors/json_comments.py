"""JSON as configuration files write it: comments, trailing commas and JSON5's relaxed syntax.

`renovate.json5`, `devcontainer.json` and `tsconfig.json` are not strict JSON. This turns their text
into strict JSON token by token (strings kept intact, comments dropped, single quotes and bare keys
quoted, trailing commas removed) and hands it to the standard parser. Any failure is a JsonProblem
with a line; nothing else is ever raised.
"""

from __future__ import annotations

import json
import re
from typing import Any

_BARE_KEY = re.compile(r"[A-Za-z_$][\w$]*")
_NUMBER_LIKE = re.compile(r"[+-]?(Infinity|NaN|0[xX][0-9a-fA-F]+|\.\d+|\d+\.?\d*(?:[eE][+-]?\d+)?)")
MAX_DEPTH = 200


class JsonProblem(Exception):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line


def load_json_with_comments(text: str) -> Any:
    """The value of a JSON, JSONC or JSON5 text; raises JsonProblem only."""
    try:
        strict = _to_strict_json(text)
        return json.loads(strict, parse_constant=_constant)
    except JsonProblem:
        raise
    except json.JSONDecodeError as error:
        raise JsonProblem(error.msg, error.lineno) from None
    except (ValueError, RecursionError) as error:
        raise JsonProblem(f"not JSON ({type(error).__name__})") from None


def _constant(name: str) -> float:
    return float(name)


def _to_strict_json(text: str) -> str:
    out: list[str] = []
    i, n, depth = 0, len(text), 0
    line = 1
    while i < n:
        char = text[i]
        if char in "\"'":
            end, value = _read_string(text, i, line)
            out.append(json.dumps(value))
            line += text.count("\n", i, end)
            i = end
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                raise JsonProblem("unclosed /* comment", line)
            newlines = text.count("\n", i, end)
            out.append("\n" * newlines)  # keeps the parser's line numbers those of the file
            line += newlines
            i = end + 2
        elif char == ",":
            j = _skip_blank(text, i + 1)
            if j < n and text[j] in "}]":
                i += 1  # a trailing comma
                continue
            out.append(char)
            i += 1
        elif char in "{[":
            depth += 1
            if depth > MAX_DEPTH:
                raise JsonProblem(f"nested deeper than {MAX_DEPTH} levels", line)
            out.append(char)
            i += 1
        elif char in "}]":
            depth -= 1
            out.append(char)
            i += 1
        elif char.isalpha() or char in "_$+-.0123456789":
            number = _NUMBER_LIKE.match(text, i)
            word = _BARE_KEY.match(text, i)
            if word and word.group(0) in ("true", "false", "null"):
                out.append(word.group(0))
                i = word.end()
            elif word and text[_skip_blank(text, word.end()):_skip_blank(text, word.end()) + 1] == ":":
                out.append(json.dumps(word.group(0)))  # a bare JSON5 key
                i = word.end()
            elif number:
                out.append(_number(number.group(0)))
                i = number.end()
            else:
                raise JsonProblem(f"unexpected `{char}`", line)
        else:
            if char == "\n":
                line += 1
            out.append(char)
            i += 1
    return "".join(out)


def _number(token: str) -> str:
    sign = "-" if token.startswith("-") else ""
    body = token.lstrip("+-")
    if body in ("Infinity", "NaN"):
        return sign + body
    if body.lower().startswith("0x"):
        return sign + str(int(body, 16))
    if body.startswith("."):
        body = "0" + body
    if body.endswith("."):
        body += "0"
    return sign + body


def _skip_blank(text: str, i: int) -> int:
    while i < len(text):
        if text[i].isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = len(text) if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = len(text) if end < 0 else end + 2
        else:
            break
    return i


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0", "/": "/",
            "\\": "\\", "'": "'", '"': '"', "\n": ""}


def _read_string(text: str, start: int, line: int) -> tuple[int, str]:
    """(index after the closing quote, the string's value) for a string opening at `start`."""
    quote = text[start]
    chars: list[str] = []
    i = start + 1
    while i < len(text):
        char = text[i]
        if char == quote:
            return i + 1, "".join(chars)
        if char == "\n":
            raise JsonProblem("unterminated string", line)
        if char == "\\" and i + 1 < len(text):
            escaped = text[i + 1]
            if escaped == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2:i + 6]):
                chars.append(chr(int(text[i + 2:i + 6], 16)))
                i += 6
                continue
            chars.append(_ESCAPES.get(escaped, escaped))
            i += 2
            continue
        chars.append(char)
        i += 1
    raise JsonProblem("unterminated string", line)
