"""CircleCI, Travis CI, Azure Pipelines, Bitbucket Pipelines, Buildkite, AppVeyor and Semaphore into the CI
model, from fixture repositories written from each service's documentation, then one construct at a time."""

from __future__ import annotations

import pytest

from devops_scan_detectors.ci_hosted import PARSERS
from devops_scan_detectors.cimodel import CALL, MANUAL, OTHER, PULL_REQUEST, PUSH, SCHEDULE, TAG
from tests.detectors.ci_parse_helpers import check, line, parse_files, parse_fixtures

FIXTURES = ["ci-circleci-python", "ci-travis-node", "ci-azure-dotnet", "ci-bitbucket-php", "ci-buildkite-go",
            "ci-appveyor-dotnet", "ci-semaphore-rails", "ci-polyglot"]
CIRCLE = ("ci-circleci-python", ".circleci/config.yml")
TRAVIS = ("ci-travis-node", ".travis.yml")
AZURE = ("ci-azure-dotnet", "azure-pipelines.yml")
BITBUCKET = ("ci-bitbucket-php", "bitbucket-pipelines.yml")
BUILDKITE = ("ci-buildkite-go", ".buildkite/pipeline.yml")
APPVEYOR = ("ci-appveyor-dotnet", "appveyor.yml")
SEMAPHORE = ("ci-semaphore-rails", ".semaphore/semaphore.yml")


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory):
    return parse_fixtures(tmp_path_factory.mktemp("hosted"), FIXTURES, PARSERS)


JOBS = [
    # CircleCI: a local command is expanded where it is used; an orb command is a uses step.
    (CIRCLE, "checks/test", {"matrix": {"python": ("3.10", "3.11", "3.12")},
                             "runs": ['pip install -e ".[test]"',
                                      "pytest --cov=ledger --cov-report=xml --junitxml=reports/junit.xml"],
                             "uses": ["checkout", "restore_cache", "save_cache", "store_test_results",
                                      "codecov/upload"],
                             "events": [PULL_REQUEST, PUSH, TAG]}),
    (CIRCLE, "checks/build", {"needs": ("checks/lint", "checks/test"), "events": [PULL_REQUEST, PUSH, TAG]}),
    # An approval job and the job that requires it: both wait for a person; tags only.
    (CIRCLE, "checks/hold", {"manual": True, "events": [TAG]}),
    (CIRCLE, "checks/publish", {"manual": True, "events": [TAG],
                                "runs": ["python -m pip install twine && twine upload dist/*"]}),
    # A branch filter: pushes to main only (a pull request builds its own branch).
    (CIRCLE, "checks/docs", {"events": [PUSH], "branches": ("main",),
                             "runs": ["cd docs\nmake html",
                                      "cd docs\naws s3 sync _build/html s3://docs.example.com/ledger"]}),
    (CIRCLE, "nightly/test", {"events": [SCHEDULE], "branches": ("main",)}),
    (CIRCLE, "legacy-release/publish", {"disabled": True}),
    # Travis: the language versions are the matrix; inherited phases keep their own lines.
    (TRAVIS, "test", {"matrix": {"node_js": ("18", "20", "22")}, "stage": "test",
                      "runs": ["npm ci", "npm run lint", "npm test -- --coverage", "npx codecov"]}),
    (TRAVIS, "docs #1", {"events": [PUSH], "branches": ("main",),
                         "lines": [line(*TRAVIS, "- npm ci"), line(*TRAVIS, "script: npm run docs"),
                                   line(*TRAVIS, "npx codecov")]}),
    (TRAVIS, "docs #1/deploy", {"uses": ["travis-deploy:pages"], "events": [PUSH], "branches": ("main",),
                                "needs": ("docs #1",)}),
    # `script: skip` runs nothing; the deploy runs for tags only and never for pull requests.
    (TRAVIS, "publish #2", {"runs": ["npm ci", "npx codecov"]}),
    (TRAVIS, "publish #2/deploy", {"uses": ["travis-deploy:npm"], "events": [TAG]}),
    (TRAVIS, "browser smoke (disabled until the grid is back)", {"disabled": True}),
    # Azure: a jobs template and the steps template it uses are read in place, with their own lines.
    (AZURE, "Build/Test", {"stage": "Build", "matrix": {"imageName": ("ubuntu-latest", "windows-latest")},
                           "lines": [line("ci-azure-dotnet", ".azure-pipelines/templates/dotnet-test-steps.yml",
                                          "task: UseDotNet@2"),
                                     line("ci-azure-dotnet", ".azure-pipelines/templates/dotnet-test-steps.yml",
                                          "script: dotnet restore"),
                                     line("ci-azure-dotnet", ".azure-pipelines/templates/dotnet-test-steps.yml",
                                          "script: dotnet test"),
                                     line("ci-azure-dotnet", ".azure-pipelines/templates/dotnet-test-steps.yml",
                                          "PublishTestResults@2"),
                                     line("ci-azure-dotnet", ".azure-pipelines/templates/dotnet-test-steps.yml",
                                          "PublishCodeCoverageResults@2"),
                                     line("ci-azure-dotnet", ".azure-pipelines/templates/dotnet-test-steps.yml",
                                          "dotnet format")]}),
    (AZURE, "Build/Package", {"needs": ("Build/Test",), "uses": ["UseDotNet@2", "ArchiveFiles@2", "publish"]}),
    # A steps template in another repository: recorded as external, the rest of the job still read.
    (AZURE, "Build/Audit", {"external": ("template security-scan.yml@templates (in another repository)",),
                            "runs": ["dotnet list package --vulnerable --include-transitive"]}),
    # `condition: eq(variables.isMain, true)` reads through `isMain: $[eq(variables['Build.SourceBranch'], ...)]`.
    (AZURE, "Staging/DeployStaging", {"environment": "invoicing-staging", "events": [PUSH, SCHEDULE],
                                      "branches": ("main",), "manual": False, "uses": ["download", "AzureWebApp@1"]}),
    (AZURE, "Production/SignOff", {"manual": True, "uses": ["ManualValidation@1"]}),
    # Waits for the manual validation; the canary's `on: failure` steps are part of the deployment.
    (AZURE, "Production/DeployProduction", {"manual": True, "environment": "invoicing-production",
                                            "runs": ["./deploy/rollback.sh production"]}),
    (AZURE, "LoadTest/K6", {"disabled": True, "manual": False}),
    # Bitbucket: `default` is every branch but those with their own pipeline.
    (BITBUCKET, "default/Test", {"events": [PUSH], "branches": None, "ignore": ("main",), "image": "php:8.3-cli"}),
    (BITBUCKET, "pull-requests/**/Static analysis", {"events": [PULL_REQUEST],
                                                     "runs": ["composer install --no-interaction --prefer-dist",
                                                              "vendor/bin/phpstan analyse --memory-limit=1G",
                                                              "vendor/bin/php-cs-fixer fix --dry-run --diff"]}),
    (BITBUCKET, "branches/main/Build image", {"uses": ["atlassian/aws-ecr-push-image:2.4.2"],
                                              "needs": ("branches/main/Test",)}),
    # Steps of a stage run in order, with the stage's deployment environment.
    (BITBUCKET, "branches/main/Deploy", {"environment": "staging", "needs": ("branches/main/Migrate",),
                                         "uses": ["atlassian/aws-ecs-deploy:1.12.1"]}),
    (BITBUCKET, "branches/main/Deploy to production", {"manual": True, "environment": "production",
                                                       "events": [PUSH], "branches": ("main",)}),
    # After a manual step, the pipeline waits: the smoke test too.
    (BITBUCKET, "branches/main/Smoke test production", {"manual": True}),
    (BITBUCKET, "tags/v*/Test", {"events": [TAG]}),
    (BITBUCKET, "custom/nightly-security/Dependency audit", {"events": [MANUAL], "runs": ["composer audit --locked"]}),
    # Buildkite: the docker plugin's image is the job's; a branch filter keeps pushes of those branches.
    (BUILDKITE, "lint", {"image": "golangci/golangci-lint:v1.59", "uses": ["docker#v5.11.0"]}),
    (BUILDKITE, "test", {"matrix": {"os": ("linux", "darwin")}, "uses": ["test-collector#v1.10.1"]}),
    (BUILDKITE, "image", {"branches": ("main", "release/*"), "needs": ("checks",), "manual": False}),
    # After a block step the build waits for a person...
    (BUILDKITE, ":rocket: production", {"manual": True, "runs": ["scripts/deploy.sh production"]}),
    # ...but a block filtered to main does not hold a tag build.
    (BUILDKITE, ":bookmark: release", {"manual": False, "events": [TAG]}),
    (BUILDKITE, ":fire: chaos (paused)", {"disabled": True}),
    # AppVeyor: image × configuration × environment matrix; `cmd:`/`sh:`/`ps:` lines are shell text.
    (APPVEYOR, "build", {"matrix": {"image": ("Visual Studio 2022", "Ubuntu2204"),
                                    "configuration": ("Debug", "Release"), "TARGET": ("net8.0", "net6.0")},
                         "events": [PULL_REQUEST, PUSH, TAG], "branches": ("main", "/release\\/.+/")}),
    (APPVEYOR, "deploy", {"uses": ["appveyor-deploy:NuGet", "appveyor-deploy:GitHub"], "events": [TAG],
                          "needs": ("build",)}),
    # Semaphore: the global prologue runs before every job; `skip.when` narrows the block.
    (SEMAPHORE, "Tests/RSpec", {"runs": ["checkout", "sem-version ruby 3.3.1", "cache restore",
                                         "bundle config set --local path vendor/bundle", "bundle install --jobs 4",
                                         "sem-service start postgres 16", "bin/rails db:setup",
                                         "bundle exec rspec --format RspecJunitFormatter --out report.xml "
                                         "$(semaphore-rspec-split)", "test-results publish report.xml"]}),
    (SEMAPHORE, "Docs/YARD", {"events": [PUSH], "branches": ("main",), "needs": ("Lint/RuboCop", "Lint/Brakeman")}),
    # A promoted pipeline runs when promoted: automatically from main, or by hand; its environment is the
    # promotion's.
    (("ci-semaphore-rails", ".semaphore/deploy-staging.yml"), "Deploy/Push to Heroku",
     {"events": [MANUAL, PUSH], "branches": ("main",), "environment": "staging"}),
    (("ci-semaphore-rails", ".semaphore/deploy-production.yml"), "Deploy/Push to Heroku",
     {"events": [MANUAL], "environment": "production"}),
]


@pytest.mark.parametrize(("where", "job_id", "expected"), JOBS, ids=[f"{row[0][0]}:{row[1]}" for row in JOBS])
def test_fixture_jobs(pipelines, where, job_id, expected):
    check(pipelines[where], job_id, expected)


PIPELINES = [
    (CIRCLE, [PULL_REQUEST, PUSH, SCHEDULE, TAG], [("orb", "codecov/codecov@4.1.0"), ("orb", "circleci/aws-cli@4.1")]),
    (TRAVIS, [MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG], [("remote", "acme/travis-shared:notifications.yml@v2")]),
    (AZURE, [PULL_REQUEST, PUSH, SCHEDULE, TAG], [("local", ".azure-pipelines/build-jobs.yml"),
                                                  ("local", "templates/dotnet-test-steps.yml"),
                                                  ("remote", "security-scan.yml@templates")]),
    (BITBUCKET, [MANUAL, PULL_REQUEST, PUSH, TAG], []),
    (BUILDKITE, [PULL_REQUEST, PUSH, TAG], []),
    (APPVEYOR, [PULL_REQUEST, PUSH, TAG], []),
    (SEMAPHORE, [PULL_REQUEST, PUSH, TAG], [("promotion", "deploy-staging.yml"),
                                            ("promotion", "deploy-production.yml")]),
]


@pytest.mark.parametrize(("where", "events", "includes"), PIPELINES, ids=[row[0][0] for row in PIPELINES])
def test_fixture_pipelines(pipelines, where, events, includes):
    pipeline = pipelines[where]
    assert sorted(pipeline.triggers.events) == events
    assert [(include.kind, include.ref) for include in pipeline.includes] == includes
    assert pipeline.problems == ()


def test_an_azure_template_file_is_read_where_it_is_used(pipelines):
    template = pipelines[("ci-azure-dotnet", ".azure-pipelines/build-jobs.yml")]
    assert template.jobs == ()
    assert template.problems == ("used as a template by azure-pipelines.yml; read as part of it",)


POLYGLOT = [
    (".circleci/config.yml", "main/test", {"runs": ["go test -race -coverprofile=coverage.txt ./..."]}),
    (".travis.yml", "test", {"matrix": {"go": ("1.21.x", "1.22.x")}, "branches": ("main",)}),
    ("azure-pipelines.yml", "Job", {"uses": ["GoTool@0", "PublishTestResults@2"], "branches": ("main",)}),
    ("bitbucket-pipelines.yml", "branches/main/Build", {"runs": ["make build"], "needs": ("branches/main/Test",)}),
    (".buildkite/pipeline.yml", ":docker: build", {"branches": ("main",)}),
    ("appveyor.yml", "build", {"runs": ["go version", "go mod download", "go build ./...", "go test ./..."],
                               "events": [PULL_REQUEST, PUSH]}),
    (".semaphore/semaphore.yml", "Test/go test", {"stage": "Test"}),
]


@pytest.mark.parametrize(("path", "job_id", "expected"), POLYGLOT, ids=[row[0] for row in POLYGLOT])
def test_polyglot(pipelines, path, job_id, expected):
    check(pipelines[("ci-polyglot", path)], job_id, expected)


# --- one construct at a time ---------------------------------------------------------------------------

SYSTEM_OF = {".circleci/config.yml": "circleci", ".travis.yml": "travis-ci", "azure-pipelines.yml": "azure-pipelines",
             "bitbucket-pipelines.yml": "bitbucket-pipelines", ".buildkite/pipeline.yml": "buildkite",
             "appveyor.yml": "appveyor", ".semaphore/semaphore.yml": "semaphore"}
CONSTRUCTS = [
    ("circleci when branch", ".circleci/config.yml",
     "version: 2.1\njobs:\n  t:\n    docker: [{image: cimg/base:current}]\n    steps: [checkout, {run: make}]\n"
     "workflows:\n  w:\n    when:\n      equal: [main, << pipeline.git.branch >>]\n    jobs: [t]\n",
     "w/t", {"events": [PUSH], "branches": ("main",), "image": "cimg/base:current"}),
    ("circleci unless scheduled", ".circleci/config.yml",
     "version: 2.1\njobs:\n  t:\n    machine: true\n    steps: [{run: make}]\nworkflows:\n  w:\n    unless:\n"
     "      equal: [scheduled_pipeline, << pipeline.trigger_source >>]\n    jobs: [t]\n",
     "w/t", {"disabled": False, "events": [PULL_REQUEST, PUSH]}),
    ("circleci orb job", ".circleci/config.yml",
     "version: 2.1\norbs:\n  node: circleci/node@5.2\nworkflows:\n  test:\n    jobs:\n      - node/test:\n"
     "          version: '20.11'\n", "test/node/test", {"uses": ["node/test"], "runs": []}),
    ("circleci step when false", ".circleci/config.yml",
     "version: 2.1\njobs:\n  t:\n    machine: true\n    steps:\n      - when:\n          condition: false\n"
     "          steps: [{run: never}]\n      - run: make\nworkflows:\n  w:\n    jobs: [t]\n",
     "w/t", {"runs": ["make"]}),
    ("travis if", ".travis.yml", "language: python\nscript: pytest\nif: branch = main AND type IN (push, api)\n",
     "test", {"events": [MANUAL, PUSH], "branches": ("main",)}),
    ("travis default script", ".travis.yml", "language: ruby\nrvm: [3.2]\n", "test", {"runs": ["bundle exec rake"]}),
    ("azure trigger none", "azure-pipelines.yml", "trigger: none\npr: none\nschedules:\n  - cron: '0 0 * * *'\n"
     "    branches: {include: [main]}\nsteps:\n  - script: make\n", "Job", {"events": [SCHEDULE]}),
    ("azure tags only", "azure-pipelines.yml", "trigger:\n  tags:\n    include: ['v*']\npr: none\nsteps:\n"
     "  - bash: ./release.sh\n    workingDirectory: tools\n", "Job",
     {"events": [TAG], "runs": ["cd tools\n./release.sh"]}),
    ("azure reason condition", "azure-pipelines.yml",
     "jobs:\n  - job: Nightly\n    condition: eq(variables['Build.Reason'], 'Schedule')\n    steps: [{script: make}]\n"
     "schedules:\n  - cron: '0 0 * * *'\n    branches: {include: [main]}\n", "Nightly", {"events": [SCHEDULE]}),
    ("azure resource pipeline", "azure-pipelines.yml",
     "trigger: none\npr: none\nresources:\n  pipelines:\n    - pipeline: build\n      source: app-ci\n"
     "      trigger: true\nsteps: [{script: deploy}]\n", "Job", {"events": [CALL]}),
    ("azure missing template", "azure-pipelines.yml", "steps:\n  - template: nowhere.yml\n  - script: make\n", "Job",
     {"runs": ["make"]}),
    ("bitbucket parallel", "bitbucket-pipelines.yml",
     "pipelines:\n  default:\n    - parallel:\n        - step: {name: A, script: [a]}\n"
     "        - step: {name: B, script: [b]}\n"
     "    - step: {name: C, script: [c]}\n", "default/C", {"needs": ("default/A", "default/B")}),
    ("buildkite if", ".buildkite/pipeline.yml",
     "steps:\n  - label: nightly\n    command: make soak\n    if: build.source == \"schedule\"\n", "nightly",
     {"events": [SCHEDULE]}),
    ("buildkite input does not hold", ".buildkite/pipeline.yml",
     "steps:\n  - input: Release notes\n    fields: [{text: Notes, key: notes}]\n  - label: after\n    command: make\n",
     "after", {"manual": False}),
    # A step that never runs (`enabled: false`, `condition: false`) is left out; the job still runs.
    ("azure disabled steps", "azure-pipelines.yml",
     "steps:\n  - script: make lint\n    enabled: false\n  - script: make smoke\n    condition: false\n"
     "  - script: make test\n", "Job", {"runs": ["make test"], "disabled": False}),
    ("semaphore run when false", ".semaphore/semaphore.yml",
     "version: v1.0\nblocks:\n  - name: Old\n    run:\n      when: \"false\"\n    task:\n      jobs:\n"
     "        - name: j\n          commands: [make]\n", "Old/j", {"disabled": True}),
    ("appveyor skip non tags", "appveyor.yml", "skip_non_tags: true\nbuild: off\ntest_script:\n  - make test\n",
     "build", {"events": [TAG], "uses": []}),
    ("appveyor defaults", "appveyor.yml", "version: 1.0.{build}\nimage: Visual Studio 2022\n", "build",
     {"uses": ["appveyor-msbuild", "appveyor-test-discovery"]}),
]


@pytest.mark.parametrize(("path", "text", "job_id", "expected"), [row[1:] for row in CONSTRUCTS],
                         ids=[row[0] for row in CONSTRUCTS])
def test_constructs(path, text, job_id, expected):
    check(parse_files(PARSERS[SYSTEM_OF[path]], {path: text}, path), job_id, expected)


def test_azure_missing_template_is_a_problem_with_its_line():
    pipeline = parse_files(PARSERS["azure-pipelines"], {"azure-pipelines.yml": "steps:\n  - template: nowhere.yml\n"},
                           "azure-pipelines.yml")
    assert pipeline.problems == ("azure-pipelines.yml:2: template nowhere.yml not found in the repository",)


def test_semaphore_file_nothing_promotes_says_its_trigger_is_elsewhere():
    files = {".semaphore/other.yml": "version: v1.0\nblocks:\n  - name: B\n    task:\n      jobs:\n"
                                     "        - name: j\n          commands: [make]\n"}
    pipeline = parse_files(PARSERS["semaphore"], files, ".semaphore/other.yml")
    assert sorted(pipeline.triggers.events) == [OTHER]
    assert pipeline.problems == ("not the entry pipeline and no promotion starts it: what runs it is set in Semaphore",)
