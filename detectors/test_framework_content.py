"""Test frameworks proven by what test files contain: imports, `@test` blocks, suite files.

A bounded number of test files per language is read (they are read once per scan whoever asks);
each framework is reported once, at the first file that uses it, with how many files do.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan.yamlsafe import key_line
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import line_at, read_text
from devops_scan_detectors.test_conventions import code_files, rust_inline_tests
from devops_scan_detectors.test_frameworks import FrameworkUse

READ_LIMIT = 300
_M = re.MULTILINE

# Language → (pattern in a test file, framework, what the match shows).
IMPORT_RULES: dict[str, tuple[tuple[re.Pattern[str], str, str], ...]] = {
    "Python": (
        (re.compile(r"^[ \t]*(?:import pytest\b|from pytest\b)", _M), "pytest", "imports pytest"),
        (re.compile(r"\bunittest\.(?:IsolatedAsyncio)?TestCase\b|^[ \t]*from unittest import [^\n]*\bTestCase\b", _M),
         "unittest", "unittest.TestCase tests"),
        (re.compile(r"^[ \t]*from django\.test import", _M), "unittest", "django.test cases (built on unittest)"),
        (re.compile(r"^[ \t]*(?:from hypothesis\b|import hypothesis\b)", _M), "hypothesis", "imports hypothesis"),
    ),
    "Go": (
        (re.compile(r'"testing"'), "go-testing", 'imports "testing"'),
        (re.compile(r'"github\.com/stretchr/testify/'), "testify", "imports testify"),
        (re.compile(r'"github\.com/onsi/ginkgo'), "ginkgo", "imports ginkgo"),
        (re.compile(r'"github\.com/onsi/gomega'), "gomega", "imports gomega"),
        (re.compile(r'"github\.com/gruntwork-io/terratest/'), "terratest", "imports terratest"),
        (re.compile(r'"github\.com/testcontainers/testcontainers-go'), "testcontainers", "imports testcontainers-go"),
    ),
    "JVM": (
        (re.compile(r"^[ \t]*import\s+(?:static\s+)?org\.junit\.jupiter\.", _M), "junit5", "imports org.junit.jupiter"),
        (re.compile(r"^[ \t]*import\s+(?:static\s+)?org\.junit\.(?!jupiter\.|platform\.)", _M), "junit4",
         "imports JUnit 4 (org.junit)"),
        (re.compile(r"^[ \t]*import\s+(?:static\s+)?org\.testng\.", _M), "testng", "imports org.testng"),
        (re.compile(r"^[ \t]*import\s+io\.kotest\.", _M), "kotest", "imports io.kotest"),
        (re.compile(r"^[ \t]*import\s+spock\.lang\.", _M), "spock", "imports spock.lang"),
        (re.compile(r"^[ \t]*import\s+org\.testcontainers\.", _M), "testcontainers", "imports org.testcontainers"),
    ),
    "C#": (
        (re.compile(r"^[ \t]*using\s+Xunit\s*;", _M), "xunit", "using Xunit"),
        (re.compile(r"^[ \t]*using\s+NUnit\.Framework\s*;", _M), "nunit", "using NUnit.Framework"),
        (re.compile(r"^[ \t]*using\s+Microsoft\.VisualStudio\.TestTools\.UnitTesting\s*;", _M), "mstest",
         "using MSTest (UnitTesting)"),
    ),
    "Ruby": (
        (re.compile(r"\bRSpec\.(?:configure|describe)\b"), "rspec", "RSpec specs"),
        (re.compile(r"Minitest::Test\b|require\s+[\"']minitest/autorun|require\s+[\"']rails/test_help|"
                    r"ActiveSupport::TestCase"), "minitest", "Minitest tests"),
    ),
    "PHP": (
        (re.compile(r"PHPUnit\\Framework\\TestCase"), "phpunit", "PHPUnit test cases"),
        (re.compile(r"^(?:test|it)\(\s*['\"]", _M), "pest", "Pest tests"),
    ),
    "Shell": (
        (re.compile(r"^[ \t]*@test\s", _M), "bats", "Bats `@test` cases"),
        (re.compile(r"^[ \t]*Describe\s", _M), "shellspec", "ShellSpec `Describe` blocks"),
    ),
    "Rust": ((re.compile(r"#\[(?:test|tokio::test)\]"), "cargo-test", "`#[test]` functions run by `cargo test`"),),
}
_RULE_GROUP = {"Java": "JVM", "Kotlin": "JVM", "Scala": "JVM"}
_ROBOT_TESTS = re.compile(r"^\*+\s*test\s*cases?\b", re.IGNORECASE | _M)
_GHERKIN = re.compile(r"^[ \t]*Feature:", _M)
_MOLECULE_KEYS = ("driver", "platforms", "provisioner", "verifier", "scenario", "dependency")


def content_evidence(client: RepoClient, context: ScanContext) -> list[FrameworkUse]:
    found = list(_imports(client, context))
    found.extend(_rust(client, context))
    found.extend(_robot_and_gherkin(client))
    found.extend(_molecule(client, context))
    found.extend(_helm_unittest(client, context))
    return found


def _imports(client: RepoClient, context: ScanContext) -> Iterator[FrameworkUse]:
    by_group: dict[str, list[str]] = {}
    for file in code_files(client, context):
        group = _RULE_GROUP.get(file.language, file.language)
        if file.is_test and group in IMPORT_RULES:
            by_group.setdefault(group, []).append(file.path)
    for group, paths in sorted(by_group.items()):
        first: dict[str, tuple[Location, str]] = {}
        counts: dict[str, int] = {}
        read = paths[:READ_LIMIT]
        for path in read:
            text = read_text(client, path)
            for pattern, framework, detail in IMPORT_RULES[group] if text else ():
                match = pattern.search(text)
                if match:
                    first.setdefault(framework, (Location(path, line_at(text, match.start())), detail))
                    counts[framework] = counts.get(framework, 0) + 1
        for framework, (location, detail) in first.items():
            yield FrameworkUse(framework, location, f"{detail} ({counts[framework]} of {len(read)} test files read)")


def _rust(client: RepoClient, context: ScanContext) -> Iterator[FrameworkUse]:
    inline = rust_inline_tests(client, context)
    if inline:
        yield FrameworkUse("cargo-test", inline[0].location,
                           f"unit tests inside {len(inline)} source file(s), run by `cargo test`")


def _robot_and_gherkin(client: RepoClient) -> Iterator[FrameworkUse]:
    for path in client.files.with_extension("robot")[:READ_LIMIT]:
        text = read_text(client, path) if not not_the_projects_own(path) else None
        match = _ROBOT_TESTS.search(text or "")
        if match:
            yield FrameworkUse("robot-framework", Location(path, line_at(text, match.start())),
                               "Robot Framework `*** Test Cases ***`")
    features = [p for p in client.files.with_extension("feature") if not not_the_projects_own(p)]
    if not features:
        return
    steps = [p for p in client.files.with_extension("py", "rb", "js", "ts")
             if "/steps/" in f"/{p}" or "/step_definitions/" in f"/{p}"]
    for path in features[:READ_LIMIT]:
        text = read_text(client, path) or ""
        match = _GHERKIN.search(text)
        if match and any(p.endswith(".py") and "/steps/" in f"/{p}" for p in steps):
            yield FrameworkUse("behave", Location(path, line_at(text, match.start())),
                               "Gherkin feature with Python step modules in a steps/ folder (behave's layout)")
            return
        if match and any("/step_definitions/" in f"/{p}" for p in steps):
            yield FrameworkUse("cucumber", Location(path, line_at(text, match.start())),
                               "Gherkin feature with step_definitions/ (Cucumber's layout)")
            return


def _yaml_mapping(client: RepoClient, context: ScanContext, path: str) -> Any:
    try:
        return context.yaml(client, path).first
    except Exception:  # unreadable or invalid YAML is not a suite; the client records unreadable files
        return None


def _molecule(client: RepoClient, context: ScanContext) -> Iterator[FrameworkUse]:
    for path in client.files.glob("**/molecule/*/molecule.yml"):
        data = _yaml_mapping(client, context, path) if not not_the_projects_own(path) else None
        if isinstance(data, dict) and any(key in data for key in _MOLECULE_KEYS):
            scenario = posixpath.basename(posixpath.dirname(path))
            yield FrameworkUse("molecule", Location(path), f"Molecule scenario `{scenario}`")


def helm_unittest_files(client: RepoClient, context: ScanContext) -> list[tuple[str, int | None]]:
    """helm-unittest suites: YAML under a chart's tests/ folder whose `tests:` items carry `asserts:`."""
    charts = {posixpath.dirname(p) for p in client.files.named("Chart.yaml") if not not_the_projects_own(p)}
    found = []
    for chart in sorted(charts):
        prefix = f"{chart}/tests/" if chart else "tests/"
        for path in client.files.in_folder(prefix, recursive=True):
            if not path.endswith((".yaml", ".yml")):
                continue
            data = _yaml_mapping(client, context, path)
            tests = data.get("tests") if isinstance(data, dict) else None
            if isinstance(tests, list) and any(isinstance(t, dict) and "asserts" in t for t in tests):
                found.append((path, key_line(data, "suite") or key_line(data, "tests")))
    return found


def _helm_unittest(client: RepoClient, context: ScanContext) -> Iterator[FrameworkUse]:
    for path, line in helm_unittest_files(client, context):
        yield FrameworkUse("helm-unittest", Location(path, line), "helm-unittest suite")
