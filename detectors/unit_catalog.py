"""Reusable units of CI systems other than GitHub: CircleCI orbs and built-in steps, GitLab keywords
the GitLab parser turns into pseudo-steps, Jenkins steps, Azure Pipelines tasks, Bitbucket pipes,
Buildkite plugins, Drone/Woodpecker plugin images, Tekton catalog tasks, Travis CI deploy providers.

Decisions (documented in the report to the lead):
- Jenkins coverage publishers (recordCoverage, publishCoverage, jacoco, cobertura) count as
  COVERAGE_UPLOAD with service "jenkins": Jenkins keeps the report per build and draws its trend,
  which is what "coverage reported" asks. They gate only when told to fail the build.
- GitLab's `coverage:` keyword counts as COVERAGE_UPLOAD (service "gitlab"): GitLab shows it in merge
  requests and keeps its history.
"""

from __future__ import annotations

from devops_scan_detectors.activity import (
    ARTIFACT_DOWNLOAD, ARTIFACT_UPLOAD, BUILD, BUILD_IMAGE, CONTAINER_SCAN, COVERAGE, COVERAGE_GATE,
    COVERAGE_UPLOAD, DEPENDENCY_SCAN, DEPLOY, IAC_VALIDATE, LINT, PUBLISH, PUSH_IMAGE, RELEASE, SAST, SBOM,
    SECRET_SCAN, SIGN, TEST, TEST_REPORT,
)
from devops_scan_detectors.command_rules import kinds
from devops_scan_detectors.unit_rules import Inputs, UnitEffect, UnitHandler, by_input, does, pick, runs, truthy

_NOTHING: UnitHandler = lambda _inputs: UnitEffect()  # noqa: E731 - a table value


def _gitlab_reports(inputs: Inputs) -> UnitEffect:
    kinds_by_report = {"junit": (TEST_REPORT,), "coverage_report": (COVERAGE_UPLOAD,), "cobertura": (COVERAGE_UPLOAD,),
                       "sast": (SAST,), "dependency_scanning": (DEPENDENCY_SCAN,),
                       "container_scanning": (CONTAINER_SCAN,), "secret_detection": (SECRET_SCAN,),
                       "codequality": (LINT,), "cyclonedx": (SBOM,), "terraform": (IAC_VALIDATE,)}
    names = {key.lower() for key in inputs}
    for listing in (pick(inputs, "reports"), pick(inputs, "types")):
        names |= {name.strip().lower() for name in (listing or "").split(",") if name.strip()}
    found = []
    for name in sorted(names):
        data = {"service": "gitlab"} if name in ("coverage_report", "cobertura") else {}
        found += kinds("gitlab", *kinds_by_report.get(name, ()), **data)
    return UnitEffect(found)


def _jenkins_coverage(tool: str) -> UnitHandler:
    def handle(inputs: Inputs) -> UnitEffect:
        found = kinds(tool, COVERAGE_UPLOAD, service="jenkins")
        gated = pick(inputs, "qualityGates", "globalThresholds") or truthy(inputs, "failUnhealthy") or truthy(
            inputs, "changeBuildStatus") and pick(inputs, "minimumLineCoverage", "minimumInstructionCoverage")
        if gated:
            threshold = pick(inputs, "minimumLineCoverage", "minimumInstructionCoverage", "threshold")
            found += kinds(tool, COVERAGE_GATE, threshold=threshold)
        return UnitEffect(found)

    return handle


def _azure_docker(inputs: Inputs) -> UnitEffect:
    command = (pick(inputs, "command") or "buildAndPush").lower()
    image = pick(inputs, "repository")
    found = kinds("docker", BUILD_IMAGE, image=image) if command in ("build", "buildandpush") else []
    return UnitEffect(found + (kinds("docker", PUSH_IMAGE, image=image) if command in ("push", "buildandpush")
                               else []))


def _azure_cli(tool: str, command_input: str, args_input: str) -> UnitHandler:
    """Tasks wrapping a CLI (`DotNetCoreCLI command: test arguments: ...`): the equivalent command line."""

    def handle(inputs: Inputs) -> UnitEffect:
        command = pick(inputs, command_input) or ""
        if tool == "npm" and command.lower() == "custom":
            return UnitEffect([], (f"npm {pick(inputs, 'customCommand') or ''}",))
        extra = []
        if tool == "mvn" and (pick(inputs, "codeCoverageToolOption") or "").lower() in ("jacoco", "cobertura"):
            extra += kinds("maven", COVERAGE)
        if tool in ("mvn", "gradle") and truthy(inputs, "publishJUnitResults", default=True):
            extra += kinds("azure-pipelines", TEST_REPORT)
        return UnitEffect(extra, (f"{tool} {command} {pick(inputs, args_input) or ''}".strip(),))

    return handle


def _terraform_task(inputs: Inputs) -> UnitEffect:
    command = (pick(inputs, "command") or "").lower()
    if command in ("validate", "plan"):
        return UnitEffect(kinds("terraform", IAC_VALIDATE))
    return UnitEffect(kinds("terraform", DEPLOY, iac="terraform") if command == "apply" else [])


def _arm(inputs: Inputs) -> UnitEffect:
    if (pick(inputs, "deploymentMode") or "").lower() == "validation":
        return UnitEffect(kinds("azure-arm", IAC_VALIDATE))
    return UnitEffect(kinds("azure-arm", DEPLOY, iac="arm"))


def _compose_plugin(inputs: Inputs) -> UnitEffect:
    found = kinds("docker-compose", BUILD_IMAGE) if pick(inputs, "build") else []
    return UnitEffect(found + (kinds("docker-compose", PUSH_IMAGE) if pick(inputs, "push") else []))


def _image_plugin(tool: str) -> UnitHandler:
    def handle(inputs: Inputs) -> UnitEffect:
        found = kinds(tool, BUILD_IMAGE, image=pick(inputs, "repo", "repository"))
        pushes = not truthy(inputs, "dry_run") and not truthy(inputs, "dry-run") and not truthy(inputs, "no_push")
        return UnitEffect(found + (kinds(tool, PUSH_IMAGE, image=pick(inputs, "repo", "repository")) if pushes
                                   else []))

    return handle


CIRCLECI: dict[str, UnitHandler] = {
    "store_test_results": does("circleci", TEST_REPORT), "store_artifacts": does("circleci", ARTIFACT_UPLOAD),
    "persist_to_workspace": does("circleci", ARTIFACT_UPLOAD), "attach_workspace": does("circleci", ARTIFACT_DOWNLOAD),
    "checkout": _NOTHING, "setup_remote_docker": _NOTHING, "restore_cache": _NOTHING, "save_cache": _NOTHING,
    "codecov/upload": does("codecov", COVERAGE_UPLOAD, service="codecov"),
    "coveralls/upload": does("coveralls", COVERAGE_UPLOAD, service="coveralls"),
    "node/test": lambda i: UnitEffect([], (f"{pick(i, 'pkg-manager') or 'npm'} run "
                                           f"{pick(i, 'run-command') or 'test'}",)),
    "python/test": lambda i: UnitEffect([], (("python -m unittest" if pick(i, "test-tool") == "unittest"
                                               else f"pytest {pick(i, 'test-tool-args') or ''}").strip(),)),
    "go/test": lambda i: UnitEffect([], (f"go test -coverprofile={pick(i, 'coverprofile') or 'cover-source.out'} "
                                         f"{pick(i, 'packages') or './...'}",)),
    "ruby/rspec-test": does("rspec", TEST, TEST_REPORT), "ruby/rubocop-check": does("rubocop", LINT),
    "docker/publish": does("docker", BUILD_IMAGE, PUSH_IMAGE), "docker/build": does("docker", BUILD_IMAGE),
    "docker/push": does("docker", PUSH_IMAGE), "docker/hadolint": does("hadolint", LINT),
    "aws-ecr/build-and-push-image": does("aws-ecr", BUILD_IMAGE, PUSH_IMAGE),
    "aws-ecr/build_and_push_image": does("aws-ecr", BUILD_IMAGE, PUSH_IMAGE),
    "aws-ecs/deploy-service-update": does("aws-ecs", DEPLOY), "aws-ecs/deploy_service_update": does("aws-ecs", DEPLOY),
    "aws-ecs/update-service": does("aws-ecs", DEPLOY), "aws-ecs/update_service": does("aws-ecs", DEPLOY),
    "gcp-gcr/build-and-push-image": does("gcr", BUILD_IMAGE, PUSH_IMAGE),
    "gcp-cloud-run/deploy": does("cloud-run", DEPLOY), "heroku/deploy-via-git": does("heroku", DEPLOY),
    "kubernetes/create-or-update-resource": does("kubectl", DEPLOY),
    "helm/upgrade-helm-chart": does("helm", DEPLOY), "helm/install-helm-chart": does("helm", DEPLOY),
    "snyk/scan": does("snyk", DEPENDENCY_SCAN), "sonarcloud/scan": does("sonar", COVERAGE_UPLOAD, SAST,
                                                                        service="sonar"),
    "terraform/plan": does("terraform", IAC_VALIDATE), "terraform/validate": does("terraform", IAC_VALIDATE),
    "terraform/fmt": does("terraform", IAC_VALIDATE), "terraform/apply": does("terraform", DEPLOY, iac="terraform"),
}

GITLAB: dict[str, UnitHandler] = {
    "coverage": does("gitlab", COVERAGE_UPLOAD, service="gitlab"),
    "artifacts-from": does("gitlab", ARTIFACT_DOWNLOAD), "environment": _NOTHING,
    "artifacts-reports": _gitlab_reports,
    "artifacts": does("gitlab", ARTIFACT_UPLOAD),
    "release": does("gitlab", RELEASE),
    "pages": does("gitlab", DEPLOY, environment="gitlab-pages"),
}

JENKINS: dict[str, UnitHandler] = {
    "junit": does("jenkins-junit", TEST_REPORT), "xunit": does("jenkins-xunit", TEST_REPORT),
    "nunit": does("jenkins-nunit", TEST_REPORT), "mstest": does("jenkins-mstest", TEST_REPORT),
    "recordcoverage": _jenkins_coverage("jenkins-coverage"), "publishcoverage": _jenkins_coverage("jenkins-coverage"),
    "jacoco": _jenkins_coverage("jenkins-jacoco"), "cobertura": _jenkins_coverage("jenkins-cobertura"),
    "clover": _jenkins_coverage("jenkins-clover"),
    "archiveartifacts": does("jenkins", ARTIFACT_UPLOAD), "stash": does("jenkins", ARTIFACT_UPLOAD),
    "unstash": does("jenkins", ARTIFACT_DOWNLOAD), "copyartifacts": does("jenkins", ARTIFACT_DOWNLOAD),
    "withsonarqubeenv": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "recordissues": does("warnings-ng", LINT), "dependencycheck": does("owasp-dependency-check", DEPENDENCY_SCAN),
    "dependencycheckpublisher": does("owasp-dependency-check", DEPENDENCY_SCAN),
    "snyksecurity": does("snyk", DEPENDENCY_SCAN), "docker.build": does("docker", BUILD_IMAGE),
    "docker.push": does("docker", PUSH_IMAGE), "kubernetesdeploy": does("kubernetes", DEPLOY),
    "ansibleplaybook": does("ansible", DEPLOY, iac="ansible"), "creategithubrelease": does("github", RELEASE),
    "nexusartifactuploader": does("nexus", PUBLISH), "nexuspublisher": does("nexus", PUBLISH),
    "rtupload": does("artifactory", PUBLISH), "rtnpmpublish": does("artifactory", PUBLISH),
    "testng": does("jenkins-testng", TEST_REPORT), "junitreport": does("jenkins-junit", TEST_REPORT),
    "cucumber": does("jenkins-cucumber", TEST_REPORT), "allure": does("allure", TEST_REPORT),
    "publishtestresults": does("jenkins", TEST_REPORT),
    "codecoverage": _jenkins_coverage("jenkins-coverage"), "coverage": _jenkins_coverage("jenkins-coverage"),
    "lcov": _jenkins_coverage("jenkins-coverage"),
    **{name: does("warnings-ng", LINT) for name in ("scanforissues", "publishissues", "checkstyle", "pmd",
                                                      "findbugs", "spotbugs", "warnings", "warnng")},
    "dependencytrackpublisher": does("dependency-track", DEPENDENCY_SCAN),
    "sonarscanner": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "aquamicroscanner": does("aqua", CONTAINER_SCAN), "anchore": does("anchore", CONTAINER_SCAN),
    "grypescan": does("grype", CONTAINER_SCAN),
    "cfnupdate": does("cloudformation", DEPLOY, iac="cloudformation"), "cfnvalidate": does("cloudformation",
                                                                                          IAC_VALIDATE),
    "createdeployment": does("codedeploy", DEPLOY), "deploytoappengine": does("app-engine", DEPLOY),
    "azurewebapppublish": does("azure-app-service", DEPLOY), "azurefunctionapppublish": does(
        "azure-functions", DEPLOY), "acsdeploy": does("azure-container-service", DEPLOY),
    "openshiftdeploy": does("openshift", DEPLOY), "openshiftbuild": does("openshift", BUILD_IMAGE),
    "signartifacts": does("jenkins", SIGN), "cosign": does("cosign", SIGN),
    "dotnettest": does("dotnet", TEST), "vstest": does("vstest", TEST), "dotnetbuild": does("dotnet", BUILD),
    "dotnetpublish": does("dotnet", BUILD), "dotnetpack": does("dotnet", BUILD), "msbuild": does("msbuild", BUILD),
}

AZURE: dict[str, UnitHandler] = {
    "publishtestresults": does("azure-pipelines", TEST_REPORT),
    "publishcodecoverageresults": does("azure-pipelines", COVERAGE_UPLOAD, service="azure-devops"),
    "docker": _azure_docker,
    "kubernetesmanifest": by_input("action", {"deploy": does("kubernetes", DEPLOY), "patch": does("kubernetes", DEPLOY),
                                              "promote": does("kubernetes", DEPLOY), "bake": does(
                                                  "kubernetes", IAC_VALIDATE)}, default="deploy"),
    "kubernetes": by_input("command", {"apply": does("kubectl", DEPLOY), "set": does("kubectl", DEPLOY)}),
    **{task: does("azure-app-service", DEPLOY) for task in (
        "azurewebapp", "azurermwebappdeployment", "azurefunctionapp", "azurewebappcontainer",
        "azurefunctionappcontainer", "azurecontainerapps", "azurespringcloud", "azurestaticwebapp")},
    "azureresourcemanagertemplatedeployment": _arm, "azureresourcegroupdeployment": _arm,
    "helmdeploy": by_input("command", {"upgrade": does("helm", DEPLOY), "install": does("helm", DEPLOY),
                                       "package": does("helm", BUILD), "lint": does("helm", IAC_VALIDATE)}),
    "terraformtask": _terraform_task, "terraformtaskv4": _terraform_task, "terraformcli": _terraform_task,
    "publishpipelineartifact": does("azure-pipelines", ARTIFACT_UPLOAD),
    "publishbuildartifacts": does("azure-pipelines", ARTIFACT_UPLOAD),
    "downloadpipelineartifact": does("azure-pipelines", ARTIFACT_DOWNLOAD),
    "downloadbuildartifacts": does("azure-pipelines", ARTIFACT_DOWNLOAD),
    "dotnetcorecli": _azure_cli("dotnet", "command", "arguments"),
    "vstest": lambda i: UnitEffect(kinds("vstest", TEST) + (kinds("vstest", COVERAGE) if truthy(
        i, "codeCoverageEnabled") else [])),
    "maven": _azure_cli("mvn", "goals", "options"), "gradle": _azure_cli("gradle", "tasks", "options"),
    "npm": _azure_cli("npm", "command", "arguments"),
    "nugetcommand": by_input("command", {"push": does("nuget", PUBLISH), "pack": does("nuget", BUILD)}),
    "sonarqubeanalyze": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "sonarcloudanalyze": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "advancedsecurity-codeql-analyze": does("codeql", SAST),
    "advancedsecurity-dependency-scanning": does("github-advanced-security", DEPENDENCY_SCAN),
    "snyksecurityscan": by_input("testType", {"app": does("snyk", DEPENDENCY_SCAN), "container": does(
        "snyk", CONTAINER_SCAN), "code": does("snyk", SAST)}, default="app"),
    "githubrelease": by_input("action", {"create": does("github", RELEASE)}, default="create"),
    "azurecli": runs("inlineScript", "scriptPath"), "bash": runs("script", "filePath"),
    "esrpcodesigning": does("esrp", SIGN),
    # Step shortcuts (`- download: current`, `- publish: dist`...).
    "download": does("azure-pipelines", ARTIFACT_DOWNLOAD), "downloadbuild": does("azure-pipelines", ARTIFACT_DOWNLOAD),
    "publish": does("azure-pipelines", ARTIFACT_UPLOAD), "upload": does("azure-pipelines", ARTIFACT_UPLOAD),
    "checkout": _NOTHING, "getpackage": _NOTHING, "restorecache": _NOTHING,
    "reviewapp": does("azure-pipelines", DEPLOY, environment="review"),
}

BITBUCKET: dict[str, UnitHandler] = {
    **{f"atlassian/{pipe}": does(pipe, DEPLOY) for pipe in (
        "aws-ecs-deploy", "aws-elasticbeanstalk-deploy", "aws-lambda-deploy", "aws-code-deploy", "aws-s3-deploy",
        "azure-web-apps-deploy", "azure-functions-deploy", "google-app-engine-deploy", "google-cloud-run-deploy",
        "heroku-deploy", "firebase-deploy", "rsync-deploy", "scp-deploy", "sftp-deploy", "ftp-deploy",
        "aws-sam-deploy", "serverless-deploy", "azure-aks-deploy", "google-gke-kubectl-run")},
    "atlassian/aws-cloudformation-deploy": does("cloudformation", DEPLOY, iac="cloudformation"),
    "atlassian/kubectl-run": lambda i: UnitEffect(kinds("kubectl", DEPLOY) if (pick(i, "KUBECTL_COMMAND") or "")
                                                  .split()[:1] in (["apply"], ["set"], ["rollout"]) else []),
    "atlassian/aws-ecr-push-image": does("aws-ecr", PUSH_IMAGE), "atlassian/azure-acr-push-image": does(
        "azure-acr", PUSH_IMAGE), "atlassian/gcp-gcr-push-image": does("gcr", PUSH_IMAGE),
    "snyk/snyk-scan": lambda i: UnitEffect(kinds("snyk", CONTAINER_SCAN if pick(i, "IMAGE_NAME") else
                                                 DEPENDENCY_SCAN)),
    "atlassian/git-secrets-scan": does("git-secrets", SECRET_SCAN),
    "sonarsource/sonarcloud-scan": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "sonarsource/sonarqube-scan": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "atlassian/pypi-publish": does("pypi-publish", PUBLISH), "atlassian/npm-publish": does("npm", PUBLISH),
    "atlassian/trigger-pipeline": _NOTHING, "atlassian/slack-notify": _NOTHING, "atlassian/ssh-run": _NOTHING,
}

BUILDKITE: dict[str, UnitHandler] = {
    "docker-compose": _compose_plugin, "docker": _NOTHING, "docker-login": _NOTHING, "ecr": _NOTHING,
    "test-collector": does("buildkite-test-engine", TEST_REPORT),
    "junit-annotate": does("buildkite-junit-annotate", TEST_REPORT),
    "artifacts": lambda i: UnitEffect((kinds("buildkite", ARTIFACT_UPLOAD) if pick(i, "upload") else []) + (
        kinds("buildkite", ARTIFACT_DOWNLOAD) if pick(i, "download") else [])),
    "shellcheck": does("shellcheck", LINT), "ecs-deploy": does("ecs-deploy", DEPLOY),
    "snyk": does("snyk", DEPENDENCY_SCAN), "trivy": does("trivy", CONTAINER_SCAN),
}

DRONE: dict[str, UnitHandler] = {
    **{image: _image_plugin("docker") for image in ("plugins/docker", "plugins/ecr", "plugins/gcr", "plugins/acr",
                                                    "plugins/kaniko", "plugins/kaniko-ecr", "plugins/kaniko-gcr",
                                                    "woodpeckerci/plugin-docker-buildx",
                                                    "thegeeklab/drone-docker-buildx", "woodpeckerci/plugin-kaniko",
                                                    "plugins/docker-buildx")},
    "kaniko-project/executor": _image_plugin("kaniko"),
    "plugins/manifest": does("manifest-tool", PUSH_IMAGE),
    "plugins/github-release": does("github-release", RELEASE), "plugins/gitea-release": does("gitea-release", RELEASE),
    "woodpeckerci/plugin-release": does("gitea-release", RELEASE),
    "plugins/codecov": does("codecov", COVERAGE_UPLOAD, service="codecov"),
    "woodpeckerci/plugin-codecov": does("codecov", COVERAGE_UPLOAD, service="codecov"),
    "plugins/coveralls": does("coveralls", COVERAGE_UPLOAD, service="coveralls"),
    "plugins/pypi": does("pypi", PUBLISH), "plugins/npm": does("npm", PUBLISH),
    "woodpeckerci/plugin-pypi-publish": does("pypi", PUBLISH), "woodpeckerci/plugin-npm": does("npm", PUBLISH),
    "woodpeckerci/plugin-github-release": does("github-release", RELEASE),
    "woodpeckerci/plugin-s3": does("s3", ARTIFACT_UPLOAD), "plugins/s3": does("s3", ARTIFACT_UPLOAD),
    "plugins/ansible": does("ansible", DEPLOY, iac="ansible"), "pelotech/drone-helm3": by_input(
        "mode", {"upgrade": does("helm", DEPLOY), "lint": does("helm", IAC_VALIDATE)}),
    "plugins/gh-pages": does("gh-pages", DEPLOY, environment="github-pages"),
    "plugins/heroku": does("heroku", DEPLOY), "sinlead/drone-kubectl": does("kubectl", DEPLOY),
    "plugins/git": _NOTHING, "plugins/slack": _NOTHING, "appleboy/drone-ssh": _NOTHING,
}

TEKTON: dict[str, UnitHandler] = {
    "buildah": does("buildah", BUILD_IMAGE, PUSH_IMAGE), "kaniko": does("kaniko", BUILD_IMAGE, PUSH_IMAGE),
    "jib-maven": does("jib", BUILD_IMAGE, PUSH_IMAGE), "buildpacks": does("buildpacks", BUILD_IMAGE, PUSH_IMAGE),
    "s2i": does("s2i", BUILD_IMAGE), "skopeo-copy": does("skopeo", PUSH_IMAGE),
    "git-clone": _NOTHING, "golang-test": does("go", TEST), "golang-build": does("go", BUILD),
    "golangci-lint": does("golangci-lint", LINT), "pylint": does("pylint", LINT), "pytest": does("pytest", TEST),
    "flake8": does("flake8", LINT), "hadolint": does("hadolint", LINT), "shellcheck": does("shellcheck", LINT),
    "yaml-lint": does("yamllint", LINT), "sonarqube-scanner": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "trivy-scanner": lambda i: UnitEffect([], (f"trivy {pick(i, 'ARGS') or ''}",)),
    "maven": lambda i: UnitEffect([], (f"mvn {pick(i, 'GOALS') or 'package'}",)),
    "gradle": lambda i: UnitEffect([], (f"gradle {pick(i, 'TASKS') or 'build'}",)),
    "helm-upgrade-from-source": does("helm", DEPLOY), "helm-upgrade-from-repo": does("helm", DEPLOY),
    "kubernetes-actions": runs("script"), "openshift-client": runs("SCRIPT"), "git-cli": runs("GIT_SCRIPT"),
    "argocd-task-sync-and-wait": does("argocd", DEPLOY), "kubectl-deploy-pod": does("kubectl", DEPLOY),
    "github-create-release": does("github", RELEASE),
}

TRAVIS: dict[str, UnitHandler] = {
    **{f"deploy/{provider}": does("dpl", PUBLISH, registry=provider) for provider in (
        "pypi", "npm", "rubygems", "cargo", "hackage", "puppetforge", "packagecloud", "bintray", "pages:git")},
    "deploy/releases": does("dpl", RELEASE),
    "deploy/pages": does("dpl", DEPLOY, environment="github-pages"),
    "deploy": does("dpl", DEPLOY),
}

CATALOGS: dict[str, dict[str, UnitHandler]] = {
    "circleci": CIRCLECI, "gitlab": GITLAB, "jenkins": JENKINS, "azure": AZURE, "bitbucket": BITBUCKET,
    "buildkite": BUILDKITE, "drone": DRONE, "tekton": TEKTON, "travis": TRAVIS,
}
# Only these tables are consulted for a unit whose file does not tell the system: GitLab's and
# Travis's keys ("coverage", "deploy") are too generic to match a unit of another system.
GUESSABLE = ("circleci", "jenkins", "azure", "bitbucket", "buildkite", "drone", "tekton")


def system_of(path: str) -> str | None:
    """The CI system a configuration path belongs to, from where the system reads its files."""
    lowered = path.lower()
    name = lowered.rsplit("/", 1)[-1]
    if lowered.startswith(".github/"):
        return "github"
    if lowered.startswith(".circleci/"):
        return "circleci"
    if name.startswith(".gitlab-ci") or "gitlab" in lowered:
        return "gitlab"
    if "jenkinsfile" in name or name.endswith((".groovy", ".jenkinsfile")):
        return "jenkins"
    if "azure-pipelines" in lowered or lowered.startswith((".pipelines/", ".azure")):
        return "azure"
    if name == "bitbucket-pipelines.yml":
        return "bitbucket"
    if ".buildkite" in lowered or name.startswith("buildkite"):
        return "buildkite"
    if name.startswith((".drone", ".woodpecker")) or lowered.startswith(".woodpecker/"):
        return "drone"
    if "tekton" in lowered:
        return "tekton"
    if name == ".travis.yml":
        return "travis"
    return None
