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
    CALL, DEFAULT_BRANCH, MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG, Pipeline,
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


# --- what is a job -----------------------------------------------------------------------------------


def test_jobs_are_the_top_level_mappings_that_are_not_keywords():
    pipeline = parse("""stages: [build, test, deploy]
variables: {A: "1"}
default: {image: alpine}
workflow: {name: x}
cache: {paths: [.cache]}
.template:
  script: [echo hidden]
build:
  stage: build
  script: [make]
pages:
  stage: deploy
  script: [mkdocs build --site-dir public]
  artifacts: {paths: [public]}
""")
    assert [j.id for j in pipeline.jobs] == ["build", "pages"]
    assert pipeline.stages == (".pre", "build", "test", "deploy", ".post")
    assert job(pipeline, "pages").stage == "deploy"
    assert [s.uses for s in job(pipeline, "pages").steps if s.uses] == ["gitlab:artifacts", "gitlab:pages"]


@pytest.mark.parametrize(("text", "problem"), [
    ("lint: ruff check\ntest:\n  script: [pytest]\n", "lint: not a job"),
    ("lint:\n  stage: test\ntest:\n  script: [pytest]\n", "lint: no `script:`, `trigger:` or `run:`"),
    ("image:\n  stage: build\n  script: [docker build .]\ntest:\n  script: [pytest]\n",
     "`image` is GitLab's keyword for the default image, not a job name"),
], ids=["scalar", "no script", "image is a keyword"])
def test_what_gitlab_rejects_is_a_problem_and_the_rest_is_kept(text, problem):
    pipeline = parse(text)
    assert any(problem in p for p in pipeline.problems), pipeline.problems
    assert [j.id for j in pipeline.jobs] == ["test"]


# --- extends, default, anchors, !reference -----------------------------------------------------------

EXTENDS = """.base:
  image: python:3.12
  variables: {A: base, B: base}
  before_script: [pip install -e .]
  environment: {name: staging, url: https://staging.example.com}
.middle:
  extends: .base
  variables: {B: middle}
  script: [pytest]
.other:
  script: [tox]
  image: python:3.13
job:
  extends: [.middle, .other]
  environment: {url: https://qa.example.com}
"""


def test_extends_merges_mappings_and_replaces_lists_later_parents_winning():
    pipeline = parse(EXTENDS)
    resolved = job(pipeline, "job")
    assert scripts(pipeline, "job") == ["pip install -e .", "tox"]  # .other's script replaces .middle's
    assert resolved.image == "python:3.13"
    assert (resolved.environment, resolved.environment_url) == ("staging", "https://qa.example.com")
    before = resolved.steps[0]
    assert (before.name, before.location.line) == ("before_script", 4)


@pytest.mark.parametrize(("text", "problem", "external"), [
    ("job:\n  extends: .missing\n  script: [make]\n", None, ()),
    ("include:\n  - template: Security/SAST.gitlab-ci.yml\njob:\n  extends: .sast-analyzer\n  script: [make]\n",
     None, ("Security/SAST.gitlab-ci.yml",)),
    (".a:\n  extends: .b\n.b:\n  extends: .a\njob:\n  extends: .a\n  script: [make]\n", "extends it back", ()),
], ids=["missing", "from a template", "cycle"])
def test_extends_that_cannot_be_resolved(text, problem, external):
    pipeline = parse(text)
    assert job(pipeline, "job").external == external
    if problem:
        assert any(problem in p for p in pipeline.problems)


def test_default_and_old_globals_are_inherited_unless_refused():
    pipeline = parse("""image: ruby:3.3
before_script: [bundle install]
default:
  image: ruby:3.2
plain:
  script: [rake]
own:
  image: ruby:3.1
  before_script: []
  script: [rake]
refusing:
  inherit: {default: false}
  script: [rake]
some:
  inherit: {default: [image]}
  script: [rake]
downstream:
  trigger: group/deployer
""")
    assert (job(pipeline, "plain").image, scripts(pipeline, "plain")) == ("ruby:3.2", ["bundle install", "rake"])
    assert (job(pipeline, "own").image, scripts(pipeline, "own")) == ("ruby:3.1", ["rake"])
    assert (job(pipeline, "refusing").image, scripts(pipeline, "refusing")) == (None, ["rake"])
    assert (job(pipeline, "some").image, scripts(pipeline, "some")) == ("ruby:3.2", ["rake"])
    assert (job(pipeline, "downstream").image, scripts(pipeline, "downstream")) == (None, [])


def test_anchors_merge_keys_and_references():
    pipeline = parse("""x-setup: &setup
  - apt-get update
  - apt-get install -y make
.defaults: &defaults
  image: debian:12
  tags: [docker]
.rules:
  rules:
    - if: $CI_COMMIT_TAG
build:
  <<: *defaults
  script:
    - *setup
    - !reference [.shared, script]
    - make build
  rules:
    - !reference [.rules, rules]
.shared:
  script: [make deps]
""")
    assert scripts(pipeline, "build") == ["apt-get update", "apt-get install -y make", "make deps", "make build"]
    assert job(pipeline, "build").image == "debian:12"
    assert runs(pipeline, "build")[0] == {TAG}
    deps = next(s for s in job(pipeline, "build").steps if s.run == "make deps")
    assert deps.location.line == 19  # where `.shared` writes it


def test_script_lines_are_one_step_each_and_a_block_is_one_step():
    pipeline = parse("test:\n  before_script:\n    - pip install tox\n  script:\n    - |\n      tox -e lint\n"
                     "      tox -e py\n    - echo done\n  after_script: [rm -rf .tox]\n")
    steps = job(pipeline, "test").steps
    assert [(s.name, s.run, s.location.line) for s in steps] == [
        ("before_script", "pip install tox", 3), ("script", "tox -e lint\ntox -e py\n", 5),
        ("script", "echo done", 8), ("after_script", "rm -rf .tox", 9)]


# --- include -----------------------------------------------------------------------------------------

INCLUDES = [
    ("string", "include: ci/a.yml\n", [("local", "ci/a.yml", "ci/a.yml")], ["a"]),
    ("leading slash", "include: /ci/a.yml\n", [("local", "/ci/a.yml", "ci/a.yml")], ["a"]),
    ("local mapping", "include:\n  - local: ci/a.yml\n", [("local", "ci/a.yml", "ci/a.yml")], ["a"]),
    ("glob", "include:\n  - local: 'ci/*.yml'\n",
     [("local", "ci/*.yml", "ci/a.yml"), ("local", "ci/*.yml", "ci/b.yml")], ["a", "b"]),
    ("recursive glob", "include: 'ci/**.yml'\n", [("local", "ci/**.yml", p) for p in
                                                  ("ci/a.yml", "ci/b.yml", "ci/nested/c.yml")], ["a", "b", "c"]),
    ("remote string", "include: https://example.com/ci.yml\n", [("remote", "https://example.com/ci.yml", None)], []),
    ("project with files", "include:\n  - project: grp/tpl\n    ref: v1\n    file: [/a.yml, /b.yml]\n",
     [("project", "grp/tpl:/a.yml@v1", None), ("project", "grp/tpl:/b.yml@v1", None)], []),
    ("template", "include:\n  - template: Auto-DevOps.gitlab-ci.yml\n",
     [("template", "Auto-DevOps.gitlab-ci.yml", None)], []),
    ("component", "include:\n  - component: gitlab.com/comp/sast@1.0\n",
     [("component", "gitlab.com/comp/sast@1.0", None)], []),
]
INCLUDED = {"ci/a.yml": "a:\n  script: [make a]\n", "ci/b.yml": "b:\n  script: [make b]\n",
            "ci/nested/c.yml": "c:\n  script: [make c]\n"}


@pytest.mark.parametrize(("include", "expected", "job_ids"), [row[1:] for row in INCLUDES],
                         ids=[row[0] for row in INCLUDES])
def test_include_forms(include, expected, job_ids):
    pipeline = parse({ROOT: include + "root:\n  script: [make]\n", **INCLUDED})
    assert [(i.kind, i.ref, i.resolved) for i in pipeline.includes] == expected
    assert all(i.location.path == ROOT for i in pipeline.includes)
    assert sorted(j.id for j in pipeline.jobs) == sorted([*job_ids, "root"])
    assert pipeline.problems == ()


def test_the_including_file_wins_and_nested_includes_are_followed():
    pipeline = parse({ROOT: "include: ci/a.yml\na:\n  image: node:20\n",
                      "ci/a.yml": "include: ci/b.yml\na:\n  image: node:18\n  script: [npm test]\n",
                      "ci/b.yml": "b:\n  script: [make b]\n"})
    assert job(pipeline, "a").image == "node:20"
    assert job(pipeline, "a").steps[0].location.path == "ci/a.yml"
    assert {i.resolved for i in pipeline.includes} == {"ci/a.yml", "ci/b.yml"}
    assert job(pipeline, "b").location.path == "ci/b.yml"


@pytest.mark.parametrize(("files", "problem"), [
    ({ROOT: "include:\n  - local: ci/missing.yml\nx:\n  script: [make]\n"},
     "include ci/missing.yml (.gitlab-ci.yml:2): not found in the repository"),
    ({ROOT: "include: 'ci/*.yaml'\nx:\n  script: [make]\n"}, "matches no file"),
    ({ROOT: "include: ci/a.yml\nx:\n  script: [make]\n", "ci/a.yml": "include: .gitlab-ci.yml\n"}, "includes itself"),
    ({ROOT: "include: ci/a.yml\nx:\n  script: [make]\n", "ci/a.yml": "a: [\n"}, "invalid YAML"),
    ({ROOT: "include: $CI_DIR/a.yml\nx:\n  script: [make]\n"}, "depends on a variable"),
], ids=["missing", "glob matches nothing", "cycle", "broken", "variable"])
def test_includes_that_cannot_be_followed_are_problems(files, problem):
    pipeline = parse(files)
    assert any(problem in p for p in pipeline.problems), pipeline.problems
    assert [j.id for j in pipeline.jobs] == ["x"]


def test_an_included_file_with_a_spec_header_is_read_after_it():
    pipeline = parse({ROOT: "include:\n  - local: ci/deploy.yml\n    inputs: {env: staging}\n",
                      "ci/deploy.yml": "spec:\n  inputs:\n    env:\n---\ndeploy:\n  script:\n"
                                       "    - ./deploy $[[ inputs.env ]]\n"})
    assert scripts(pipeline, "deploy") == ["./deploy $[[ inputs.env ]]"]


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
