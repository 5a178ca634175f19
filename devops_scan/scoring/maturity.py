"""The maturity model as values: areas with cumulative levels, practices with CAMS dimensions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from devops_scan.model import LEVELS


@dataclass(frozen=True)
class Practice:
    id: str
    title: str
    cams: str
    remediation: str
    weight: float = 1.0
    area: str | None = None
    level: str | None = None
    evidence: str = ""
    # What would settle the practice when a local scan cannot (hosting-platform practices).
    platform: str | None = None
    local_proxy: str | None = None


@dataclass(frozen=True)
class Requirement:
    """Met when any one of `any_of` passes (a single practice is a group of one)."""

    any_of: tuple[str, ...]

    def __str__(self) -> str:
        return " or ".join(self.any_of)


@dataclass(frozen=True)
class Area:
    id: str
    title: str
    descriptions: Mapping[str, str]
    # Level → what must pass at that level (in addition to every lower level's requirements).
    requirements: Mapping[str, tuple[Requirement, ...]]

    def requirements_at(self, level: str) -> tuple[Requirement, ...]:
        return self.requirements.get(level, ())

    def levels_with_requirements(self) -> list[str]:
        return [level for level in LEVELS[1:] if self.requirements_at(level)]


@dataclass(frozen=True)
class MaturityModel:
    name: str
    version: str
    title: str
    description: str
    overall: str
    areas: tuple[Area, ...]
    practices: Mapping[str, Practice]
    source: str

    def area(self, area_id: str) -> Area:
        return next(area for area in self.areas if area.id == area_id)
