"""The public API the practice detectors call: step_activities, job_activities, include_activities,
command_activities (and the notes that say what could not be followed)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.clients.open import open_local
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.activity import KINDS
from devops_scan_detectors.ci_activities import (
    command_activities, include_activities, job_activities, job_notes, step_activities, step_notes,
)
from devops_scan_detectors.ci_pipelines import ci_pipelines
from devops_scan_detectors.cimodel import Include, Job, Step
from tests.testing.fakes import MemoryClient
from tests.testing.repos import FIXTURES

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
WORKFLOW = """\
name: ci
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: |
          pip install -e .
          make test
          ruff check .
      - run: npm test
        working-directory: web
"""
FILES = {
    ".github/workflows/ci.yml": WORKFLOW,
    "Makefile": "test:\n\tpytest --cov=app\n",
    "web/package.json": '{\n  "scripts": {\n    "test": "vitest run"\n  }\n}\n',
    "ci/deploy.sh": "#!/bin/sh\nhelm upgrade --install api chart/ --namespace api\n",
}


def context() -> ScanContext:
    return ScanContext(as_of=AS_OF)


def summary(activities) -> list[tuple[str, str, str]]:
    return [(a.kind, a.tool, str(a.location)) for a in activities]


def test_a_multi_line_run_block_points_at_each_commands_own_line():
    client = MemoryClient(FILES)
    # As the GitHub parser builds it: the step points at its `run: |` key.
    step = Step(Location(".github/workflows/ci.yml", 7), run="pip install -e .\nmake test\nruff check .\n")
    found = step_activities(client, context(), step)
    assert summary(found) == [("lint", "ruff", ".github/workflows/ci.yml:10"),
                              ("coverage", "pytest-cov", "Makefile:2"), ("test", "pytest", "Makefile:2")]
    make = next(a for a in found if a.kind == "test")
    assert make.chain == (".github/workflows/ci.yml:9 `make test`",)


def test_an_inline_run_points_at_its_own_line():
    step = Step(Location(".github/workflows/ci.yml", 11), run="npm test", inputs={"working-directory": "web"})
    found = step_activities(MemoryClient(FILES), context(), step)
    assert summary(found) == [("test", "vitest", "web/package.json:3")]
    assert found[0].chain == (".github/workflows/ci.yml:11 `npm test`",)


def test_without_its_working_directory_the_package_is_not_found_and_that_is_said():
    step = Step(Location(".github/workflows/ci.yml", 11), run="npm test")
    client = MemoryClient(FILES)
    assert step_activities(client, context(), step) == ()
    assert step_notes(client, context(), step) == (
        ".github/workflows/ci.yml:11 `npm test`: no package.json in the repository for it",)


@pytest.mark.parametrize(("step", "expected"), [
    (Step(Location(".github/workflows/ci.yml", 5), uses="codecov/codecov-action@v4"),
     [("coverage-upload", "codecov", ".github/workflows/ci.yml:5")]),
    (Step(Location(".github/workflows/ci.yml", 5), uses="actions/checkout@v4"), []),
    (Step(Location(".github/workflows/ci.yml", 5), uses="acme/mystery-action@v1"), []),
    (Step(Location(".github/workflows/ci.yml", 5), uses="./.github/actions/setup"), []),
    (Step(Location(".github/workflows/ci.yml", 5), uses="nick-fields/retry@v3",
          inputs={"command": "make test", "max_attempts": "3"}),
     [("coverage", "pytest-cov", "Makefile:2"), ("test", "pytest", "Makefile:2")]),
    (Step(Location(".gitlab-ci.yml", 9), uses="gitlab:coverage", inputs={"regex": "/TOTAL.* (\\d+)%/"}),
     [("coverage-upload", "gitlab", ".gitlab-ci.yml:9")]),
    (Step(Location("Jenkinsfile", 30), uses="junit", inputs={"value": "reports/*.xml"}),
     [("test-report", "jenkins-junit", "Jenkinsfile:30")]),
    (Step(Location("Jenkinsfile", 31), run="./ci/deploy.sh"), [("deploy", "helm", "ci/deploy.sh:2")]),
    (Step(Location(".github/workflows/ci.yml", 5)), []),
])
def test_what_a_step_does(step, expected):
    assert summary(step_activities(MemoryClient(FILES), context(), step)) == expected


def test_a_unit_running_a_command_shows_the_unit_in_the_chain():
    step = Step(Location(".github/workflows/ci.yml", 5), uses="nick-fields/retry@v3", inputs={"command": "make test"})
    [coverage, _test] = step_activities(MemoryClient(FILES), context(), step)
    assert coverage.chain == (".github/workflows/ci.yml:5 `nick-fields/retry@v3`",
                              ".github/workflows/ci.yml:5 `make test`")


def test_a_job_gives_its_environment_to_its_deploys():
    job = Job("deploy", Location(".github/workflows/cd.yml", 3), environment="staging",
              steps=(Step(Location(".github/workflows/cd.yml", 8), run="./ci/deploy.sh"),
                     Step(Location(".github/workflows/cd.yml", 9), run="vercel --prod")))
    found = {(a.kind, a.tool): dict(a.data) for a in job_activities(MemoryClient(FILES), context(), job)}
    assert found[("deploy", "helm")]["environment"] == "staging"
    assert found[("deploy", "vercel")]["environment"] == "production"  # the command names its own


def test_job_activities_are_deduplicated_and_sorted():
    step = Step(Location("Jenkinsfile", 12), run="pytest\npytest")
    job = Job("t", Location("Jenkinsfile", 10), steps=(step, step, Step(Location("Jenkinsfile", 11), run="ruff .")))
    found = job_activities(MemoryClient(FILES), context(), job)
    assert summary(found) == [("lint", "ruff", "Jenkinsfile:11"), ("test", "pytest", "Jenkinsfile:12"),
                              ("test", "pytest", "Jenkinsfile:13")]


def test_script_lines_of_one_shell_session_keep_their_folder():
    # GitLab runs before_script and script in one shell: `cd web` moves the next line.
    steps = (Step(Location(".gitlab-ci.yml", 4), name="before_script", run="cd web"),
             Step(Location(".gitlab-ci.yml", 6), name="script", run="npm test"),
             Step(Location(".gitlab-ci.yml", 8), name="after_script", run="npm test"))
    job = Job("test", Location(".gitlab-ci.yml", 2), steps=steps)
    client = MemoryClient(FILES)
    assert summary(job_activities(client, context(), job)) == [("test", "vitest", "web/package.json:3")]
    # after_script is a new shell at the project folder: no package.json there
    assert job_notes(client, context(), job) == (
        ".gitlab-ci.yml:8 `npm test`: no package.json in the repository for it",)


def test_steps_of_systems_with_a_new_shell_per_step_start_at_the_root():
    steps = (Step(Location(".github/workflows/ci.yml", 4), run="cd web"),
             Step(Location(".github/workflows/ci.yml", 5), run="npm test"))
    job = Job("test", Location(".github/workflows/ci.yml", 2), steps=steps)
    assert job_activities(MemoryClient(FILES), context(), job, system="github-actions") == ()


def test_include_activities_come_from_the_template_named():
    include = Include("template", "Jobs/SAST.gitlab-ci.yml", Location(".gitlab-ci.yml", 2))
    [sast] = include_activities(include)
    assert (sast.kind, sast.tool, sast.location, sast.detail) == ("sast", "gitlab", Location(".gitlab-ci.yml", 2),
                                                                  "Jobs/SAST.gitlab-ci.yml")


def test_command_activities_serve_text_found_outside_ci():
    found = command_activities(MemoryClient(FILES), context(), "make test && ruff check .",
                               Location(".pre-commit-config.yaml", 12))
    assert summary(found) == [("lint", "ruff", ".pre-commit-config.yaml:12"),
                              ("coverage", "pytest-cov", "Makefile:2"), ("test", "pytest", "Makefile:2")]


def test_an_odd_step_never_raises():
    step = Step(Location(".github/workflows/ci.yml", 5), run="\x00$(((((", uses=None)
    assert step_activities(MemoryClient(FILES), context(), step) == ()


def test_every_activity_uses_the_shared_vocabulary_and_has_evidence():
    client = MemoryClient(FILES)
    steps = (Step(Location(".github/workflows/ci.yml", 7), run="make test\nruff check ."),
             Step(Location(".github/workflows/ci.yml", 12), uses="docker/build-push-action@v6",
                  inputs={"push": "true", "tags": "x"}))
    for activity in job_activities(client, context(), Job("t", Location(".github/workflows/ci.yml", 4), steps=steps)):
        assert activity.kind in KINDS
        assert activity.location.path and activity.location.line
        assert activity.detail and len(activity.detail) <= 200


def test_work_is_done_once_per_scan():
    client = MemoryClient(FILES)
    shared = context()
    step = Step(Location(".github/workflows/ci.yml", 7), run="make test")
    assert step_activities(client, shared, step) is step_activities(client, shared, step)


# --- with the real CI parsers: the line conventions line up ------------------------------------------

def fixture_line(fixture: str, path: str, needle: str) -> int:
    lines = (FIXTURES / "repos" / fixture / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def test_parsed_workflow_steps_point_at_the_commands_lines(fixture_repo):
    path = fixture_repo("follow-python-make")
    with open_local(str(path)) as client:
        shared = context()
        pipelines, _problems = ci_pipelines(client, shared)
        [job] = [job for pipeline in pipelines for job in pipeline.runnable_jobs()]
        found = job_activities(client, shared, job)
    workflow = ".github/workflows/ci.yml"
    typecheck = next(a for a in found if a.kind == "type-check")
    assert typecheck.chain == (f"{workflow}:{fixture_line('follow-python-make', workflow, '  make typecheck')} "
                               "`make typecheck`",)
    gate = next(a for a in found if a.kind == "coverage-gate")
    assert gate.chain[0] == f"{workflow}:{fixture_line('follow-python-make', workflow, 'run: make test')} `make test`"
    assert {a.kind for a in found} == {"test", "coverage", "coverage-gate", "coverage-upload", "lint",
                                       "format-check", "type-check"}
