"""Reusable units (GitHub actions, orbs, pipes, plugins, tasks, parser pseudo-units) → what they do.

Each row is a `uses:` as CI files write it, with the inputs that change its meaning, and exactly the
(kind, tool) pairs it gives. A unit no table knows gives None: never a guess from its name.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan.model import Location
from devops_scan_detectors.activity import KINDS
from devops_scan_detectors.actions import unit_effect, unit_key
from devops_scan_detectors.cimodel import Include
from devops_scan_detectors.unit_catalog import system_of
from devops_scan_detectors.unit_templates import template_activities

GH = ".github/workflows/ci.yml"

UNITS = [
    # GitHub: setup actions do nothing
    ("actions/checkout@v4", {}, GH, set()),
    ("actions/setup-python@v5", {"python-version": "3.12"}, GH, set()),
    ("docker/login-action@v3", {}, GH, set()),
    ("hashicorp/setup-terraform@v3", {}, GH, set()),
    ("actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11", {}, GH, set()),
    # artifacts
    ("actions/upload-artifact@v4", {"name": "dist"}, GH, {("artifact-upload", "upload-artifact")}),
    ("actions/download-artifact@v4", {"name": "dist"}, GH, {("artifact-download", "download-artifact")}),
    # coverage and test reports
    ("codecov/codecov-action@v4", {}, GH, {("coverage-upload", "codecov")}),
    ("coverallsapp/github-action@v2", {}, GH, {("coverage-upload", "coveralls")}),
    ("SonarSource/sonarcloud-github-action@master", {}, GH, {("coverage-upload", "sonar"), ("sast", "sonar")}),
    ("sonarsource/sonarqube-scan-action@v3", {}, GH, {("coverage-upload", "sonar"), ("sast", "sonar")}),
    ("py-cov-action/python-coverage-comment-action@v3", {"MINIMUM_GREEN": "90"}, GH,
     {("coverage-upload", "python-coverage-comment"), ("coverage-gate", "python-coverage-comment")}),
    ("irongut/CodeCoverageSummary@v1.3.0", {}, GH, {("coverage-upload", "code-coverage-summary")}),
    ("vladopajic/go-test-coverage@v2", {"threshold-total": "80"}, GH, {("coverage-gate", "go-test-coverage")}),
    ("dorny/test-reporter@v1", {}, GH, {("test-report", "test-reporter")}),
    ("EnricoMi/publish-unit-test-result-action@v2", {}, GH, {("test-report", "publish-unit-test-result")}),
    ("EnricoMi/publish-unit-test-result-action/composite@v2", {}, GH,
     {("test-report", "publish-unit-test-result")}),
    ("mikepenz/action-junit-report@v4", {}, GH, {("test-report", "action-junit-report")}),
    # security
    ("github/codeql-action/init@v3", {}, GH, set()),
    ("github/codeql-action/analyze@v3", {}, GH, {("sast", "codeql")}),
    # uploading results says nothing of the scan: the scanning step does (Scorecard uploads results.sarif)
    ("github/codeql-action/upload-sarif@v3", {"sarif_file": "results.sarif"}, GH, set()),
    ("github/codeql-action/upload-sarif@v3", {"sarif_file": "trivy-results.sarif"}, GH, set()),
    ("aquasecurity/trivy-action@0.24.0", {}, GH, {("container-scan", "trivy")}),
    ("aquasecurity/trivy-action@0.24.0", {"scan-type": "fs"}, GH, {("dependency-scan", "trivy"),
                                                                  ("secret-scan", "trivy")}),
    ("aquasecurity/trivy-action@0.24.0", {"scan-type": "config"}, GH, {("policy-check", "trivy")}),
    ("aquasecurity/trivy-action@0.24.0", {"scan-type": "fs", "format": "cyclonedx"}, GH, {("sbom", "trivy")}),
    ("anchore/scan-action@v3", {"image": "acme/api"}, GH, {("container-scan", "grype")}),
    ("anchore/scan-action@v3", {"path": "."}, GH, {("dependency-scan", "grype")}),
    ("anchore/sbom-action@v0", {}, GH, {("sbom", "syft")}),
    ("snyk/actions/node@master", {}, GH, {("dependency-scan", "snyk")}),
    ("snyk/actions/node@master", {"command": "code test"}, GH, {("sast", "snyk")}),
    ("snyk/actions/docker@master", {}, GH, {("container-scan", "snyk")}),
    ("gitleaks/gitleaks-action@v2", {}, GH, {("secret-scan", "gitleaks")}),
    ("trufflesecurity/trufflehog@main", {}, GH, {("secret-scan", "trufflehog")}),
    ("returntocorp/semgrep-action@v1", {}, GH, {("sast", "semgrep")}),
    ("actions/dependency-review-action@v4", {}, GH, {("dependency-scan", "dependency-review")}),
    ("bridgecrewio/checkov-action@v12", {}, GH, {("policy-check", "checkov")}),
    ("ossf/scorecard-action@v2", {}, GH, set()),
    ("actions/attest-build-provenance@v1", {}, GH, {("sign", "github-attestations")}),
    ("sigstore/cosign-installer@v3", {}, GH, set()),
    # lint
    ("golangci/golangci-lint-action@v6", {}, GH, {("lint", "golangci-lint")}),
    ("github/super-linter/slim@v5", {}, GH, {("lint", "super-linter")}),
    ("super-linter/super-linter@v7", {}, GH, {("lint", "super-linter")}),
    ("reviewdog/action-eslint@v1", {}, GH, {("lint", "reviewdog")}),
    ("reviewdog/action-setup@v1", {}, GH, set()),
    ("hadolint/hadolint-action@v3.1.0", {}, GH, {("lint", "hadolint")}),
    ("ludeeus/action-shellcheck@master", {}, GH, {("lint", "shellcheck")}),
    ("astral-sh/ruff-action@v1", {}, GH, {("lint", "ruff")}),
    ("astral-sh/ruff-action@v1", {"args": "format --check"}, GH, {("format-check", "ruff")}),
    ("psf/black@stable", {}, GH, {("format-check", "black")}),
    ("actions-rs/cargo@v1", {"command": "clippy", "args": "-- -D warnings"}, GH, {("lint", "clippy")}),
    ("actions-rs/cargo@v1", {"command": "test"}, GH, {("test", "cargo")}),
    # images, packages, releases
    ("docker/build-push-action@v6", {"tags": "ghcr.io/acme/api:1", "push": "true"}, GH,
     {("build-image", "docker"), ("push-image", "docker")}),
    ("docker/build-push-action@v6", {"tags": "acme/api:test", "load": "true"}, GH, {("build-image", "docker")}),
    # Trusted publishing signs PEP 740 attestations by default; an API token or `attestations: false` does not.
    ("pypa/gh-action-pypi-publish@release/v1", {}, GH, {("publish", "pypi-publish"), ("sign", "pypi-publish")}),
    ("pypa/gh-action-pypi-publish@release/v1", {"password": "${{ secrets.PYPI }}"}, GH,
     {("publish", "pypi-publish")}),
    ("pypa/gh-action-pypi-publish@release/v1", {"attestations": "false"}, GH, {("publish", "pypi-publish")}),
    ("zizmorcore/zizmor-action@v0", {}, GH, {("lint", "zizmor")}),
    # Unknown actions named exactly after a tool run that tool; other unknown names run nothing we know.
    ("acme/ci-actions/tflint@v2", {}, GH, {("lint", "tflint"), ("iac-validate", "tflint")}),
    ("clowdhaus/terraform-min-max@v2.1.0", {}, GH, None),
    ("softprops/action-gh-release@v2", {}, GH, {("release", "gh-release")}),
    ("googleapis/release-please-action@v4", {}, GH, {("release", "release-please"), ("tag", "release-please")}),
    ("cycjimmy/semantic-release-action@v4", {}, GH, {("release", "semantic-release"), ("tag", "semantic-release")}),
    ("cycjimmy/semantic-release-action@v4", {"dry_run": "true"}, GH, set()),
    ("goreleaser/goreleaser-action@v6", {"args": "release --clean"}, GH, {("release", "goreleaser"),
                                                                         ("build", "goreleaser")}),
    ("goreleaser/goreleaser-action@v6", {"args": "release --snapshot"}, GH, {("build", "goreleaser")}),
    ("mathieudutour/github-tag-action@v6.2", {}, GH, {("tag", "github-tag-action")}),
    ("anothrNick/github-tag-action@1.70.0", {}, GH, {("tag", "github-tag-action")}),
    ("helm/chart-releaser-action@v1.6.0", {}, GH, {("publish", "chart-releaser"), ("release", "chart-releaser")}),
    # deployments
    ("azure/webapps-deploy@v3", {}, GH, {("deploy", "azure-webapps")}),
    ("azure/k8s-deploy@v5", {}, GH, {("deploy", "azure-k8s-deploy")}),
    ("aws-actions/amazon-ecs-deploy-task-definition@v1", {}, GH, {("deploy", "amazon-ecs")}),
    ("google-github-actions/deploy-cloudrun@v2", {}, GH, {("deploy", "cloud-run")}),
    ("peaceiris/actions-gh-pages@v4", {}, GH, {("deploy", "actions-gh-pages")}),
    ("JamesIves/github-pages-deploy-action@v4", {}, GH, {("deploy", "github-pages-deploy-action")}),
    ("actions/deploy-pages@v4", {}, GH, {("deploy", "deploy-pages")}),
    ("actions/upload-pages-artifact@v3", {}, GH, {("artifact-upload", "upload-pages-artifact")}),
    ("superfly/flyctl-actions@master", {"args": "deploy --remote-only"}, GH, {("deploy", "fly")}),
    ("pulumi/actions@v5", {"command": "up"}, GH, {("deploy", "pulumi")}),
    ("pulumi/actions@v5", {"command": "preview"}, GH, {("iac-validate", "pulumi")}),
    ("cloudflare/wrangler-action@v3", {}, GH, {("deploy", "cloudflare")}),
    ("appleboy/ssh-action@v1", {"script": "cd /srv/app && docker compose up -d"}, GH, set()),
    ("cypress-io/github-action@v6", {}, GH, {("e2e-test", "cypress")}),
    # a Docker image as a step
    ("docker://hadolint/hadolint:latest-debian", {"args": "hadolint Dockerfile"}, GH, {("lint", "hadolint")}),
    # CircleCI
    ("store_test_results", {"path": "reports"}, ".circleci/config.yml", {("test-report", "circleci")}),
    ("persist_to_workspace", {"root": "."}, ".circleci/config.yml", {("artifact-upload", "circleci")}),
    ("attach_workspace", {"at": "."}, ".circleci/config.yml", {("artifact-download", "circleci")}),
    ("codecov/upload", {}, ".circleci/config.yml", {("coverage-upload", "codecov")}),
    ("docker/publish", {}, ".circleci/config.yml", {("build-image", "docker"), ("push-image", "docker")}),
    ("aws-ecr/build_and_push_image", {}, ".circleci/config.yml", {("build-image", "aws-ecr"),
                                                                  ("push-image", "aws-ecr")}),
    ("aws-ecs/deploy_service_update", {}, ".circleci/config.yml", {("deploy", "aws-ecs")}),
    ("ruby/rspec-test", {}, ".circleci/config.yml", {("test", "rspec"), ("test-report", "rspec")}),
    # GitLab pseudo-steps (from the GitLab parser)
    ("gitlab:coverage", {"regex": "/TOTAL.*? (\\d+%)/"}, ".gitlab-ci.yml", {("coverage-upload", "gitlab")}),
    ("gitlab:artifacts-reports", {"junit": "report.xml", "coverage_report": "cobertura",
                                  "coverage_report.path": "coverage.xml"}, ".gitlab-ci.yml",
     {("test-report", "gitlab"), ("coverage-upload", "gitlab")}),
    ("gitlab:artifacts-reports", {"sast": "gl-sast.json", "container_scanning": "c.json"}, "ci/jobs/scan.yml",
     {("sast", "gitlab"), ("container-scan", "gitlab")}),
    ("gitlab:artifacts", {"paths": "dist/"}, ".gitlab-ci.yml", {("artifact-upload", "gitlab")}),
    ("gitlab:artifacts-from", {"jobs": "build"}, ".gitlab-ci.yml", {("artifact-download", "gitlab")}),
    ("gitlab:environment", {"name": "staging"}, ".gitlab-ci.yml", set()),
    ("gitlab:release", {"tag_name": "$CI_COMMIT_TAG"}, ".gitlab-ci.yml", {("release", "gitlab")}),
    ("gitlab:pages", {"publish": "public"}, ".gitlab-ci.yml", {("deploy", "gitlab")}),
    ("trigger:services/web/.gitlab-ci.yml", {}, ".gitlab-ci.yml", set()),
    # Jenkins steps
    ("junit", {"testResults": "target/surefire-reports/*.xml"}, "Jenkinsfile", {("test-report", "jenkins-junit")}),
    ("recordCoverage", {"tools": "[[parser: 'JACOCO']]"}, "Jenkinsfile", {("coverage-upload", "jenkins-coverage")}),
    ("recordCoverage", {"qualityGates": "[[threshold: 80.0, metric: 'LINE']]"}, "Jenkinsfile",
     {("coverage-upload", "jenkins-coverage"), ("coverage-gate", "jenkins-coverage")}),
    ("jacoco", {"changeBuildStatus": "true", "minimumLineCoverage": "80"}, "Jenkinsfile",
     {("coverage-upload", "jenkins-jacoco"), ("coverage-gate", "jenkins-jacoco")}),
    ("archiveArtifacts", {"artifacts": "target/*.jar"}, "Jenkinsfile", {("artifact-upload", "jenkins")}),
    ("withSonarQubeEnv", {"value": "sonar"}, "Jenkinsfile", {("coverage-upload", "sonar"), ("sast", "sonar")}),
    ("docker.build", {"value": "acme/api"}, "Jenkinsfile", {("build-image", "docker")}),
    ("docker.push", {"image": "acme/api"}, "Jenkinsfile", {("push-image", "docker")}),
    ("recordIssues", {}, "Jenkinsfile", {("lint", "warnings-ng")}),
    # Azure Pipelines tasks
    ("PublishTestResults@2", {}, "azure-pipelines.yml", {("test-report", "azure-pipelines")}),
    ("PublishCodeCoverageResults@2", {}, "azure-pipelines.yml", {("coverage-upload", "azure-pipelines")}),
    ("Docker@2", {}, "azure-pipelines.yml", {("build-image", "docker"), ("push-image", "docker")}),
    ("Docker@2", {"command": "build"}, "azure-pipelines.yml", {("build-image", "docker")}),
    ("Docker@2", {"command": "login"}, "azure-pipelines.yml", set()),
    ("KubernetesManifest@1", {"action": "deploy"}, "azure-pipelines.yml", {("deploy", "kubernetes")}),
    ("KubernetesManifest@1", {"action": "bake"}, "azure-pipelines.yml", {("iac-validate", "kubernetes")}),
    ("AzureWebApp@1", {}, "azure-pipelines.yml", {("deploy", "azure-app-service")}),
    ("HelmDeploy@0", {"command": "upgrade"}, "azure-pipelines.yml", {("deploy", "helm")}),
    ("TerraformTaskV4@4", {"command": "plan"}, "azure-pipelines.yml", {("iac-validate", "terraform")}),
    ("TerraformTaskV4@4", {"command": "apply"}, "azure-pipelines.yml", {("deploy", "terraform")}),
    ("PublishPipelineArtifact@1", {}, "azure-pipelines.yml", {("artifact-upload", "azure-pipelines")}),
    ("DownloadPipelineArtifact@2", {}, "azure-pipelines.yml", {("artifact-download", "azure-pipelines")}),
    ("publish", {"publish": "dist"}, "azure-pipelines.yml", {("artifact-upload", "azure-pipelines")}),
    ("download", {"download": "current"}, "azure-pipelines.yml", {("artifact-download", "azure-pipelines")}),
    ("SonarCloudAnalyze@2", {}, "azure-pipelines.yml", {("coverage-upload", "sonar"), ("sast", "sonar")}),
    ("ManualValidation@1", {}, "azure-pipelines.yml", None),
    # Bitbucket pipes
    ("atlassian/aws-ecs-deploy:1.12.1", {}, "bitbucket-pipelines.yml", {("deploy", "aws-ecs-deploy")}),
    ("atlassian/aws-ecr-push-image:2.4.2", {}, "bitbucket-pipelines.yml", {("push-image", "aws-ecr")}),
    ("atlassian/kubectl-run:3.1.2", {"KUBECTL_COMMAND": "apply"}, "bitbucket-pipelines.yml",
     {("deploy", "kubectl")}),
    ("sonarsource/sonarcloud-scan:2.0.0", {}, "bitbucket-pipelines.yml", {("coverage-upload", "sonar"),
                                                                          ("sast", "sonar")}),
    # Buildkite plugins
    ("test-collector#v1.10.1", {"files": "junit-*.xml"}, ".buildkite/pipeline.yml",
     {("test-report", "buildkite-test-engine")}),
    ("docker-compose#v5.2.0", {"build": "app", "push": "app"}, ".buildkite/pipeline.yml",
     {("build-image", "docker-compose"), ("push-image", "docker-compose")}),
    ("docker#v5.11.0", {"image": "golang:1.22"}, ".buildkite/pipeline.yml", set()),
    # Drone / Woodpecker plugin images
    ("plugins/docker", {"repo": "acme/api"}, ".drone.yml", {("build-image", "docker"), ("push-image", "docker")}),
    ("plugins/docker:20", {"repo": "acme/api", "dry_run": "true"}, ".drone.yml", {("build-image", "docker")}),
    ("woodpeckerci/plugin-docker-buildx:4", {}, ".woodpecker/release.yaml", {("build-image", "docker"),
                                                                              ("push-image", "docker")}),
    ("woodpeckerci/plugin-pypi-publish:1.1.0", {}, ".woodpecker/release.yaml", {("publish", "pypi")}),
    ("plugins/codecov", {}, ".drone.yml", {("coverage-upload", "codecov")}),
    ("gcr.io/kaniko-project/executor:v1.23.0", {}, ".drone.yml", {("build-image", "kaniko"),
                                                                   ("push-image", "kaniko")}),
    # Tekton catalog tasks
    ("buildah", {"IMAGE": "quay.io/acme/api"}, ".tekton/push.yaml", {("build-image", "buildah"),
                                                                     ("push-image", "buildah")}),
    ("git-clone", {}, ".tekton/push.yaml", set()),
    ("task/kaniko/0.6/kaniko.yaml", {}, ".tekton/push.yaml", {("build-image", "kaniko"), ("push-image", "kaniko")}),
    # pseudo-units of other parsers
    ("travis-deploy:pypi", {}, ".travis.yml", {("publish", "travis")}),
    ("travis-deploy:pages", {}, ".travis.yml", {("deploy", "travis")}),
    ("travis-deploy:heroku", {}, ".travis.yml", {("deploy", "travis")}),
    ("travis-deploy:releases", {}, ".travis.yml", {("release", "travis")}),
    ("appveyor-deploy:NuGet", {}, "appveyor.yml", {("publish", "appveyor")}),
    ("appveyor-deploy:AzureBlob", {}, "appveyor.yml", {("artifact-upload", "appveyor")}),
    ("appveyor-msbuild", {}, "appveyor.yml", {("build", "msbuild")}),
    ("appveyor-test-discovery", {}, "appveyor.yml", {("test", "appveyor")}),
    ("codebuild-report:test", {}, "buildspec.yml", {("test-report", "codebuild")}),
    ("codebuild-report:coverage", {}, "buildspec.yml", {("coverage-upload", "codebuild")}),
    ("cloud-build-artifacts:pythonPackages", {}, "cloudbuild.yaml", {("publish", "cloud-build")}),
    ("concourse-put:registry-image", {}, "ci/pipeline.yml", {("push-image", "concourse")}),
    ("concourse-put:github-release", {}, "ci/pipeline.yml", {("release", "concourse")}),
    ("concourse-get:git", {}, "ci/pipeline.yml", set()),
    ("buildbot:FileUpload", {}, "buildbot/master.cfg", {("artifact-upload", "buildbot")}),
    ("teamcity:qodana", {}, ".teamcity/settings.kts", {("lint", "qodana")}),
    # units nobody knows: no guess
    ("acme/do-everything@v1", {}, GH, None),
    ("buildPlugin", {}, "Jenkinsfile", None),
    ("./.github/actions/setup", {}, GH, None),
]


@pytest.mark.parametrize(("uses", "inputs", "path", "expected"), UNITS,
                         ids=[f"{row[0]}-{sorted(row[1])}" for row in UNITS])
def test_what_a_unit_does(uses, inputs, path, expected):
    effect = unit_effect(uses, inputs, path)
    if expected is None:
        assert effect is None or (not effect.activities and not effect.commands)
    else:
        assert effect is not None
        assert {(kind, tool) for kind, tool, _data in effect.activities} == expected


# Units that run a command for the user: the command is followed like a `run:` step.
RUNNING = [
    ("nick-fields/retry@v3", {"command": "make test", "max_attempts": "3"}, ("make test",)),
    ("GabrielBB/xvfb-action@v1", {"run": "npm test"}, ("npm test",)),
    ("paambaati/codeclimate-action@v9", {"coverageCommand": "npm run coverage"}, ("npm run coverage",)),
    ("cypress-io/github-action@v6", {"build": "npm run build", "start": "npm start", "command": "npm run e2e"},
     ("npm run build", "npm start", "npm run e2e")),
    ("changesets/action@v1", {"publish": "pnpm release"}, ("pnpm release",)),
    # pre-commit runs the hooks of .pre-commit-config.yaml: followed like the command.
    ("pre-commit/action@v3.0.1", {}, ("pre-commit run --all-files",)),
    ("pre-commit/action@v3.0.1", {"extra_args": "ruff --all-files"}, ("pre-commit run ruff --all-files",)),
    ("clowdhaus/terraform-composite-actions/pre-commit@v1.14.0", {}, ("pre-commit run --all-files",)),
]


@pytest.mark.parametrize(("uses", "inputs", "commands"), RUNNING, ids=[row[0] for row in RUNNING])
def test_units_that_run_commands_say_which(uses, inputs, commands):
    assert unit_effect(uses, inputs, GH).commands == commands


def test_circleci_orb_jobs_run_the_equivalent_command():
    assert unit_effect("node/test", {"pkg-manager": "yarn"}, ".circleci/config.yml").commands == ("yarn run test",)
    assert unit_effect("python/test", {}, ".circleci/config.yml").commands == ("pytest",)


@pytest.mark.parametrize(("uses", "key"), [
    ("actions/checkout@v4", "actions/checkout"), ("PublishTestResults@2", "publishtestresults"),
    ("atlassian/aws-ecs-deploy:1.6.0", "atlassian/aws-ecs-deploy"), ("docker-compose#v4.16.0", "docker-compose"),
    ("https://github.com/buildkite-plugins/docker-buildkite-plugin#v5", "buildkite-plugins/docker-buildkite-plugin"),
    ("github/codeql-action/analyze@v3", "github/codeql-action/analyze"), ("plugins/docker:20", "plugins/docker"),
])
def test_unit_names_drop_their_versions(uses, key):
    assert unit_key(uses) == key


@pytest.mark.parametrize(("path", "system"), [
    (".github/workflows/ci.yml", "github"), (".circleci/config.yml", "circleci"), (".gitlab-ci.yml", "gitlab"),
    ("Jenkinsfile", "jenkins"), ("azure-pipelines.yml", "azure"), ("bitbucket-pipelines.yml", "bitbucket"),
    (".buildkite/pipeline.yml", "buildkite"), (".drone.yml", "drone"), (".woodpecker/test.yaml", "drone"),
    (".tekton/push.yaml", "tekton"), (".travis.yml", "travis"), ("ci/pipeline.yml", None),
])
def test_the_system_of_a_file_picks_the_table_asked_first(path, system):
    assert system_of(path) == system


TEMPLATES = [
    ("template", "Security/SAST.gitlab-ci.yml", {("sast", ())}),
    ("template", "Jobs/SAST.gitlab-ci.yml", {("sast", ())}),
    ("template", "Jobs/Secret-Detection.gitlab-ci.yml", {("secret-scan", ())}),
    ("template", "Security/Dependency-Scanning.gitlab-ci.yml", {("dependency-scan", ())}),
    ("template", "Jobs/Container-Scanning.gitlab-ci.yml", {("container-scan", ())}),
    ("template", "Jobs/SAST-IaC.gitlab-ci.yml", {("policy-check", ())}),
    ("template", "Code-Quality.gitlab-ci.yml", {("lint", ())}),
    ("template", "Terraform/Base.gitlab-ci.yml", {("iac-validate", (("iac", "terraform"),))}),
    ("template", "Terraform.gitlab-ci.yml", {("iac-validate", (("iac", "terraform"), ("manual", "true"))),
                                             ("deploy", (("iac", "terraform"), ("manual", "true")))}),
    ("template", "Pages/Hugo.gitlab-ci.yml", {("deploy", (("environment", "gitlab-pages"),))}),
    ("template", "Security/DAST.gitlab-ci.yml", set()),
    ("component", "$CI_SERVER_FQDN/components/sast/sast@2.0.2", {("sast", ())}),
    ("component", "gitlab.com/components/secret-detection/secret-detection@1.1", {("secret-scan", ())}),
    ("component", "gitlab.example.com/acme/ci/deploy@1", set()),
    ("remote", "https://example.com/ci/sast.yml", set()),
    ("local", "ci/jobs/test.yml", set()),
    ("reusable-workflow", "slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.0.0",
     {("sign", ())}),
]


@pytest.mark.parametrize(("kind", "ref", "expected"), TEMPLATES, ids=[row[1] for row in TEMPLATES])
def test_named_templates_add_what_they_define(kind, ref, expected):
    include = Include(kind, ref, Location(".gitlab-ci.yml", 3))
    found = template_activities(include)
    assert {(a.kind, tuple(sorted(a.data.items()))) for a in found} == expected
    assert all(a.location == Location(".gitlab-ci.yml", 3) and a.detail == ref for a in found)


def test_auto_devops_deploys_to_production_continuously_by_default():
    found = template_activities(Include("template", "Auto-DevOps.gitlab-ci.yml", Location(".gitlab-ci.yml", 2)))
    deploy = [a for a in found if a.kind == "deploy"]
    assert deploy and deploy[0].data["environment"] == "production"
    assert {a.kind for a in found} >= {"build-image", "push-image", "sast", "dependency-scan", "container-scan",
                                       "secret-scan", "lint"}


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.text(max_size=60), st.sampled_from([u for u, _i, _p, _e in UNITS])),
       st.dictionaries(st.sampled_from(["command", "args", "scan-type", "push", "tags", "publish", "format",
                                        "image", "junit", "reports", "qualityGates", "action", "x"]),
                       st.text(max_size=30), max_size=4),
       st.sampled_from([GH, ".gitlab-ci.yml", "Jenkinsfile", "azure-pipelines.yml", ".drone.yml", "", "x/y.yml"]))
def test_units_never_raise_and_use_known_kinds(uses, inputs, path):
    effect = unit_effect(uses, inputs, path)
    if effect is not None:
        assert {kind for kind, _tool, _data in effect.activities} <= set(KINDS)
        assert all(isinstance(command, str) for command in effect.commands)
