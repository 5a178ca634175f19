"""Drone, Woodpecker, Tekton, Concourse, TeamCity, Buildbot, Google Cloud Build and AWS CodeBuild into the CI
model, from fixture repositories written from each tool's documentation, then one construct at a time."""

from __future__ import annotations

import pytest

from devops_scan_detectors.ci_selfhosted import PARSERS
from devops_scan_detectors.cimodel import CALL, DEFAULT_BRANCH, MANUAL, OTHER, PULL_REQUEST, PUSH, SCHEDULE, TAG
from tests.detectors.ci_parse_helpers import check, line, parse_files, parse_fixtures

FIXTURES = ["ci-drone-go", "ci-woodpecker-python", "ci-tekton-node", "ci-concourse-java", "ci-teamcity-kotlin",
            "ci-buildbot-c", "ci-cloudbuild-python", "ci-codebuild-node", "ci-polyglot"]
DRONE = ("ci-drone-go", ".drone.yml")
WOODPECKER_TEST = ("ci-woodpecker-python", ".woodpecker/test.yaml")
WOODPECKER_RELEASE = ("ci-woodpecker-python", ".woodpecker/release.yaml")
TEKTON = ("ci-tekton-node", ".tekton/push.yaml")
CONCOURSE = ("ci-concourse-java", "ci/pipeline.yml")
TEAMCITY = ("ci-teamcity-kotlin", ".teamcity/settings.kts")
BUILDBOT = ("ci-buildbot-c", "buildbot/master.cfg")
CLOUD_BUILD = ("ci-cloudbuild-python", "cloudbuild.yaml")
CODEBUILD = ("ci-codebuild-node", "buildspec.yml")


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory):
    return parse_fixtures(tmp_path_factory.mktemp("selfhosted"), FIXTURES, PARSERS)


JOBS = [
    # Drone: every step is a job after the one before it; a plugin step is its image with its settings.
    (DRONE, "test/unit", {"runs": ["go test -race -coverprofile=coverage.out ./..."], "needs": ("test/lint",),
                          "events": [PULL_REQUEST, PUSH, TAG], "image": "golang:1.22"}),
    (DRONE, "test/coverage", {"uses": ["plugins/codecov"], "runs": []}),
    # `ref: [refs/heads/main, refs/tags/v*]`: pushes to main and tags.
    (DRONE, "release/image", {"events": [MANUAL, PUSH, SCHEDULE, TAG], "branches": ("main",),
                              "uses": ["plugins/docker"]}),
    (DRONE, "release/deploy-staging", {"events": [PUSH], "branches": ("main",), "environment": "staging"}),
    # `event: promote` with a `target`: a person promotes a build to that environment.
    (DRONE, "promote-production/deploy", {"events": [MANUAL], "environment": "production"}),
    # Woodpecker: the workflow matrix applies to every step.
    (WOODPECKER_TEST, "test/test", {"matrix": {"PYTHON_VERSION": ("3.11", "3.12")}, "events": [PULL_REQUEST, PUSH],
                                    "runs": ['pip install -e ".[test]"', "pytest --cov=feeds --cov-fail-under=85"]}),
    (WOODPECKER_RELEASE, "release/publish", {"events": [TAG], "uses": ["woodpeckerci/plugin-pypi-publish:1.1.0"]}),
    (WOODPECKER_RELEASE, "release/docs", {"branches": ("main",), "runs": ["pip install mkdocs-material",
                                                                         "mkdocs gh-deploy --force"]}),
    # A step filtered to cron events in a workflow that never runs for cron: no event starts it.
    (WOODPECKER_RELEASE, "release/nightly-smoke", {"events": []}),
    # Tekton: a catalog task is a uses step; the repository's own Task is read from its file.
    (TEKTON, "catalog-api-on-push/clone", {"uses": ["git-clone"], "runs": []}),
    (TEKTON, "catalog-api-on-push/unit-tests", {"runs": ["npm ci", "npm test -- --ci --coverage\n"],
                                                "lines": [line("ci-tekton-node", "tekton/tasks/npm-test.yaml",
                                                               "- name: install"),
                                                          line("ci-tekton-node", "tekton/tasks/npm-test.yaml",
                                                               "- name: test")],
                                                "events": [PUSH], "branches": ("main",)}),
    (TEKTON, "catalog-api-on-push/image", {"uses": ["kaniko"], "needs": ("catalog-api-on-push/unit-tests",)}),
    (TEKTON, "catalog-api-on-push/deploy-staging", {"environment": "staging"}),
    (TEKTON, "catalog-api-on-push/load-test", {"disabled": True, "runs": ["k6 run test/load.js"]}),
    # Concourse: the task file is read from the repository; a git resource with trigger: true is a push.
    (CONCOURSE, "test", {"runs": ["mvn -B verify -Dmaven.repo.local=.m2"], "events": [PUSH], "branches": ("main",),
                         "uses": ["concourse-get:git"], "image": "maven"}),
    (CONCOURSE, "test-pr", {"events": [PULL_REQUEST]}),
    (CONCOURSE, "build-image", {"events": [PUSH, TAG], "needs": ("test",),
                                "runs": ["mvn -B -DskipTests package\ncp target/rates.jar ../image/\n"],
                                "uses": ["concourse-get:git", "concourse-get:git", "concourse-put:registry-image"]}),
    # Triggered by the image that build-image passes on: it runs when build-image runs.
    (CONCOURSE, "deploy-staging", {"events": [PUSH, TAG], "environment": "staging",
                                   "runs": ["ci/scripts/rollout.sh"]}),
    # No triggering `get`: someone starts it with fly or the web UI.
    (CONCOURSE, "deploy-production", {"events": [MANUAL], "environment": "production"}),
    (CONCOURSE, "dependency-audit", {"events": [SCHEDULE]}),
    # TeamCity: runners as the commands they run; a disabled step is left out.
    (TEAMCITY, "Build", {"runs": ["./gradlew clean check jacocoTestReport", "./gradlew ktlintCheck detekt"],
                         "events": [PULL_REQUEST, PUSH], "branches": (DEFAULT_BRANCH, "pull/*"),
                         "ignore": ("dependabot/*",)}),
    # No trigger of its own: it runs when the configuration that depends on it is triggered.
    (TEAMCITY, "Image", {"runs": ["docker build -f Dockerfile -t registry.example.com/billing:%build.number% .",
                                  "docker push registry.example.com/billing:%build.number%"],
                         "events": [PUSH], "branches": (DEFAULT_BRANCH,), "needs": ("Build",)}),
    (TEAMCITY, "DeployStaging", {"environment": "staging", "image": "alpine/helm:3.15.2", "events": [PUSH]}),
    (TEAMCITY, "DeployProduction", {"environment": "production", "events": [MANUAL]}),
    (TEAMCITY, "NightlySecurity", {"events": [SCHEDULE], "runs": ["./gradlew dependencyCheckAnalyze"]}),
    # Buildbot: the factory's steps, schedulers as triggers; a step with doStepIf=False is left out.
    (BUILDBOT, "unit", {"runs": ["cmake -S . -B build -DCMAKE_BUILD_TYPE=Debug", "cmake --build build -j4",
                                 "ctest --test-dir build --output-junit junit.xml"],
                        "uses": ["buildbot:Git"], "events": [PULL_REQUEST, PUSH]}),
    (BUILDBOT, "sanitizers", {"events": [SCHEDULE], "runs": ["cmake -S . -B asan -DSANITIZE=address\n"
                                                              "cmake --build asan && ctest --test-dir asan"]}),
    (BUILDBOT, "packages", {"events": [PUSH], "branches": ("main",)}),
    (BUILDBOT, "release", {"events": [MANUAL], "runs": ["git tag -s v%(prop:version)s -m release",
                                                        "./scripts/publish-release.sh"]}),
    # Cloud builds: what runs is in the file, when it runs is not.
    (CLOUD_BUILD, "build", {"events": [OTHER], "runs": [
        "pip install -r requirements-dev.txt\npytest --junitxml=test-results.xml\n",
        "pip install ruff\nruff check app tests\n",
        "docker build -t $_REGION-docker.pkg.dev/$PROJECT_ID/apps/quotes:$SHORT_SHA .",
        "docker push $_REGION-docker.pkg.dev/$PROJECT_ID/apps/quotes:$SHORT_SHA",
        "gcloud run deploy $_SERVICE --image=$_REGION-docker.pkg.dev/$PROJECT_ID/apps/quotes:$SHORT_SHA "
        "--region=$_REGION",
        "docker push $_REGION-docker.pkg.dev/$PROJECT_ID/apps/quotes:$SHORT_SHA"],
        "uses": ["$_REGION-docker.pkg.dev/$PROJECT_ID/apps/quotes:$SHORT_SHA", "cloud-build-artifacts:objects"]}),
    (CODEBUILD, "build", {"events": [OTHER], "matrix": {"NODE_VERSION": ("18", "20")},
                          "uses": ["codebuild-report:test", "codebuild-report:coverage", "codebuild-artifacts"],
                          "runs": ["npm ci", "npm run lint", "npx tsc --noEmit",
                                   "npx jest --ci --coverage --reporters=default --reporters=jest-junit",
                                   "npm run build", 'echo "tests finished"',
                                   "npx sam deploy --stack-name pricing-staging --no-confirm-changeset "
                                   "--no-fail-on-empty-changeset"]}),
]


@pytest.mark.parametrize(("where", "job_id", "expected"), JOBS, ids=[f"{row[0][0]}:{row[1]}" for row in JOBS])
def test_fixture_jobs(pipelines, where, job_id, expected):
    check(pipelines[where], job_id, expected)


PROBLEMS = [
    (CLOUD_BUILD, ("triggers are configured in Google Cloud (Cloud Build triggers), not in the file",)),
    (CODEBUILD, ("triggers are configured in AWS (CodeBuild webhook filters or CodePipeline), not in the file",)),
    (("ci-tekton-node", "tekton/tasks/npm-test.yaml"), ("its Task is used by .tekton/push.yaml; read as part of it",)),
    (DRONE, ()), (TEKTON, ()), (CONCOURSE, ()), (TEAMCITY, ()), (BUILDBOT, ()),
]


def test_teamcity_dsl_build_file_is_not_a_pipeline_beside_settings_kts(pipelines):
    assert ("ci-teamcity-kotlin", ".teamcity/pom.xml") not in pipelines
    assert ("ci-teamcity-kotlin", ".teamcity/settings.kts") in pipelines


@pytest.mark.parametrize(("where", "problems"), PROBLEMS, ids=[row[0][1] for row in PROBLEMS])
def test_fixture_problems(pipelines, where, problems):
    assert pipelines[where].problems == problems


POLYGLOT = [
    (".drone.yml", "default/build", {"branches": ("main",), "runs": ["make build"]}),
    (".woodpecker/test.yaml", "test/test", {"events": [PULL_REQUEST, PUSH], "branches": ("main",)}),
    (".tekton/pull-request.yaml", "shortlink-pull-request/unit-tests", {"events": [PULL_REQUEST],
                                                                        "runs": ["go test -race ./...\n"]}),
    ("ci/pipeline.yml", "unit", {"runs": ["go test -race ./..."], "events": [PUSH]}),
    (".teamcity/settings.kts", "Test", {"runs": ["go test -v -json ./..."], "image": "golang:1.22"}),
    ("buildbot/master.cfg", "shortlink-test", {"branches": ("main",), "runs": ["go vet ./...", "go test -race ./..."]}),
    ("cloudbuild.yaml", "build", {"runs": ["go test -race ./...",
                                           "docker build -t europe-docker.pkg.dev/$PROJECT_ID/services/shortlink:"
                                           "$SHORT_SHA .",
                                           "docker push europe-docker.pkg.dev/$PROJECT_ID/services/shortlink:"
                                           "$SHORT_SHA"]}),
    ("buildspec.yml", "build", {"uses": ["codebuild-artifacts"]}),
]


@pytest.mark.parametrize(("path", "job_id", "expected"), POLYGLOT, ids=[row[0] for row in POLYGLOT])
def test_polyglot(pipelines, path, job_id, expected):
    check(pipelines[("ci-polyglot", path)], job_id, expected)


# --- one construct at a time ---------------------------------------------------------------------------

CONSTRUCTS = [
    ("drone default events", "drone", ".drone.yml", "kind: pipeline\nsteps:\n  - name: t\n    image: node\n"
     "    commands: [npm test]\n", "pipeline 1/t",
     {"events": [MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG]}),
    ("drone event exclude", "drone", ".drone.yml", "kind: pipeline\nname: p\nsteps:\n  - name: t\n    image: node\n"
     "    commands: [npm test]\ntrigger:\n  event:\n    exclude: [pull_request, cron, promote, rollback, custom]\n",
     "p/t", {"events": [PUSH, TAG]}),
    ("drone depends_on", "drone", ".drone.yml",
     "kind: pipeline\nname: p\nsteps:\n  - {name: a, image: x, commands: [a]}\n"
     "  - {name: b, image: x, commands: [b]}\n  - {name: c, image: x, commands: [c], depends_on: [a]}\n", "p/c",
     {"needs": ("p/a",)}),
    ("woodpecker evaluate tag", "woodpecker", ".woodpecker.yml",
     "steps:\n  - name: r\n    image: x\n    commands: [r]\n"
     "    when:\n      evaluate: 'CI_COMMIT_TAG != \"\"'\n", "woodpecker/r", {"events": [TAG]}),
    ("woodpecker deployment", "woodpecker", ".woodpecker.yml", "steps:\n  deploy:\n    image: x\n    commands: [d]\n"
     "    when:\n      event: deployment\n      environment: production\n", "woodpecker/deploy",
     {"events": [MANUAL], "environment": "production"}),
    ("woodpecker evaluate false", "woodpecker", ".woodpecker.yml",
     "steps:\n  - name: r\n    image: x\n    commands: [r]\n    when:\n      evaluate: 'false'\n", "woodpecker/r",
     {"disabled": True}),
    ("tekton pipeline without a run", "tekton", "tekton/pipeline.yaml",
     "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata: {name: ci}\nspec:\n  tasks:\n    - name: t\n"
     "      taskSpec:\n        steps:\n          - {name: s, image: golang, command: [go], args: [test, ./...]}\n",
     "ci/t", {"events": [OTHER], "runs": ["go test ./..."]}),
    ("concourse sh -c", "concourse", "ci/pipeline.yml",
     "jobs:\n  - name: j\n    plan:\n      - task: t\n        config:\n          platform: linux\n          run:\n"
     "            path: bash\n            args: [-ec, 'make lint && make test']\n", "j",
     {"runs": ["make lint && make test"], "events": [MANUAL]}),
    ("concourse time trigger", "concourse", "ci/pipeline.yml",
     "resources:\n  - {name: every-hour, type: time, source: {interval: 1h}}\njobs:\n  - name: j\n    plan:\n"
     "      - {get: every-hour, trigger: true}\n", "j", {"events": [SCHEDULE]}),
    ("buildbot triggerable", "buildbot", "master.cfg",
     "from buildbot.plugins import *\nc = BuildmasterConfig = {}\nf = util.BuildFactory()\n"
     "f.addStep(steps.Test())\nc['schedulers'] = [schedulers.Triggerable(name='t', builderNames=['b'])]\n"
     "c['builders'] = [util.BuilderConfig(name='b', workernames=['w'], factory=f)]\n", "b",
     {"events": [CALL], "runs": ["make test"]}),
    ("buildbot builder without scheduler", "buildbot", "master.cfg",
     "from buildbot.plugins import *\nc = BuildmasterConfig = {}\nf = util.BuildFactory([steps.Compile()])\n"
     "c['schedulers'] = []\nc['builders'] = [util.BuilderConfig(name='b', workernames=['w'], factory=f)]\n", "b",
     {"disabled": True, "runs": ["make all"]}),
    ("teamcity inline build type", "teamcity", ".teamcity/settings.kts",
     "import jetbrains.buildServer.configs.kotlin.*\nproject {\n  buildType {\n    id(\"Lint\")\n"
     "    steps {\n      python {\n        command = flake8 {\n        }\n      }\n    }\n"
     "    triggers {\n      vcs {\n      }\n    }\n  }\n}\n", "Lint", {"runs": ["python -m flake8"], "events": [PUSH],
                                                                  "branches": None}),
    ("cloud build builder without entrypoint", "google-cloud-build", "cloudbuild.yaml",
     "steps:\n  - name: gcr.io/cloud-builders/npm\n    args: [test]\n    dir: web\n", "build",
     {"runs": ["cd web\nnpm test"]}),
]


@pytest.mark.parametrize(("system", "path", "text", "job_id", "expected"), [row[1:] for row in CONSTRUCTS],
                         ids=[row[0] for row in CONSTRUCTS])
def test_constructs(system, path, text, job_id, expected):
    check(parse_files(PARSERS[system], {path: text}, path), job_id, expected)


def test_buildbot_that_is_not_python_is_reported():
    pipeline = parse_files(PARSERS["buildbot"], {"master.cfg": "c['builders'] = [\n"}, "master.cfg")
    assert pipeline.jobs == () and pipeline.problems[0].startswith("not valid Python (line")


def test_buildbot_computed_command_is_reported_not_guessed():
    text = ("from buildbot.plugins import *\nc = BuildmasterConfig = {}\nf = util.BuildFactory()\n"
            "f.addStep(steps.ShellCommand(command=make_command()))\n"
            "c['schedulers'] = [schedulers.ForceScheduler(name='f', builderNames=['b'])]\n"
            "c['builders'] = [util.BuilderConfig(name='b', workernames=['w'], factory=f)]\n")
    pipeline = parse_files(PARSERS["buildbot"], {"master.cfg": text}, "master.cfg")
    assert pipeline.problems == ("line 4: ShellCommand command is built at run time; not read",)
    check(pipeline, "b", {"runs": [], "uses": ["buildbot:ShellCommand"]})
