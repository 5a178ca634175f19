"""Configuration written as code (jest.config.js, vitest.config.ts, build.gradle.kts, spec_helper.rb),
read as text and never run.

Comments are blanked first (keeping offsets, so lines stay true) because a commented-out setting is
not a setting; blocks are cut at their matching brace with strings respected.
"""

from __future__ import annotations

import re


def blank_comments(code: str, hash_comments: bool = False) -> str:
    """`code` with comments replaced by spaces (newlines kept, so offsets and lines stay true).

    Handles `//` and `/* */` (or `#` with `hash_comments`) outside '…', "…" and `…` strings, so a
    commented-out `// collectCoverage: true` is not read as set and `"https://x"` stays intact.
    """
    out = list(code)
    i, n = 0, len(code)
    quote: str | None = None
    while i < n:
        char = code[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if char == quote or (char == "\n" and quote != "`"):
                quote = None
            i += 1
            continue
        if char in "'\"`":
            quote = char
            i += 1
            continue
        end = None
        if hash_comments and char == "#":
            end = code.find("\n", i)
        elif not hash_comments and code.startswith("//", i):
            end = code.find("\n", i)
        elif not hash_comments and code.startswith("/*", i):
            end = code.find("*/", i + 2)
            end = n if end < 0 else end + 2
        if end is not None:
            end = n if end < 0 else end
            for j in range(i, end):
                if out[j] != "\n":
                    out[j] = " "
            i = end
            continue
        i += 1
    return "".join(out)


def braced_block(code: str, opening: int) -> str | None:
    """The text between the `{` at `opening` and its matching `}` (strings respected), or None."""
    if not (0 <= opening < len(code)) or code[opening] != "{":
        return None
    depth = 0
    quote: str | None = None
    i = opening
    while i < len(code):
        char = code[i]
        if quote:
            if char == "\\":
                i += 1
            elif char == quote:
                quote = None
        elif char in "'\"`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return code[opening + 1:i]
        i += 1
    return None


def object_after(code: str, key: str, start: int = 0) -> tuple[str, int] | None:
    """The `{...}` body written after `key:` / `"key":` / `key =` / `key {` and its offset, or None."""
    pattern = re.compile(r"""(?<![\w$])["']?""" + re.escape(key) + r"""["']?\s*(?:[:=]\s*)?(?:\(\s*)?\{""")
    match = pattern.search(code, start)
    if match is None:
        return None
    body = braced_block(code, match.end() - 1)
    return (body, match.end()) if body is not None else None
