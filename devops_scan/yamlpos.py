"""Plain Python values with line numbers, built from the nodes of ruamel's C-accelerated composer.

ruamel's round-trip loader keeps positions but is pure Python, ~10× slower than composing with the
C parser. Detectors need only values and lines, so this builds dicts and lists that remember where
each key and item started: `PositionedMap.key_lines[key]`, `PositionedList.item_lines[i]` (1-based).
"""

from __future__ import annotations

from typing import Any

_TAG = "tag:yaml.org,2002:"


class PositionedMap(dict):  # type: ignore[type-arg]
    """A dict that knows the line of itself and of each key."""

    __slots__ = ("line", "key_lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}


class PositionedList(list):  # type: ignore[type-arg]
    """A list that knows the line of itself and of each item."""

    __slots__ = ("line", "item_lines")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []


class DuplicateKey(Exception):
    def __init__(self, key: Any, line: int) -> None:
        super().__init__(f'found duplicate key "{key}"')
        self.line = line


def construct(node: Any, last_key_wins: bool = False) -> Any:
    """Values for a composed node graph. Aliases share one value, as YAML means them to.

    A duplicate key is an error unless `last_key_wins` (GitLab CI, for one, accepts duplicates and
    keeps the last value)."""
    return _Builder(last_key_wins).build(node)


class _Builder:
    def __init__(self, last_key_wins: bool = False) -> None:
        self._built: dict[int, Any] = {}
        self._last_key_wins = last_key_wins

    def build(self, node: Any) -> Any:
        known = self._built.get(id(node))
        if known is not None:
            return known
        line = node.start_mark.line + 1
        if node.id == "mapping":
            value: Any = PositionedMap(line)
            self._built[id(node)] = value
            self._fill_mapping(value, node)
        elif node.id == "sequence":
            value = PositionedList(line)
            self._built[id(node)] = value
            for item in node.value:
                value.append(self.build(item))
                value.item_lines.append(item.start_mark.line + 1)
        else:
            value = scalar(node.tag, node.value)
            self._built[id(node)] = value
        return value

    def _fill_mapping(self, target: PositionedMap, node: Any) -> None:
        merged: list[PositionedMap] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                # `<<: *defaults` (or a list of them): keys of the mapping itself win, earlier merges win.
                sources = value_node.value if value_node.id == "sequence" else [value_node]
                merged.extend(m for m in (self.build(s) for s in sources) if isinstance(m, dict))
                continue
            key = self.build(key_node)
            if isinstance(key, (dict, list)):
                key = str(key_node.start_mark)  # complex keys cannot be dict keys; keep them distinct
            if key in target and not self._last_key_wins:
                raise DuplicateKey(key, key_node.start_mark.line + 1)
            target[key] = self.build(value_node)
            target.key_lines[key] = key_node.start_mark.line + 1
        for source in merged:
            for key, value in source.items():
                if key not in target:
                    target[key] = value
                    target.key_lines[key] = getattr(source, "key_lines", {}).get(key, source.line)


def scalar(tag: str, text: str) -> Any:
    """YAML 1.2 core-schema scalars; anything odd stays the string it was written as."""
    try:
        if tag == _TAG + "str":
            return text
        if tag == _TAG + "bool":
            return text.lower() in ("true", "yes", "on")
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "int":
            body = text.replace("_", "")
            sign = -1 if body.startswith("-") else 1
            digits = body.lstrip("+-")
            # 0x/0o/0b prefixes; otherwise decimal, where YAML 1.2 reads "010" as ten.
            return sign * (int(digits, 0) if digits[:2].lower() in ("0x", "0o", "0b") else int(digits, 10))
        if tag == _TAG + "float":
            lowered = text.lower().replace("_", "")
            if lowered in (".nan", "+.nan", "-.nan"):
                return float("nan")
            if lowered.endswith(".inf"):
                return float("-inf") if lowered.startswith("-") else float("inf")
            return float(lowered)
    except ValueError:
        return text
    return text  # timestamps, binary and custom tags: the text is what detectors compare
