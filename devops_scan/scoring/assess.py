"""Score findings against a maturity model: a level per area, CAMS scores, an overall level."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, replace
from typing import Mapping

from devops_scan.model import PLATFORM_ONLY, CAMS, LEVELS, Finding, Outcome, level_rank
from devops_scan.scoring.maturity import Area, MaturityModel, Practice, Requirement

_MET = (Outcome.PASS, Outcome.NOT_APPLICABLE)


@dataclass(frozen=True)
class AreaResult:
    id: str
    title: str
    level: str
    # False when every practice of the area is not_applicable (a library with nothing to deploy).
    applicable: bool
    next_level: str | None
    # Practices missing for `next_level` (alternatives of an any_of group are all listed).
    next_steps: tuple[str, ...]


@dataclass(frozen=True)
class CamsScore:
    dimension: str
    score: int | None
    passed: int
    applicable: int
    unknown: int


@dataclass(frozen=True)
class Assessment:
    model: MaturityModel
    overall: str
    areas: tuple[AreaResult, ...]
    cams: tuple[CamsScore, ...]
    # Every practice of the model (unanswered ones are unknown), plus practices detectors answered
    # that the model does not score.
    findings: Mapping[str, Finding]

    def practice(self, practice_id: str) -> Practice | None:
        return self.model.practices.get(practice_id)


def unanswered(practice: Practice) -> Finding:
    reason = "no installed detector decides this practice"
    if practice.platform:
        reason += f"; {practice.platform}"
    return Finding(practice.id, Outcome.UNKNOWN, reason)


def _platform_hint(finding: Finding, practice: Practice) -> Finding:
    """An unknown only a platform would settle says what the model says would settle it."""
    if finding.outcome is Outcome.UNKNOWN and finding.needs in PLATFORM_ONLY and practice.platform:
        why = finding.reason.removeprefix(f"needs {finding.needs.value}: ")
        return replace(finding, reason=f"{why}; {practice.platform}")
    return finding


def assess(model: MaturityModel, findings: Mapping[str, Finding]) -> Assessment:
    complete = {pid: _platform_hint(findings[pid], practice) if pid in findings else unanswered(practice)
                for pid, practice in model.practices.items()}
    complete.update({pid: finding for pid, finding in findings.items() if pid not in complete})
    areas = tuple(_area_result(area, complete) for area in model.areas)
    return Assessment(
        model=model,
        overall=_overall(model.overall, areas),
        areas=areas,
        cams=tuple(_cams(dimension, model, complete) for dimension in CAMS),
        findings=dict(sorted(complete.items())),
    )


def _vacuous(requirement: Requirement, findings: Mapping[str, Finding]) -> bool:
    return all(findings[p].outcome is Outcome.NOT_APPLICABLE for p in requirement.any_of)


def _met(requirement: Requirement, findings: Mapping[str, Finding]) -> bool:
    return any(findings[p].outcome is Outcome.PASS for p in requirement.any_of)


def _area_result(area: Area, findings: Mapping[str, Finding]) -> AreaResult:
    """Cumulative ladder: the highest level whose requirements, and all lower ones, pass.

    A requirement whose practices are all not applicable is left out, so a level made only of those
    is climbed through (not applicable never blocks). An area where nothing applies stays at Base
    and is marked not applicable: it says nothing about the repository."""
    reached = "base"
    applicable = False
    for level in LEVELS[1:]:
        if not area.requirements_at(level):
            continue  # the model asks nothing at this level: an area tops out at its highest defined level
        live = [r for r in area.requirements_at(level) if not _vacuous(r, findings)]
        applicable = applicable or bool(live)
        missing = [r for r in live if not _met(r, findings)]
        if missing:
            steps = tuple(dict.fromkeys(p for r in missing for p in r.any_of
                                        if findings[p].outcome not in _MET))
            return AreaResult(area.id, area.title, reached, True, level, steps)
        reached = level
    return AreaResult(area.id, area.title, reached if applicable else "base", applicable, None, ())


def _overall(method: str, areas: tuple[AreaResult, ...]) -> str:
    ranks = sorted(level_rank(area.level) for area in areas if area.applicable)
    if not ranks:
        return "base"
    if method == "median":
        return LEVELS[int(statistics.median_low(ranks))]
    return LEVELS[ranks[0]]


def _cams(dimension: str, model: MaturityModel, findings: Mapping[str, Finding]) -> CamsScore:
    passed = applicable = unknown = 0
    passed_weight = applicable_weight = 0.0
    for practice in model.practices.values():
        if practice.cams != dimension:
            continue
        outcome = findings[practice.id].outcome
        if outcome is Outcome.UNKNOWN:
            unknown += 1
        elif outcome in (Outcome.PASS, Outcome.FAIL):
            applicable += 1
            applicable_weight += practice.weight
            if outcome is Outcome.PASS:
                passed += 1
                passed_weight += practice.weight
    score = round(100 * passed_weight / applicable_weight) if applicable_weight else None
    return CamsScore(dimension, score, passed, applicable, unknown)
