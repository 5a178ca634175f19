"""In-memory clients and detectors for engine tests (git behaviour is tested on real repos)."""

from __future__ import annotations

from typing import Mapping

from devops_scan.clients.base import RepoClient, RepoInfo
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Capability, Evidence, Fact, Finding, Location, Outcome


class MemoryClient(RepoClient):
    def __init__(self, files: Mapping[str, str], capabilities=(Capability.FILES,), missing=None) -> None:
        super().__init__()
        self._files = dict(files)
        self._capabilities = frozenset(capabilities)
        self._missing = missing or {}

    @property
    def info(self) -> RepoInfo:
        return RepoInfo(path="/memory", url=None, head="a" * 40, branch="main", default_branch="main",
                        commit_count=1)

    def _tracked_paths(self):
        return self._files

    @property
    def capabilities(self):
        return self._capabilities

    def missing_capability_reasons(self):
        return self._missing

    def _read_bytes(self, path: str, limit: int) -> bytes:
        if path not in self._files:
            raise UnreadableFile(path, "missing")
        return self._files[path].encode()[:limit]


class FileExistsDetector(Detector):
    """Passes `demo.file` when a file named `marker` exists."""

    id = "file-exists"
    title = "Marker file"
    practices = ("demo.file",)

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        markers = client.files.named("marker")
        return Evidence(self.id, tuple(Fact("marker", "marker file", Location(p)) for p in markers),
                        inventory={"markers": len(markers)})

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        facts = evidence.of_kind("marker")
        outcome = Outcome.PASS if facts else Outcome.FAIL
        return [Finding("demo.file", outcome, "marker present" if facts else "no marker", facts)]


class CrashingDetector(Detector):
    id = "crashing"
    title = "Always crashes"
    practices = ("demo.crash", "demo.crash-too")

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        raise RuntimeError("boom")

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return []


class PlatformDetector(Detector):
    id = "platform-only"
    title = "Needs the platform"
    practices = ("demo.protected",)
    requires = frozenset({Capability.FILES, Capability.PLATFORM_SETTINGS})

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        raise AssertionError("must not run without the capability")

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        raise AssertionError("must not run without the capability")


class SilentDetector(Detector):
    """Declares two practices but answers only one."""

    id = "silent"
    title = "Answers half"
    practices = ("demo.file", "demo.silent")

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        return Evidence(self.id)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [Finding("demo.file", Outcome.UNKNOWN, "could not tell")]
