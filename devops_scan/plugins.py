"""Detector discovery in three phases, after flake8's plugin finder: find → import → validate.

A plugin that fails to import or is malformed is reported with its distribution's name and left
out; the scan goes on with every other detector.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from importlib import metadata

from devops_scan.detector import DETECTOR_ID, PRACTICE_ID, Detector
from devops_scan.model import Capability

GROUP = "devops_scan.detectors"
BUILTIN_DISTRIBUTION = "devops-scan"


@dataclass(frozen=True)
class PluginSpec:
    """An entry point found in installed metadata, before anything is imported."""

    name: str
    value: str
    distribution: str
    version: str

    @property
    def builtin(self) -> bool:
        return self.distribution == BUILTIN_DISTRIBUTION


@dataclass(frozen=True)
class LoadedDetector:
    spec: PluginSpec
    detector: type[Detector]


@dataclass(frozen=True)
class Plugins:
    detectors: tuple[LoadedDetector, ...]
    problems: tuple[str, ...]


def find_plugins() -> list[PluginSpec]:
    """Every entry point of the group, sorted: built-ins first, then by distribution and name."""
    specs: dict[tuple[str, str], PluginSpec] = {}
    for entry in metadata.entry_points(group=GROUP):
        dist = entry.dist
        dist_name = (dist.metadata["Name"] if dist else None) or "unknown"
        # A distribution visible twice on sys.path (editable and site) must load once.
        specs.setdefault(
            (dist_name, entry.name),
            PluginSpec(entry.name, entry.value, dist_name, (dist.version if dist else None) or "?"),
        )
    return sorted(specs.values(), key=lambda s: (not s.builtin, s.distribution.lower(), s.name))


def import_plugin(spec: PluginSpec) -> type[Detector]:
    entry = metadata.EntryPoint(name=spec.name, value=spec.value, group=GROUP)
    return entry.load()


def validate(obj: object) -> list[str]:
    """What is wrong with a loaded object as a detector (empty when it is fine)."""
    if not (inspect.isclass(obj) and issubclass(obj, Detector)):
        return ["is not a subclass of devops_scan.detector.Detector"]
    if inspect.isabstract(obj):
        return ["does not implement collect() and evaluate()"]
    problems = []
    for attribute in ("id", "title", "practices"):
        if not hasattr(obj, attribute):
            problems.append(f"has no `{attribute}`")
    if problems:
        return problems
    if not isinstance(obj.id, str) or not DETECTOR_ID.match(obj.id):
        problems.append(f"id {obj.id!r} is not lower-case words joined by '-'")
    if isinstance(obj.practices, str) or not obj.practices:
        problems.append("`practices` must be a non-empty tuple of practice ids")
    else:
        bad = [p for p in obj.practices if not isinstance(p, str) or not PRACTICE_ID.match(p)]
        if bad:
            problems.append(f"practice ids not of the form 'area.name': {', '.join(map(repr, bad))}")
    if not all(isinstance(c, Capability) for c in obj.requires):
        problems.append("`requires` must hold devops_scan.model.Capability values")
    return problems


def load_plugins(specs: list[PluginSpec] | None = None) -> Plugins:
    """Import and validate every plugin; collect problems instead of raising."""
    loaded: list[LoadedDetector] = []
    problems: list[str] = []
    seen: dict[str, PluginSpec] = {}
    for spec in find_plugins() if specs is None else specs:
        origin = f"detector plugin '{spec.name}' from distribution {spec.distribution} {spec.version}"
        try:
            obj = import_plugin(spec)
        except Exception as error:  # a broken plugin must not break the scan
            problems.append(f"{origin} failed to import ({spec.value}): {type(error).__name__}: {error}")
            continue
        errors = validate(obj)
        if errors:
            problems.append(f"{origin} is not a valid detector: {'; '.join(errors)}")
            continue
        if obj.id in seen:
            first = seen[obj.id]
            problems.append(f"{origin} reuses the id '{obj.id}' of distribution {first.distribution}; ignored")
            continue
        seen[obj.id] = spec
        loaded.append(LoadedDetector(spec, obj))
    return Plugins(tuple(loaded), tuple(problems))
