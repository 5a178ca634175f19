"""GitHub Actions → what they do: the `uses:` of workflow steps and of jobs calling reusable workflows.

Setup actions (checkout, setup-*, login, cache) are listed and do nothing. Inputs change meanings:
`docker/build-push-action` pushes only with `push: true`; `aquasecurity/trivy-action` scans an image
unless `scan-type` says otherwise; an action that runs a command for the user (`nick-fields/retry`,
`paambaati/codeclimate-action`) hands the command back to be followed like a `run:` step.
"""

from __future__ import annotations


from devops_scan_detectors.activity import (
    ARTIFACT_DOWNLOAD, ARTIFACT_UPLOAD, BUILD_IMAGE, CONTAINER_SCAN, COVERAGE_GATE, COVERAGE_UPLOAD,
    DEPENDENCY_SCAN, DEPLOY, E2E_TEST, IAC_VALIDATE, LINT, POLICY_CHECK, PUBLISH, PUSH_IMAGE,
    RELEASE, SAST, SBOM, SECRET_SCAN, SIGN, TAG, TEST_REPORT, TYPE_CHECK,
)
from devops_scan_detectors.command_rules import kinds
from devops_scan_detectors.commands import classify
from devops_scan_detectors.unit_rules import (
    Inputs, UnitEffect, UnitHandler, by_input, does, pick, runs, truthy, words,
)

def _trivy(inputs: Inputs) -> UnitEffect:
    scan = (pick(inputs, "scan-type") or "image").lower()
    args = ["trivy", {"filesystem": "fs", "repository": "repo"}.get(scan, scan), "."]
    for name, flag in (("scanners", "--scanners"), ("format", "--format")):
        if pick(inputs, name):
            args += [flag, str(pick(inputs, name))]
    return UnitEffect(classify(args))


def _image(inputs: Inputs, tool: str, push_default: bool = False) -> UnitEffect:
    image = (pick(inputs, "tags", "image", "image-name") or "").split(",")[0].split("\n")[0].strip() or None
    found = kinds(tool, BUILD_IMAGE, image=image)
    if truthy(inputs, "push", push_default):
        found += kinds(tool, PUSH_IMAGE, image=image)
    return UnitEffect(found)


def _upload_sarif(inputs: Inputs) -> UnitEffect:
    # Uploading SARIF publishes what an earlier step found; that step says what kind of scan it was.
    # A file name does not (OpenSSF Scorecard uploads `results.sarif`, which is no code scanning).
    return UnitEffect()


def _snyk(path: str) -> UnitHandler:
    def handle(inputs: Inputs) -> UnitEffect:
        command = (pick(inputs, "command") or "test").split()
        if path == "iac":
            return UnitEffect(kinds("snyk", POLICY_CHECK))
        if path == "docker" or command[:1] == ["container"]:
            return UnitEffect(kinds("snyk", CONTAINER_SCAN))
        return UnitEffect(classify(["snyk", *command]))

    return handle


def _goreleaser(inputs: Inputs) -> UnitEffect:
    return UnitEffect(classify(["goreleaser", *words(pick(inputs, "args") or "release")]))


def _changesets(inputs: Inputs) -> UnitEffect:
    # Opens the "Version Packages" pull request; with `publish:` it runs that command once it is merged
    # (and tags what was published).
    found = kinds("changesets", RELEASE) + (kinds("changesets", TAG) if pick(inputs, "publish") else [])
    return UnitEffect(found, tuple(value for name in ("version", "publish") if (value := pick(inputs, name))))


def _coverage_comment(tool: str, *threshold_inputs: str) -> UnitHandler:
    def handle(inputs: Inputs) -> UnitEffect:
        found = kinds(tool, COVERAGE_UPLOAD, service="pull-request comment")
        threshold = pick(inputs, *threshold_inputs) if threshold_inputs else None
        return UnitEffect(found + (kinds(tool, COVERAGE_GATE, threshold=threshold) if threshold else []))

    return handle


def _pages(tool: str) -> UnitHandler:
    return does(tool, DEPLOY, environment="github-pages")


def _cypress(inputs: Inputs) -> UnitEffect:
    commands = tuple(value for name in ("build", "start", "command") if (value := pick(inputs, name)))
    if pick(inputs, "command"):
        return UnitEffect([], commands)  # its own command replaces `cypress run`: follow what it says
    runs_tests = truthy(inputs, "runTests", default=True)
    return UnitEffect(kinds("cypress", E2E_TEST) if runs_tests else [], commands)


def _release_drafter(inputs: Inputs) -> UnitEffect:
    return UnitEffect(kinds("release-drafter", RELEASE) if truthy(inputs, "publish") else [])


def _semantic_release(tool: str) -> UnitHandler:
    return lambda inputs: UnitEffect([] if truthy(inputs, "dry_run") or truthy(inputs, "dry-run") else kinds(
        tool, RELEASE, TAG))


def _pypi(inputs: Inputs) -> UnitEffect:
    url = pick(inputs, "repository-url", "repository_url") or ""
    found = kinds("pypi-publish", PUBLISH, registry="testpypi" if "test.pypi" in url else "pypi")
    # Since v1.11 the action signs PEP 740 attestations by default when publishing with trusted
    # publishing (no API token given): a Sigstore signature of every file it uploads.
    if truthy(inputs, "attestations", True) and not pick(inputs, "password"):
        found += kinds("pypi-publish", SIGN, attestation="pep740")
    return UnitEffect(found)


def _ruff(inputs: Inputs) -> UnitEffect:
    args = words(pick(inputs, "args") or "check")
    return UnitEffect(classify(["ruff", *args]))


GITHUB: dict[str, UnitHandler] = {
    # Setup, login and cache actions: nothing a practice is decided by.
    **{name: (lambda _i: UnitEffect()) for name in (
        "actions/checkout", "actions/cache", "actions/setup-python", "actions/setup-node", "actions/setup-go",
        "actions/setup-java", "actions/setup-dotnet", "docker/login-action", "docker/setup-buildx-action",
        "docker/setup-qemu-action", "docker/metadata-action", "hashicorp/setup-terraform",
        "sigstore/cosign-installer", "azure/login", "aws-actions/configure-aws-credentials",
        "google-github-actions/auth", "google-github-actions/setup-gcloud", "actions/github-script",
        "appleboy/ssh-action", "ossf/scorecard-action", "aquasecurity/setup-trivy", "reviewdog/action-setup",
        "dependabot/fetch-metadata", "pre-commit-ci/lite-action")},
    "actions/upload-artifact": lambda i: UnitEffect(kinds("upload-artifact", ARTIFACT_UPLOAD, name=pick(i, "name"))),
    "actions/download-artifact": lambda i: UnitEffect(kinds("download-artifact", ARTIFACT_DOWNLOAD,
                                                            name=pick(i, "name"))),
    "actions/upload-pages-artifact": does("upload-pages-artifact", ARTIFACT_UPLOAD),
    "codecov/codecov-action": does("codecov", COVERAGE_UPLOAD, service="codecov"),
    "codecov/test-results-action": does("codecov", TEST_REPORT),
    "coverallsapp/github-action": does("coveralls", COVERAGE_UPLOAD, service="coveralls"),
    "sonarsource/sonarcloud-github-action": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "sonarsource/sonarqube-scan-action": does("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "paambaati/codeclimate-action": runs("coverageCommand", also=does("code-climate", COVERAGE_UPLOAD,
                                                                     service="codeclimate")),
    "qltysh/qlty-action/coverage": does("qlty", COVERAGE_UPLOAD, service="qlty"),
    "codacy/codacy-coverage-reporter-action": does("codacy", COVERAGE_UPLOAD, service="codacy"),
    "py-cov-action/python-coverage-comment-action": _coverage_comment("python-coverage-comment",
                                                                      "MINIMUM_GREEN"),
    "orgoro/coverage": _coverage_comment("orgoro-coverage", "thresholdAll"),
    "irongut/codecoveragesummary": _coverage_comment("code-coverage-summary", "thresholds"),
    "mishakav/pytest-coverage-comment": _coverage_comment("pytest-coverage-comment"),
    "5monkeys/cobertura-action": _coverage_comment("cobertura-action", "minimum_coverage"),
    "romeovs/lcov-reporter-action": _coverage_comment("lcov-reporter"),
    "zgosalvez/github-actions-report-lcov": _coverage_comment("report-lcov", "minimum-coverage"),
    "k1low/octocov-action": _coverage_comment("octocov"),
    "insightsengineering/coverage-action": _coverage_comment("coverage-action", "threshold"),
    "fgrosse/go-coverage-report": _coverage_comment("go-coverage-report"),
    "gwatts/go-coverage-action": _coverage_comment("go-coverage-action", "coverage-threshold"),
    "vladopajic/go-test-coverage": lambda i: UnitEffect(kinds("go-test-coverage", COVERAGE_GATE,
                                                              threshold=pick(i, "threshold-total"))),
    "github/codeql-action/analyze": does("codeql", SAST), "github/codeql-action/upload-sarif": _upload_sarif,
    "github/codeql-action/init": lambda _i: UnitEffect(), "github/codeql-action/autobuild": lambda _i: UnitEffect(),
    "docker/build-push-action": lambda i: _image(i, "docker"),
    "docker/bake-action": lambda i: _image(i, "docker"),
    "redhat-actions/buildah-build": lambda i: _image(i, "buildah"),
    "redhat-actions/push-to-registry": does("podman", PUSH_IMAGE),
    "pypa/gh-action-pypi-publish": _pypi,
    "js-devtools/npm-publish": does("npm", PUBLISH, registry="npm"),
    "softprops/action-gh-release": does("gh-release", RELEASE), "ncipollo/release-action": does("gh-release", RELEASE),
    "actions/create-release": does("gh-release", RELEASE), "marvinpinto/action-automatic-releases": does(
        "gh-release", RELEASE, TAG), "svenstaro/upload-release-action": does("gh-release", RELEASE),
    "googleapis/release-please-action": does("release-please", RELEASE, TAG),
    "google-github-actions/release-please-action": does("release-please", RELEASE, TAG),
    "cycjimmy/semantic-release-action": _semantic_release("semantic-release"),
    "codfish/semantic-release-action": _semantic_release("semantic-release"),
    "python-semantic-release/python-semantic-release": _semantic_release("python-semantic-release"),
    "python-semantic-release/publish-action": does("python-semantic-release", RELEASE),
    "goreleaser/goreleaser-action": _goreleaser, "changesets/action": _changesets,
    "release-drafter/release-drafter": _release_drafter,
    "mathieudutour/github-tag-action": does("github-tag-action", TAG),
    "anothrnick/github-tag-action": does("github-tag-action", TAG), "rickstaa/action-create-tag": does(
        "action-create-tag", TAG), "ad-m/github-push-action": lambda i: UnitEffect(kinds(
            "github-push-action", TAG) if truthy(i, "tags") else []),
    "aquasecurity/trivy-action": _trivy,
    "anchore/scan-action": lambda i: UnitEffect(kinds("grype", CONTAINER_SCAN if pick(i, "image") else
                                                      DEPENDENCY_SCAN)),
    "anchore/sbom-action": does("syft", SBOM), "cyclonedx/gh-python-generate-sbom": does("cyclonedx", SBOM),
    "actions/attest-build-provenance": does("github-attestations", SIGN),
    "actions/attest": does("github-attestations", SIGN), "actions/attest-sbom": does("github-attestations", SIGN),
    "slsa-framework/slsa-github-generator": does("slsa", SIGN),
    "sigstore/gh-action-sigstore-python": does("sigstore", SIGN),
    "gitleaks/gitleaks-action": does("gitleaks", SECRET_SCAN), "zricethezav/gitleaks-action": does(
        "gitleaks", SECRET_SCAN), "trufflesecurity/trufflehog": does("trufflehog", SECRET_SCAN),
    "gitguardian/ggshield-action": does("ggshield", SECRET_SCAN),
    "snyk/actions": _snyk(""), "snyk/actions/docker": _snyk("docker"), "snyk/actions/iac": _snyk("iac"),
    # zizmor audits workflow files, not the project's code: a linter of CI security, not SAST.
    "zizmorcore/zizmor-action": does("zizmor", LINT),
    "golang/govulncheck-action": does("govulncheck", DEPENDENCY_SCAN),
    "returntocorp/semgrep-action": does("semgrep", SAST), "semgrep/semgrep-action": does("semgrep", SAST),
    "actions/dependency-review-action": does("dependency-review", DEPENDENCY_SCAN),
    "dorny/test-reporter": does("test-reporter", TEST_REPORT),
    "enricomi/publish-unit-test-result-action": does("publish-unit-test-result", TEST_REPORT),
    "mikepenz/action-junit-report": does("action-junit-report", TEST_REPORT),
    "test-summary/action": does("test-summary", TEST_REPORT), "scacap/action-surefire-report": does(
        "surefire-report", TEST_REPORT), "pmeier/pytest-results-action": does("pytest-results", TEST_REPORT),
    "ctrf-io/github-test-reporter": does("ctrf", TEST_REPORT),
    # Runs `pre-commit run` with its `extra_args`: followed into .pre-commit-config.yaml like the command.
    "pre-commit/action": lambda inputs: UnitEffect(commands=(f"pre-commit run {inputs.get('extra_args') or '--all-files'}",)),
    "golangci/golangci-lint-action": does("golangci-lint", LINT), "github/super-linter": does("super-linter", LINT),
    "super-linter/super-linter": does("super-linter", LINT), "oxsecurity/megalinter": does("megalinter", LINT),
    "reviewdog": does("reviewdog", LINT), "hadolint/hadolint-action": does("hadolint", LINT),
    "ludeeus/action-shellcheck": does("shellcheck", LINT), "wearerequired/lint-action": does("lint-action", LINT),
    "astral-sh/ruff-action": _ruff, "chartboost/ruff-action": _ruff,
    "psf/black": lambda i: UnitEffect(classify(["black", *words(pick(i, "options") or "--check --diff")])),
    "jpetrucciani/mypy-check": does("mypy", TYPE_CHECK), "py-actions/flake8": does("flake8", LINT),
    "raven-actions/actionlint": does("actionlint", LINT), "rhysd/actionlint": does("actionlint", LINT),
    "davidanson/markdownlint-cli2-action": does("markdownlint", LINT),
    "ibiqlik/action-yamllint": does("yamllint", LINT), "codespell-project/actions-codespell": does("codespell", LINT),
    "crate-ci/typos": does("typos", LINT), "streetsidesoftware/cspell-action": does("cspell", LINT),
    "editorconfig-checker/action-editorconfig-checker": does("editorconfig-checker", LINT),
    "errata-ai/vale-action": does("vale", LINT), "actions-rs/clippy-check": does("clippy", LINT),
    "giraffate/clippy-action": does("clippy", LINT),
    "actions-rs/cargo": lambda i: UnitEffect(classify(["cargo", pick(i, "command") or "",
                                                       *words(pick(i, "args") or "")])),
    "bridgecrewio/checkov-action": does("checkov", POLICY_CHECK), "aquasecurity/tfsec-action": does(
        "tfsec", POLICY_CHECK), "aquasecurity/tfsec-sarif-action": does("tfsec", POLICY_CHECK),
    "aquasecurity/tfsec-pr-commenter-action": does("tfsec", POLICY_CHECK),
    "checkmarx/kics-github-action": does("kics", POLICY_CHECK), "tenable/terrascan-action": does(
        "terrascan", POLICY_CHECK), "instrumenta/conftest-action": does("conftest", POLICY_CHECK),
    "stackrox/kube-linter-action": does("kube-linter", IAC_VALIDATE, LINT),
    "helm/chart-releaser-action": does("chart-releaser", PUBLISH, RELEASE),
    "dflook/terraform-validate": does("terraform", IAC_VALIDATE), "dflook/terraform-fmt-check": does(
        "terraform", IAC_VALIDATE), "dflook/terraform-plan": does("terraform", IAC_VALIDATE),
    "dflook/terraform-apply": does("terraform", DEPLOY, iac="terraform"),
    "hashicorp/tfc-workflows-github/actions/apply-run": does("terraform-cloud", DEPLOY, iac="terraform"),
    "pulumi/actions": by_input("command", {"up": does("pulumi", DEPLOY, iac="pulumi"), "update": does(
        "pulumi", DEPLOY, iac="pulumi"), "preview": does("pulumi", IAC_VALIDATE)}),
    "azure/k8s-deploy": does("azure-k8s-deploy", DEPLOY), "azure/webapps-deploy": does("azure-webapps", DEPLOY),
    "azure/functions-action": does("azure-functions", DEPLOY), "azure/container-apps-deploy-action": does(
        "azure-container-apps", DEPLOY), "azure/arm-deploy": does("azure-arm", DEPLOY, iac="arm"),
    "azure/static-web-apps-deploy": does("azure-static-web-apps", DEPLOY),
    "aws-actions/amazon-ecs-deploy-task-definition": does("amazon-ecs", DEPLOY),
    "aws-actions/aws-cloudformation-github-deploy": does("cloudformation", DEPLOY, iac="cloudformation"),
    "google-github-actions/deploy-cloudrun": does("cloud-run", DEPLOY),
    "google-github-actions/deploy-appengine": does("app-engine", DEPLOY),
    "google-github-actions/deploy-cloud-functions": does("cloud-functions", DEPLOY),
    "peaceiris/actions-gh-pages": _pages("actions-gh-pages"),
    "jamesives/github-pages-deploy-action": _pages("github-pages-deploy-action"),
    "actions/deploy-pages": _pages("deploy-pages"),
    "amondnet/vercel-action": lambda i: UnitEffect(kinds("vercel", DEPLOY, environment="production" if "--prod" in (
        pick(i, "vercel-args") or "") else "preview")),
    "nwtgck/actions-netlify": lambda i: UnitEffect(kinds("netlify", DEPLOY, environment="production" if truthy(
        i, "production-deploy") else "preview")),
    "superfly/flyctl-actions": lambda i: UnitEffect(classify(["flyctl", *words(pick(i, "args") or "")])),
    "akhileshns/heroku-deploy": does("heroku", DEPLOY), "cloudflare/wrangler-action": lambda i: UnitEffect(
        classify(["wrangler", *words(pick(i, "command") or "deploy")])),
    "cloudflare/pages-action": does("cloudflare-pages", DEPLOY),
    "firebaseextended/action-hosting-deploy": lambda i: UnitEffect(kinds(
        "firebase", DEPLOY, environment="production" if pick(i, "channelId") == "live" else "preview")),
    "serverless/github-action": lambda i: UnitEffect(classify(["serverless", *words(pick(i, "args") or "")])),
    "digitalocean/app_action": does("digitalocean-app-platform", DEPLOY),
    "actions-hub/kubectl": lambda i: UnitEffect(classify(["kubectl", *words(pick(i, "args") or "")])),
    "cypress-io/github-action": _cypress,
    "nick-fields/retry": runs("command"), "wandalen/wretry.action": runs("command"),
    "gabrielbb/xvfb-action": runs("run"), "coactions/setup-xvfb": runs("run"),
    "reactivecircus/android-emulator-runner": runs("script"),
}

# Reusable workflows called by a job (`uses: org/repo/.github/workflows/x.yml@v1`).
GITHUB_WORKFLOWS: dict[str, UnitHandler] = {
    "slsa-framework/slsa-github-generator": does("slsa", SIGN),
}
