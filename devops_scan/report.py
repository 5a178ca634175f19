"""The report: one JSON-shaped dict (the documented contract) that every renderer reads.

Renderers are pure functions of this dict, so a saved JSON report renders exactly like a live scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from devops_scan import __version__
from devops_scan.clients.base import RepoInfo
from devops_scan.engine import ScanResult
from devops_scan.scoring.assess import Assessment

SCHEMA_VERSION = "1.2"


@dataclass(frozen=True)
class ScanRun:
    repository: RepoInfo
    as_of: datetime
    assessment: Assessment
    result: ScanResult
    # Plugin problems and notes on how the target was read; scan warnings come from `result`.
    notes: tuple[str, ...] = ()
    # HTTP requests sent to a hosting platform's API during the scan; None when none could be sent.
    api_requests: int | None = None


def format_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_report(run: ScanRun) -> dict[str, Any]:
    assessment = run.assessment
    model = assessment.model
    practices: dict[str, Any] = {}
    for practice_id, finding in assessment.findings.items():
        practice = model.practices.get(practice_id)
        practices[practice_id] = {
            "title": practice.title if practice else practice_id,
            "outcome": finding.outcome.value,
            "area": practice.area if practice else None,
            "level": practice.level if practice else None,
            "cams": practice.cams if practice else None,
            "reason": finding.reason,
            "evidence": [fact.to_json() for fact in finding.evidence],
            "remediation": finding.remediation or (practice.remediation if practice else None),
            "detector": finding.detector,
        }
    unscored = sorted(pid for pid in assessment.findings if pid not in model.practices)
    warnings = list(run.notes) + list(run.result.warnings)
    warnings += [f"practice '{pid}' is answered by a detector but not scored by model '{model.name}'"
                 for pid in unscored]
    repo = run.repository
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "devops-scan", "version": __version__},
        "repository": {
            "path": repo.path,
            "url": repo.url,
            "head": repo.head,
            "branch": repo.branch,
            "default_branch": repo.default_branch,
            "ref": repo.ref,
            "commit_count": repo.commit_count,
            "shallow": repo.shallow,
            "bare": repo.bare,
            "api_requests": run.api_requests,
        },
        "as_of": format_time(run.as_of),
        "model": {"name": model.name, "version": model.version, "source": model.source,
                  "overall": model.overall},
        "overall": assessment.overall,
        "levels": {area.id: area.level for area in assessment.areas},
        "areas": {
            area.id: {
                "title": area.title,
                "level": area.level,
                "applicable": area.applicable,
                "next_level": area.next_level,
            }
            for area in assessment.areas
        },
        "cams": {
            score.dimension: {
                "score": score.score,
                "passed": score.passed,
                "applicable": score.applicable,
                "unknown": score.unknown,
            }
            for score in assessment.cams
        },
        "practices": practices,
        "next_steps": {area.id: list(area.next_steps) for area in assessment.areas},
        "inventory": dict(run.result.inventory),
        "detectors": list(run.result.detectors),
        "warnings": sorted(dict.fromkeys(warnings)),
    }
