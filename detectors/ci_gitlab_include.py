"""GitLab CI `include:`, every form: local files are read and merged, the rest are recorded as such.

`include: 'ci/build.yml'`, `local:` (with globs such as `ci/*.yml`, expanded through the file index),
`project:` + `file:`, `remote:`, `template:`, `component:`. Local files are merged the way GitLab does
(included first, in order; the including file's own keys win), recursively, with a depth limit and
protection against a file including itself. A missing local include is a problem with its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.ci_gitlab_merge import Node, Seq, deep_merge, names, wrap
from devops_scan_detectors.cimodel import Include, as_text

# GitLab allows 150 includes nested 100 deep; real configurations nest a few levels.
MAX_INCLUDE_DEPTH = 10
MAX_INCLUDED_FILES = 150
_REMOTE = re.compile(r"^https?://", re.IGNORECASE)


@dataclass
class Configuration:
    """A GitLab CI file with its local includes merged in."""

    config: Node
    includes: list[Include] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def outside_refs(self) -> tuple[str, ...]:
        """Includes whose content this scan cannot read (remote, template, project, component)."""
        return tuple(sorted({include.ref for include in self.includes if include.kind != "local"}))


def load_configuration(client: RepoClient, context: ScanContext, path: str) -> Configuration:
    """`path` with its includes (an empty configuration, with the problem, if it cannot be read)."""
    loader = _Loader(client, context)
    config = loader.file(path, (), None) or Node(path, None)
    return Configuration(config, loader.includes, loader.problems)


@dataclass
class _Loader:
    client: RepoClient
    context: ScanContext
    includes: list[Include] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    files_read: int = 0

    def file(self, path: str, chain: tuple[str, ...], written_at: Location | None) -> Node | None:
        document = self._document(path, written_at)
        if document is None:
            return None
        merged = Node(path, document.line)
        for entry, where in _entries(document.get("include"), document):
            for included in self._include(entry, where, chain + (path,)):
                merged = deep_merge(merged, included)
        own = Node(path, document.line)
        for key, value in document.items():
            if key != "include":
                own.put(key, value, document.where(key))
        return deep_merge(merged, own)

    def _document(self, path: str, written_at: Location | None) -> Node | None:
        what = f"include {path} ({written_at})" if written_at else path
        try:
            documents = self.context.yaml(self.client, path, last_key_wins=True).documents
        except UnreadableFile as error:
            self.problems.append(f"{what}: unreadable ({error.reason})")
            return None
        except YamlProblem as error:
            self.problems.append(f"{what}: invalid YAML ({error})")
            return None
        # A file with a `spec:` header (inputs) holds its configuration in the second document.
        if len(documents) > 1 and isinstance(documents[0], dict) and "spec" in documents[0]:
            documents = documents[1:]
        first = documents[0] if documents else None
        if first is None and written_at is not None:
            return Node(path, None)  # an empty included file adds nothing
        if not isinstance(first, dict):
            self.problems.append(f"{what}: not a YAML mapping")
            return None
        return wrap(first, path)

    def _include(self, entry: Any, where: Location, chain: tuple[str, ...]) -> Iterator[Node]:
        kind, refs = _kind(entry)
        if kind is None:
            self.problems.append(f"include: an entry that is neither a file nor a known include type ({where})")
            return
        if kind != "local":
            self.includes.extend(Include(kind, ref, where) for ref in refs)
            return
        ref = refs[0]
        for path in self._local_paths(ref, where):
            self.includes.append(Include("local", ref, where, resolved=path))
            if path in chain:
                self.problems.append(f"include {ref} ({where}): includes itself through {' → '.join(chain)}")
            elif len(chain) > MAX_INCLUDE_DEPTH or self.files_read >= MAX_INCLUDED_FILES:
                self.problems.append(f"include {ref} ({where}): more includes than this reader follows")
            else:
                self.files_read += 1
                node = self.file(path, chain, where)
                if node is not None:
                    yield node

    def _local_paths(self, ref: str, where: Location) -> list[str]:
        path = ref.lstrip("/")
        if "$" in path:
            self.includes.append(Include("local", ref, where))
            self.problems.append(f"include {ref} ({where}): its path depends on a variable, not followed")
            return []
        if "*" in path:
            regex = _glob(path)
            found = sorted(candidate for candidate in self.client.files if regex.match(candidate))
            if not found:
                self.includes.append(Include("local", ref, where))
                self.problems.append(f"include {ref} ({where}): matches no file in the repository")
            return found
        if path not in self.client.files:
            self.includes.append(Include("local", ref, where))
            self.problems.append(f"include {ref} ({where}): not found in the repository")
            return []
        return [path]


def _entries(value: Any, document: Node) -> Iterator[tuple[Any, Location]]:
    if value is None:
        return
    if isinstance(value, Seq):
        for index, item in enumerate(value):
            yield item, value.where(index)
    else:
        yield value, document.where("include")


def _kind(entry: Any) -> tuple[str | None, list[str]]:
    """(include kind, references) of one `include:` entry (a `project:` entry may name several files)."""
    if isinstance(entry, str):
        return ("remote" if _REMOTE.match(entry) else "local"), [entry]
    if not isinstance(entry, Node):
        return None, []
    if "local" in entry:
        return "local", [as_text(entry["local"]) or ""]
    if "project" in entry:
        version = as_text(entry.get("ref"))
        return "project", [f"{as_text(entry['project'])}:{file}" + (f"@{version}" if version else "")
                           for file in names(entry.get("file")) or ["(its default file)"]]
    for kind in ("remote", "template", "component"):
        if kind in entry:
            return kind, [as_text(entry[kind]) or ""]
    return None, []


def _glob(pattern: str) -> re.Pattern[str]:
    """GitLab's include globs: `*` within a folder, `**` across folders."""
    parts = re.split(r"(\*\*|\*)", pattern)
    regex = "".join(".*" if part == "**" else "[^/]*" if part == "*" else re.escape(part) for part in parts)
    return re.compile(regex + r"\Z")
