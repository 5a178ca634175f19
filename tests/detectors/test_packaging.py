"""PackagingDetector: packages and images defined (by content), the number of deployable artifacts, and
configuration kept apart from the application."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors.manifest_parsers import PARSERS
from devops_scan_detectors.packaging import PackagingDetector
from tests.detectors.settings_files_support import evidence, outcome, practice, run_on_files, scan_report

FIXTURES = [
    ("lib-python-sphinx", "deploy.packaged", "pass", "packaged as Python package `ratelimiter-tb` (pyproject.toml)",
     ["pyproject.toml:1"]),
    ("lib-python-sphinx", "scm.single-artifact", "pass",
     "one deployable artifact: Python package `ratelimiter-tb` (pyproject.toml)", ["pyproject.toml:1"]),
    ("lib-python-sphinx", "deploy.config-separated", "not_applicable", "nothing deployed to configure: a library or "
     "command-line tool (Python package pyproject.toml)", []),
    ("svc-node-orders", "deploy.packaged", "pass", "packaged as container image (Dockerfile)", ["Dockerfile:2"]),
    ("svc-node-orders", "scm.single-artifact", "pass", "one deployable artifact: npm application (private) "
     "`orders-api` (package.json), together with Dockerfile", ["package.json:1"]),
    ("svc-node-orders", "deploy.config-separated", "pass", ".env.example: sample configuration to copy and fill in; "
     "package.json: dotenv reads configuration from the environment; src/instrument.js: reads the environment",
     [".env.example", "package.json:22", "src/instrument.js:9", "src/logger.js:4", "src/server.js:12"]),
    ("lib-go-cli", "deploy.packaged", "pass", "packaged as goreleaser release `kvdump` (.goreleaser.yaml)",
     [".goreleaser.yaml:4"]),
    ("lib-go-cli", "scm.single-artifact", "pass", "one deployable artifact: Go module `github.com/example-org/kvdump` "
     "(go.mod), together with .goreleaser.yaml", ["go.mod:1"]),
    ("lib-js-monorepo", "scm.single-artifact", "fail", "3 deployable artifacts: npm package `@formkit-lite/cli` "
     "(packages/cli/package.json); npm package `@formkit-lite/core` (packages/core/package.json); npm package "
     "`@formkit-lite/react` (packages/react/package.json)",
     ["packages/cli/package.json:1", "packages/core/package.json:1", "packages/react/package.json:1"]),
    # The traps: a private package.json is an application, and the Dockerfile is a Jinja template.
    ("docs-traps", "deploy.packaged", "fail", "package.json is private (an application) and no Dockerfile or other "
     "package definition delivers it", ["package.json:1"]),
    ("docs-traps", "deploy.config-separated", "fail", "no sample environment file, per-environment configuration, "
     "configuration library or environment read found, yet the repository runs as a service", []),
    ("vendored-tests", "deploy.packaged", "fail", "Go module builds command(s): main.go, but no goreleaser, Dockerfile "
     "or system package builds a release of them", ["main.go"]),
    # The dashboard the Go server serves is part of it, not a second artifact.
    ("vendored-tests", "scm.single-artifact", "pass", "one deployable artifact: Go module `example.com/stockwatch` "
     "(go.mod), together with web/package.json", ["go.mod:1"]),
    ("docs-only", "deploy.packaged", "not_applicable", "no application source code to package", []),
    ("docs-only", "scm.single-artifact", "not_applicable", "the repository defines no package, image or chart", []),
]


@pytest.mark.parametrize(("fixture", "practice_id", "expected", "reason", "places"), FIXTURES,
                         ids=[f"{row[0]}-{row[1]}" for row in FIXTURES])
def test_fixture_repositories(fixture_repo, fixture, practice_id, expected, reason, places):
    got, why, where = practice(scan_report(fixture_repo(fixture), PackagingDetector), practice_id)
    assert (got, where) == (expected, places)
    assert reason in why


def test_artifacts_inventory(fixture_repo):
    report = scan_report(fixture_repo("lib-go-cli"), PackagingDetector)
    assert report["inventory"]["artifacts"] == [
        {"kind": "goreleaser release", "path": ".goreleaser.yaml", "name": "kvdump"},
        {"kind": "Go module", "path": "go.mod", "name": "github.com/example-org/kvdump"},
    ]


CODE = {"app/main.py": "print('hi')\n"}
PACKAGED = [
    ("tool-settings-only", {"pyproject.toml": "[tool.black]\nline-length = 100\n", **CODE}, "fail",
     "no package or image definition"),
    ("setup-py", {"setup.py": "from setuptools import setup\nsetup(name='x')\n", **CODE}, "pass", "Python package"),
    ("template-dockerfile", {"Dockerfile.j2": "FROM {{ image }}\n", **CODE}, "fail", "no package or image definition"),
    ("dev-dockerfile-only", {"Dockerfile.dev": "FROM python:3.12\n", **CODE}, "fail", "no package or image definition"),
    ("containerfile", {"Containerfile": "FROM registry.access.redhat.com/ubi9/python-311\n", **CODE}, "pass",
     "container image (Containerfile)"),
    ("not-a-dockerfile", {"Dockerfile": "# nothing here yet\n", **CODE}, "fail", "no package or image definition"),
    ("library-chart", {"charts/common/Chart.yaml": "apiVersion: v2\nname: common\ntype: library\n", **CODE}, "fail",
     "no package or image definition"),
    ("application-chart", {"charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n", **CODE}, "pass",
     "Helm chart `web` (charts/web/Chart.yaml)"),
    ("debian", {"debian/control": "Source: x\n\nPackage: x\nArchitecture: any\n", **CODE}, "pass", "Debian package"),
    ("go-library", {"go.mod": "module example.com/lib\n", "lib.go": "package lib\n"}, "pass",
     "Go module `example.com/lib` (go.mod)"),
    ("maven-aggregator", {"pom.xml": "<project><artifactId>parent</artifactId><packaging>pom</packaging></project>",
                          **CODE}, "fail", "no package or image definition"),
    ("gradle-spring-boot",
     {"build.gradle.kts": "plugins {\n    id(\"org.springframework.boot\") version \"3.3.1\"\n}\n",
                            **CODE}, "pass", "Gradle artifact"),
    ("nuget", {"Lib/Lib.csproj": "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><PackageId>Acme.Lib</PackageId>"
                                 "</PropertyGroup></Project>", **CODE}, "pass", "NuGet package `Acme.Lib`"),
    ("example-only", {"examples/demo/Dockerfile": "FROM nginx\n", **CODE}, "fail", "no package or image definition"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in PACKAGED], ids=[r[0] for r in PACKAGED])
def test_packaged(files, expected, reason):
    got, why = outcome(run_on_files(files, PackagingDetector), "deploy.packaged")
    assert got == expected
    assert reason in why


PYPROJECT = "[project]\nname = \"svc\"\n"
ARTIFACTS = [
    ("package-image-chart", {"pyproject.toml": PYPROJECT, "Dockerfile": "FROM python:3.12\n",
                             "deploy/helm/svc/Chart.yaml": "apiVersion: v2\nname: svc\n"}, "pass",
     "one deployable artifact: Python package `svc` (pyproject.toml), together with Dockerfile, "
     "deploy/helm/svc/Chart.yaml"),
    ("image-in-docker-folder", {"pyproject.toml": PYPROJECT, "docker/Dockerfile": "FROM python:3.12\n"}, "pass",
     "together with docker/Dockerfile"),
    ("variants-in-one-folder", {"pyproject.toml": PYPROJECT, "Dockerfile": "FROM python:3.12\n",
                                "Dockerfile.prod": "FROM python:3.12-slim\n"}, "pass", "one deployable artifact"),
    ("second-image", {"pyproject.toml": PYPROJECT, "Dockerfile": "FROM python:3.12\n",
                      "docker/worker/Dockerfile": "FROM python:3.12\n"}, "fail",
     "2 deployable artifacts: Python package `svc` (pyproject.toml); container image (docker/worker/Dockerfile)"),
    ("images-without-packages", {"services/api/Dockerfile": "FROM golang:1.22\n",
                                 "services/web/Dockerfile": "FROM node:20\n"}, "fail", "2 deployable artifacts"),
    ("maven-modules", {"pom.xml": "<project><artifactId>p</artifactId><packaging>pom</packaging></project>",
                       "api/pom.xml": "<project><artifactId>api</artifactId></project>",
                       "batch/pom.xml": "<project><artifactId>batch</artifactId><packaging>war</packaging></project>"},
     "fail", "2 deployable artifacts: Maven jar `api` (api/pom.xml); Maven war `batch` (batch/pom.xml)"),
    ("charts-only",
     {"charts/a/Chart.yaml": "apiVersion: v2\nname: a\n", "charts/b/Chart.yaml": "apiVersion: v2\nname: b\n"},
     "fail", "2 deployable artifacts: Helm chart `a`"),
    ("nothing", {"notes.md": "# x\n"}, "not_applicable", "the repository defines no package, image or chart"),
    # An internal crate (`publish = false`) that tests the library is not a second deliverable (rust-lang/log).
    ("unpublished-test-crate", {"Cargo.toml": "[package]\nname = \"log\"\nversion = \"0.4.0\"\n",
                                "src/lib.rs": "pub fn f() {}\n",
                                "test_features/Cargo.toml": "[package]\nname = \"optimized\"\npublish = false\n",
                                "test_features/main.rs": "fn main() {}\n"},
     "pass", "one deployable artifact: Cargo crate `log` (Cargo.toml)"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in ARTIFACTS], ids=[r[0] for r in ARTIFACTS])
def test_single_artifact(files, expected, reason):
    got, why = outcome(run_on_files(files, PackagingDetector), "scm.single-artifact")
    assert got == expected
    assert reason in why


SERVICE = {"requirements.txt": "django==5.0.6\n", "shop/views.py": "def index(request): ...\n"}
CONFIG = [
    ("env-example", {".env.example": "DATABASE_URL=\n"}, "pass", ".env.example: sample configuration"),
    ("per-environment", {"config/production.json": "{}", "config/default.json": "{}"}, "pass",
     "config/production.json: per-environment configuration file"),
    ("aspnet", {"appsettings.Production.json": "{}"}, "pass", "per-environment configuration file"),
    ("spring-profile", {"src/main/resources/application-prod.yml": "server:\n  port: 8080\n"}, "pass",
     "per-environment configuration file"),
    ("django-environ", {"requirements.txt": "django==5.0.6\ndjango-environ==0.11.2\n"}, "pass",
     "requirements.txt: django-environ reads configuration from the environment"),
    ("environment-read", {"shop/settings.py": "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n"}, "pass",
     "shop/settings.py: reads the environment (`os.environ`)"),
    ("test-tool-sample", {"phpunit.xml.dist": "<phpunit/>"}, "fail", "yet the repository runs as a service"),
    ("none", {}, "fail", "no sample environment file, per-environment configuration, configuration library or "
                         "environment read found, yet the repository runs as a service: django dependency"),
]


@pytest.mark.parametrize(("extra", "expected", "reason"), [row[1:] for row in CONFIG], ids=[r[0] for r in CONFIG])
def test_config_separated(extra, expected, reason):
    result = run_on_files({**SERVICE, **extra}, PackagingDetector)
    got, why = outcome(result, "deploy.config-separated")
    assert got == expected
    assert reason in why
    if expected == "pass":
        assert evidence(result, "deploy.config-separated")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(sorted(PARSERS)), st.text(max_size=300))
def test_manifest_parsers_return_names_or_raise_to_their_caller(name, text):
    # The manifest reader catches each parser's exception; here the parser itself must not hang or
    # return nonsense: names are strings, lines are positive or unknown.
    try:
        names, data = PARSERS[name](text)
    except Exception:
        return
    assert isinstance(data, dict)
    assert all(isinstance(n, str) and (line is None or line >= 1) for n, line in names)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["package.json", "pyproject.toml", "setup.cfg", "Dockerfile", "Chart.yaml", "pom.xml",
                        "go.mod", ".goreleaser.yaml", "x.gemspec", "App.csproj", ".env.example", "debian/control"]),
       st.text(max_size=300))
def test_any_text_in_any_package_file_is_judged(name, text):
    result = run_on_files({name: text, "src/app.py": "x = 1\n"}, PackagingDetector)
    assert not [w for w in result.warnings if w.startswith("detector ")]
    assert sorted(result.findings) == sorted(PackagingDetector.practices)
