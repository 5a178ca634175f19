from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.detector import ScanContext
from devops_scan.engine import combine, run_detectors
from devops_scan.errors import UnreadableFile
from devops_scan.model import Capability, Fact, Finding, Location, Outcome
from tests.testing.fakes import CrashingDetector, FileExistsDetector, MemoryClient, PlatformDetector, SilentDetector

CONTEXT = ScanContext(as_of=datetime(2026, 1, 1, tzinfo=timezone.utc))


def test_detector_runs_and_contributes_evidence_and_inventory():
    result = run_detectors(MemoryClient({"a/marker": ""}), [FileExistsDetector], CONTEXT)
    finding = result.findings["demo.file"]
    assert finding.outcome is Outcome.PASS
    assert finding.evidence[0].location == Location("a/marker")
    assert finding.detector == "file-exists"
    assert result.inventory == {"markers": 1}


def test_missing_capability_gives_unknown_with_the_clients_reason():
    client = MemoryClient({}, missing={Capability.PLATFORM_SETTINGS: "local scan: no platform settings"})
    result = run_detectors(client, [PlatformDetector], CONTEXT)
    finding = result.findings["demo.protected"]
    assert finding.outcome is Outcome.UNKNOWN
    assert finding.reason == "needs platform-settings: local scan: no platform settings"


def test_a_crashing_detector_yields_unknown_for_its_practices_and_the_scan_goes_on():
    result = run_detectors(MemoryClient({"marker": ""}), [CrashingDetector, FileExistsDetector], CONTEXT)
    for practice in ("demo.crash", "demo.crash-too"):
        assert result.findings[practice].outcome is Outcome.UNKNOWN
        assert result.findings[practice].reason == "detector crashing failed: RuntimeError: boom"
    assert result.findings["demo.file"].outcome is Outcome.PASS
    assert "detector crashing failed: RuntimeError: boom" in result.warnings


def test_declared_but_unanswered_practice_is_unknown():
    result = run_detectors(MemoryClient({}), [SilentDetector], CONTEXT)
    assert result.findings["demo.silent"].outcome is Outcome.UNKNOWN
    assert "gave no answer" in result.findings["demo.silent"].reason


def test_two_detectors_on_one_practice_pass_wins_over_unknown():
    result = run_detectors(MemoryClient({"marker": ""}), [SilentDetector, FileExistsDetector], CONTEXT)
    assert result.findings["demo.file"].outcome is Outcome.PASS


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["fail", "pass"], "pass"),
        (["fail", "unknown"], "unknown"),
        (["fail", "fail"], "fail"),
        (["not_applicable", "fail"], "fail"),
        (["not_applicable", "not_applicable"], "not_applicable"),
    ],
)
def test_combine_rules(outcomes, expected):
    found = [Finding("x.y", Outcome(o), f"reason {i}", (Fact("k", f"d{i}", Location(f"f{i}")),), detector=f"d{i}")
             for i, o in enumerate(outcomes)]
    combined = combine(found)
    assert combined.outcome.value == expected
    if outcomes.count(expected) == 2:  # evidence of agreeing detectors is merged
        assert len(combined.evidence) == 2 and combined.detector == "d0, d1"


def test_unreadable_files_reach_the_warnings_and_the_detector_still_answers():
    class Broken(MemoryClient):
        def _read_bytes(self, path, limit):
            raise UnreadableFile(path, "permission denied")

    class Reader(FileExistsDetector):
        id = "reader"

        def collect(self, client, context):
            with pytest.raises(UnreadableFile):
                client.read_text("marker")
            return super().collect(client, context)

    result = run_detectors(Broken({"marker": ""}), [Reader], CONTEXT)
    assert result.findings["demo.file"].outcome is Outcome.PASS
    assert "marker: permission denied" in result.warnings
