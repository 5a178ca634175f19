"""Jenkinsfiles into the CI model: declarative and scripted pipelines from fixture repositories, a Jenkins
plugin whose whole pipeline is a shared-library step, and one construct at a time in memory."""

from __future__ import annotations

import pytest

from devops_scan_detectors.ci_jenkins import PARSERS, read_jenkinsfile
from devops_scan_detectors.cimodel import MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG
from tests.detectors.ci_parse_helpers import check, line, parse_files, parse_fixtures, summary

FIXTURES = ["ci-jenkins-declarative", "ci-jenkins-scripted", "ci-jenkins-plugin"]
DECLARATIVE, SCRIPTED, PLUGIN = FIXTURES


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory):
    return parse_fixtures(tmp_path_factory.mktemp("jenkins"), FIXTURES, PARSERS)


# --- fixture repositories: each job as a Jenkins user reads it ----------------------------------------

JOBS = [
    (DECLARATIVE, "Build", {"runs": ["mvn -B -DskipTests package"], "stage": "Build", "events": [PULL_REQUEST, PUSH,
                                                                                                  SCHEDULE, TAG],
                            "image": "maven:3.9-eclipse-temurin-21"}),
    # A parallel branch is its own job inside its top-level stage; `post { always { junit } }` belongs to it.
    (DECLARATIVE, "Checks/Unit tests", {"runs": ["mvn -B test jacoco:report"], "uses": ["junit", "recordCoverage"],
                                        "stage": "Checks",
                                        "lines": [line(DECLARATIVE, "Jenkinsfile", "sh 'mvn -B test jacoco:report'"),
                                                  line(DECLARATIVE, "Jenkinsfile", "junit 'target/surefire"),
                                                  line(DECLARATIVE, "Jenkinsfile", "recordCoverage(")]}),
    # A ''' script keeps its lines (dedented) so that the command and its options stay together.
    (DECLARATIVE, "Checks/Integration tests", {"runs": ["mvn -B verify -Pintegration \\\n"
                                                        "    -Dtestcontainers.reuse.enable=false"]}),
    (DECLARATIVE, "Checks/Static analysis", {"runs": ["mvn -B sonar:sonar -Dsonar.projectKey=orders"],
                                             "uses": ["withSonarQubeEnv", "waitForQualityGate"]}),
    (DECLARATIVE, "Compatibility/Test", {"matrix": {"JDK": ("17", "21"), "DB": ("postgres", "mysql")},
                                         "runs": ["mvn -B test -Djdk.version=${JDK} -Ddb=${DB}"]}),
    # anyOf { branch 'main'; buildingTag() }: pushes to main and tags; `image.push()` pushes what docker.build built.
    (DECLARATIVE, "Image", {"events": [PUSH, TAG], "branches": ("main",),
                            "uses": ["docker.build", "docker.withRegistry", "docker.push"]}),
    (DECLARATIVE, "Deploy to staging", {"events": [PUSH], "branches": ("main",), "environment": "staging",
                                        "manual": False}),
    # `input` waits for a person; `when { buildingTag() }` runs it for tags only.
    (DECLARATIVE, "Deploy to production", {"events": [TAG], "environment": "production", "manual": True}),
    (DECLARATIVE, "Load test", {"disabled": True, "runs": ["k6 run perf/checkout.js"]}),
    (DECLARATIVE, "post", {"uses": ["archiveArtifacts", "slackSend", "cleanWs"], "stage": "post"}),
    # Scripted: a function of the Jenkinsfile is followed where it is called.
    (SCRIPTED, "Test/unit", {"runs": ["npm run test:${suite} -- --reporters=default --reporters=jest-junit"],
                             "uses": ["junit"], "stage": "Test",
                             "lines": [line(SCRIPTED, "Jenkinsfile", 'sh "npm run test:'),
                                       line(SCRIPTED, "Jenkinsfile", "junit allowEmptyResults")]}),
    (SCRIPTED, "Test/e2e", {"runs": ["npx playwright test --reporter=junit"], "stage": "Test"}),
    # Steps inside `if (env.BRANCH_NAME == 'main')` next to steps outside it: the stage runs everywhere.
    (SCRIPTED, "Image", {"events": [MANUAL, PULL_REQUEST, PUSH, SCHEDULE], "branches": None,
                         "uses": ["docker.build", "docker.withRegistry", "docker.push", "docker.push"]}),
    # A stage wholly inside `if (env.BRANCH_NAME == 'main')`; `dir('deploy')` is where its script runs;
    # a function of a `load`ed file is followed into that file.
    (SCRIPTED, "Deploy staging", {"events": [PUSH], "branches": ("main",), "environment": "staging",
                                  "runs": ["cd deploy\n./deploy.sh staging"], "uses": ["slackSend"],
                                  "lines": [line(SCRIPTED, "Jenkinsfile", "sh './deploy.sh staging'"),
                                            line(SCRIPTED, "ci/notify.groovy", "color: 'good'")]}),
    # The whole pipeline of a Jenkins plugin is the shared library's buildPlugin: what it runs is not in the
    # repository, so it is recorded as external — not as a pipeline without tests.
    (PLUGIN, "(no stage)", {"external": ("shared library step buildPlugin",), "uses": ["buildPlugin"],
                            "runs": [], "matrix": {"platform": ("linux", "windows"), "jdk": ("21", "17")}}),
]


@pytest.mark.parametrize(("fixture", "job_id", "expected"), JOBS, ids=[f"{row[0]}:{row[1]}" for row in JOBS])
def test_fixture_jobs(pipelines, fixture, job_id, expected):
    check(pipelines[(fixture, "Jenkinsfile")], job_id, expected)


PIPELINES = [
    # Multibranch builds branches and pull requests; `triggers { cron(...) }` adds a schedule; a stage
    # written for tag builds says tags are built.
    (DECLARATIVE, [PULL_REQUEST, PUSH, SCHEDULE, TAG], ("Build", "Checks", "Compatibility", "Image",
                                                       "Deploy to staging", "Deploy to production", "Load test",
                                                       "post")),
    # `properties([pipelineTriggers([cron(...)]), parameters([...])])`: a schedule, and "Build with Parameters".
    (SCRIPTED, [MANUAL, PULL_REQUEST, PUSH, SCHEDULE], ("Checkout", "Install", "Lint", "Test", "Image",
                                                       "Deploy staging")),
    (PLUGIN, [PULL_REQUEST, PUSH], ()),
]


@pytest.mark.parametrize(("fixture", "events", "stages"), PIPELINES, ids=[row[0] for row in PIPELINES])
def test_fixture_pipelines(pipelines, fixture, events, stages):
    pipeline = pipelines[(fixture, "Jenkinsfile")]
    assert sorted(pipeline.triggers.events) == events
    assert pipeline.stages == stages
    assert pipeline.problems == ()


def test_the_commented_out_stage_is_not_a_job(pipelines):
    assert "Deploy production" not in [job.id for job in pipelines[(SCRIPTED, "Jenkinsfile")].jobs]


# --- one construct at a time ---------------------------------------------------------------------------

def declarative(stage_body: str, before: str = "") -> str:
    return f"{before}\npipeline {{\n  agent any\n  stages {{\n    stage('S') {{\n{stage_body}\n    }}\n  }}\n}}\n"


CONSTRUCTS = [
    ("branch", declarative("when { branch 'release/*' }\nsteps { sh 'make' }"), "S",
     {"events": [PUSH], "branches": ("release/*",)}),
    ("branch regexp", declarative("when { branch pattern: 'release-\\\\d+', comparator: 'REGEXP' }\n"
                                  "steps { sh 'make' }"), "S", {"branches": ("/release-\\\\d+/",)}),
    ("change request", declarative("when { changeRequest() }\nsteps { sh 'make' }"), "S", {"events": [PULL_REQUEST]}),
    ("not a branch", declarative("when { not { branch 'main' } }\nsteps { sh 'make' }"), "S",
     {"events": [PULL_REQUEST, PUSH], "ignore": ("main",)}),
    ("all of", declarative("when {\n allOf {\n  branch 'main'\n  environment name: 'X', value: 'y'\n }\n}\n"
                           "steps { sh 'make' }"), "S", {"events": [PUSH], "branches": ("main",)}),
    ("expression false", declarative("when { expression { false } }\nsteps { sh 'make' }"), "S", {"disabled": True}),
    ("expression on the branch", declarative("when { expression { return env.BRANCH_NAME == 'main' } }\n"
                                             "steps { sh 'make' }"), "S", {"branches": ("main",), "disabled": False}),
    # A condition on a parameter is decided when the build runs: the stage may run.
    ("expression on a parameter", declarative("when { expression { params.DEPLOY } }\nsteps { sh 'make' }"), "S",
     {"events": [PULL_REQUEST, PUSH], "disabled": False}),
    ("input step", declarative("steps {\n input message: 'Ship it?'\n sh './ship.sh'\n}"), "S",
     {"manual": True, "uses": ["input"]}),
    ("bat and powershell", declarative("steps {\n bat 'msbuild /t:Test'\n powershell(script: 'Invoke-Pester')\n}"),
     "S", {"runs": ["msbuild /t:Test", "Invoke-Pester"]}),
    ("sh with named script", declarative("steps { sh script: './gradlew test', label: 'tests' }"), "S",
     {"runs": ["./gradlew test"]}),
    # A script the file computes is kept as the expression, not invented.
    ("sh of a variable", declarative("steps { script { def cmd = 'make'\n sh cmd } }"), "S", {"runs": ["${cmd}"]}),
    ("nested dir", declarative("steps { dir('services') { dir('api') { sh 'make test' } } }"), "S",
     {"runs": ["cd services/api\nmake test"]}),
    ("braces in strings", declarative("steps { sh 'echo \"}\" && make' ; sh \"echo ${env.X ?: \"{\"}\" }"), "S",
     {"runs": ['echo "}" && make', 'echo ${env.X ?: "{"}']}),
    ("slashy string", declarative("steps { script { if (env.TAG_NAME ==~ /v\\d+'/) { sh 'release' } } }"), "S",
     {"runs": ["release"]}),
    ("withCredentials", declarative("steps { withCredentials([string(credentialsId: 't', variable: 'T')]) "
                                    "{ sh 'curl -H \"$T\" x' } }"), "S", {"runs": ['curl -H "$T" x'], "uses": []}),
    ("library step", declarative("steps { deployService name: 'api' }", before="@Library('platform@2.1') _"), "S",
     {"external": ("shared library step deployService",), "uses": ["deployService"]}),
    ("old-style stages", "node {\n stage 'Build'\n sh 'make'\n stage 'Test'\n sh 'make test'\n}\n", "Test",
     {"runs": ["make test"]}),
    ("scripted if false", "node {\n if (false) {\n  stage('Never') { sh 'x' }\n }\n}\n", "Never", {"disabled": True}),
    ("scripted else", "node {\n if (env.BRANCH_NAME == 'main') {\n  stage('Deploy') { sh 'd' }\n } else {\n"
                      "  stage('Check') { sh 'c' }\n }\n}\n", "Check", {"ignore": ("main",)}),
    # Values and Groovy on values are not steps (ci.jenkins.io's own Jenkinsfile is full of them).
    ("values are not steps", "def failFast = false\ndef keep = env.CHANGE_ID ? '10' : '50'\n"
                             "def axes = [jdks: [21]]\nstage('S') {\n def name = env.BUILD_TAG.replaceAll('%', '-')\n"
                             " axes.values().combinations {\n  return\n }\n sh 'make'\n}\n", "S",
     {"uses": [], "runs": ["make"], "external": ()}),
    ("scripted parallel", "parallel 'linux': { node { sh 'make' } }, 'windows': { node { bat 'make' } }\n",
     "windows", {"runs": ["make"], "stage": "parallel (line 1)"}),
]


@pytest.mark.parametrize(("text", "job_id", "expected"), [row[1:] for row in CONSTRUCTS],
                         ids=[row[0] for row in CONSTRUCTS])
def test_constructs(text, job_id, expected):
    check(read_jenkinsfile("Jenkinsfile", text), job_id, expected)


TRIGGERS = [
    ("cron", "triggers { cron('H 2 * * *') }", [PULL_REQUEST, PUSH, SCHEDULE]),
    ("upstream", "triggers { upstream(upstreamProjects: 'lib', threshold: hudson.model.Result.SUCCESS) }",
     ["call", PULL_REQUEST, PUSH]),
    ("parameters", "parameters { booleanParam(name: 'DEPLOY', defaultValue: false) }", [MANUAL, PULL_REQUEST, PUSH]),
    ("none", "options { timestamps() }", [PULL_REQUEST, PUSH]),
]


@pytest.mark.parametrize(("section", "events"), [row[1:] for row in TRIGGERS], ids=[row[0] for row in TRIGGERS])
def test_pipeline_triggers(section, events):
    pipeline = read_jenkinsfile("Jenkinsfile", f"pipeline {{\n agent any\n {section}\n stages {{ stage('S') "
                                               f"{{ steps {{ sh 'make' }} }} }}\n}}\n")
    assert sorted(pipeline.triggers.events) == events


def test_a_library_is_an_include_with_its_line():
    pipeline = read_jenkinsfile("Jenkinsfile", "// shared steps\n@Library(['platform@2.1', 'notify']) _\n"
                                               "buildService()\n")
    assert [(include.kind, include.ref, include.location.line) for include in pipeline.includes] == [
        ("shared-library", "platform@2.1", 2), ("shared-library", "notify", 2)]
    assert summary(pipeline, "(no stage)")["external"] == ("shared library step buildService",)


def test_a_known_plugin_step_is_not_external():
    pipeline = read_jenkinsfile("Jenkinsfile", "node {\n stage('Publish') {\n  nexusArtifactUploader(version: '1')\n"
                                               "  junit 'x.xml'\n }\n}\n")
    assert summary(pipeline, "Publish")["external"] == ()


def test_a_loaded_file_outside_the_repository_is_not_read():
    read = []
    pipeline = read_jenkinsfile("Jenkinsfile", "node {\n def lib = load '../other/lib.groovy'\n stage('S') "
                                               "{ lib.run() }\n}\n", lambda path: read.append(path) or None)
    assert read == []
    # A method of a local variable: Groovy on a value, neither a step nor a shared-library step.
    assert all(job.external == () for job in pipeline.jobs)


def test_recursive_functions_are_read_once():
    pipeline = read_jenkinsfile("Jenkinsfile", "def a() { sh 'one'\n b() }\ndef b() { sh 'two'\n a() }\n"
                                               "node { stage('S') { a() } }\n")
    assert summary(pipeline, "S")["runs"] == ["one", "two"]


def test_parse_through_the_client_reports_an_unreadable_file():
    pipeline = parse_files(PARSERS["jenkins"], {}, "Jenkinsfile")
    assert pipeline.jobs == () and "unreadable" in pipeline.problems[0]
