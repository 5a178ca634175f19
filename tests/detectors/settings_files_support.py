"""Running the document and settings-file detectors (sharing, culture, security files, observability,
packaging, dev environment) on fixture repositories and in-memory trees."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

from devops_scan.clients.open import open_local
from devops_scan.detector import Detector, ScanContext
from devops_scan.engine import ScanResult, run_detectors
from devops_scan.report import build_report
from devops_scan.scan import scan_client
from devops_scan.scoring.loader import load_model
from tests.testing.fakes import MemoryClient

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)


@lru_cache(maxsize=1)
def _model():  # type: ignore[no-untyped-def]
    return load_model()


def scan_report(path: Path, *detectors: type[Detector]) -> dict[str, Any]:
    """The JSON-shaped report of a real repository scanned with only `detectors`."""
    with open_local(str(path)) as client:
        return build_report(scan_client(client, _model(), as_of=AS_OF, detectors=list(detectors)))


def run_on_files(files: Mapping[str, str], *detectors: type[Detector]) -> ScanResult:
    """Findings and inventory for an in-memory tree (fast; no git)."""
    return run_detectors(MemoryClient(files), list(detectors), ScanContext(as_of=AS_OF))


def practice(report: dict[str, Any], practice_id: str) -> tuple[str, str, list[str]]:
    """(outcome, reason, evidence as `path:line`) of one practice in a report."""
    found = report["practices"][practice_id]
    places = [f"{e['path']}:{e['line']}" if e["line"] else str(e["path"]) for e in found["evidence"]]
    return found["outcome"], found["reason"], places


def outcome(result: ScanResult, practice_id: str) -> tuple[str, str]:
    finding = result.findings[practice_id]
    return finding.outcome.value, finding.reason


def evidence(result: ScanResult, practice_id: str) -> list[str]:
    return [str(fact.location) for fact in result.findings[practice_id].evidence if fact.location]
