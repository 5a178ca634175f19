"""Property tests: no CI parser raises, whatever the file holds — arbitrary text, YAML of any shape built
from each system's own keys, Groovy and Kotlin made of the tokens that matter (braces, quotes, slashes)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_scan_detectors.ci_groovy import parse
from devops_scan_detectors.ci_hosted import PARSERS as HOSTED
from devops_scan_detectors.ci_jenkins import PARSERS as JENKINS
from devops_scan_detectors.ci_jenkins import read_jenkinsfile
from devops_scan_detectors.ci_selfhosted import PARSERS as SELF_HOSTED
from devops_scan_detectors.cimodel import Pipeline
from tests.detectors.ci_parse_helpers import parse_files

PARSERS = {**JENKINS, **HOSTED, **SELF_HOSTED}
PATHS = {
    "jenkins": "Jenkinsfile", "circleci": ".circleci/config.yml", "travis-ci": ".travis.yml",
    "azure-pipelines": "azure-pipelines.yml", "bitbucket-pipelines": "bitbucket-pipelines.yml",
    "buildkite": ".buildkite/pipeline.yml", "appveyor": "appveyor.yml", "semaphore": ".semaphore/semaphore.yml",
    "drone": ".drone.yml", "woodpecker": ".woodpecker.yml", "tekton": ".tekton/run.yaml",
    "concourse": "ci/pipeline.yml", "teamcity": ".teamcity/settings.kts", "buildbot": "buildbot/master.cfg",
    "google-cloud-build": "cloudbuild.yaml", "aws-codebuild": "buildspec.yml",
}
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Keys of every system, so that generated YAML reaches the parsers' branches rather than being ignored.
KEYS = ["version", "jobs", "steps", "script", "run", "command", "commands", "trigger", "pr", "when", "unless",
        "if", "branches", "only", "except", "ignore", "include", "exclude", "tags", "event", "branch", "ref",
        "stages", "stage", "job", "deployment", "environment", "template", "task", "inputs", "condition",
        "strategy", "matrix", "parameters", "workflows", "filters", "requires", "orbs", "commands", "executor",
        "docker", "image", "name", "pipelines", "default", "pull-requests", "custom", "parallel", "step",
        "plugins", "block", "depends_on", "blocks", "promotions", "pipeline_file", "auto_promote", "kind",
        "apiVersion", "spec", "tasks", "taskRef", "taskSpec", "metadata", "annotations", "resources", "plan",
        "get", "put", "passed", "config", "file", "phases", "reports", "artifacts", "images", "args",
        "entrypoint", "deploy", "provider", "on", "language", "python", "env", "type", "settings", "target",
        "evaluate", "dir", "runAfter", "finally", "import", "dependsOn", "extends", "schedules"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(KEYS),
                    st.sampled_from(["main", "refs/tags/v*", "false", "manual", "push", "pull_request", "make test",
                                     "$(x)", "<< pipeline.git.branch >>", "x.yml@repo", "../up.yml",
                                     "eq(variables['Build.SourceBranch'], 'refs/heads/main')", "branch = main",
                                     "tekton.dev/v1", "PipelineRun", "Task", "pipeline", "/.*/"]),
                    st.text(max_size=12))
DOCUMENTS = st.recursive(SCALARS, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(st.sampled_from(KEYS), children, max_size=5)), max_leaves=30)


def assert_pipeline(result: object, system: str, path: str) -> None:
    assert isinstance(result, Pipeline)
    assert (result.system, result.path) == (system, path)
    # The parsers' last-resort guard must not be what saved them: odd input is handled, not crashed on.
    crashes = [problem for problem in result.problems if problem.startswith("could not be analysed")]
    assert crashes == []


@pytest.mark.parametrize("system", sorted(PARSERS))
@SETTINGS
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(system, text):
    path = PATHS[system]
    assert_pipeline(parse_files(PARSERS[system], {path: text}, path), system, path)


@pytest.mark.parametrize("system", sorted(set(PARSERS) - {"jenkins", "teamcity", "buildbot"}))
@SETTINGS
@given(document=DOCUMENTS, second=DOCUMENTS)
def test_yaml_of_any_shape_never_raises(system, document, second):
    path = PATHS[system]
    # JSON is YAML; two documents exercise the multi-document systems (Drone, Tekton).
    text = json.dumps(document) + "\n---\n" + json.dumps(second) + "\n"
    files = {path: text, "ci/tasks/t.yml": json.dumps(second), ".azure-pipelines/t.yml": json.dumps(second)}
    assert_pipeline(parse_files(PARSERS[system], files, path), system, path)


GROOVY_TOKENS = ["pipeline", "stage", "stages", "steps", "sh", "bat", "node", "parallel", "matrix", "axes",
                 "when", "branch", "not", "anyOf", "expression", "input", "post", "always", "script", "def",
                 "dir", "docker", "image", "push", "load", "@Library", "if", "else", "false", "true", "_",
                 "BuildType", "object", "project", "vcs", "triggers", "scriptContent", "gradle", "tasks",
                 "dockerCommand", "commandType", "build", "=", "{", "}", "(", ")", "[", "]", "'", '"', "'''",
                 '"""', "/", "//", "/*", "*/", "\\", "$", "${", ",", ":", ";", ".", "\n", " ", "'x'", '"y"',
                 "'main'", "-> "]
GROOVY = st.lists(st.sampled_from(GROOVY_TOKENS), max_size=120).map("".join)


@SETTINGS
@given(text=GROOVY)
def test_groovy_token_soup_never_raises(text):
    assert isinstance(read_jenkinsfile("Jenkinsfile", text, lambda _path: text), Pipeline)
    _, problems = parse(text)
    assert isinstance(problems, list)


@SETTINGS
@given(text=GROOVY)
def test_kotlin_token_soup_never_raises(text):
    path = ".teamcity/settings.kts"
    assert_pipeline(parse_files(PARSERS["teamcity"], {path: text, ".teamcity/Other.kt": text}, path), "teamcity",
                    path)


PYTHON_TOKENS = ["c", "=", "BuildmasterConfig", "{}", "[", "]", "(", ")", ",", "'x'", "util.BuilderConfig",
                 "steps.ShellCommand", "schedulers.SingleBranchScheduler", "schedulers.ForceScheduler", "name=",
                 "factory=", "command=", "builderNames=", "f", ".addStep", "util.BuildFactory", "\n", " ",
                 "change_filter=", "util.ChangeFilter", "branch=", "doStepIf=", "False", "['a', 'b']"]


@SETTINGS
@given(text=st.lists(st.sampled_from(PYTHON_TOKENS), max_size=80).map("".join))
def test_buildbot_token_soup_never_raises(text):
    path = "buildbot/master.cfg"
    assert_pipeline(parse_files(PARSERS["buildbot"], {path: text}, path), "buildbot", path)


@pytest.mark.parametrize("text", [
    "pipeline {" * 3000,
    "}" * 3000,
    "sh '" + "x" * 10000,
    'sh """' + "${" * 2000,
    "stage('a') {" * 500 + "sh 'deep'" + "}" * 500,
    "def f() { f() }\nf()\n" * 50,
], ids=["unclosed", "closers", "long unterminated", "open interpolations", "deep stages", "self recursion"])
def test_hostile_groovy_is_read_without_error(text):
    pipeline = read_jenkinsfile("Jenkinsfile", text)
    assert isinstance(pipeline, Pipeline)
