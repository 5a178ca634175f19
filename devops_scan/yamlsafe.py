"""Safe YAML loading with line numbers for evidence.

ruamel.yaml's round-trip loader keeps positions (`.lc`). Before loading, one pass over the parse
events bounds nesting depth and the *expanded* size of aliases, so a "billion laughs" file is
rejected in milliseconds instead of exploding every walker that visits it later.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Iterator

MAX_DEPTH = 64
MAX_EXPANDED_NODES = 200_000


class YamlProblem(Exception):
    """The text is not YAML we will read; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message if line is None else f"line {line}: {message}")
        self.message = message
        self.line = line


@dataclass(frozen=True)
class YamlDocuments:
    """The documents of one YAML text (a Kubernetes file may hold several)."""

    documents: tuple[Any, ...]

    @property
    def first(self) -> Any:
        return self.documents[0] if self.documents else None


def _yaml(positions: bool = True) -> Any:
    """A round-trip loader (keeps line numbers, pure Python) or a safe one (C-accelerated, ~8× faster)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True) if positions else YAML(typ="safe")
    yaml.allow_duplicate_keys = False
    return yaml


def _check_bounds(text: str) -> None:
    """Refuse deep nesting and alias bombs. Syntax errors are left to the loader, which words them
    better; if the fast C parser rejects the text, the pure one checks it, so no text is loaded
    unchecked."""
    from ruamel.yaml.error import YAMLError

    try:
        _walk_events(text, positions=False)
    except YAMLError:
        try:
            _walk_events(text, positions=True)
        except YAMLError:
            return


def _walk_events(text: str, positions: bool) -> None:
    from ruamel.yaml import events

    anchors: dict[str, int] = {}
    # One frame per open collection: [nodes counted so far, anchor name or None].
    stack: list[list[Any]] = [[0, None]]
    total = 0
    for event in _yaml(positions).parse(io.StringIO(text)):
        if isinstance(event, (events.MappingStartEvent, events.SequenceStartEvent)):
            if len(stack) > MAX_DEPTH:
                raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", _event_line(event))
            stack.append([1, event.anchor])
        elif isinstance(event, (events.MappingEndEvent, events.SequenceEndEvent)):
            size, anchor = stack.pop()
            if anchor:
                anchors[anchor] = size
            stack[-1][0] += size
        elif isinstance(event, events.ScalarEvent):
            if event.anchor:
                anchors[event.anchor] = 1
            stack[-1][0] += 1
            total += 1
        elif isinstance(event, events.AliasEvent):
            size = anchors.get(event.anchor, 1)
            stack[-1][0] += size
            total += size
        if total > MAX_EXPANDED_NODES or stack[-1][0] > MAX_EXPANDED_NODES:
            raise YamlProblem(
                f"aliases expand to more than {MAX_EXPANDED_NODES} nodes (refused)", _event_line(event)
            )


def _event_line(event: Any) -> int | None:
    mark = getattr(event, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def load_yaml(text: str, positions: bool = True) -> YamlDocuments:
    """All documents of `text`, or YamlProblem with the line of the first error.

    With `positions` (the default) mappings and sequences carry their lines for evidence; without,
    plain dicts and lists are built much faster.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        _check_bounds(text)
        documents = tuple(_yaml(positions).load_all(io.StringIO(text)))
    except YamlProblem:
        raise
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem_text = error.problem or ""
        if error.context_mark is not None and ("end of stream" in problem_text or "<stream end>" in problem_text):
            mark = error.context_mark  # "unexpected end of stream" is clearer at the construct left open
        problem = (error.problem or error.context or "invalid YAML").strip()
        raise YamlProblem(problem, mark.line + 1 if mark is not None else None) from None
    except YAMLError as error:
        raise YamlProblem(str(error).splitlines()[0] if str(error) else type(error).__name__) from None
    except Exception as error:  # ruamel has crashed on odd input (`!!int` with no digits: IndexError)
        raise YamlProblem(f"unreadable YAML ({type(error).__name__}: {error})") from None
    return YamlDocuments(documents)


def key_line(mapping: Any, key: Any) -> int | None:
    """1-based line of `key` in a ruamel mapping, or None when not known."""
    try:
        return mapping.lc.key(key)[0] + 1
    except (AttributeError, KeyError, TypeError):
        return None


def item_line(sequence: Any, index: int) -> int | None:
    """1-based line of the item at `index` in a ruamel sequence, or None."""
    try:
        return sequence.lc.item(index)[0] + 1
    except (AttributeError, KeyError, IndexError, TypeError):
        return None


def node_line(node: Any) -> int | None:
    """1-based line where a ruamel collection starts, or None."""
    try:
        return node.lc.line + 1
    except AttributeError:
        return None


def iter_strings(node: Any, _depth: int = 0) -> Iterator[str]:
    """Every string scalar under `node` (keys and values), depth-first."""
    if _depth > MAX_DEPTH:
        return
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str):
                yield key
            yield from iter_strings(value, _depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from iter_strings(item, _depth + 1)
