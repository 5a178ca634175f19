"""The practices decided from what CI jobs really run: realistic fixtures and small table-driven repos."""

from __future__ import annotations

import pytest

PERMS = "permissions:\n  contents: read\n"
CHECKOUT = "      - uses: actions/checkout@v4\n"


def workflow(jobs: str, on: str = "on:\n  push:\n    branches: [main]\n  pull_request:\n", top: str = PERMS) -> str:
    return f"name: CI\n{on}{top}jobs:\n{jobs}"


def job(name: str, *runs: str, extra: str = "") -> str:
    steps = "".join(f"      - run: {run}\n" for run in runs)
    return f"  {name}:\n    runs-on: ubuntu-latest\n{extra}    steps:\n{CHECKOUT}{steps}"


PYLIB = {"pyproject.toml": '[project]\nname = "lib"\n\n[build-system]\nrequires = ["hatchling"]\n'
                          'build-backend = "hatchling.build"\n',
         "src/lib/__init__.py": "", "src/lib/core.py": "", "src/lib/io.py": "", "tests/test_core.py": ""}


def outcome(report, practice):
    found = report["practices"][practice]
    return found["outcome"], found["reason"]


# --- realistic fixtures --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def make_chain(tmp_path_factory, default_model):
    """CI runs `make test` → Makefile → tox → pytest --cov --cov-fail-under=85, then codecov."""
    from tests.conftest import AS_OF
    from devops_scan.scan import scan_path
    from tests.testing.repos import repo_from_fixture

    path = repo_from_fixture("follow-python-make", tmp_path_factory.mktemp("chain") / "repo")
    return scan_path(str(path), default_model, as_of=AS_OF)


def test_tests_coverage_and_gate_are_found_through_make_and_tox(make_chain):
    test = make_chain["practices"]["test.in-ci"]
    assert test["outcome"] == "pass"
    assert any(e["path"] == "tox.ini" and "make test" in e["detail"] for e in test["evidence"]), test["evidence"]
    assert outcome(make_chain, "test.coverage-measured")[0] == "pass"
    assert outcome(make_chain, "test.coverage-gate") == ("pass", "coverage must stay at or above 85%")
    assert outcome(make_chain, "test.coverage-reported")[0] == "pass"
    assert outcome(make_chain, "report.trending")[0] == "pass"
    assert outcome(make_chain, "test.matrix")[0] == "pass"
    assert outcome(make_chain, "scm.ci-on-trunk")[0] == "pass"


def test_webapp_deploys_staging_then_production_through_a_reusable_workflow(fixture_repo, scan):
    report = scan(fixture_repo("gha-webapp"))
    assert outcome(report, "deploy.to-staging")[0] == "pass"
    assert outcome(report, "env.promotion") == (
        "pass", "deploys go through environments in order: staging → production (.github/workflows/deploy.yml)")
    assert outcome(report, "deploy.push-button")[0] == "pass"  # workflow_dispatch
    assert outcome(report, "report.deployments-tracked")[0] == "pass"
    assert outcome(report, "test.e2e")[0] == "pass"  # playwright
    assert outcome(report, "sec.pinned-actions")[0] == "fail"
    # A remote reusable workflow hides what it runs: unknown, never fail.
    assert outcome(report, "test.results-reported")[0] == "unknown"


def test_gitlab_monorepo_with_includes_templates_and_a_manual_production(fixture_repo, scan):
    report = scan(fixture_repo("gitlab-monorepo"))
    assert outcome(report, "env.promotion")[0] == "pass"
    assert outcome(report, "deploy.push-button")[0] == "pass"  # `when: manual` production deploy
    assert outcome(report, "sec.sast")[0] == "pass"  # the Security/SAST template
    assert outcome(report, "test.results-reported")[0] == "pass"  # artifacts:reports:junit
    assert outcome(report, "sec.least-privilege-ci")[0] == "unknown"  # GitLab token scopes are settings


def test_shared_library_steps_make_missing_practices_unknown(fixture_repo, scan):
    report = scan(fixture_repo("ci-jenkins-plugin"))
    state, reason = outcome(report, "test.in-ci")
    assert state == "unknown"
    assert "buildPlugin" in reason


# --- small repositories, one question each -------------------------------------------------------------

CASES = [
    # (id, files, practice, outcome, words in the reason)
    ("no-ci", PYLIB, "test.in-ci", "fail", "no CI pipeline"),
    ("disabled-job", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest", extra="    if: false\n"))},
     "test.in-ci", "fail", "can never run"),
    ("lint", {**PYLIB, ".github/workflows/ci.yml": workflow(job("lint", "ruff check .", "mypy src"))},
     "lint.in-ci", "pass", "mypy, ruff"),
    ("coverage-configured-only",
     {**PYLIB, "pyproject.toml": PYLIB["pyproject.toml"] + "\n[tool.coverage.report]\nfail_under = 90\n",
      ".github/workflows/ci.yml": workflow(job("test", "pytest"))},
     "test.coverage-measured", "fail", "configured but no command that runs collects it"),
    ("gate-configured-not-enforced",
     {**PYLIB, "pyproject.toml": PYLIB["pyproject.toml"] + "\n[tool.coverage.report]\nfail_under = 90\n",
      ".github/workflows/ci.yml": workflow(job("test", "pytest"))},
     "test.coverage-gate", "fail", "nothing that runs in CI enforces it"),
    ("runner-defaults",
     {**PYLIB, "pyproject.toml": PYLIB["pyproject.toml"] + '\n[tool.pytest.ini_options]\naddopts = "--cov=lib '
                                                          '--cov-fail-under=85"\n',
      ".github/workflows/ci.yml": workflow(job("test", "python -m pytest"))},
     "test.coverage-measured", "pass", "the test runner's default options collect it"),
    ("runner-gate",
     {**PYLIB, "pyproject.toml": PYLIB["pyproject.toml"] + '\n[tool.pytest.ini_options]\naddopts = "--cov=lib '
                                                          '--cov-fail-under=85"\n',
      ".github/workflows/ci.yml": workflow(job("test", "python -m pytest"))},
     "test.coverage-gate", "pass", "85%"),
    ("weak-gate", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest --cov=lib --cov-fail-under=60"))},
     "test.coverage-gate", "fail", "60%, below the 80%"),
    ("results", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest --junitxml=report.xml"))},
     "test.results-reported", "pass", "pytest"),
    ("no-matrix", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"))},
     "test.matrix", "fail", "one version and platform"),
    ("pr-only", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"), on="on: [pull_request]\n")},
     "scm.ci-on-trunk", "fail", "pushes to the default branch"),
    ("every-branch", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"), on="on: [push]\n")},
     "scm.ci-on-trunk", "pass", "pull/merge requests"),
    ("no-permissions", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"), top="")},
     "sec.least-privilege-ci", "unknown", "repository's default token"),
    ("write-all", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"), top="permissions: write-all\n")},
     "sec.least-privilege-ci", "fail", "grant write scopes"),
    ("read-only", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"))},
     "sec.least-privilege-ci", "pass", "read-only tokens"),
    ("tag-pinned", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"))},
     "sec.pinned-actions", "fail", "1 action/image reference(s)"),
    ("sha-pinned", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest")).replace(
        "actions/checkout@v4", "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4")},
     "sec.pinned-actions", "pass", "all 1"),
    ("secrets", {**PYLIB, ".github/workflows/ci.yml": workflow(job("scan", "gitleaks detect --source ."))},
     "sec.secret-scan", "pass", "gitleaks"),
    ("deps", {**PYLIB, ".github/workflows/ci.yml": workflow(job("audit", "pip-audit"))},
     "sec.dependency-scan", "pass", "pip-audit"),
    ("sbom", {**PYLIB, ".github/workflows/ci.yml": workflow(job("sbom", "syft . -o cyclonedx-json"))},
     "sec.sbom", "pass", "syft"),
    ("library-no-deploy", {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"))},
     "deploy.to-staging", "not_applicable", "no environments to deploy to"),
    ("publish-on-tag", {**PYLIB, ".github/workflows/release.yml": workflow(
        job("publish", "python -m build", "twine upload dist/*"), on="on:\n  push:\n    tags: ['v*']\n")},
     "deploy.continuous", "pass", "twine"),
    ("manual-publish", {**PYLIB, ".github/workflows/release.yml": workflow(
        job("publish", "python -m build", "twine upload dist/*"), on="on: [workflow_dispatch]\n")},
     "deploy.push-button", "pass", "one action"),
]


@pytest.mark.parametrize(("files", "practice", "expected", "words"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_practice_from_ci(repo, scan, files, practice, expected, words):
    state, reason = outcome(scan(repo(files)), practice)
    assert (state, words in reason) == (expected, True), reason


DEPLOYS = workflow(
    job("build", "docker build -t app .", "docker push registry.example.com/app:$GITHUB_SHA")
    + "  staging:\n    runs-on: ubuntu-latest\n    needs: build\n    environment: staging\n    steps:\n"
      "      - run: kubectl set image deployment/app app=registry.example.com/app:$GITHUB_SHA\n"
    + "  production:\n    runs-on: ubuntu-latest\n    needs: staging\n    environment:\n      name: production\n"
      "      url: https://app.example.com\n    steps:\n"
      "      - run: kubectl set image deployment/app app=registry.example.com/app:$GITHUB_SHA\n")
SERVICE = {"Dockerfile": "FROM python:3.12\nEXPOSE 8000\nCMD [\"gunicorn\", \"app:app\"]\n", "app.py": "x = 1\n",
           ".github/workflows/deploy.yml": DEPLOYS}


@pytest.mark.parametrize(("practice", "expected", "words"), [
    ("deploy.to-staging", "pass", "kubectl"),
    ("env.staging", "pass", "staging"),
    ("env.promotion", "pass", "staging → production"),
    ("deploy.continuous", "pass", "kubectl"),
    ("build.artifact-once", "pass", "'build' builds and passes on"),
    ("report.deployments-tracked", "pass", "GitHub records (1 with a URL)"),
    ("deploy.push-button", "unknown", "approval rules live on the platform"),
    ("deploy.as-code", "pass", "CI deploys (kubectl)"),
])
def test_a_service_promoted_from_staging_to_production(repo, scan, practice, expected, words):
    state, reason = outcome(scan(repo(SERVICE)), practice)
    assert (state, words in reason) == (expected, True), reason


TERRAFORM = {"infra/main.tf": 'terraform {\n  backend "s3" {\n    bucket = "state"\n  }\n}\n'
                              'resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n'}


@pytest.mark.parametrize(("runs", "practice", "expected", "words"), [
    (("terraform -chdir=infra validate",), "infra.validated-in-ci", "pass", "terraform"),
    (("echo hi",), "infra.validated-in-ci", "fail", "validates or lints"),
    (("tfsec infra",), "infra.policy-as-code", "pass", "tfsec"),
    (("echo hi",), "infra.policy-as-code", "fail", "checks infrastructure against policies"),
])
def test_infrastructure_checked_in_ci(repo, scan, runs, practice, expected, words):
    files = {**TERRAFORM, ".github/workflows/ci.yml": workflow(job("infra", *runs))}
    state, reason = outcome(scan(repo(files)), practice)
    assert (state, words in reason) == (expected, True), reason


def test_no_infrastructure_code_is_not_applicable(repo, scan):
    report = scan(repo({**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "pytest"))}))
    assert outcome(report, "infra.validated-in-ci") == ("not_applicable", "no infrastructure code in the repository")
    assert outcome(report, "deploy.as-code")[0] == "not_applicable"


def test_staging_defined_by_infrastructure_code_counts(repo, scan):
    files = {"deploy/base/kustomization.yaml": "resources:\n  - deployment.yaml\n",
             "deploy/base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\n"
                                            "spec:\n  template:\n    spec:\n      containers:\n"
                                            "        - name: app\n          image: app:1\n",
             "deploy/overlays/staging/kustomization.yaml": "resources:\n  - ../../base\n",
             "deploy/overlays/production/kustomization.yaml": "resources:\n  - ../../base\n"}
    state, reason = outcome(scan(repo(files)), "env.staging")
    assert state == "pass" and "staging (kustomize-overlay)" in reason, reason


@pytest.mark.parametrize(("name", "run", "expected"), [
    ("deploy", "kind create cluster && helm upgrade --install app ./chart", "fail"),  # a throw-away cluster
    ("deploy", "helm upgrade --install app ./chart --kube-context prod", "pass"),
    ("e2e", "helm upgrade --install app ./chart", "fail"),  # the job's name says it is a test deploy
])
def test_deploys_into_a_throwaway_cluster_are_tests_not_production(repo, scan, name, run, expected):
    files = {"chart/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n", "main.go": "package main\n",
             ".github/workflows/deploy.yml": workflow(job(name, run))}
    assert outcome(scan(repo(files)), "deploy.continuous")[0] == expected


def test_tests_on_several_runners_are_a_matrix(repo, scan):
    jobs = (job("linux", "go test ./...").replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest")
            + job("windows", "go test ./...").replace("runs-on: ubuntu-latest", "runs-on: windows-latest"))
    state, reason = outcome(scan(repo({"main.go": "package main\n", "a.go": "", "b.go": "",
                                       ".github/workflows/ci.yml": workflow(jobs)})), "test.matrix")
    assert state == "pass" and "2 different runners (ubuntu-latest, windows-latest)" in reason, reason


def test_commands_that_cannot_be_followed_are_named_in_a_failure(repo, scan):
    files = {**PYLIB, ".github/workflows/ci.yml": workflow(job("test", "./scripts/fetched-at-runtime.sh"))}
    test = scan(repo(files))["practices"]["test.in-ci"]
    assert test["outcome"] == "fail"
    assert "1 command(s) could not be followed" in test["reason"]
    assert "fetched-at-runtime.sh" in test["evidence"][0]["detail"]
