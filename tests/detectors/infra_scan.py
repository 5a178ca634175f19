"""Scanning helpers for the container and infrastructure detectors (not yet registered as entry points,
so they are passed explicitly): real git repositories from fixture trees, or fast in-memory clients."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from devops_scan.clients.open import open_local
from devops_scan.detector import ScanContext
from devops_scan.engine import ScanResult, run_detectors
from devops_scan.report import build_report
from devops_scan.scan import scan_client
from devops_scan.scoring.loader import load_model
from devops_scan_detectors.containers import ContainersDetector
from devops_scan_detectors.iac import InfrastructureAsCodeDetector
from devops_scan_detectors.iac_environments import InfrastructureEnvironmentsDetector
from devops_scan_detectors.iac_rollout import ZeroDowntimeDetector
from devops_scan_detectors.iac_scripts import InfraScriptsDetector
from tests.testing.fakes import MemoryClient
from tests.testing.repos import repo_from_fixture

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
DETECTORS = [ContainersDetector, InfrastructureAsCodeDetector, InfrastructureEnvironmentsDetector,
             ZeroDowntimeDetector, InfraScriptsDetector]
_MODEL = None


def scan_repository(path: Path) -> dict[str, Any]:
    """The report dict of a real repository, scanned with these detectors only."""
    global _MODEL
    if _MODEL is None:
        _MODEL = load_model()
    with open_local(str(path)) as client:
        return build_report(scan_client(client, _MODEL, as_of=AS_OF, detectors=DETECTORS))


def scan_fixture(name: str, workdir: Path) -> dict[str, Any]:
    return scan_repository(repo_from_fixture(name, workdir / name))


def run_memory(files: Mapping[str, str]) -> ScanResult:
    """The detectors run over an in-memory tree: fast tables from evidence to outcome."""
    return run_detectors(MemoryClient(files), DETECTORS, ScanContext(as_of=AS_OF))


def outcome(result: ScanResult, practice: str) -> str:
    return result.findings[practice].outcome.value


def evidence(result: ScanResult, practice: str) -> list[tuple[str | None, int | None, str]]:
    return [(f.location.path if f.location else None, f.location.line if f.location else None, f.detail)
            for f in result.findings[practice].evidence]
