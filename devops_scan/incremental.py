"""A cheap second scan: re-decide only what a change touched (`devops-scan diff`).

The base scan records, per detector, every file it read — directly, through the parsed-YAML cache,
or through a value shared with other detectors (`ScanContext.shared`, whose reads count for every
detector that uses it) — and whether it looked at the commit itself (`client.info` beyond the
default branch). The head scan then reuses a detector's base evidence and findings when:
- it needs files only (history, tags and the platform differ between commits by nature);
- the change added, deleted or renamed no file (every detector may list the tree);
- none of the files it read changed, and it did not look at the commit;
- it did not fail in the base scan.
Anything else runs again. Reused detectors' files are read once more (cheap: no parsing), so the
head report's warnings about unreadable files stay complete.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from devops_scan.model import Capability, Evidence, Finding

# RepoInfo fields that are the same for every commit of one clone.
STABLE_INFO = frozenset({"default_branch", "path", "url", "bare"})


@dataclass
class Recording:
    """What each detector of one scan depended on.

    Detectors and shared values live in two namespaces (a shared key may equal a detector id):
    the stack holds ("detector", id) at the bottom and ("shared", key) for values being computed."""

    reads: dict[str, set[str]] = field(default_factory=dict)
    commit_bound: set[str] = field(default_factory=set)
    results: dict[str, tuple[list[Finding], Evidence | None]] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    _shared_reads: dict[str, set[str]] = field(default_factory=dict)
    _shared_commit_bound: set[str] = field(default_factory=set)
    _stack: list[tuple[str, str]] = field(default_factory=list)

    # Called by the engine and ScanContext.
    def start(self, detector_id: str) -> None:
        self._stack = [("detector", detector_id)]
        self.reads.setdefault(detector_id, set())

    def stop(self, detector_id: str, findings: list[Finding], evidence: Evidence | None, failed: bool) -> None:
        self.results[detector_id] = (findings, evidence)
        if failed:
            self.failed.add(detector_id)
        self._stack = []

    def path(self, path: str) -> None:
        for owner in self._stack:
            self._reads_of(owner).add(path)

    def commit(self) -> None:
        for owner in self._stack:
            self._mark_commit_bound(owner)

    def enter(self, key: str) -> None:
        self._shared_reads.setdefault(key, set())
        self._stack.append(("shared", key))

    def leave(self) -> None:
        self._stack.pop()

    def use(self, key: str) -> None:
        """A shared value was used: what it read counts for everyone using it now."""
        reads = self._shared_reads.get(key, set())
        for owner in self._stack:
            self._reads_of(owner).update(reads)
            if key in self._shared_commit_bound:
                self._mark_commit_bound(owner)

    def _reads_of(self, owner: tuple[str, str]) -> set[str]:
        kind, name = owner
        table = self._shared_reads if kind == "shared" else self.reads
        return table.setdefault(name, set())

    def _mark_commit_bound(self, owner: tuple[str, str]) -> None:
        kind, name = owner
        (self._shared_commit_bound if kind == "shared" else self.commit_bound).add(name)


@dataclass(frozen=True)
class Reuse:
    """The head scan's rule: which detectors may keep their base results (module docstring)."""

    base: Recording
    changed: frozenset[str]
    same_listing: bool

    def result_for(self, detector: Any) -> tuple[list[Finding], Evidence | None] | None:
        if not self.same_listing or detector.requires - {Capability.FILES}:
            return None
        if detector.id in self.base.failed or detector.id in self.base.commit_bound:
            return None
        if detector.id not in self.base.results or self.base.reads.get(detector.id, set()) & self.changed:
            return None
        return self.base.results[detector.id]

    def paths_of(self, detector_id: str) -> Iterable[str]:
        return sorted(self.base.reads.get(detector_id, ()))


class InfoView:
    """`client.info` as a detector sees it during a recorded scan: reading a commit-bound field is noted."""

    def __init__(self, info: Any, recording: Recording) -> None:
        self._info, self._recording = info, recording

    def __getattr__(self, name: str) -> Any:
        if name not in STABLE_INFO:
            self._recording.commit()
        return getattr(self._info, name)


class ObservedClient:
    """The client as detectors see it while a scan is recorded: reads and commit-bound looks are noted."""

    def __init__(self, client: Any, recording: Recording) -> None:
        self._client, self._recording = client, recording

    @property
    def info(self) -> InfoView:
        return InfoView(self._client.info, self._recording)

    def read_text(self, path: str) -> Any:
        self._recording.path(path)
        return self._client.read_text(path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)
