"""GitHub Actions workflows → the CI model (detectors/ci_github*.py).

In-memory tables for each construct (`on:` forms, job `if:`, steps, reusable workflows, composite
actions, permissions, matrices, broken structure), the `gha-webapp` fixture (a realistic repository
with a reusable deploy workflow, composite actions, a matrix, environments and permissions) read
from a real git repository, and properties: arbitrary text never makes the parser raise.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_scan.clients.open import open_local
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_github import parse_workflow
from devops_scan_detectors.ci_github_expr import evaluate
from devops_scan_detectors.ci_situations import UNNAMED_BRANCH, Situation
from devops_scan_detectors.cimodel import (
    CALL, DEFAULT_BRANCH, MANUAL, OTHER, PULL_REQUEST, PUSH, SCHEDULE, TAG, Pipeline,
)
from tests.testing.fakes import MemoryClient
from tests.testing.repos import FIXTURES, repo_from_fixture

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
WORKFLOW = ".github/workflows/ci.yml"
JOB = "\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"


def parse(files: dict[str, str] | str, path: str = WORKFLOW) -> Pipeline:
    files = {path: files} if isinstance(files, str) else files
    return parse_workflow(MemoryClient(files), ScanContext(as_of=AS_OF), path)


def job(pipeline: Pipeline, job_id: str):
    return next(j for j in pipeline.jobs if j.id == job_id)


# --- the gha-webapp fixture, from a real git repository ----------------------------------------------


def fixture_line(path: str, needle: str) -> int:
    lines = (FIXTURES / "repos" / "gha-webapp" / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


@pytest.fixture(scope="module")
def webapp(tmp_path_factory) -> dict[str, Pipeline]:
    path = repo_from_fixture("gha-webapp", tmp_path_factory.mktemp("gha") / "gha-webapp")
    context = ScanContext(as_of=AS_OF)
    with open_local(str(path)) as client:
        return {name: parse_workflow(client, context, f".github/workflows/{name}.yml")
                for name in ("ci", "deploy", "deploy-environment", "nightly", "release")}


def test_webapp_workflows_parse_without_problems(webapp):
    assert {name: pipeline.problems for name, pipeline in webapp.items()} == dict.fromkeys(webapp, ())


# (workflow, job, attribute, expected)
WEBAPP = [
    ("ci", "test", "matrix", {"node": ("18", "20", "22"), "os": ("ubuntu-latest", "windows-latest")}),
    ("ci", "e2e-cypress", "disabled",
     f"if: false at .github/workflows/ci.yml:{fixture_line('.github/workflows/ci.yml', 'if: false')}"),
    ("ci", "e2e", "image", "mcr.microsoft.com/playwright:v1.42.1-jammy"),
    ("ci", "build", "needs", ("lint", "test")),
    ("deploy", "build", "permissions", {"contents": "read", "packages": "write"}),
    ("deploy", "staging/rollout", "environment", "staging"),
    ("deploy", "production/rollout", "environment_url", "https://production.storefront.example.com"),
    ("deploy", "sbom", "external",
     ("acme/shared-workflows/.github/workflows/sbom.yml@8f4b7f84864484a7bf31766abe9204da3cbe65b3",)),
    ("nightly", "e2e-full", "disabled", None),
    ("release", "publish", "disabled", None),
]


@pytest.mark.parametrize(("workflow", "job_id", "attribute", "expected"), WEBAPP,
                         ids=[f"{row[0]}-{row[1]}-{row[2]}" for row in WEBAPP])
def test_webapp_jobs(webapp, workflow, job_id, attribute, expected):
    assert getattr(job(webapp[workflow], job_id), attribute) == expected


def test_webapp_pipeline_triggers(webapp):
    triggers = {name: (set(p.triggers.events), p.triggers.branches) for name, p in webapp.items()}
    assert triggers == {"ci": ({PUSH, PULL_REQUEST}, ("main",)), "deploy": ({PUSH, MANUAL}, ("main",)),
                        "deploy-environment": ({CALL}, None), "nightly": ({SCHEDULE, MANUAL}, None),
                        "release": ({TAG}, None)}


def test_webapp_a_job_for_pushes_in_a_workflow_without_pushes_never_runs(webapp):
    preview = job(webapp["nightly"], "publish-preview")
    assert "`github.event_name == 'push'` is never true" in preview.disabled
    assert preview.disabled.endswith(f"nightly.yml:{fixture_line('.github/workflows/nightly.yml', 'if: ${{')}")


def test_webapp_e2e_runs_what_the_composite_action_installs(webapp):
    steps = job(webapp["ci"], "e2e").steps
    browsers = next(s for s in steps if s.run and "playwright install" in s.run)
    assert browsers.location.path == ".github/actions/install-browsers/action.yaml"
    # The lint job does not ask for browsers: the conditional step of the composite action is left out.
    assert not any(s.run and "playwright install" in s.run for s in job(webapp["ci"], "lint").steps)
    # A step only for pushes to `legacy` can never run in a workflow that pushes only `main`.
    assert not any(s.run and "old branch" in s.run for s in steps)


def test_webapp_production_runs_whenever_the_deploy_workflow_does(webapp):
    # `if: github.ref == 'refs/heads/main'` narrows nothing: the workflow runs on pushes to main, and a
    # manual run may be started on main too.
    production = job(webapp["deploy"], "production/rollout")
    assert production.triggers is None and production.disabled is None
    assert job(webapp["deploy"], "staging/rollout").triggers is None
    deploy_step = next(s for s in production.steps if s.name == "Deploy")
    assert deploy_step.run == './scripts/deploy.sh "production" "${{ needs.build.outputs.image }}"'
    assert deploy_step.location.path == ".github/workflows/deploy-environment.yml"


# --- it never raises ---------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "on:", "jobs:", "steps:", "run:", "uses:", "if:", "with:", "needs:", "environment:", "strategy:", "matrix:",
    "permissions:", "container:", "workflow_call", "push", "branches:", "tags:", "./.github/actions/a",
    "./.github/workflows/ci.yml", "${{ false }}", "github.event_name == 'push'", "${{", "}}", "'", '"', "\n",
    "\n  ", "\n    ", "- ", "[", "]", "{", "}", ", ", ": ", "&a ", "*a", "<<: *a", "!!str ", "~", "true", "3",
])
YAMLISH = st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=50).map("".join)
_KEYS = st.sampled_from(["on", "jobs", "steps", "run", "uses", "if", "with", "needs", "environment", "strategy",
                         "matrix", "include", "permissions", "container", "name", "push", "branches", "tags",
                         "runs", "using", "inputs", "default", "defaults", "working-directory", "t"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                     st.sampled_from(["./.github/actions/a", "./.github/workflows/ci.yml", "composite", "push",
                                      "${{ inputs.x }}", "github.ref == 'refs/heads/main'", "false"]))
STRUCTURED = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(_KEYS, inner, max_size=5), max_leaves=20).map(json.dumps)


_EXPRESSION_PIECES = st.sampled_from([
    "github.ref", "github.event_name", "github.ref_name", "github.event.repository.default_branch", "inputs.x",
    "github.event.pull_request.draft", "matrix.os", "==", "!=", "<", ">=", "&&", "||", "!", "(", ")", "[", "]",
    ",", ".", "*", "'push'", "'refs/heads/main'", "'it''s'", "true", "null", "0x1F", "-1.5e3", "startsWith(",
    "contains(", "format(", "'{0}'", "always()", "success()", "fromJSON(", " "])
_SITUATIONS = st.sampled_from([Situation(PUSH, "push", DEFAULT_BRANCH), Situation(PUSH, "push", "main"),
                               Situation(PUSH, "push", UNNAMED_BRANCH), Situation(TAG, "push"),
                               Situation(PULL_REQUEST, "pull_request"), Situation(MANUAL, "workflow_dispatch"),
                               Situation(CALL, "workflow_call"), Situation(OTHER, "issue_comment")])


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.one_of(_EXPRESSION_PIECES, st.text(max_size=4)), max_size=12), situation=_SITUATIONS,
       default=st.sampled_from([None, "main"]))
def test_if_expressions_are_true_false_or_maybe_never_an_error(pieces, situation, default):
    assert evaluate(" ".join(pieces), situation, {"x": "1"}, default) in (True, False, None)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflow=st.one_of(YAMLISH, STRUCTURED), action=st.one_of(YAMLISH, STRUCTURED))
def test_the_parser_never_raises(workflow, action):
    pipeline = parse({WORKFLOW: workflow, ".github/actions/a/action.yml": action})
    assert pipeline.system == "github-actions"
    assert all(isinstance(problem, str) for problem in pipeline.problems)
