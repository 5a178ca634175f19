"""GitLab CI → the CI model (detectors/ci_gitlab*.py).

In-memory tables for each construct (what is a job, `extends:`/`default:`/anchors/`!reference`,
`include:` in every form, `rules:`/`only:`/`except:`/`workflow:rules`, job attributes and the
`gitlab:` pseudo-steps, broken structure), the `gitlab-monorepo` fixture (local and glob includes,
extends chains across files, remote templates, staging/production deploys, a child pipeline) read
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
from devops_scan_detectors.ci_gitlab import parse_gitlab_ci
from devops_scan_detectors.ci_gitlab_rules import Rules
from devops_scan_detectors.ci_situations import UNNAMED_BRANCH, Situation
from devops_scan_detectors.cimodel import (
    DEFAULT_BRANCH, PULL_REQUEST, PUSH, SCHEDULE, TAG, Pipeline,
)
from tests.testing.fakes import MemoryClient
from tests.testing.repos import FIXTURES, repo_from_fixture

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
ROOT = ".gitlab-ci.yml"


def parse(files: dict[str, str] | str) -> Pipeline:
    files = {ROOT: files} if isinstance(files, str) else files
    return parse_gitlab_ci(MemoryClient(files), ScanContext(as_of=AS_OF), ROOT)


def job(pipeline: Pipeline, job_id: str):
    return next(j for j in pipeline.jobs if j.id == job_id)


def runs(pipeline: Pipeline, job_id: str) -> tuple[set[str], tuple[str, ...] | None, tuple[str, ...]]:
    triggers = pipeline.job_triggers(job(pipeline, job_id))
    return set(triggers.events), triggers.branches, triggers.branches_ignore


def scripts(pipeline: Pipeline, job_id: str) -> list[str]:
    return [step.run for step in job(pipeline, job_id).steps if step.run is not None]


# --- the gitlab-monorepo fixture, from a real git repository -----------------------------------------


def fixture_line(path: str, needle: str) -> int:
    lines = (FIXTURES / "repos" / "gitlab-monorepo" / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


@pytest.fixture(scope="module")
def monorepo(tmp_path_factory) -> Pipeline:
    path = repo_from_fixture("gitlab-monorepo", tmp_path_factory.mktemp("gitlab") / "gitlab-monorepo")
    with open_local(str(path)) as client:
        return parse_gitlab_ci(client, ScanContext(as_of=AS_OF), ROOT)


def test_monorepo_parses_without_problems(monorepo):
    assert monorepo.problems == ()
    assert monorepo.stages == (".pre", "lint", "test", "build", "deploy", "release", ".post")


def test_monorepo_pipeline_runs_on_merge_requests_the_default_branch_tags_and_schedules(monorepo):
    assert set(monorepo.triggers.events) == {PUSH, PULL_REQUEST, TAG, SCHEDULE}
    assert monorepo.triggers.branches == (DEFAULT_BRANCH,)


def test_monorepo_includes(monorepo):
    assert [(i.kind, i.ref, i.resolved) for i in monorepo.includes] == [
        ("local", "ci/templates.yml", "ci/templates.yml"),
        ("local", "ci/jobs/*.yml", "ci/jobs/lint.yml"),
        ("local", "ci/jobs/*.yml", "ci/jobs/test.yml"),
        ("template", "Jobs/SAST.gitlab-ci.yml", None),
        ("project", "platform/ci-templates:/deploy/helm.gitlab-ci.yml@v3.2.0", None),
        ("component", "$CI_SERVER_FQDN/components/secret-detection/secret-detection@1.1", None),
        ("child-pipeline", "services/web/.gitlab-ci.yml", "services/web/.gitlab-ci.yml"),
    ]


OUTSIDE = ("$CI_SERVER_FQDN/components/secret-detection/secret-detection@1.1", "Jobs/SAST.gitlab-ci.yml",
           "platform/ci-templates:/deploy/helm.gitlab-ci.yml@v3.2.0")
# (job, attribute, expected)
MONOREPO = [
    ("ruff", "location", ("ci/jobs/lint.yml", 1)),
    ("pytest", "matrix", {"PYTHON_VERSION": ("3.11", "3.12", "3.13")}),
    ("deploy-staging", "environment", "staging"),
    ("deploy-staging", "manual", False),
    ("deploy-production", "environment", "production"),
    ("deploy-production", "manual", True),
    ("deploy-production", "needs", ("deploy-staging",)),
    ("deploy-production", "external", OUTSIDE),  # .deploy extends .helm-deploy from platform/ci-templates
    ("sast", "external", OUTSIDE),  # defined by the SAST template, only moved to a stage here
    ("stop-review", "environment", None),
    ("stop-review", "manual", True),
    ("legacy-integration", "disabled", f"every rule says when: never (.gitlab-ci.yml:"
                                       f"{fixture_line('.gitlab-ci.yml', '- when: never') - 1})"),
    ("web/web-test", "image", "node:20-bookworm"),
    ("web/web-build", "needs", ("web/web-test", "web")),
]


@pytest.mark.parametrize(("job_id", "attribute", "expected"), MONOREPO,
                         ids=[f"{row[0]}-{row[1]}" for row in MONOREPO])
def test_monorepo_jobs(monorepo, job_id, attribute, expected):
    value = getattr(job(monorepo, job_id), attribute)
    if attribute == "location":
        value = (value.path, value.line)
    assert value == expected


@pytest.mark.parametrize(("job_id", "events", "branches"), [
    ("ruff", {PULL_REQUEST, PUSH, SCHEDULE}, (DEFAULT_BRANCH,)),
    ("build-image", {PUSH, TAG, SCHEDULE}, (DEFAULT_BRANCH,)),  # its rules come through !reference
    ("deploy-staging", {PUSH, SCHEDULE}, (DEFAULT_BRANCH,)),
    ("stop-review", {PULL_REQUEST}, None),
    ("publish-package", {TAG}, None),
    ("web", {PUSH, PULL_REQUEST, TAG, SCHEDULE}, (DEFAULT_BRANCH,)),  # `changes:` may match anywhere
])
def test_monorepo_job_triggers(monorepo, job_id, events, branches):
    assert runs(monorepo, job_id)[:2] == (events, branches)


def test_monorepo_inherited_script_lines_point_at_the_template(monorepo):
    helm = next(s for s in job(monorepo, "deploy-production").steps if s.run and "helm upgrade" in s.run)
    assert (helm.location.path, helm.location.line) == ("ci/templates.yml",
                                                        fixture_line("ci/templates.yml", "- >-"))
    pytest_run = [s for s in job(monorepo, "pytest").steps if s.run]
    assert [s.location.path for s in pytest_run] == ["ci/templates.yml"] * 2 + ["ci/jobs/test.yml"] * 2


@pytest.mark.parametrize(("later", "earlier", "expected"), [
    ("deploy-production", "deploy-staging", True),  # needs
    ("deploy-staging", "build-image", True),  # a later stage
    ("deploy-staging", "deploy-production", False),
    ("web/web-build", "web", True),  # a child job runs inside its trigger job
    ("ruff", "pytest", False),
])
def test_monorepo_job_order(monorepo, later, earlier, expected):
    assert monorepo.runs_after(job(monorepo, later), job(monorepo, earlier)) is expected


def test_monorepo_reports_and_coverage(monorepo):
    facts = {s.uses: s.inputs for s in job(monorepo, "pytest").steps if s.uses}
    assert facts["gitlab:artifacts-reports"] == {"coverage_report": "cobertura",
                                                 "coverage_report.path": "services/api/coverage.xml",
                                                 "junit": "services/api/report.xml"}
    assert "gitlab:coverage" in facts


# --- it never raises ---------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "include:", "local:", "ci/a.yml", "ci/*.yml", "extends:", ".t", "script:", "rules:", "if:", "when:", "never",
    "manual", "only:", "except:", "trigger:", "environment:", "parallel:", "matrix:", "needs:", "default:",
    "workflow:", "!reference [.t, script]", "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "=~ /^v/", "$CI_COMMIT_TAG",
    "'", '"', "\n", "\n  ", "\n    ", "- ", "[", "]", "{", "}", ", ", ": ", "&a ", "*a", "<<: *a", "~", "3",
])
YAMLISH = st.lists(st.one_of(_PIECES, st.text(max_size=5)), max_size=50).map("".join)
_KEYS = st.sampled_from(["include", "local", "extends", "script", "before_script", "rules", "if", "when", "only",
                         "except", "refs", "trigger", "environment", "name", "action", "parallel", "matrix", "needs",
                         "job", "default", "workflow", "stages", "stage", "image", "artifacts", "reports",
                         "coverage", ".t", "job1", "exists", "inherit", "variables"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
                     st.sampled_from(["ci/a.yml", "ci/*.yml", ".t", "job1", "never", "manual", "$CI_COMMIT_TAG",
                                      "$CI_COMMIT_BRANCH =~ /[/", "main", "tags", "ci/child.yml"]))
STRUCTURED = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(_KEYS, inner, max_size=5), max_leaves=20).map(json.dumps)


_EXPRESSION_PIECES = st.sampled_from(["$CI_COMMIT_BRANCH", "$CI_DEFAULT_BRANCH", "$CI_COMMIT_TAG", "$X", "${Y}",
                                     "==", "!=", "=~", "!~", "&&", "||", "(", ")", "null", '"main"', "'v1'",
                                     "/^v[0-9]+/i", "/(/", " "])
_SITUATIONS = st.sampled_from([Situation(PUSH, "push", DEFAULT_BRANCH), Situation(PUSH, "push", "main"),
                               Situation(PUSH, "push", "/^release/"), Situation(PUSH, "push", UNNAMED_BRANCH),
                               Situation(TAG, "push"), Situation(PULL_REQUEST, "merge_request_event"),
                               Situation(SCHEDULE, "schedule", DEFAULT_BRANCH)])


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.one_of(_EXPRESSION_PIECES, st.text(max_size=4)), max_size=12), situation=_SITUATIONS)
def test_rule_expressions_are_true_false_or_maybe_never_an_error(pieces, situation):
    rules = Rules(MemoryClient({}).files, "main")
    assert rules.condition(" ".join(pieces), situation) in (True, False, None)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(root=st.one_of(YAMLISH, STRUCTURED), included=st.one_of(YAMLISH, STRUCTURED),
       child=st.one_of(YAMLISH, STRUCTURED))
def test_the_parser_never_raises(root, included, child):
    pipeline = parse({ROOT: root, "ci/a.yml": included, "ci/child.yml": child})
    assert pipeline.system == "gitlab-ci"
    assert all(isinstance(problem, str) for problem in pipeline.problems)
