"""Readers for the settings files test and coverage tools use: INI, TOML and JSON (code-like files:
`code_text.py`; XML: `xml_reader.py`).

Each reader takes text and never raises on arbitrary input: a file that does not parse gives None
(and the caller says why), because one odd file must not cost the evidence of the others. Readers
keep line numbers where the format allows, so every fact can point at `path:line`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (declared in pyproject.toml)
    import tomli as tomllib

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location


def location_key(location: Location | None) -> tuple[str, int]:
    """Sort key for locations: `Location` ordering fails when one line is None and another is not."""
    return (location.path, location.line or 0) if location else ("", 0)


def line_at(text: str, offset: int) -> int:
    """1-based line of a character offset."""
    return text.count("\n", 0, max(0, min(offset, len(text)))) + 1


def read_text(client: RepoClient, path: str) -> str | None:
    """The file's text, or None when it cannot be read (the client reports why under warnings)."""
    try:
        return client.read_text(path).text
    except UnreadableFile:
        return None


# --- INI (setup.cfg, tox.ini, pytest.ini, .coveragerc) ------------------------------------------------


@dataclass(frozen=True)
class IniEntry:
    key: str
    value: str
    line: int
    # Each non-empty piece of a (multi-line) value with its line.
    pieces: tuple[tuple[int, str], ...] = ()

    def line_of(self, option: str) -> int:
        """Line of the piece of the value holding the word `option` (or `option=...`); the key's
        line when none does."""
        for number, piece in self.pieces:
            if any(word == option or word.startswith(option + "=") for word in piece.split()):
                return number
        return self.line


@dataclass(frozen=True)
class IniSection:
    name: str
    line: int
    entries: tuple[IniEntry, ...]

    def get(self, key: str) -> IniEntry | None:
        """The entry for `key` (case-insensitive, as configparser reads it); the last one wins."""
        found = [entry for entry in self.entries if entry.key == key.lower()]
        return found[-1] if found else None


@dataclass(frozen=True)
class IniFile:
    sections: tuple[IniSection, ...]

    def section(self, name: str) -> IniSection | None:
        return next((section for section in self.sections if section.name == name), None)

    def sections_starting(self, prefix: str) -> tuple[IniSection, ...]:
        return tuple(section for section in self.sections if section.name.startswith(prefix))


_INI_SECTION = re.compile(r"^\[([^\]]+)\]\s*(?:[#;].*)?$")
_INI_KEY = re.compile(r"^([^=:\s][^=:]*?)\s*[=:]\s?(.*)$")


def parse_ini(text: str) -> IniFile:
    """Sections and entries with their lines, like configparser reads them (multi-line values
    continue on indented lines). Our own reader because configparser gives no line numbers and
    raises on duplicates that the tools themselves tolerate."""
    sections: list[IniSection] = []
    name: str | None = None
    start = 0
    entries: list[IniEntry] = []
    current: list[Any] | None = None  # [key, [(line, piece)], line] of the entry being read

    def close_entry() -> None:
        nonlocal current
        if current is not None:
            pieces = tuple((number, piece) for number, piece in current[1] if piece.strip())
            entries.append(IniEntry(current[0], "\n".join(piece for _, piece in pieces).strip(), current[2], pieces))
            current = None

    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if current is not None and raw[:1] in (" ", "\t") and stripped and not stripped.startswith(("#", ";")):
            current[1].append((number, stripped))
            continue
        if not stripped or stripped.startswith(("#", ";")):
            continue
        header = _INI_SECTION.match(raw)
        if header:
            close_entry()
            if name is not None:
                sections.append(IniSection(name, start, tuple(entries)))
            name, start, entries = header.group(1).strip(), number, []
            continue
        close_entry()
        match = _INI_KEY.match(stripped)
        if match and name is not None:
            current = [match.group(1).strip().lower(), [(number, match.group(2).strip())], number]
    close_entry()
    if name is not None:
        sections.append(IniSection(name, start, tuple(entries)))
    return IniFile(tuple(sections))


# --- TOML ---------------------------------------------------------------------------------------------


def parse_toml(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError, TypeError):
        return None


def dig(data: Any, *keys: str) -> Any:
    """data[k1][k2]... or None when any step is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


_TOML_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")


def toml_line(text: str, dotted: str) -> int | None:
    """Line where the key `a.b.c` is written, whether as `[a.b] c = ...`, `[a] b.c = ...` or a table
    header `[a.b.c]`. tomllib keeps no positions, so the text is searched; None when not found."""
    parts = dotted.split(".")
    current: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _TOML_HEADER.match(raw)
        if header:
            current = tuple(_toml_key_parts(header.group(1)))
            if list(current[:len(parts)]) == parts:
                return number
            continue
        if "=" not in raw:
            continue
        key = raw.split("=", 1)[0]
        full = list(current) + _toml_key_parts(key)
        if full == parts or (len(full) > len(parts) and full[:len(parts)] == parts):
            return number
    return None


def _toml_key_parts(key: str) -> list[str]:
    return [part.strip().strip("\"'") for part in key.strip().split(".")]


# --- JSON ---------------------------------------------------------------------------------------------


def parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


def json_line(text: str, *keys: str, object_last: bool = False) -> int | None:
    """Line of the last of `keys`, each searched after the previous one (`"jest"` then
    `"coverageThreshold"`). Keys leading to the last must hold an object or array (`"jest": {`),
    so a dependency `"jest": "^29"` is not taken for the `"jest"` settings; with `object_last`, the
    last key too. Good enough for hand-written files such as package.json."""
    offset = 0
    for index, key in enumerate(keys):
        container = index < len(keys) - 1 or object_last
        pattern = r'"' + re.escape(key) + r'"\s*:' + (r"\s*[\[{]" if container else "")
        match = re.compile(pattern).search(text, offset)
        if match is None:
            return None
        offset = match.end()
    return line_at(text, offset) if keys else None


def memoised(context: ScanContext, kind: str, path: str, compute: Any) -> Any:
    """A parse shared by every detector of the scan (a pyproject.toml is read by several)."""
    return context.shared(f"config-readers:{kind}:{path}", compute)


def toml_file(client: RepoClient, context: ScanContext, path: str) -> dict[str, Any] | None:
    def parse() -> dict[str, Any] | None:
        text = read_text(client, path)
        return parse_toml(text) if text is not None else None

    return memoised(context, "toml", path, parse)


def ini_file(client: RepoClient, context: ScanContext, path: str) -> IniFile | None:
    def parse() -> IniFile | None:
        text = read_text(client, path)
        return parse_ini(text) if text is not None else None

    return memoised(context, "ini", path, parse)


def json_file(client: RepoClient, context: ScanContext, path: str) -> Any:
    def parse() -> Any:
        text = read_text(client, path)
        return parse_json(text) if text is not None else None

    return memoised(context, "json", path, parse)
