"""GitHub Actions workflows → the CI model (detectors/ci_github*.py).

In-memory tables for each construct (`on:` forms, job `if:`, steps, reusable workflows, composite
actions, permissions, matrices, broken structure), the `gha-webapp` fixture (a realistic repository
with a reusable deploy workflow, composite actions, a matrix, environments and permissions) read
from a real git repository, and properties: arbitrary text never makes the parser raise.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_github import parse_workflow
from devops_scan_detectors.cimodel import (
    CALL, DEFAULT_BRANCH, MANUAL, OTHER, PULL_REQUEST, PUSH, RELEASE, SCHEDULE, TAG, Pipeline,
)
from tests.testing.fakes import MemoryClient

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
WORKFLOW = ".github/workflows/ci.yml"
JOB = "\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"


def parse(files: dict[str, str] | str, path: str = WORKFLOW) -> Pipeline:
    files = {path: files} if isinstance(files, str) else files
    return parse_workflow(MemoryClient(files), ScanContext(as_of=AS_OF), path)


def job(pipeline: Pipeline, job_id: str):
    return next(j for j in pipeline.jobs if j.id == job_id)


# --- on: ---------------------------------------------------------------------------------------------

ON_FORMS = [
    ("string", "on: push", {PUSH, TAG}, None, ()),
    ("list", "on: [push, pull_request]", {PUSH, TAG, PULL_REQUEST}, None, ()),
    ("branches", "on:\n  push:\n    branches: [main, 'release/**']", {PUSH}, ("main", "release/**"), ()),
    ("only tags is a tag trigger", "on:\n  push:\n    tags: ['v*']", {TAG}, None, ()),
    ("branches and tags", "on:\n  push:\n    branches: [main]\n    tags: ['v*']", {PUSH, TAG}, ("main",), ()),
    ("paths only: branches and tags", "on:\n  push:\n    paths: ['src/**']", {PUSH, TAG}, None, ()),
    ("branches-ignore", "on:\n  push:\n    branches-ignore: ['dependabot/**']", {PUSH}, None, ("dependabot/**",)),
    ("negated branch", "on:\n  push:\n    branches: ['**', '!wip/**']", {PUSH}, ("**",), ("wip/**",)),
    ("pull_request_target", "on: pull_request_target", {PULL_REQUEST}, None, ()),
    ("closed pull requests only", "on:\n  pull_request:\n    types: [closed]", {OTHER}, None, ()),
    ("labelled and synchronised", "on:\n  pull_request:\n    types: [labeled, synchronize]", {PULL_REQUEST},
     None, ()),
    ("schedule", "on:\n  schedule:\n    - cron: '0 3 * * *'", {SCHEDULE}, None, ()),
    ("dispatch", "on:\n  workflow_dispatch:\n    inputs:\n      env: {type: string}", {MANUAL}, None, ()),
    ("repository_dispatch is an API call", "on: repository_dispatch", {OTHER}, None, ()),
    ("release", "on:\n  release:\n    types: [published]", {RELEASE}, None, ()),
    ("workflow_call", "on: workflow_call", {CALL}, None, ()),
    ("workflow_run", "on:\n  workflow_run:\n    workflows: [CI]\n    types: [completed]", {CALL}, None, ()),
    ("issue comments", "on: issue_comment", {OTHER}, None, ()),
    ("quoted key", "'on': push", {PUSH, TAG}, None, ()),
]


@pytest.mark.parametrize(("on", "events", "branches", "ignored"), [row[1:] for row in ON_FORMS],
                         ids=[row[0] for row in ON_FORMS])
def test_on_becomes_triggers(on, events, branches, ignored):
    pipeline = parse(on + JOB)
    assert pipeline.triggers.events == frozenset(events)
    assert pipeline.triggers.branches == branches
    assert pipeline.triggers.branches_ignore == ignored
    assert pipeline.triggers.location.line == 1
    assert pipeline.problems == ()


# --- job if: -----------------------------------------------------------------------------------------

ON = "on:\n  push:\n    branches: [main, develop]\n  pull_request:\n  workflow_dispatch:\n"
# (id, if, disabled contains / None, job triggers (events, branches) / None)
CONDITIONS = [
    ("yaml false", "false", "if: false at .github/workflows/ci.yml:8", None),
    ("quoted false", "'false'", "if: false", None),
    ("expression false", "${{ false }}", "if: false", None),
    ("impossible event", "github.event_name == 'schedule'", "is never true when the workflow runs", None),
    ("a dispatch may run on any branch", "github.ref == 'refs/heads/legacy'", None, ({MANUAL}, None)),
    ("text around an expression is always true", "${{ false }} && true", None, None),
    ("push to main only", "github.event_name == 'push' && github.ref == 'refs/heads/main'", None,
     ({PUSH}, ("main",))),
    ("ref_name", "github.ref_name == 'develop'", None, ({PUSH, MANUAL}, ("develop",))),
    ("a branch the push filter excludes", "github.ref_name == 'legacy' && github.event_name == 'push'",
     "is never true", None),
    ("pull requests only", "${{ github.event_name == 'pull_request' }}", None, ({PULL_REQUEST}, None)),
    ("not on pull requests", "github.event_name != 'pull_request'", None, ({PUSH, MANUAL}, ("develop", "main"))),
    ("case-insensitive", "github.event_name == 'PUSH'", None, ({PUSH}, ("develop", "main"))),
    # The scanned repository's default branch is `main` (MemoryClient): pushes to it are the DEFAULT_BRANCH pattern.
    ("default branch", "github.event_name == 'push' && "
     "github.ref == format('refs/heads/{0}', github.event.repository.default_branch)",
     None, ({PUSH}, ("main",))),
    ("unknown context may be true", "github.repository == 'acme/shop'", None, None),
    ("status functions", "always() && !cancelled()", None, None),
    ("secrets may be set", "${{ secrets.DEPLOY_KEY != '' }}", None, None),
    ("unparsable text may be true", "github.event_name === 'push'", None, None),
    ("pull request payload only on pull requests", "github.event.pull_request.draft == true",
     None, ({PULL_REQUEST}, None)),
    # GitHub compares loosely: on a push the payload is null, and null == false.
    ("null equals false", "github.event.pull_request.draft == false", None, None),
]


@pytest.mark.parametrize(("condition", "disabled", "narrowed"), [row[1:] for row in CONDITIONS],
                         ids=[row[0] for row in CONDITIONS])
def test_job_if_disables_or_narrows_the_job(condition, disabled, narrowed):
    pipeline = parse(ON + f"jobs:\n  deploy:\n    if: {condition}\n    runs-on: x\n    steps: [{{run: make}}]\n")
    deploy = job(pipeline, "deploy")
    if disabled is None:
        assert deploy.disabled is None
    else:
        assert disabled in deploy.disabled
        assert deploy not in pipeline.runnable_jobs()
    if narrowed is None:
        assert deploy.triggers is None
    else:
        events, branches = narrowed
        assert (set(deploy.triggers.events), deploy.triggers.branches) == (events, branches)
        assert deploy.triggers.location.line == 8


def test_the_default_branch_is_named_by_the_default_branch_pattern():
    pipeline = parse("on: [push, pull_request]\njobs:\n  deploy:\n"
                     "    if: github.ref == format('refs/heads/{0}', github.event.repository.default_branch)\n"
                     "    runs-on: x\n    steps: [{run: ./deploy.sh}]\n")
    deploy = job(pipeline, "deploy")
    assert set(deploy.triggers.events) == {PUSH}
    assert deploy.triggers.branches == (DEFAULT_BRANCH,)
    assert deploy.triggers.on_push_to("trunk", default_branch="trunk")
    assert not deploy.triggers.on_push_to("feature", default_branch="trunk")


def test_tag_conditions_narrow_to_tags():
    pipeline = parse("on: push\njobs:\n  release:\n    if: startsWith(github.ref, 'refs/tags/v')\n"
                     "    runs-on: x\n    steps: [{run: goreleaser release}]\n")
    assert set(job(pipeline, "release").triggers.events) == {TAG}


# --- steps and composite actions ---------------------------------------------------------------------

COMPOSITE = """name: setup
inputs:
  python: {default: "3.11"}
  extras: {default: "false"}
runs:
  using: composite
  steps:
    - uses: actions/setup-python@v5
      with:
        python-version: ${{ inputs.python }}
    - run: pip install -e .[test]
      shell: bash
    - if: inputs.extras == 'true'
      uses: ./.github/actions/extras
"""
EXTRAS = "runs:\n  using: composite\n  steps:\n    - run: pip install -e .[docs]\n      shell: bash\n"


@pytest.mark.parametrize(("with_", "expected"), [
    ("", [("uses", "./.github/actions/setup"), ("uses", "actions/setup-python@v5"), ("run", "pip install -e .[test]"),
          ("run", "pytest")]),
    ("\n        with: {python: '3.13', extras: 'true'}",
     [("uses", "./.github/actions/setup"), ("uses", "actions/setup-python@v5"), ("run", "pip install -e .[test]"),
      ("uses", "./.github/actions/extras"), ("run", "pip install -e .[docs]"), ("run", "pytest")]),
], ids=["defaults", "inputs passed"])
def test_local_composite_actions_are_inlined_with_their_inputs(with_, expected):
    workflow = ("on: push\njobs:\n  test:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/setup"
                + with_ + "\n      - run: pytest\n")
    pipeline = parse({WORKFLOW: workflow, ".github/actions/setup/action.yml": COMPOSITE,
                      ".github/actions/extras/action.yaml": EXTRAS})
    steps = job(pipeline, "test").steps
    assert [("run", s.run) if s.run else ("uses", s.uses) for s in steps] == expected
    setup_python = next(s for s in steps if s.uses == "actions/setup-python@v5")
    assert setup_python.location.path == ".github/actions/setup/action.yml"
    assert setup_python.location.line == 8
    assert setup_python.inputs == {"python-version": "3.13" if with_ else "3.11"}
    assert pipeline.problems == ()


@pytest.mark.parametrize(("action", "steps_after_uses"), [
    ("runs:\n  using: node20\n  main: dist/index.js\n", 0),
    ("runs:\n  using: docker\n  image: Dockerfile\n", 0),
    ("runs:\n  using: composite\n  steps:\n    - uses: ./.github/actions/a\n", 1),  # uses itself: a loop
], ids=["javascript", "docker", "itself"])
def test_other_local_actions_are_a_uses_step_only(action, steps_after_uses):
    workflow = "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ./.github/actions/a\n"
    pipeline = parse({WORKFLOW: workflow, ".github/actions/a/action.yml": action})
    assert len(job(pipeline, "t").steps) == 1 + steps_after_uses


def test_run_steps_keep_their_line_and_working_directory():
    pipeline = parse("on: push\ndefaults:\n  run:\n    working-directory: api\njobs:\n  t:\n    runs-on: x\n"
                     "    steps:\n      - name: Test\n        run: |\n          make test\n          make lint\n"
                     "      - run: npm test\n        working-directory: web\n")
    first, second = job(pipeline, "t").steps
    assert (first.name, first.run, first.location.line) == ("Test", "make test\nmake lint\n", 10)
    assert first.inputs == {"working-directory": "api"}
    assert second.inputs == {"working-directory": "web"}


# --- reusable workflows ------------------------------------------------------------------------------

CALLED = """on:
  workflow_call:
    inputs:
      environment: {type: string, required: true}
      region: {type: string, default: eu-west-1}
jobs:
  rollout:
    environment:
      name: ${{ inputs.environment }}
      url: https://${{ inputs.environment }}.example.com
    runs-on: x
    steps:
      - run: ./deploy.sh ${{ inputs.environment }} ${{ inputs.region }}
  smoke:
    needs: rollout
    if: inputs.environment == 'production'
    runs-on: x
    steps:
      - run: ./smoke.sh
"""


def test_a_local_reusable_workflow_is_followed_into_its_jobs():
    caller = ("on:\n  push:\n    branches: [main]\njobs:\n  staging:\n    uses: ./.github/workflows/deploy.yml\n"
              "    with:\n      environment: staging\n")
    pipeline = parse({WORKFLOW: caller, ".github/workflows/deploy.yml": CALLED})
    assert [j.id for j in pipeline.jobs] == ["staging", "staging/rollout", "staging/smoke"]
    call, rollout, smoke = pipeline.jobs
    assert call.steps[0].uses == "./.github/workflows/deploy.yml"
    assert call.steps[0].inputs == {"environment": "staging"}
    assert (rollout.environment, rollout.environment_url) == ("staging", "https://staging.example.com")
    assert rollout.steps[0].run == "./deploy.sh staging eu-west-1"
    assert rollout.location.path == ".github/workflows/deploy.yml"
    assert smoke.needs == ("staging/rollout",)
    assert "is never true" in smoke.disabled  # inputs.environment is 'staging' here
    [include] = pipeline.includes
    assert (include.kind, include.resolved, include.location.line) == ("reusable-workflow",
                                                                       ".github/workflows/deploy.yml", 6)


def test_called_jobs_inherit_the_calling_jobs_narrowing():
    caller = ("on: [push, pull_request]\njobs:\n  production:\n    if: github.ref == 'refs/heads/main'\n"
              "    uses: ./.github/workflows/deploy.yml\n    with: {environment: production}\n")
    pipeline = parse({WORKFLOW: caller, ".github/workflows/deploy.yml": CALLED})
    rollout = job(pipeline, "production/rollout")
    assert rollout.triggers == job(pipeline, "production").triggers
    assert rollout.triggers.branches == ("main",)
    assert job(pipeline, "production/smoke").disabled is None


@pytest.mark.parametrize(("uses", "problem", "external"), [
    ("octo/shared/.github/workflows/build.yml@v2", None, ("octo/shared/.github/workflows/build.yml@v2",)),
    ("./.github/workflows/missing.yml", "reusable workflow ./.github/workflows/missing.yml not found", ()),
    ("./.github/workflows/ci.yml", None, ()),  # calls itself: recorded, not followed forever
], ids=["remote", "missing", "itself"])
def test_other_reusable_workflows_are_recorded(uses, problem, external):
    pipeline = parse(f"on: push\njobs:\n  call:\n    uses: {uses}\n")
    assert job(pipeline, "call").external == external
    assert [i.ref for i in pipeline.includes] == [uses]
    assert [p for p in pipeline.problems if problem and problem in p] or problem is None
    assert len(pipeline.jobs) == 1


# --- job attributes ----------------------------------------------------------------------------------

ATTRIBUTES = [
    ("string environment", "environment: staging", "environment", "staging"),
    ("mapping environment", "environment: {name: production, url: 'https://x.io'}", "environment_url", "https://x.io"),
    ("matrix", "strategy: {matrix: {os: [ubuntu, macos], py: ['3.12']}}", "matrix",
     {"os": ("ubuntu", "macos"), "py": ("3.12",)}),
    ("matrix without include/exclude", "strategy:\n      matrix:\n        py: ['3.11', '3.12']\n        include:\n"
     "          - py: '3.13'\n            experimental: true", "matrix", {"py": ("3.11", "3.12")}),
    ("matrix of includes only", "strategy:\n      matrix:\n        include:\n          - {os: ubuntu, node: 20}\n"
     "          - {os: windows, node: 22}", "matrix", {"node": ("20", "22"), "os": ("ubuntu", "windows")}),
    ("dynamic matrix", "strategy: {matrix: '${{ fromJSON(needs.plan.outputs.matrix) }}'}", "matrix",
     {"dynamic": ("${{ fromJSON(needs.plan.outputs.matrix) }}",)}),
    ("container string", "container: node:20", "image", "node:20"),
    ("container mapping", "container: {image: 'python:3.12', options: --user 1001}", "image", "python:3.12"),
    ("needs string", "needs: build", "needs", ("build",)),
    ("permissions mapping", "permissions: {contents: read, id-token: write}", "permissions",
     {"contents": "read", "id-token": "write"}),
    ("permissions read-all", "permissions: read-all", "permissions", "read-all"),
    ("no permissions", "permissions: {}", "permissions", {}),
    ("permissions unset", "name: Test", "permissions", None),
]


@pytest.mark.parametrize(("line", "attribute", "value"), [row[1:] for row in ATTRIBUTES],
                         ids=[row[0] for row in ATTRIBUTES])
def test_job_attributes(line, attribute, value):
    pipeline = parse(f"on: push\njobs:\n  t:\n    runs-on: x\n    {line}\n    steps: [{{run: make}}]\n")
    assert getattr(job(pipeline, "t"), attribute) == value


@pytest.mark.parametrize(("top", "expected"), [
    ("permissions: read-all\n", "read-all"),
    ("permissions:\n  contents: read\n", {"contents": "read"}),
    ("", None),
])
def test_workflow_permissions(top, expected):
    assert parse("on: push\n" + top + JOB).permissions == expected


# --- broken structure --------------------------------------------------------------------------------

BROKEN = [
    ("job not a mapping", "on: push\njobs:\n  t: 3\n  u:\n    runs-on: x\n    steps: [{run: make}]\n",
     "jobs.t: not a mapping at line 3", ["u"]),
    ("step not a mapping", "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: a\n      - b\n",
     "jobs.t.steps[1]: not a mapping at line 7", ["t"]),
    ("steps not a list", "on: push\njobs:\n  t:\n    runs-on: x\n    steps: make\n",
     "jobs.t.steps: not a list of steps", ["t"]),
    ("step with neither run nor uses", "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - name: x\n",
     "jobs.t.steps[0]: neither `run:` nor `uses:` at line 6", ["t"]),
    ("jobs not a mapping", "on: push\njobs: [a, b]\n", "jobs: not a mapping of jobs at line 2", []),
    ("on not an event", "on: 3\njobs:\n  t:\n    runs-on: x\n    steps: [{run: make}]\n",
     "on: not an event, a list or a mapping at line 1", ["t"]),
    ("missing action", "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ./actions/nope\n",
     "jobs.t.steps[0]: local action ./actions/nope not found (no actions/nope/action.yml in the repository) "
     "at line 6", ["t"]),
    ("action outside the repository", "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ./../x\n",
     "points outside the repository", ["t"]),
]


@pytest.mark.parametrize(("text", "problem", "job_ids"), [row[1:] for row in BROKEN], ids=[row[0] for row in BROKEN])
def test_broken_structure_is_a_problem_and_the_rest_is_kept(text, problem, job_ids):
    pipeline = parse(text)
    assert any(problem in p for p in pipeline.problems), pipeline.problems
    assert [j.id for j in pipeline.jobs] == job_ids


def test_a_broken_composite_action_is_a_problem_of_the_workflow():
    pipeline = parse({WORKFLOW: "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - uses: ./a\n",
                      "a/action.yml": "runs: [\n"})
    assert any(p.startswith("action a/action.yml: invalid YAML") for p in pipeline.problems)
    assert [s.uses for s in job(pipeline, "t").steps] == ["./a"]
