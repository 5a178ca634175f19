"""Safe YAML loading with line numbers for evidence.

Values come from ruamel's C-accelerated composer (see yamlpos.py for the line numbers). Before
loading, one pass over the parse events bounds nesting depth and the *expanded* size of aliases, so
a "billion laughs" file is rejected in milliseconds instead of exploding every walker that visits
it later.
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
    """A round-trip loader (pure Python: best error messages) or a safe one (C-accelerated, ~8× faster)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True) if positions else YAML(typ="safe")
    yaml.allow_duplicate_keys = False
    return yaml


def _yaml_safe(pure: bool) -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=pure)
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


def load_yaml(text: str, positions: bool = True, last_key_wins: bool = False) -> YamlDocuments:
    """All documents of `text`, or YamlProblem with the line of the first error.

    With `positions` (the default) mappings and sequences are PositionedMap/PositionedList that
    know their lines (for evidence); without, plain dicts and lists.
    """
    from devops_scan.yamlpos import DuplicateKey, construct

    _check_bounds(text)
    last_error: Exception | None = None
    # libyaml (C, fast) first; it implements YAML 1.1 syntax and rejects some valid 1.2 (a flow
    # mapping holding `https://...`), so the pure-Python parser gets the last word.
    for pure in (False, True):
        try:
            yaml = _yaml_safe(pure)
            if positions:
                return YamlDocuments(tuple(construct(node, last_key_wins)
                                           for node in yaml.compose_all(io.StringIO(text))))
            return YamlDocuments(tuple(yaml.load_all(io.StringIO(text))))
        except DuplicateKey as error:
            raise YamlProblem(str(error), error.line) from None
        except Exception as error:
            last_error = error
    raise _explain(text, last_error) from None


def _explain(text: str, fast_error: Exception) -> YamlProblem:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        tuple(_yaml(positions=True).load_all(io.StringIO(text)))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem_text = error.problem or ""
        if error.context_mark is not None and ("end of stream" in problem_text or "<stream end>" in problem_text):
            mark = error.context_mark  # "unexpected end of stream" is clearer at the construct left open
        problem = (error.problem or error.context or "invalid YAML").strip()
        return YamlProblem(problem, mark.line + 1 if mark is not None else None)
    except YAMLError as error:
        return YamlProblem(str(error).splitlines()[0] if str(error) else type(error).__name__)
    except Exception as error:  # ruamel has crashed on odd input (`!!int` with no digits: IndexError)
        return YamlProblem(f"unreadable YAML ({type(error).__name__}: {error})")
    mark = getattr(fast_error, "problem_mark", None)
    return YamlProblem(getattr(fast_error, "problem", None) or str(fast_error).splitlines()[0],
                       mark.line + 1 if mark is not None else None)


def key_line(mapping: Any, key: Any) -> int | None:
    """1-based line of `key` in a mapping loaded with positions, or None when not known."""
    lines = getattr(mapping, "key_lines", None)
    return lines.get(key) if lines is not None else None


def item_line(sequence: Any, index: int) -> int | None:
    """1-based line of the item at `index` in a sequence loaded with positions, or None."""
    lines = getattr(sequence, "item_lines", None)
    return lines[index] if lines is not None and -len(lines) <= index < len(lines) else None


def node_line(node: Any) -> int | None:
    """1-based line where a mapping or sequence loaded with positions starts, or None."""
    return getattr(node, "line", None)


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
