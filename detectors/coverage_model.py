"""What the repository's files say about coverage: tools configured, collection the test runner does
by default, thresholds with their values, and reporting services — as values, without judgement.

The practices (`test.coverage-measured`, `-reported`, `-gate`) need CI facts too, so they are decided
by the CI detectors, which combine these values with what the pipelines run.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any, Iterator

from devops_scan.model import Fact, Location
from devops_scan_detectors.config_readers import location_key

RUNNER = "runner"    # the test runner or build tool fails the run below the threshold
SERVICE = "service"  # a hosted service (Codecov) fails a status check; it gates only if that check is required


@dataclass(frozen=True)
class ToolConfig:
    """A coverage tool configured or declared (coverage.py, pytest-cov, jest, nyc, jacoco...)."""

    tool: str
    location: Location
    detail: str

    def fact(self) -> Fact:
        return Fact("coverage-tool", f"{self.tool}: {self.detail}", self.location, {"tool": self.tool})


@dataclass(frozen=True)
class DefaultCollection:
    """Coverage the runner collects on every run, by its own default options (no CI flag needed)."""

    tool: str
    # The command whose every run collects it: "pytest", "jest", "mvn test", "gradle test", "rspec"...
    runner: str
    location: Location
    detail: str

    def fact(self) -> Fact:
        return Fact("coverage-collected-by-default", f"{self.tool}: {self.detail}", self.location,
                    {"tool": self.tool, "runner": self.runner})


@dataclass(frozen=True)
class Threshold:
    """A minimum coverage that fails something when not met."""

    tool: str
    # Percent, 0-100. None for a gate without a stated percentage (Codecov `target: auto`: no drop
    # below the base commit; nyc `check-coverage` with the tool's default numbers).
    value: float | None
    location: Location
    enforced_by: str  # RUNNER or SERVICE
    # In words, for the reason a user reads: "every pytest run (addopts)", "mvn verify (jacoco:check)".
    enforced_when: str
    # Commands whose run applies it; a CI step running one (directly or through a script) enforces
    # the gate. Empty for services, which enforce it on their side.
    commands: tuple[str, ...] = ()
    metric: str = "total"  # lines, branches, functions, statements, instruction, project, patch...

    def fact(self) -> Fact:
        value = "no stated percentage" if self.value is None else f"{self.value:g}%"
        return Fact("coverage-threshold", f"{self.tool} {self.metric} threshold {value}, enforced by "
                    f"{self.enforced_by}: {self.enforced_when}", self.location,
                    {"tool": self.tool, "value": self.value, "enforced_by": self.enforced_by, "metric": self.metric})


@dataclass(frozen=True)
class ServiceConfig:
    """A coverage reporting service configured in the repository (codecov.yml, .coveralls.yml...)."""

    service: str  # codecov | coveralls | sonar | codeclimate | qlty
    location: Location
    detail: str

    def fact(self) -> Fact:
        return Fact("coverage-service", f"{self.service}: {self.detail}", self.location, {"service": self.service})


@dataclass(frozen=True)
class CoverageSettings:
    tools: tuple[ToolConfig, ...] = ()
    default_collection: tuple[DefaultCollection, ...] = ()
    thresholds: tuple[Threshold, ...] = ()
    services: tuple[ServiceConfig, ...] = ()
    # Files that could not be read as the tool reads them, with why.
    problems: tuple[str, ...] = ()

    def tool_names(self) -> list[str]:
        return sorted({t.tool for t in self.tools} | {c.tool for c in self.default_collection}
                      | {t.tool for t in self.thresholds if t.enforced_by == RUNNER})

    def service_names(self) -> list[str]:
        return sorted({s.service for s in self.services})

    def facts(self) -> tuple[Fact, ...]:
        return tuple(item.fact() for group in (self.tools, self.default_collection, self.thresholds, self.services)
                     for item in group)


@dataclass
class CoverageBuilder:
    """What the per-tool readers add to while reading; frozen into CoverageSettings at the end."""

    tools: list[ToolConfig] = field(default_factory=list)
    default_collection: list[DefaultCollection] = field(default_factory=list)
    thresholds: list[Threshold] = field(default_factory=list)
    services: list[ServiceConfig] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @contextlib.contextmanager
    def reading(self, path: str) -> Iterator[None]:
        """Per-file isolation: a file the reader trips on is reported, the other files still count."""
        try:
            yield
        except Exception as error:
            self.problems.append(f"{path}: not read as coverage settings ({type(error).__name__}: {error})")

    def freeze(self) -> CoverageSettings:
        def order(item: Any) -> tuple:
            return (location_key(item.location), repr(item))

        return CoverageSettings(tuple(sorted(set(self.tools), key=order)),
                                tuple(sorted(set(self.default_collection), key=order)),
                                tuple(sorted(set(self.thresholds), key=order)),
                                tuple(sorted(set(self.services), key=order)), tuple(sorted(set(self.problems))))


def percent(raw: object, ratio: bool = False) -> float | None:
    """A threshold as a percent: `85`, `"85%"`, `87.5`; with `ratio`, `0.8` → 80 (JaCoCo). None if not one."""
    if isinstance(raw, bool) or raw is None:
        return None
    text = str(raw).strip()
    is_percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip())
    except ValueError:
        return None
    if ratio and not is_percent:
        value *= 100
    value = round(value, 4)
    return value if 0 <= value <= 100 else None
