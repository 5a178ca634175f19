"""Shared helpers for the coverage_settings tests: run it in memory or on a real repository, and
turn its values into rows a table can compare."""

from __future__ import annotations

from datetime import datetime, timezone

from devops_scan.clients.open import open_local
from devops_scan.detector import ScanContext
from devops_scan_detectors.coverage_config import coverage_settings
from devops_scan_detectors.coverage_model import CoverageSettings
from tests.testing.fakes import MemoryClient

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)


def in_memory(files: dict[str, str]) -> CoverageSettings:
    return coverage_settings(MemoryClient(files), ScanContext(as_of=AS_OF))


def on_disk(path) -> CoverageSettings:
    with open_local(str(path)) as client:
        return coverage_settings(client, ScanContext(as_of=AS_OF))


def collected(result: CoverageSettings) -> list[tuple[str, str, str]]:
    """(tool, runner, path:line) of what the runner collects by default."""
    return [(c.tool, c.runner, str(c.location)) for c in result.default_collection]


def thresholds(result: CoverageSettings) -> list[tuple]:
    """(tool, metric, percent, enforced by, path:line, commands that apply it)."""
    return [(t.tool, t.metric, t.value, t.enforced_by, str(t.location), t.commands) for t in result.thresholds]
