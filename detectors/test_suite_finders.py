"""Suites found by what their files say: Maven/Gradle naming and source sets, test files that start
real services or browsers (testcontainers, selenium, terratest), Go build tags, Molecule scenarios,
Robot Framework suites and helm-unittest folders. `test_suites.py` combines them with folder suites.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import line_at, read_text
from devops_scan_detectors.test_conventions import CodeFile
from devops_scan_detectors.test_framework_content import READ_LIMIT, helm_unittest_files
from devops_scan_detectors.test_frameworks import test_frameworks
from devops_scan_detectors.xml_reader import xml_file

UNIT, INTEGRATION, E2E = "unit", "integration", "e2e"
# The framework a folder suite most likely runs on, in order of preference, per language.
PREFERRED = {
    "Python": ("pytest", "unittest"), "Go": ("ginkgo", "go-testing"), "Rust": ("cargo-test",),
    "JavaScript": ("playwright", "cypress", "webdriverio", "jest", "vitest", "mocha", "jasmine", "ava"),
    "TypeScript": ("playwright", "cypress", "webdriverio", "jest", "vitest", "mocha", "jasmine", "ava"),
    "Java": ("junit5", "junit4", "testng", "spock"), "Kotlin": ("kotest", "junit5", "junit4", "testng"),
    "C#": ("xunit", "nunit", "mstest"), "Ruby": ("rspec", "minitest"), "PHP": ("pest", "phpunit"),
    "Shell": ("bats", "shellspec"),
}
_LIVE_IMPORTS = (
    (re.compile(r"""^[ \t]*(?:from\s+testcontainers\b|import\s+testcontainers\b"""
                r"""|import\s+(?:static\s+)?org\.testcontainers\.|using\s+(?:DotNet\.)?Testcontainers\b)"""
                r"""|["']github\.com/testcontainers/testcontainers-go"""
                r"""|(?:from\s+|require\(\s*)["'](?:testcontainers|@testcontainers/[\w-]+)["']""", re.MULTILINE),
     "testcontainers", INTEGRATION),
    (re.compile(r"""^[ \t]*(?:from|import)\s+selenium\b|selenium-webdriver|org\.openqa\.selenium|OpenQA\.Selenium""",
                re.MULTILINE), "selenium", E2E),
    (re.compile(r'"github\.com/gruntwork-io/terratest/'), "terratest", INTEGRATION),
)
_GO_TAG = re.compile(r"^//\s*(?:go:build|\+build)\s+(.*)$", re.MULTILINE)
_GO_TAG_KINDS = {"integration": INTEGRATION, "e2e": E2E, "acceptance": E2E}
# A tag the constraint requires (`integration`), not one it excludes (`!integration`).
_GO_REQUIRED_TAG = re.compile(r"(?<![!\w])(integration|e2e|acceptance)\b")
# Maven Failsafe's default includes (`IT*`, `*IT`, `*ITCase`), which Surefire's defaults leave out...
_FAILSAFE_FILE = re.compile(r"(?:^|/)(?:IT[A-Z]\w*|\w+IT|\w+ITCase)\.(?:java|kt|groovy|scala)$")
# ...whereas `*IntegrationTest(s)` match Surefire's `*Test`/`*Tests` and run with the unit tests.
_INTEGRATION_NAMED = re.compile(r"IntegrationTests?\.(?:java|kt|groovy|scala)$")
_E2E_SPEC = re.compile(r"\.e2e-spec\.[cm]?[jt]sx?$")


@dataclass(frozen=True)
class TestSuite:
    __test__ = False  # a value, not a test class: keeps pytest from collecting it where it is imported

    framework: str | None  # None when the folder's runner is not known
    kind: str              # unit | integration | e2e
    path: str              # the suite's folder or configuration file
    line: int | None
    detail: str
    # The command that runs it when the configuration says so (`mvn verify`, `go test -tags integration`).
    runs_with: str | None = None

    @property
    def location(self) -> Location:
        return Location(self.path, self.line)


def folder_of(path: str) -> str:
    return posixpath.dirname(path) or "."


def framework_for(language: str, frameworks: set[str]) -> str | None:
    return next((f for f in PREFERRED.get(language, ()) if f in frameworks), None)


def grouped(files: list[CodeFile], root_of: Callable[[str], str | None]) -> dict[str, list[CodeFile]]:
    """Files by the suite root `root_of` gives their path (files it gives None are left out)."""
    groups: dict[str, list[CodeFile]] = {}
    for file in files:
        root = root_of(file.path)
        if root is not None:
            groups.setdefault(root, []).append(file)
    return groups


def gradle_test_task(client: RepoClient, folder: str) -> str | None:
    """`gradle integrationTest` when a Gradle build registers a Test task for the `src/<name>` source set."""
    match = re.search(r"(?:^|/)src/([A-Za-z0-9_]+)$", folder)
    if match is None:
        return None
    name = re.escape(match.group(1))
    task = re.compile(rf"""\bval\s+{name}\s+by\s+tasks\.registering\s*\(\s*Test::class"""
                      rf"""|register<Test>\(\s*["']{name}["']"""
                      rf"""|\btask\s+{name}\s*\(\s*type\s*:\s*Test|register\(\s*["']{name}["']\s*,\s*Test""")
    for path in client.files.with_extension("gradle", "kts"):
        if path.endswith((".gradle", ".gradle.kts")) and task.search(read_text(client, path) or ""):
            return f"gradle {match.group(1)}"
    return None


def conventions(client: RepoClient, context: ScanContext, loose: list[CodeFile],
                frameworks: set[str]) -> list[TestSuite]:
    """Suites known by file names, among test files outside the suite folders (`loose`)."""
    suites = []
    maven = any(not not_the_projects_own(p) for p in client.files.named("pom.xml"))
    failsafe = _failsafe_plugin(client, context) if maven else None
    for root, files in sorted(grouped([f for f in loose if _FAILSAFE_FILE.search(f.path)], _source_root).items()):
        note = ""
        if maven:
            note = (f"; run by maven-failsafe-plugin ({failsafe})" if failsafe
                    else "; no maven-failsafe-plugin found: Maven's default test run leaves these classes out")
        suites.append(TestSuite(framework_for(files[0].language, frameworks), INTEGRATION, root, None,
                                f"{len(files)} *IT class(es) (Maven Failsafe's naming){note}",
                                "mvn verify" if failsafe else None))
    for root, files in sorted(grouped([f for f in loose if _INTEGRATION_NAMED.search(f.path)], _source_root).items()):
        suites.append(TestSuite(framework_for(files[0].language, frameworks), INTEGRATION, root, None,
                                f"{len(files)} *IntegrationTest(s) class(es), named like unit tests: Surefire's "
                                "default `*Test`/`*Tests` patterns include them"))
    specs = [f for f in loose if _E2E_SPEC.search(f.path)]
    for folder, files in sorted(grouped(specs, posixpath.dirname).items()):
        suites.append(TestSuite(framework_for(files[0].language, frameworks), E2E, folder, None,
                                f"{len(files)} *.e2e-spec file(s)"))
    return suites


def _source_root(path: str) -> str:
    match = re.match(r"(.*?src/[^/]+/[^/]+)/", path)
    return match.group(1) if match else posixpath.dirname(path)


def _failsafe_plugin(client: RepoClient, context: ScanContext) -> str | None:
    for path in client.files.named("pom.xml"):
        root = xml_file(client, context, path).root if not not_the_projects_own(path) else None
        for plugin in root.iter("plugin") if root is not None else ():
            if plugin.text_of("artifactId") == "maven-failsafe-plugin":
                return f"{path}:{plugin.line}"
    return None


def live_dependencies(client: RepoClient, tests: list[CodeFile]) -> list[TestSuite]:
    hits: dict[tuple[str, str, str], list[tuple[str, int]]] = {}
    for file in tests[:READ_LIMIT * 4]:
        text = read_text(client, file.path) or ""
        for pattern, framework, kind in _LIVE_IMPORTS:
            match = pattern.search(text)
            if match:
                key = (folder_of(file.path), framework, kind)
                hits.setdefault(key, []).append((file.path, line_at(text, match.start())))
    return [TestSuite(framework, kind, folder, None,
                      f"{len(found)} test file(s) using {framework} (first: {found[0][0]}:{found[0][1]})")
            for (folder, framework, kind), found in sorted(hits.items())]


def go_tags(client: RepoClient, tests: list[CodeFile]) -> list[TestSuite]:
    suites = []
    for file in [f for f in tests if f.language == "Go"][:READ_LIMIT]:
        text = read_text(client, file.path) or ""
        for match in _GO_TAG.finditer(text[:2000]):
            for tag in sorted(set(_GO_REQUIRED_TAG.findall(match.group(1)))):
                line = line_at(text, match.start())
                suites.append(TestSuite("go-testing", _GO_TAG_KINDS[tag], folder_of(file.path), line,
                                        f"Go build tag `{tag}` ({file.path})", f"go test -tags {tag}"))
    return suites


def molecule_and_robot(client: RepoClient, context: ScanContext) -> list[TestSuite]:
    suites = []
    for use in test_frameworks(client, context):
        if use.framework == "molecule":  # scenarios whose molecule.yml really is Molecule's
            scenario = posixpath.basename(posixpath.dirname(use.location.path))
            command = "molecule test" + ("" if scenario == "default" else f" -s {scenario}")
            suites.append(TestSuite("molecule", INTEGRATION, posixpath.dirname(use.location.path), None,
                                    f"Molecule scenario `{scenario}` ({use.location.path})", command))
    robot_dirs: dict[str, int] = {}
    for path in client.files.with_extension("robot")[:READ_LIMIT]:
        text = read_text(client, path) if not not_the_projects_own(path) else None
        if text and re.search(r"^\*+\s*test\s*cases?\b", text, re.IGNORECASE | re.MULTILINE):
            folder = folder_of(path)
            robot_dirs[folder] = robot_dirs.get(folder, 0) + 1
    for folder, count in sorted(robot_dirs.items()):
        suites.append(TestSuite("robot-framework", E2E, folder, None, f"{count} Robot Framework suite file(s)",
                                "robot"))
    return suites


def helm(client: RepoClient, context: ScanContext) -> list[TestSuite]:
    by_folder: dict[str, list[str]] = {}
    for path, _line in helm_unittest_files(client, context):
        chart_tests = path.split("/tests/")[0] + "/tests" if "/tests/" in path else "tests"
        by_folder.setdefault(chart_tests, []).append(path)
    return [TestSuite("helm-unittest", UNIT, folder, None, f"{len(paths)} helm-unittest suite file(s)",
                      f"helm unittest {posixpath.dirname(folder) or '.'}")
            for folder, paths in sorted(by_folder.items())]
