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
    TAG, Pipeline,
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
