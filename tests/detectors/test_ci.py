"""CIPresenceDetector (`ci.pipeline`, inventory `ci_systems` / `ci_configs`) on real git repositories.

The big fixtures: `ci-polyglot` (one realistic configuration per known CI system, in a Go service)
and `lookalikes` (files in CI locations that their CI system would reject or never read).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.scan import scan_path
from devops_scan_detectors.ci import SYSTEMS
from tests.testing.repos import FIXTURES, commit_all, repo_from_fixture, write_files

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
NAMES = {system.id: system.name for system in SYSTEMS}

# (system id, path) of every configuration in fixtures/repos/ci-polyglot.
POLYGLOT = [
    ("appveyor", "appveyor.yml"),
    ("aws-codebuild", "buildspec.yml"),
    ("azure-pipelines", "azure-pipelines.yml"),
    ("bitbucket-pipelines", "bitbucket-pipelines.yml"),
    ("buildbot", "buildbot/master.cfg"),
    ("buildkite", ".buildkite/pipeline.yml"),
    ("circleci", ".circleci/config.yml"),
    ("concourse", "ci/pipeline.yml"),
    ("drone", ".drone.yml"),
    ("github-actions", ".github/workflows/ci.yml"),
    ("github-actions", ".github/workflows/release.yaml"),
    ("gitlab-ci", ".gitlab-ci.yml"),
    ("google-cloud-build", "cloudbuild.yaml"),
    ("jenkins", "Jenkinsfile"),
    ("semaphore", ".semaphore/semaphore.yml"),
    ("teamcity", ".teamcity/settings.kts"),
    ("tekton", ".tekton/pull-request.yaml"),
    ("travis-ci", ".travis.yml"),
    ("woodpecker", ".woodpecker/test.yaml"),
]


def fixture_line(fixture: str, path: str, needle: str) -> int:
    """1-based line of the first line of a fixture file containing `needle`."""
    lines = (FIXTURES / "repos" / fixture / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def evidence_by_path(practice: dict) -> dict[str, dict]:
    return {fact["path"]: fact for fact in practice["evidence"]}


@pytest.fixture(scope="module")
def polyglot(tmp_path_factory, default_model) -> dict:
    """The report of ci-polyglot, scanned once for the whole table below."""
    path = repo_from_fixture("ci-polyglot", tmp_path_factory.mktemp("polyglot") / "ci-polyglot")
    return scan_path(str(path), default_model, as_of=AS_OF)


@pytest.fixture(scope="module")
def lookalikes(tmp_path_factory, default_model) -> dict:
    path = repo_from_fixture("lookalikes", tmp_path_factory.mktemp("lookalikes") / "lookalikes")
    return scan_path(str(path), default_model, as_of=AS_OF)


# --- every system, from a realistic configuration ---------------------------------------------------


def test_the_polyglot_fixture_covers_every_known_system():
    # A new system in SYSTEMS must come with a configuration in fixtures/repos/ci-polyglot.
    assert len(SYSTEMS) == 18
    assert {system for system, _ in POLYGLOT} == set(NAMES)


@pytest.mark.parametrize(("system", "path"), POLYGLOT, ids=[path for _, path in POLYGLOT])
def test_each_system_is_detected_at_its_path(polyglot, system, path):
    assert {"system": system, "path": path} in polyglot["inventory"]["ci_configs"]
    fact = evidence_by_path(polyglot["practices"]["ci.pipeline"])[path]
    assert fact["detail"] == f"{NAMES[system]} configuration"


def test_inventory_lists_systems_and_configs_sorted(polyglot):
    inventory = polyglot["inventory"]
    assert inventory["ci_systems"] == sorted(NAMES)
    # Exactly the table, sorted by system then path: the Concourse task file ci/tasks/unit.yml and
    # the Dockerfile/Makefile are not configurations.
    assert inventory["ci_configs"] == [{"system": system, "path": path} for system, path in POLYGLOT]


def test_polyglot_passes_and_names_every_system(polyglot):
    practice = polyglot["practices"]["ci.pipeline"]
    assert practice["outcome"] == "pass"
    assert practice["detector"] == "ci-presence"
    assert practice["reason"] == f"CI configured with {', '.join(sorted(NAMES.values()))} ({len(POLYGLOT)} file(s))"
    assert sorted(fact["path"] for fact in practice["evidence"]) == sorted(path for _, path in POLYGLOT)
    assert not [fact for fact in practice["evidence"] if "ignored" in fact["detail"]]


# --- look-alikes are reported, not counted ------------------------------------------------------------

LOOKALIKES = [
    # (path, what the evidence must say, line or None)
    (".github/workflows/codeql-config.yml",
     "GitHub Actions file ignored: no top-level `on`, so not a GitHub Actions workflow", None),
    (".github/workflows/nightly.yml",
     "GitHub Actions file ignored: no top-level `jobs`, so not a GitHub Actions workflow", None),
    (".github/workflows/release.yml", "GitHub Actions file ignored: invalid YAML: ",
     fixture_line("lookalikes", ".github/workflows/release.yml", "- name: Publish")),
    (".gitlab-ci.yml", "GitLab CI file ignored: defines no job", None),
    ("Jenkinsfile", "Jenkins file ignored: does not look like a Jenkins pipeline", None),
    (".travis.yml", "Travis CI file ignored: not a YAML mapping, so not a Travis CI configuration", None),
    ("buildspec.yml", "AWS CodeBuild file ignored: no top-level `phases`, so not a CodeBuild buildspec", None),
]


@pytest.mark.parametrize(("path", "detail", "line"), LOOKALIKES, ids=[row[0] for row in LOOKALIKES])
def test_lookalike_is_in_the_evidence_with_its_reason(lookalikes, path, detail, line):
    fact = evidence_by_path(lookalikes["practices"]["ci.pipeline"])[path]
    assert fact["detail"].startswith(detail)
    assert fact["line"] == line


def test_broken_workflow_reports_the_yaml_error_at_the_mis_indented_line(lookalikes):
    fact = evidence_by_path(lookalikes["practices"]["ci.pipeline"])[".github/workflows/release.yml"]
    assert fact["line"] == 12  # the `- name: Publish` step, one space too far right
    assert "block" in fact["detail"]  # ruamel's own words, so the user can find the problem


def test_a_repo_with_only_lookalikes_fails(lookalikes):
    practice = lookalikes["practices"]["ci.pipeline"]
    assert practice["outcome"] == "fail"
    assert practice["reason"] == "only CI files that their system would reject or that are not CI configuration"
    assert lookalikes["inventory"]["ci_systems"] == []
    assert lookalikes["inventory"]["ci_configs"] == []
    # Valid workflows where GitHub/GitLab never read them (a sub-folder of workflows/, a
    # `.github/workflow/` typo, an example in docs/) do not count either: otherwise this would pass.
    for unread in (".github/workflows/disabled/ci.yml", ".github/workflow/ci.yml", "docs/examples/.gitlab-ci.yml"):
        assert (FIXTURES / "repos" / "lookalikes" / unread).is_file()
    assert sorted(fact["path"] for fact in practice["evidence"]) == sorted(path for path, _, _ in LOOKALIKES)


def test_other_tools_yaml_in_a_shared_ci_folder_is_neither_counted_nor_reported(lookalikes):
    # `ci/` holds every kind of script and config; only a real Concourse pipeline there is news.
    assert (FIXTURES / "repos" / "lookalikes" / "ci" / "pipeline.yml").is_file()
    assert "ci/pipeline.yml" not in evidence_by_path(lookalikes["practices"]["ci.pipeline"])


def test_no_ci_at_all_fails_with_a_reason(fixture_repo, scan):
    report = scan(fixture_repo("docs-only"))
    practice = report["practices"]["ci.pipeline"]
    assert practice["outcome"] == "fail"
    assert practice["reason"] == "no CI configuration of any of the 18 systems devops-scan knows"
    assert practice["evidence"] == []
    assert report["inventory"]["ci_systems"] == []


def test_one_valid_config_passes_and_still_reports_the_broken_one(fixture_repo, scan):
    path = fixture_repo("python-lib")
    broken = (FIXTURES / "repos" / "lookalikes" / ".github/workflows/release.yml").read_text(encoding="utf-8")
    write_files(path, {".github/workflows/release.yml": broken})
    commit_all(path, "add release workflow")
    report = scan(path)
    practice = report["practices"]["ci.pipeline"]
    assert practice["outcome"] == "pass"
    assert practice["reason"] == "CI configured with GitHub Actions (1 file(s))"
    facts = evidence_by_path(practice)
    assert facts[".github/workflows/ci.yml"]["detail"] == "GitHub Actions configuration"
    assert facts[".github/workflows/release.yml"]["line"] == 12
    assert report["inventory"]["ci_configs"] == [{"system": "github-actions", "path": ".github/workflows/ci.yml"}]


# --- other locations and shapes each system accepts ---------------------------------------------------

ALTERNATIVES = [
    ("github-actions", ".github/workflows/reusable.yml",
     "on:\n  workflow_call:\n    inputs:\n      node-version:\n        type: string\njobs:\n  test:\n"
     "    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: npm test\n"),
    # Under YAML 1.1, `on` is the boolean true: still a workflow.
    ("github-actions", ".github/workflows/legacy.yml",
     "%YAML 1.1\n---\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n"),
    ("gitlab-ci", ".gitlab-ci.yaml",
     "test:\n  image: node:20\n  script:\n    - npm ci\n    - npm test\n"),
    ("gitlab-ci", ".gitlab-ci.yml",  # only includes: the jobs come from a shared template
     "include:\n  - project: platform/ci-templates\n    ref: v4\n    file: /node/library.yml\n"),
    ("gitlab-ci", ".gitlab-ci.yml",  # a parent pipeline that only triggers a child pipeline
     "frontend:\n  trigger:\n    include: web/.gitlab-ci.yml\n    strategy: depend\n"),
    ("gitlab-ci", ".gitlab-ci.yml",  # a job built from a hidden template with a YAML merge key
     ".node: &node\n  image: node:20\n  script:\n    - npm test\n\ntest:\n  <<: *node\n  stage: test\n"),
    ("jenkins", "Jenkinsfile.release",
     "@Library('pipeline-library@v3') _\n\nreleasePipeline(artifact: 'web', channel: '#releases')\n"),
    ("jenkins", "ci/jenkins/Jenkinsfile",
     "node('linux') {\n    stage('Checkout') { checkout scm }\n    stage('Test') { sh 'npm ci && npm test' }\n}\n"),
    ("jenkins", "jenkins/nightly.jenkinsfile",
     "pipeline {\n    agent any\n    triggers { cron('H 2 * * *') }\n"
     "    stages {\n        stage('e2e') { steps { sh 'npm run e2e' } }\n    }\n}\n"),
    ("jenkins", "Jenkinsfile",  # the one-liner of jenkins-infra plugin repositories
     "buildPlugin(useContainerAgent: true, configurations: [[platform: 'linux', jdk: 21]])\n"),
    ("circleci", ".circleci/config.yaml",
     "version: 2.1\njobs:\n  test:\n    docker:\n      - image: cimg/node:20.11\n    steps:\n      - checkout\n"
     "      - run: npm test\nworkflows:\n  ci:\n    jobs: [test]\n"),
    ("azure-pipelines", ".azure-pipelines/pr.yml",
     "pr: [main]\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: npm ci && npm test\n"),
    ("azure-pipelines", "azure-pipelines/release.yaml",
     "trigger: none\nstages:\n  - stage: Publish\n    jobs:\n      - job: npm\n        steps:\n"
     "          - script: npm publish\n"),
    ("buildkite", ".buildkite/pipeline.deploy.yml",
     "steps:\n  - label: \":rocket: deploy\"\n    command: scripts/deploy.sh\n    branches: main\n"),
    ("drone", ".drone.yaml",
     "kind: pipeline\ntype: kubernetes\nname: test\nsteps:\n  - name: test\n    image: node:20\n"
     "    commands:\n      - npm test\n"),
    ("woodpecker", ".woodpecker.yml",  # the map form of `steps:` (Woodpecker 1.x)
     "steps:\n  test:\n    image: node:20\n    commands:\n      - npm ci\n      - npm test\n"),
    ("woodpecker", ".woodpecker.yaml",  # the old `pipeline:` key
     "pipeline:\n  test:\n    image: node:20\n    commands:\n      - npm test\n"),
    ("appveyor", ".appveyor.yml",
     "image: Visual Studio 2022\ninstall:\n  - ps: Install-Product node 20\n  - npm ci\ntest_script:\n"
     "  - npm test\nbuild: off\n"),
    ("teamcity", ".teamcity/pom.xml",
     "<?xml version=\"1.0\"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n  <name>web Config DSL Script</name>\n"
     "  <groupId>Web</groupId>\n  <artifactId>Web_dsl</artifactId>\n  <version>1.0-SNAPSHOT</version>\n"
     "  <dependencies>\n    <dependency>\n      <groupId>org.jetbrains.teamcity</groupId>\n"
     "      <artifactId>configs-dsl-kotlin-latest</artifactId>\n    </dependency>\n  </dependencies>\n</project>\n"),
    ("tekton", "tekton/tasks/unit-test.yaml",
     "apiVersion: tekton.dev/v1beta1\nkind: Task\nmetadata:\n  name: unit-test\nspec:\n  steps:\n"
     "    - name: npm-test\n      image: node:20\n      script: npm test\n"),
    ("tekton", ".tekton/push.yaml",  # several documents: the Tekton one is not the first
     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ci-settings\ndata:\n  NODE_VERSION: \"20\"\n---\n"
     "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: push\nspec:\n  tasks:\n"
     "    - name: test\n      taskRef:\n        name: unit-test\n"),
    ("google-cloud-build", "deploy/cloudbuild.yaml",
     "steps:\n  - name: node:20\n    entrypoint: npm\n    args: [ci]\n  - name: node:20\n    entrypoint: npm\n"
     "    args: [test]\n"),
    ("google-cloud-build", "cloudbuild.json",
     "{\n  \"steps\": [\n    {\"name\": \"node:20\", \"entrypoint\": \"npm\", \"args\": [\"test\"]}\n  ]\n}\n"),
    ("aws-codebuild", "services/api/buildspec.yaml",
     "version: 0.2\nphases:\n  install:\n    runtime-versions:\n      nodejs: 20\n  build:\n    commands:\n"
     "      - npm ci\n      - npm test\n"),
    ("buildbot", ".buildbot.yml",  # buildbot_travis's in-repository format
     "language: node_js\nenv:\n  - NODE=20\nscript:\n  - npm ci\n  - npm test\n"),
    ("semaphore", ".semaphore/deploy.yaml",
     "version: v1.0\nname: Deploy\nagent:\n  machine:\n    type: e1-standard-2\n    os_image: ubuntu2004\n"
     "blocks:\n  - name: Publish\n    task:\n      jobs:\n        - name: npm publish\n          commands:\n"
     "            - checkout\n            - npm publish\n"),
    ("concourse", "concourse/pipeline.yml",
     "resources:\n  - name: repo\n    type: git\n    source: {uri: https://example.com/web.git}\njobs:\n"
     "  - name: test\n    plan:\n      - get: repo\n        trigger: true\n      - task: npm-test\n"
     "        file: repo/ci/test.yml\n"),
    ("concourse", "ci/pipelines/release.yml",
     "jobs:\n  - name: release\n    plan:\n      - get: repo\n      - put: npm\n"),
]


@pytest.mark.parametrize(("system", "path", "text"), ALTERNATIVES,
                         ids=[f"{system}:{path}" for system, path, _ in ALTERNATIVES])
def test_alternative_locations_and_shapes_are_detected(repo, scan, system, path, text):
    report = scan(repo({"package.json": '{"name": "web", "scripts": {"test": "jest"}}\n', path: text}))
    assert report["inventory"]["ci_configs"] == [{"system": system, "path": path}]
    assert report["practices"]["ci.pipeline"]["outcome"] == "pass"


REJECTED = [
    # (path, content, what the evidence must say)
    (".gitlab-ci.yml", "stages: [test]\nvariables:\n  NODE_ENV: test\n", "defines no job"),
    (".gitlab-ci.yml", "- npm test\n", "not a YAML mapping, so not a GitLab CI configuration"),
    (".circleci/config.yml", "jobs:\n  test:\n    steps: [checkout]\n", "no top-level `version`"),
    (".circleci/config.yml", "version: 2.1\nsetup: true\n", "no top-level `jobs` or `workflows` or `orbs`"),
    ("bitbucket-pipelines.yml", "image: node:20\n", "no top-level `pipelines`"),
    (".semaphore/semaphore.yml", "version: v1.0\nname: x\n", "no top-level `blocks`"),
    (".tekton/config.yaml", "apiVersion: v1\nkind: ConfigMap\n", "no Tekton Pipeline/Task resource"),
    (".tekton/weird.yaml", "apiVersion: tekton.dev/v1\nkind: [Pipeline]\n", "no Tekton Pipeline/Task resource"),
    (".drone.yml", "# moved to .woodpecker/\n", "empty file"),
    (".github/workflows/empty.yml", "", "not a YAML mapping, so not a GitHub Actions workflow"),
    (".teamcity/settings.kts", "// the build configuration will move here one day\n", "does not look like a TeamCity"),
    ("buildbot/master.cfg", "[master]\nport = 9989\n", "does not look like a Buildbot configuration"),
]


@pytest.mark.parametrize(("path", "text", "detail"), REJECTED,
                         ids=[f"{path}:{text[:20]}" for path, text, _ in REJECTED])
def test_rejected_shapes_fail_with_their_reason(repo, scan, path, text, detail):
    report = scan(repo({"README.md": "# web\n", path: text}))
    practice = report["practices"]["ci.pipeline"]
    assert practice["outcome"] == "fail"
    [fact] = practice["evidence"]
    assert fact["path"] == path
    assert detail in fact["detail"]


def test_missing_on_is_explained_without_yaml_internals(repo, scan):
    # `on` is also looked up as the YAML 1.1 boolean True; the user must not read "`on` or `True`".
    report = scan(repo({".github/workflows/ci.yml": "name: CI\njobs:\n  t:\n    runs-on: x\n"}))
    [fact] = report["practices"]["ci.pipeline"]["evidence"]
    assert fact["detail"] == "GitHub Actions file ignored: no top-level `on`, so not a GitHub Actions workflow"


def test_a_strange_file_of_one_system_does_not_hide_the_others(repo, scan):
    # Regression: a Tekton file whose `kind` is a list made the whole detector crash (unhashable),
    # turning a repository with a good workflow into `unknown`.
    report = scan(repo({
        ".github/workflows/ci.yml":
            "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
        ".tekton/odd.yaml": "apiVersion: tekton.dev/v1\nkind:\n  - Pipeline\n",
    }))
    practice = report["practices"]["ci.pipeline"]
    assert practice["outcome"] == "pass"
    assert evidence_by_path(practice)[".tekton/odd.yaml"]["detail"].startswith("Tekton file ignored")


def test_a_configuration_whose_jobs_can_never_run_is_not_ci(repo, scan):
    text = ("on: [push]\njobs:\n  test:\n    if: false\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n")
    report = scan(repo({".github/workflows/ci.yml": text, "app.py": ""}))
    practice = report["practices"]["ci.pipeline"]
    assert (practice["outcome"], practice["reason"]) == ("fail", "every job of the CI configuration can never run")
    assert "if: false" in practice["evidence"][0]["detail"]
    assert report["inventory"]["ci_configs"] == []


def test_teamcity_pom_is_the_dsl_build_file_not_a_second_config(repo, scan):
    report = scan(repo({".teamcity/settings.kts": 'import jetbrains.buildServer.configs.kotlin.*\nversion = "2024.03"\n'
                                                  "project {\n    buildType(Build)\n}\n"
                                                  'object Build : BuildType({\n    name = "Build"\n'
                                                  "    steps {\n        script { scriptContent = \"make test\" }\n"
                                                  "    }\n})\n",
                        ".teamcity/pom.xml": "<project><!-- jetbrains teamcity DSL build --></project>\n"}))
    assert report["inventory"]["ci_configs"] == [{"system": "teamcity", "path": ".teamcity/settings.kts"}]
