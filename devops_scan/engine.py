"""Run detectors against a client: capability gating, error isolation, merging of findings."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Iterable, Mapping, Sequence

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import PLATFORM_ONLY, Capability, Evidence, Finding, Outcome


@dataclass(frozen=True)
class ScanResult:
    """Everything the detectors said, before the model scores it."""

    findings: Mapping[str, Finding]
    evidence: tuple[Evidence, ...]
    inventory: Mapping[str, Any]
    warnings: tuple[str, ...]
    detectors: tuple[str, ...]


def run_detectors(client: RepoClient, detectors: Sequence[type[Detector]], context: ScanContext,
                  session: Any = None) -> ScanResult:
    """Run each detector whose capabilities the client has; one failure never stops the others.

    `session` (devops_scan.incremental) records what each detector read, or lets a detector keep
    the results it had in a recorded scan when nothing it depends on changed."""
    findings: dict[str, list[Finding]] = {}
    evidence: list[Evidence] = []
    inventory: dict[str, Any] = {}
    warnings: list[str] = []
    for detector_class in sorted(detectors, key=lambda d: d.id):
        lacking = sorted(detector_class.requires - client.capabilities, key=lambda c: c.value)
        if lacking:
            # Asked per detector: a platform read that failed mid-scan takes its capabilities away.
            missing = client.missing_capability_reasons()
            reason = "; ".join(f"needs {cap.value}: {missing.get(cap, 'not offered by this source')}"
                               for cap in lacking)
            produced = _unknown_for(detector_class, reason, needs=lacking[0])
        else:
            produced, collected, failure = _run_session(detector_class, client, context, session)
            if failure:
                warnings.append(failure)
            if collected is not None:
                evidence.append(collected)
                warnings.extend(f"{detector_class.id}: {warning}" for warning in collected.warnings)
                _merge_inventory(inventory, collected.inventory, detector_class.id, warnings)
        for finding in _complete(detector_class, produced):
            findings.setdefault(finding.practice, []).append(finding)
    warnings.extend(f"{path}: {reason}" for path, reason in client.read_warnings().items())
    return ScanResult(
        findings={practice: combine(_settled(found)) for practice, found in sorted(findings.items())},
        evidence=tuple(evidence),
        inventory=dict(sorted(inventory.items())),
        warnings=tuple(warnings),
        detectors=tuple(sorted(d.id for d in detectors)),
    )


def _run_session(detector_class: type[Detector], client: RepoClient, context: ScanContext, session: Any
                 ) -> tuple[list[Finding], Evidence | None, str | None]:
    from devops_scan.incremental import ObservedClient, Recording, Reuse

    if isinstance(session, Reuse):
        kept = session.result_for(detector_class)
        if kept is not None:
            for path in session.paths_of(detector_class.id):  # unreadable-file warnings stay complete
                try:
                    client.read_text(path)
                except Exception:  # noqa: BLE001 - the warning is what this read is for
                    pass
            return list(kept[0]), kept[1], None
        return _run_one(detector_class, client, context)
    if isinstance(session, Recording):
        session.start(detector_class.id)
        context.observer = session
        try:
            produced, collected, failure = _run_one(detector_class, ObservedClient(client, session), context)
        finally:
            context.observer = None
        session.stop(detector_class.id, produced, collected, failure is not None)
        return produced, collected, failure
    return _run_one(detector_class, client, context)


def _run_one(detector_class: type[Detector], client: RepoClient, context: ScanContext
             ) -> tuple[list[Finding], Evidence | None, str | None]:
    """(findings, evidence, failure message); evidence survives a failure in `evaluate`."""
    collected = None
    try:
        detector = detector_class()
        collected = detector.collect(client, context)
        return list(detector.evaluate(collected)), collected, None
    except Exception as error:  # isolation: one detector's bug becomes `unknown` for its practices only
        reason = f"detector {detector_class.id} failed: {type(error).__name__}: {error}"
        return _unknown_for(detector_class, reason), collected, reason


def _unknown_for(detector_class: type[Detector], reason: str, needs: Capability | None = None) -> list[Finding]:
    return [Finding(practice, Outcome.UNKNOWN, reason, detector=detector_class.id, needs=needs)
            for practice in detector_class.practices]


def _complete(detector_class: type[Detector], produced: Iterable[Finding]) -> list[Finding]:
    """Stamp the detector id; a practice the detector declared but did not answer becomes unknown."""
    stamped = [f if f.detector else _with_detector(f, detector_class.id) for f in produced]
    answered = {f.practice for f in stamped}
    stamped.extend(
        Finding(p, Outcome.UNKNOWN, f"detector {detector_class.id} gave no answer", detector=detector_class.id)
        for p in detector_class.practices if p not in answered
    )
    return stamped


def _with_detector(finding: Finding, detector_id: str) -> Finding:
    return replace(finding, detector=detector_id)


def _settled(found: list[Finding]) -> list[Finding]:
    """An unknown that only says "the platform would know" steps aside when another detector answered:
    a platform detector that could not run, or a CI detector deferring to one that did."""
    waiting = [f for f in found if f.outcome is Outcome.UNKNOWN and f.needs in PLATFORM_ONLY]
    rest = [f for f in found if f not in waiting]
    return rest if rest else found


def combine(found: Sequence[Finding]) -> Finding:
    """One finding per practice when several detectors answer it.

    Any pass wins (one proof is enough). Otherwise an unknown wins over fail: a source that could
    not look might have found the proof. All not_applicable stays not_applicable.
    """
    if len(found) == 1:
        return found[0]
    for outcome in (Outcome.PASS, Outcome.UNKNOWN, Outcome.FAIL, Outcome.NOT_APPLICABLE):
        chosen = [f for f in found if f.outcome is outcome]
        if chosen:
            first = chosen[0]
            if len(chosen) == 1:
                return first
            evidence = tuple(fact for f in chosen for fact in f.evidence)
            reason = "; ".join(dict.fromkeys(f.reason for f in chosen))
            detectors = ", ".join(sorted({f.detector or "?" for f in chosen}))
            return Finding(first.practice, outcome, reason, evidence, first.remediation, detectors)
    raise ValueError("no findings to combine")


def _merge_inventory(into: dict[str, Any], new: Mapping[str, Any], detector_id: str, warnings: list[str]) -> None:
    for key, value in new.items():
        if key in into:
            warnings.append(f"{detector_id}: inventory key '{key}' already set by another detector; ignored")
            continue
        into[key] = value
