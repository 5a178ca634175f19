"""Helpers for the CI parser tests: parse fixture repositories (real git repos) or in-memory files, and
summarise jobs as plain dicts so that table rows can state what a DevOps engineer would check."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Mapping

from devops_scan.clients.open import open_local
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci import find_ci_files
from devops_scan_detectors.cimodel import Job, Pipeline
from tests.testing.fakes import MemoryClient
from tests.testing.repos import repo_from_fixture

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
Parser = Callable[..., Pipeline]


def parse_fixtures(base: Path, names: list[str], parsers: Mapping[str, Parser]) -> dict[tuple[str, str], Pipeline]:
    """(fixture, path) → Pipeline for every valid CI file of each fixture that `parsers` handle."""
    parsed: dict[tuple[str, str], Pipeline] = {}
    for name in names:
        path = repo_from_fixture(name, base / name)
        with open_local(str(path)) as client:
            context = ScanContext(as_of=AS_OF)
            for fact in find_ci_files(client, context):
                system = fact.data["system"]
                if fact.kind == "ci-config" and system in parsers:
                    parsed[(name, fact.location.path)] = parsers[system](client, context, fact.location.path)
    return parsed


def parse_files(parser: Parser, files: dict[str, str], path: str) -> Pipeline:
    """Parse `path` among in-memory `files` (fast tests of one construct)."""
    return parser(MemoryClient(files), ScanContext(as_of=AS_OF), path)


def job(pipeline: Pipeline, job_id: str) -> Job:
    matches = [candidate for candidate in pipeline.jobs if candidate.id == job_id]
    assert matches, f"no job {job_id!r} in {pipeline.path}; jobs: {[j.id for j in pipeline.jobs]}"
    return matches[0]


def summary(pipeline: Pipeline, job_id: str) -> dict[str, Any]:
    """What a reader checks about a job, as plain values (triggers are the job's effective ones)."""
    found = job(pipeline, job_id)
    triggers = pipeline.job_triggers(found)
    return {
        # "What runs where", written as a shell would run it: `cd DIR` first when the step has a folder.
        "runs": [(f"cd {step.working_directory}\n" if step.working_directory else "") + step.run
                 for step in found.steps if step.run is not None],
        "uses": [step.uses for step in found.steps if step.uses is not None],
        "lines": [f"{step.location.path}:{step.location.line}" for step in found.steps],
        "events": sorted(triggers.events),
        "branches": triggers.branches,
        "ignore": triggers.branches_ignore,
        "manual": found.manual,
        "disabled": found.disabled is not None,
        "environment": found.environment,
        "matrix": dict(found.matrix),
        "external": found.external,
        "needs": found.needs,
        "stage": found.stage,
        "image": found.image,
    }


def check(pipeline: Pipeline, job_id: str, expected: dict[str, Any]) -> None:
    actual = summary(pipeline, job_id)
    assert {key: actual[key] for key in expected} == expected


def line(fixture: str, path: str, needle: str, occurrence: int = 1) -> str:
    """`path:line` of the `occurrence`-th line of a fixture file containing `needle`."""
    from tests.testing.repos import FIXTURES

    lines = (FIXTURES / "repos" / fixture / path).read_text(encoding="utf-8").splitlines()
    numbers = [number for number, text in enumerate(lines, 1) if needle in text]
    assert len(numbers) >= occurrence, f"{needle!r} not found {occurrence} time(s) in {fixture}/{path}"
    return f"{path}:{numbers[occurrence - 1]}"
