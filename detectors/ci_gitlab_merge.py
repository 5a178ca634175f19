"""GitLab CI configuration values that remember their file, merged the way GitLab merges them.

Includes and `extends:` assemble one job from pieces of several files, so every mapping here (`Node`)
knows, for each key, the file and line it was written at, and every list (`Seq`) the file and line
of each item: a script line inherited from `ci/templates.yml` is evidence at `ci/templates.yml:12`.
GitLab deep-merges mappings and replaces lists and scalars; `extends:` chains (several parents,
several levels) and `!reference [job, key]` tags are resolved with cycle and depth limits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import MAX_DEPTH, item_line, key_line, node_line

# GitLab refuses `extends:` chains deeper than this.
MAX_EXTENDS_DEPTH = 11


class Node(dict):  # type: ignore[type-arg]
    """A mapping with the file it comes from and, for each key, where that key was written."""

    __slots__ = ("path", "line", "origins")

    def __init__(self, path: str, line: int | None) -> None:
        super().__init__()
        self.path = path
        self.line = line
        self.origins: dict[Any, Location] = {}

    def where(self, key: Any) -> Location:
        return self.origins.get(key, Location(self.path, self.line))

    def put(self, key: Any, value: Any, origin: Location) -> None:
        self[key] = value
        self.origins[key] = origin


class Seq(list):  # type: ignore[type-arg]
    """A list with the file it comes from and the line of each item."""

    __slots__ = ("path", "line", "lines")

    def __init__(self, path: str, line: int | None) -> None:
        super().__init__()
        self.path = path
        self.line = line
        self.lines: list[int | None] = []

    def where(self, index: int) -> Location:
        line = self.lines[index] if 0 <= index < len(self.lines) else self.line
        return Location(self.path, line)


def wrap(value: Any, path: str, depth: int = 0) -> Any:
    """YAML values of `path` as Node/Seq (scalars unchanged). Cut at MAX_DEPTH: a recursive alias
    must not recurse forever."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        node = Node(path, node_line(value))
        for key, item in value.items():
            node.put(key, wrap(item, path, depth + 1), Location(path, key_line(value, key) or node_line(value)))
        return node
    if isinstance(value, list):
        seq = Seq(path, node_line(value))
        for index, item in enumerate(value):
            seq.append(wrap(item, path, depth + 1))
            seq.lines.append(item_line(value, index) or node_line(value))
        return seq
    return value


def deep_merge(base: Node, over: Node) -> Node:
    """GitLab's merge: keys of `over` win; where both hold a mapping, the mappings merge."""
    merged = Node(over.path, over.line)
    for key, value in base.items():
        merged.put(key, value, base.where(key))
    for key, value in over.items():
        current = merged.get(key)
        if isinstance(value, Node) and isinstance(current, Node):
            value = deep_merge(current, value)
        merged.put(key, value, over.where(key))
    return merged


def names(value: Any) -> list[str]:
    """A string or a list of strings (`extends:`, `needs:`, `stages:`)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


@dataclass
class Extends:
    """Resolves `extends:` against the merged configuration's jobs and hidden jobs."""

    config: Node
    problems: list[str] = field(default_factory=list)
    # Parents no file of the repository defines: they may come from a remote/template include.
    missing: dict[str, set[str]] = field(default_factory=dict)
    _done: dict[str, Node] = field(default_factory=dict)

    def job(self, name: str) -> Node:
        return self._resolve(name, ())

    def _resolve(self, name: str, chain: tuple[str, ...]) -> Node:
        if name in self._done:
            return self._done[name]
        job = self.config[name]
        base = Node(job.path, job.line)
        for parent in names(job.get("extends")):
            if parent in chain or parent == name:
                self.problems.append(f"{name}: extends {parent}, which extends it back ({job.where('extends')})")
            elif len(chain) >= MAX_EXTENDS_DEPTH:
                self.problems.append(f"{name}: extends more than {MAX_EXTENDS_DEPTH} levels ({job.where('extends')})")
            elif not isinstance(self.config.get(parent), Node):
                self.missing.setdefault(name, set()).add(parent)
            else:
                base = deep_merge(base, self._resolve(parent, (*chain, name)))
                if self.missing.get(parent):
                    self.missing.setdefault(name, set()).update(self.missing[parent])
        resolved = deep_merge(base, job)
        self._done[name] = resolved
        return resolved


def flatten(value: Any, config: Node, is_reference: Any, depth: int = 0) -> Iterator[tuple[Any, Location]]:
    """Items of a list as GitLab reads them: nested lists flattened, `!reference [job, key...]`
    replaced by what it names. `is_reference(seq, index)` says whether an item was tagged !reference
    (the YAML reader drops tags, so the caller checks the source line)."""
    if depth > MAX_EXTENDS_DEPTH or not isinstance(value, Seq):
        return
    for index, item in enumerate(value):
        if isinstance(item, Seq) and is_reference(value, index):
            target = reference(config, item)
            if isinstance(target, Seq):
                yield from flatten(target, config, is_reference, depth + 1)
            elif target is not None:
                yield target, value.where(index)
        elif isinstance(item, Seq):
            yield from flatten(item, config, is_reference, depth + 1)
        else:
            yield item, value.where(index)


def reference(config: Node, path: Seq) -> Any:
    """The value `!reference [job, key, subkey...]` names, or None."""
    node: Any = config
    for part in path:
        if not isinstance(node, Node) or not isinstance(part, str) or part not in node:
            return None
        node = node[part]
    return node


class References:
    """Whether a value was written with the `!reference` tag: the YAML reader drops tags, so the
    source line is read instead (it is in the client's cache already)."""

    def __init__(self, client: RepoClient) -> None:
        self._client = client
        self._lines: dict[str, list[str]] = {}

    def check(self, sequence: Seq, index: int) -> bool:
        """For a list item: `- !reference [job, key]`."""
        item = sequence[index]
        if not (isinstance(item, Seq) and item and all(isinstance(part, str) for part in item)):
            return False
        return self.tagged(sequence.where(index))

    def tagged(self, location: Location) -> bool:
        if location.line is None:
            return False
        if location.path not in self._lines:
            try:
                self._lines[location.path] = self._client.read_text(location.path).lines()
            except UnreadableFile:
                self._lines[location.path] = []
        lines = self._lines[location.path]
        return 0 < location.line <= len(lines) and "!reference" in lines[location.line - 1]

    def whole(self, value: Any, location: Location, config: Node) -> Any:
        """A whole value written as `key: !reference [job, key]` (`rules:`, `script:`): what it names."""
        if isinstance(value, Seq) and value and all(isinstance(part, str) for part in value) \
                and self.tagged(location):
            return reference(config, value)
        return value

    def condition(self, rule: Any, config: Node) -> Any:
        """A rule with `if: !reference [.is_main]` replaced by the text it names."""
        condition = rule.get("if") if isinstance(rule, Node) else None
        if not (isinstance(condition, Seq) and self.tagged(rule.where("if"))):
            return rule
        resolved = Node(rule.path, rule.line)
        for key, value in rule.items():
            resolved.put(key, value, rule.where(key))
        target = reference(config, condition)
        resolved.put("if", target if isinstance(target, str) else None, rule.where("if"))
        return resolved
