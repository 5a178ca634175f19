"""Which files are the project's own infrastructure, and whether the repository has anything to run.

Examples and documentation often carry a Dockerfile, a Kubernetes manifest or a Terraform snippet
for the reader to copy: they are not how this project is built or deployed, so the container and
IaC detectors leave them out (together with vendored and test-data trees, `common.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan_detectors.common import not_the_projects_own

# Folders whose infrastructure files are samples for readers, not this project's infrastructure.
SAMPLE_FOLDERS = frozenset({"example", "examples", "sample", "samples", "demo", "demos", "docs", "doc",
                            "documentation", "tutorial", "tutorials", "quickstart", "_examples"})


def is_sample(path: str) -> bool:
    return any(part.lower() in SAMPLE_FOLDERS for part in path.split("/")[:-1])


def own_infrastructure_file(path: str) -> bool:
    """True for a file that may describe how this project is built, run or deployed."""
    return not not_the_projects_own(path) and not is_sample(path)


def own_paths(paths: list[str]) -> list[str]:
    return [path for path in paths if own_infrastructure_file(path)]


# Folders whose programs exercise the project rather than being it: a `wsgi.py` in tests/ is a fixture.
EXERCISE_FOLDERS = frozenset({"test", "tests", "testing", "spec", "specs", "e2e", "benchmark", "benchmarks", "bench",
                              "perf", "integration_tests", "integration-tests", "testapp", "test_apps"})


def _exercises(path: str) -> bool:
    return any(part.lower() in EXERCISE_FOLDERS for part in path.split("/")[:-1])


# --- does the repository have anything to run? -----------------------------------------------------------

# Files that say "this runs somewhere" on their own: platform manifests and web-application entry points.
# A name alone is not enough where other tools use it too (`app.yaml`): the content must agree.
_RUNTIME_FILES: dict[str, re.Pattern[str] | None] = {
    "Procfile": re.compile(r"^[\w-]+:\s*\S", re.MULTILINE), "app.yaml": re.compile(r"^runtime:", re.MULTILINE),
    "app.yml": re.compile(r"^runtime:", re.MULTILINE), "fly.toml": re.compile(r"^app\s*=", re.MULTILINE),
    "render.yaml": re.compile(r"^services:", re.MULTILINE), "vercel.json": None, "netlify.toml": None,
    "manage.py": re.compile(r"DJANGO_SETTINGS_MODULE"), "Vagrantfile": None,
    # A module-level `application`: the entry point a WSGI/ASGI server loads (not an integration module).
    "wsgi.py": re.compile(r"^application\s*=", re.MULTILINE), "asgi.py": re.compile(r"^application\s*=", re.MULTILINE),
    "appspec.yml": None, "appspec.yaml": None, "railway.json": None, "railway.toml": None, "nixpacks.toml": None,
}
_GO_MAIN = re.compile(r"^package\s+main\b", re.MULTILINE)
# Dependencies and scripts that only a service has: an application server, a start script.
_SERVER_SIGNS: dict[str, re.Pattern[str]] = {
    "pyproject.toml": re.compile(r"[\"'](gunicorn|uvicorn|hypercorn|waitress|daphne)\b", re.IGNORECASE),
    "requirements.txt": re.compile(r"^(gunicorn|uvicorn|hypercorn|waitress|daphne)\b", re.IGNORECASE | re.MULTILINE),
    "package.json": re.compile(r'"start"\s*:'),
    "pom.xml": re.compile(r"<packaging>(war)</packaging>|<artifactId>(spring-boot-starter-web(?:flux)?|"
                          r"quarkus-rest|micronaut-http-server-netty)</artifactId>"),
    "build.gradle": re.compile(r"(org\.springframework\.boot|id[ (]['\"](application|war)['\"])"),
    "build.gradle.kts": re.compile(r"(org\.springframework\.boot|\b(application|war)\b\s*$)", re.MULTILINE),
}


@dataclass(frozen=True)
class Deliverable:
    """What the repository hands over: a library/tool package, something that runs, or neither."""

    package: Fact | None      # the manifest of a published package (pyproject.toml, package.json, ...)
    runtime: Fact | None      # a file that shows the project runs somewhere

    @property
    def library_only(self) -> bool:
        """A published package and nothing that runs on servers: nothing to provision or roll out.

        Dockerfiles and Compose files elsewhere than the root do not make a service: libraries keep
        them for development, tests and benchmarks. Callers also check for orchestrator definitions.
        """
        return self.package is not None and self.runtime is None


def deliverable(client: RepoClient, context: ScanContext) -> Deliverable:
    """Computed once per scan. Runtime signals from the container/IaC facts are added by the callers."""
    return context.shared("iac-deliverable", lambda: Deliverable(_package(client), _runtime(client)))


def _runtime(client: RepoClient) -> Fact | None:
    for name in ("Dockerfile", "Containerfile"):
        if name in client.files:  # an image built from the root is what the project ships
            return Fact("runtime-file", f"{name} at the repository root: the project ships an image", Location(name))
    for path in own_paths(client.files.named(*_RUNTIME_FILES)):
        if _exercises(path):
            continue
        name = path.rsplit("/", 1)[-1]
        pattern = _RUNTIME_FILES[name]
        try:
            if pattern is not None and not pattern.search(client.read_text(path).text):
                continue
        except UnreadableFile:
            continue
        return Fact("runtime-file", f"{name}: the project runs somewhere", Location(path))
    for name, pattern in _SERVER_SIGNS.items():
        try:
            text = client.read_text(name).text if name in client.files else ""
        except UnreadableFile:
            continue
        match = pattern.search(text)
        if match:
            named = next((group for group in match.groups() if group), None) if match.lastindex else None
            sign = f"uses {named}" if named else "has a start script"
            return Fact("runtime-file", f"{name}: a service ({sign})",
                        Location(name, text.count("\n", 0, match.start()) + 1))
    for path in own_paths(client.files.with_extension("go"))[:400]:
        if path.endswith("_test.go") or _exercises(path):
            continue
        try:
            text = client.read_text(path).text
        except UnreadableFile:
            continue
        match = _GO_MAIN.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            return Fact("runtime-file", "a Go program (`package main`)", Location(path, line))
    return None


def _package(client: RepoClient) -> Fact | None:
    checks = (
        ("pyproject.toml", re.compile(r"^\[(project|tool\.poetry|build-system)\]", re.MULTILINE), "a Python package"),
        ("setup.py", re.compile(r"\bsetup\s*\("), "a Python package"),
        ("setup.cfg", re.compile(r"^\[metadata\]", re.MULTILINE), "a Python package"),
        ("Cargo.toml", re.compile(r"^\[package\]", re.MULTILINE), "a Rust crate"),
        ("go.mod", re.compile(r"^module\s+\S+", re.MULTILINE), "a Go module"),
        ("package.json", re.compile(r'"name"\s*:'), "an npm package"),
        ("pom.xml", re.compile(r"<artifactId>"), "a Maven artifact"),
        ("build.gradle", re.compile(r"java-library|maven-publish"), "a Gradle library"),
        ("build.gradle.kts", re.compile(r"java-library|maven-publish"), "a Gradle library"),
    )
    for name, pattern, what in checks:
        if name not in client.files:
            continue
        try:
            text = client.read_text(name).text
        except UnreadableFile:
            continue
        if name == "package.json" and re.search(r'"private"\s*:\s*true', text):
            continue  # a private package.json is an application's dependency list, not a package
        match = pattern.search(text)
        if match:
            return Fact("package", f"{name}: {what}", Location(name, text.count("\n", 0, match.start()) + 1))
    gemspecs = client.files.glob("*.gemspec")
    if gemspecs:
        return Fact("package", f"{gemspecs[0]}: a Ruby gem", Location(gemspecs[0]))
    return None
