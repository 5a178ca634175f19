"""GitLab CI → the CI model (detectors/ci_gitlab*.py).

In-memory tables for each construct (what is a job, `extends:`/`default:`/anchors/`!reference`,
`include:` in every form, `rules:`/`only:`/`except:`/`workflow:rules`, job attributes and the
`gitlab:` pseudo-steps, broken structure), the `gitlab-monorepo` fixture (local and glob includes,
extends chains across files, remote templates, staging/production deploys, a child pipeline) read
from a real git repository, and properties: arbitrary text never makes the parser raise.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_gitlab import parse_gitlab_ci
from devops_scan_detectors.cimodel import (
    CALL, DEFAULT_BRANCH, MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG, Pipeline,
)
from tests.testing.fakes import MemoryClient

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


# --- rules, only/except, workflow --------------------------------------------------------------------

# (id, job keys, events, branches, branches_ignore, manual)
RULES = [
    ("no rules: branches and tags", "", {PUSH, TAG}, None, (), False),
    ("merge requests", "rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"", {PULL_REQUEST}, None, (),
     False),
    ("merge request id", "rules:\n    - if: $CI_MERGE_REQUEST_IID", {PULL_REQUEST}, None, (), False),
    ("tags", "rules:\n    - if: $CI_COMMIT_TAG", {TAG}, None, (), False),
    ("default branch", "rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", {PUSH}, (DEFAULT_BRANCH,), (),
     False),
    ("named branch", "rules:\n    - if: '$CI_COMMIT_REF_NAME == \"release\"'", {PUSH}, ("release",), (), False),
    ("the default branch by name", "rules:\n    - if: $CI_COMMIT_BRANCH == \"main\"", {PUSH}, ("main",), (), False),
    ("branch pattern", "rules:\n    - if: $CI_COMMIT_BRANCH =~ /^release\\/.*$/", {PUSH}, ("/^release\\/.*$/",), (),
     False),
    ("other branches", "rules:\n    - if: $CI_COMMIT_BRANCH && $CI_COMMIT_BRANCH != $CI_DEFAULT_BRANCH", {PUSH}, None,
     (DEFAULT_BRANCH,), False),
    ("catch-all joins merge requests", "rules:\n    - when: always", {PUSH, TAG, PULL_REQUEST}, None, (), False),
    ("exclusion then catch-all", "rules:\n    - if: $CI_PIPELINE_SOURCE == \"merge_request_event\"\n      when: never\n"
     "    - when: on_success", {PUSH, TAG}, None, (), False),
    ("manual on the default branch", "rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n      when: manual",
     {PUSH}, (DEFAULT_BRANCH,), (), True),
    ("schedules", "rules:\n    - if: $CI_PIPELINE_SOURCE == \"schedule\"", {SCHEDULE}, None, (), False),
    ("web", "rules:\n    - if: $CI_PIPELINE_SOURCE == \"web\"", {MANUAL}, None, (), False),
    ("regex on the source", "rules:\n    - if: $CI_PIPELINE_SOURCE =~ /^(trigger|pipeline)$/", {CALL}, None, (), False),
    ("file exists", "rules:\n    - exists: [Dockerfile]", {PUSH, TAG, PULL_REQUEST}, None, (), False),
    ("outside variable", "rules:\n    - if: $DEPLOY_ENABLED == \"true\"", {PUSH, TAG, PULL_REQUEST}, None, (), False),
    ("changes may match", "rules:\n    - changes: [src/**/*]", {PUSH, TAG, PULL_REQUEST}, None, (), False),
    ("only branch", "only: [main]", {PUSH}, ("main",), (), False),
    ("only tags", "only: [tags]", {TAG}, None, (), False),
    ("only merge requests", "only: [merge_requests]", {PULL_REQUEST}, None, (), False),
    ("only schedules", "only: [schedules]", {SCHEDULE}, None, (), False),
    ("only refs and variables", "only:\n    refs: [main]\n    variables: [$RELEASE]", {PUSH}, ("main",), (), False),
    ("except a branch", "except: [main]", {PUSH, TAG}, None, ("main",), False),
    ("manual job", "when: manual", {PUSH, TAG}, None, (), True),
    ("delayed is automatic", "when: delayed\n  start_in: 10 minutes", {PUSH, TAG}, None, (), False),
]


@pytest.mark.parametrize(("keys", "events", "branches", "ignored", "manual"), [row[1:] for row in RULES],
                         ids=[row[0] for row in RULES])
def test_rules_and_only_except_become_job_triggers(keys, events, branches, ignored, manual):
    pipeline = parse({ROOT: f"job:\n  script: [make]\n  {keys}\n", "Dockerfile": "FROM alpine\n"})
    resolved = job(pipeline, "job")
    assert resolved.disabled is None
    assert runs(pipeline, "job") == (events, branches, ignored)
    assert resolved.manual is manual


@pytest.mark.parametrize(("keys", "disabled"), [
    ("rules:\n    - when: never", "every rule says when: never (.gitlab-ci.yml:3)"),
    ("rules:\n    - if: $CI_COMMIT_TAG\n      when: never\n    - if: $CI_COMMIT_TAG", "no rule admits it"),
    ("rules:\n    - exists: [Dockerfile]", "no rule admits it in any pipeline this file can start (.gitlab-ci.yml:3)"),
    ("rules:\n    - if: $CI_COMMIT_TAG && $CI_COMMIT_BRANCH", "no rule admits it"),
    ("when: never", "when: never (.gitlab-ci.yml:3)"),
    ("only: [merge_requests]\n  except: [merge_requests]", "only:/except: admit it in no pipeline"),
], ids=["never", "tags excluded then admitted", "file absent", "contradiction", "job when never", "only and except"])
def test_jobs_that_can_never_run_are_disabled(keys, disabled):
    pipeline = parse(f"job:\n  script: [make]\n  {keys}\nother:\n  script: [make]\n")
    assert disabled in job(pipeline, "job").disabled
    assert [j.id for j in pipeline.runnable_jobs()] == ["other"]


def test_rules_on_outside_variables_are_noted():
    pipeline = parse("job:\n  script: [make]\n  rules:\n    - if: $DEPLOY_ENABLED && $CI_COMMIT_BRANCH\n")
    assert any("DEPLOY_ENABLED" in p and "taken to be able to match" in p for p in pipeline.problems)


def test_references_in_rule_conditions_and_to_lists_of_rules():
    pipeline = parse(""".is_release: $CI_COMMIT_TAG =~ /^v[0-9]+/
.on_main:
  - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
release:
  script: [twine upload dist/*]
  rules:
    - if: !reference [.is_release]
    - when: never
docs:
  script: [mkdocs gh-deploy]
  rules:
    - !reference [.on_main]
""")
    assert runs(pipeline, "release")[0] == {TAG}
    assert runs(pipeline, "docs")[:2] == ({PUSH}, (DEFAULT_BRANCH,))


WORKFLOW = """workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS
      when: never
    - if: $CI_COMMIT_BRANCH
"""


def test_workflow_rules_decide_which_pipelines_exist_and_lift_the_only_default():
    pipeline = parse(WORKFLOW + "test:\n  script: [pytest]\ndeploy:\n  script: [./deploy]\n"
                     "  rules:\n    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH\n")
    assert (set(pipeline.triggers.events), pipeline.triggers.branches) == ({PUSH, PULL_REQUEST}, None)
    assert pipeline.triggers.location.line == 1
    assert runs(pipeline, "test")[0] == {PUSH, PULL_REQUEST}  # no rules: runs in merge request pipelines too
    assert runs(pipeline, "deploy")[:2] == ({PUSH}, (DEFAULT_BRANCH,))


def test_without_workflow_rules_merge_request_pipelines_exist_only_when_a_job_joins_them():
    plain = parse("test:\n  script: [pytest]\n")
    assert set(plain.triggers.events) == {PUSH, TAG}
    with_mr = parse("test:\n  script: [pytest]\nreview:\n  script: [./review]\n  rules:\n"
                    "    - if: $CI_PIPELINE_SOURCE == 'merge_request_event'\n")
    assert set(with_mr.triggers.events) == {PUSH, TAG, PULL_REQUEST}
    assert runs(with_mr, "test")[0] == {PUSH, TAG}


def test_a_workflow_that_creates_no_pipeline_disables_every_job():
    pipeline = parse("workflow:\n  rules:\n    - when: never\ntest:\n  script: [pytest]\n")
    assert "workflow:rules create no pipeline" in job(pipeline, "test").disabled
    assert pipeline.triggers.events == frozenset()


# --- job attributes and pseudo-steps -----------------------------------------------------------------

def test_environments_and_their_actions():
    pipeline = parse("""deploy:
  script: [./deploy]
  environment: production
review:
  script: [./review]
  environment:
    name: review/$CI_COMMIT_REF_SLUG
    url: https://$CI_COMMIT_REF_SLUG.example.com
    deployment_tier: development
stop:
  script: [./stop]
  environment: {name: review/$CI_COMMIT_REF_SLUG, action: stop}
""")
    assert job(pipeline, "deploy").environment == "production"
    assert (job(pipeline, "review").environment_url, job(pipeline, "review").steps[-1].inputs["deployment_tier"]) == (
        "https://$CI_COMMIT_REF_SLUG.example.com", "development")
    stop = job(pipeline, "stop")
    assert stop.environment is None  # stopping an environment deploys nothing
    assert stop.steps[-1].uses == "gitlab:environment"
    assert stop.steps[-1].inputs == {"action": "stop", "name": "review/$CI_COMMIT_REF_SLUG"}


def test_reports_coverage_artifacts_release_and_artifact_sources():
    pipeline = parse("""build:
  stage: build
  script: [make dist]
  artifacts:
    paths: [dist/, build/report.html]
test:
  needs:
    - build
    - job: lint
      artifacts: false
  dependencies: [build]
  script: [pytest --cov]
  coverage: '/TOTAL.+ ([0-9]{1,3}%)/'
  artifacts:
    reports:
      junit: [report.xml, e2e.xml]
      coverage_report: {coverage_format: cobertura, path: coverage.xml}
release:
  script: [echo releasing]
  release: {tag_name: $CI_COMMIT_TAG, description: notes}
lint:
  script: [ruff check]
""")
    assert [(s.uses, s.inputs) for s in job(pipeline, "build").steps if s.uses] == [
        ("gitlab:artifacts", {"paths": "dist/\nbuild/report.html"})]
    test = job(pipeline, "test")
    assert test.needs == ("build", "lint")
    assert [(s.uses, s.inputs, s.location.line) for s in test.steps if s.uses] == [
        ("gitlab:artifacts-from", {"jobs": "build", "via": "needs"}, 7),
        ("gitlab:artifacts-from", {"jobs": "build", "via": "dependencies"}, 11),
        ("gitlab:coverage", {"regex": "/TOTAL.+ ([0-9]{1,3}%)/"}, 13),
        ("gitlab:artifacts-reports", {"coverage_report": "cobertura", "coverage_report.path": "coverage.xml",
                                      "junit": "report.xml,e2e.xml"}, 15)]
    assert [(s.uses, s.inputs) for s in job(pipeline, "release").steps if s.uses] == [
        ("gitlab:release", {"tag_name": "$CI_COMMIT_TAG"})]


@pytest.mark.parametrize(("keys", "attribute", "expected"), [
    ("parallel:\n    matrix:\n      - {PY: ['3.11', '3.12'], DB: postgres}\n      - {PY: '3.13', DB: [mysql]}",
     "matrix", {"DB": ("postgres", "mysql"), "PY": ("3.11", "3.12", "3.13")}),
    ("parallel: 4", "matrix", {}),
    ("image: {name: 'node:20', entrypoint: ['']}", "image", "node:20"),
    ("needs: []", "needs", ()),
    ("stage: deploy", "stage", "deploy"),
    ("script: [make]", "stage", "test"),
], ids=["matrix", "parallel count", "image mapping", "needs nothing", "stage", "default stage"])
def test_job_attributes(keys, attribute, expected):
    text = f"job:\n  {keys}\n" + ("" if keys.startswith("script") else "  script: [make]\n")
    assert getattr(job(parse(text), "job"), attribute) == expected


@pytest.mark.parametrize(("trigger", "uses", "external"), [
    ("trigger: group/deployer", "trigger:group/deployer", ("trigger:group/deployer",)),
    ("trigger:\n    project: group/deployer\n    branch: main\n    strategy: depend", "trigger:group/deployer",
     ("trigger:group/deployer",)),
    ("trigger:\n    include:\n      - artifact: generated.yml\n        job: generate", "trigger:artifact:generated.yml",
     ("trigger:artifact:generated.yml",)),
], ids=["project", "project mapping", "generated child"])
def test_trigger_jobs_to_elsewhere(trigger, uses, external):
    pipeline = parse(f"downstream:\n  {trigger}\n")
    downstream = job(pipeline, "downstream")
    assert [s.uses for s in downstream.steps] == [uses]
    assert downstream.external == external


def test_a_local_child_pipeline_is_read_with_its_jobs_prefixed():
    pipeline = parse({ROOT: "web:\n  trigger:\n    include: web/ci.yml\n  rules:\n    - if: $CI_COMMIT_TAG\n",
                      "web/ci.yml": "build:\n  script: [npm run build]\ntest:\n  needs: [build]\n"
                                    "  script: [npm test]\nonly-mr:\n  script: [x]\n  rules:\n"
                                    "    - if: $CI_PIPELINE_SOURCE == 'merge_request_event'\n"})
    assert [j.id for j in pipeline.jobs] == ["web", "web/build", "web/test", "web/only-mr"]
    assert job(pipeline, "web/test").needs == ("web/build", "web")
    assert job(pipeline, "web/build").stage is None
    assert runs(pipeline, "web/build")[0] == {TAG}  # a child runs when its trigger job does
    assert "no rule admits it" in job(pipeline, "web/only-mr").disabled
    assert [(i.kind, i.resolved) for i in pipeline.includes] == [("child-pipeline", "web/ci.yml")]
