"""The value types that flow through the pipeline: Evidence → Finding → Assessment.

Frozen dataclasses (pip-audit style) so a detector cannot mutate what another one sees, and so
every stage is a pure function of the previous one.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Mapping


class Outcome(str, enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Capability(str, enum.Enum):
    """What a RepoClient can answer. Detectors declare the capabilities they need."""

    FILES = "files"
    HISTORY = "history"
    TAGS = "tags"
    PLATFORM_SETTINGS = "platform-settings"
    CI_RUNS = "ci-runs"
    REVIEWS = "reviews"


# Capabilities only a hosting platform has: a local scan lacks them all.
PLATFORM_ONLY = frozenset({Capability.PLATFORM_SETTINGS, Capability.CI_RUNS, Capability.REVIEWS})


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int | None = None

    def __str__(self) -> str:
        return self.path if self.line is None else f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Fact:
    """One observed thing, without judgement: a CI config file, a test file, a commit."""

    kind: str
    detail: str
    location: Location | None = None
    data: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.location.path if self.location else None,
            "line": self.location.line if self.location else None,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Evidence:
    """What one detector collected: facts, inventory contributions, and warnings."""

    detector: str
    facts: tuple[Fact, ...] = ()
    inventory: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    warnings: tuple[str, ...] = ()

    def of_kind(self, kind: str) -> tuple[Fact, ...]:
        return tuple(fact for fact in self.facts if fact.kind == kind)


@dataclass(frozen=True)
class Finding:
    """One answer about one practice."""

    practice: str
    outcome: Outcome
    reason: str
    evidence: tuple[Fact, ...] = ()
    # A remediation specific to what was found; the model's text is used when this is None.
    remediation: str | None = None
    detector: str | None = None
    # For an unknown: the capability of a source that would settle it ("only the platform can tell").
    # A platform-only unknown steps aside when another detector answered (engine._settled).
    needs: Capability | None = None


LEVELS: tuple[str, ...] = ("base", "beginner", "intermediate", "advanced", "expert")
CAMS: tuple[str, ...] = ("culture", "automation", "measurement", "sharing")


def level_rank(level: str) -> int:
    return LEVELS.index(level)
