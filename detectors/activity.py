"""What a CI step does, as decided by reading it (and what it calls) — the vocabulary detectors share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from devops_scan.model import Location

# Activity kinds.
TEST = "test"                        # runs a test suite (pytest, go test, npm test → jest, mvn test...)
E2E_TEST = "e2e-test"                # integration / end-to-end suites (playwright, cypress, testcontainers, molecule...)
LINT = "lint"                        # linters (ruff, flake8, eslint, golangci-lint, shellcheck, hadolint...)
FORMAT_CHECK = "format-check"        # formatters in check mode (black --check, prettier --check, gofmt -l...)
TYPE_CHECK = "type-check"            # mypy, pyright, tsc --noEmit...
COVERAGE = "coverage"                # collects coverage (pytest --cov, coverage run, jest --coverage, go test -cover...)
COVERAGE_UPLOAD = "coverage-upload"  # publishes coverage (codecov, coveralls, sonar, code climate...)
COVERAGE_GATE = "coverage-gate"      # enforces a threshold (--cov-fail-under=85, coverage report --fail-under...)
TEST_REPORT = "test-report"          # writes/publishes test reports (--junitxml, JUnit publishers, test-reporter actions)
BUILD = "build"                      # builds an artifact (python -m build, go build, mvn package, npm run build...)
BUILD_IMAGE = "build-image"          # builds a container image (docker build, buildah, kaniko, docker/build-push-action)
PUSH_IMAGE = "push-image"            # pushes an image to a registry
PUBLISH = "publish"                  # publishes a package (twine upload, npm publish, cargo publish, helm push...)
DEPLOY = "deploy"                    # deploys (kubectl apply, helm upgrade, terraform apply of an app, serverless deploy...)
RELEASE = "release"                  # creates a release (gh release, semantic-release, goreleaser, release-please...)
TAG = "tag"                          # creates/pushes a git tag
SAST = "sast"                        # static security analysis (codeql, semgrep, bandit, gosec...)
DEPENDENCY_SCAN = "dependency-scan"  # dependency vulnerability scans (pip-audit, npm audit, osv-scanner, snyk...)
CONTAINER_SCAN = "container-scan"    # image scans (trivy image, grype, docker scout...)
SECRET_SCAN = "secret-scan"          # gitleaks, trufflehog, detect-secrets...
IAC_VALIDATE = "iac-validate"        # terraform fmt/validate/plan, tflint, cfn-lint, ansible-lint, helm lint, kubeconform...
POLICY_CHECK = "policy-check"        # conftest/OPA, checkov, tfsec, trivy config, kics, kyverno...
SBOM = "sbom"                        # syft, cyclonedx, spdx generation
SIGN = "sign"                        # cosign, sigstore, gpg signing, SLSA provenance
ARTIFACT_UPLOAD = "artifact-upload"  # passes a build on (actions/upload-artifact, GitLab artifacts:, ...)
ARTIFACT_DOWNLOAD = "artifact-download"
PRE_COMMIT = "pre-commit"            # runs pre-commit hooks (pre-commit run --all-files)

KINDS = (TEST, E2E_TEST, LINT, FORMAT_CHECK, TYPE_CHECK, COVERAGE, COVERAGE_UPLOAD, COVERAGE_GATE, TEST_REPORT,
         BUILD, BUILD_IMAGE, PUSH_IMAGE, PUBLISH, DEPLOY, RELEASE, TAG, SAST, DEPENDENCY_SCAN, CONTAINER_SCAN,
         SECRET_SCAN, IAC_VALIDATE, POLICY_CHECK, SBOM, SIGN, ARTIFACT_UPLOAD, ARTIFACT_DOWNLOAD, PRE_COMMIT)


@dataclass(frozen=True)
class Activity:
    """One thing a step does, with how it was found."""

    kind: str
    # The tool doing it: "pytest", "ruff", "codecov", "docker", "terraform", "twine"...
    tool: str
    # Where the command or the action reference is written (the last link of the chain).
    location: Location
    # The command or the action, as written there.
    detail: str
    # How it was reached, outermost first, one line each, e.g.
    # (".github/workflows/ci.yml:21 `make test`", "Makefile:8 test: `tox -e py`", "tox.ini:5 `pytest --cov`").
    chain: tuple[str, ...] = ()
    # Extra facts: {"threshold": "85"}, {"registry": "ghcr.io"}, {"environment": "staging"}...
    data: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
