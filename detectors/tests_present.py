"""Tests present: test files for the languages the repository is written in.

Languages come from source-file extensions; test files from each language's conventions
(`test_*.py`, `*_test.go`, `*.spec.ts`, `src/test/java/`, `*_spec.rb`, ...). Vendored and
generated folders are left out so that a vendored library's tests are not taken for the project's.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.clients.fileindex import extension
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.common import not_the_projects_own

# Below this many source files there is too little code to expect unit tests (a docs site's conf.py).
MIN_SOURCE_FILES = 3
TEST_FOLDERS = frozenset({"test", "tests", "testing", "spec", "specs", "__tests__", "unittests", "unit_tests",
                          "integration_tests", "e2e", "testsuite"})
_EVIDENCE_LIMIT = 10
_RUST_READ_LIMIT = 200
_RUST_TEST = re.compile(r"#\[(cfg\((all|any)?\(?\s*test\b|test\]|tokio::test\b|rstest\b)")


@dataclass(frozen=True)
class Language:
    name: str
    extensions: tuple[str, ...]
    # A basename that marks a test file wherever it is.
    test_name: re.Pattern[str]
    # Path parts (folder names or path prefixes like src/test/) that hold tests.
    in_test_folder: bool = True


LANGUAGES: tuple[Language, ...] = (
    # `tests.py` is Django's convention: `manage.py startapp` creates one in every app.
    Language("Python", ("py",), re.compile(r"^(test_.*|.*_test|tests|conftest)\.py$")),
    Language("JavaScript", ("js", "jsx", "mjs", "cjs"), re.compile(r"\.(test|spec|e2e|cy)\.[cm]?jsx?$")),
    Language("TypeScript", ("ts", "tsx", "mts", "cts"), re.compile(r"\.(test|spec|e2e|cy)\.[cm]?tsx?$")),
    Language("Go", ("go",), re.compile(r"_test\.go$"), in_test_folder=False),
    Language("Java", ("java",), re.compile(r"^(.*Tests?|.*IT|Test.*)\.java$")),
    Language("Kotlin", ("kt",), re.compile(r"^(.*Tests?|.*IT|Test.*)\.kt$")),
    Language("Scala", ("scala",), re.compile(r"^.*(Spec|Suite|Tests?)\.scala$")),
    Language("C#", ("cs",), re.compile(r"^.*Tests?\.cs$")),
    Language("Ruby", ("rb",), re.compile(r"(_spec|_test)\.rb$|^test_.*\.rb$")),
    Language("PHP", ("php",), re.compile(r"Test\.php$")),
    Language("Rust", ("rs",), re.compile(r"^$a")),  # decided from tests/ folders and #[test] attributes
    Language("Swift", ("swift",), re.compile(r"Tests?\.swift$")),
    Language("Elixir", ("ex", "exs"), re.compile(r"_test\.exs$")),
    Language("C/C++", ("c", "cc", "cpp", "cxx", "h", "hpp"),
             re.compile(r"(_test|_unittest|Test)\.(c|cc|cpp|cxx)$|^test_.*\.(c|cc|cpp)$")),
    Language("Shell", ("sh", "bash", "bats"), re.compile(r"\.bats$|^test_.*\.sh$|_test\.sh$")),
)
_BY_EXTENSION = {ext: language for language in LANGUAGES for ext in language.extensions}


def is_test_file(path: str, language: Language) -> bool:
    name = posixpath.basename(path)
    if language.test_name.search(name):
        return True
    folders = path.split("/")[:-1]
    if language.name in ("Java", "Kotlin", "Scala") and "/src/test/" in f"/{path}":
        return True
    if language.name == "C#" and any(part.endswith((".Tests", ".Test", ".UnitTests", ".IntegrationTests"))
                                     for part in folders):
        return True
    if language.name == "Swift" and "Tests" in folders:
        return True
    return language.in_test_folder and name != "__init__.py" and in_test_folder(path)


def in_test_folder(path: str) -> bool:
    return any(part in TEST_FOLDERS for part in path.split("/")[:-1])


class TestsPresentDetector(Detector):
    id = "tests-present"
    title = "Test files present"
    practices = ("test.present",)
    description = (
        "Finds the languages of the repository from its source files, then the test files of each "
        "language by its conventions (" + ", ".join(language.name for language in LANGUAGES) + "). "
        "Vendored folders (node_modules, vendor, third_party, ...) and test-data trees (testdata, "
        "fixtures, ...) are left out. Rust counts `tests/` folders and `#[test]`/`#[cfg(test)]` in "
        f"sources. Passes when any language has tests (the reason names languages without); not "
        f"applicable with no source code, or fewer than {MIN_SOURCE_FILES} source files and no tests."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        by_language: dict[str, dict[str, int]] = {}
        facts: list[Fact] = []
        rust_sources: list[str] = []
        for path in client.files:
            language = _BY_EXTENSION.get(extension(posixpath.basename(path)))
            if language is None or not_the_projects_own(path):
                continue
            if posixpath.basename(path) == "__init__.py" and in_test_folder(path):
                continue  # a test package marker is neither a test nor source code
            counts = by_language.setdefault(language.name, {"source_files": 0, "test_files": 0})
            if is_test_file(path, language):
                counts["test_files"] += 1
                facts.append(Fact("test-file", f"{language.name} test file", Location(path),
                                  {"language": language.name}))
            else:
                counts["source_files"] += 1
                if language.name == "Rust":
                    rust_sources.append(path)
        facts.extend(_rust_inline_tests(client, rust_sources, by_language))
        inventory = {"tests": {"files": sum(c["test_files"] for c in by_language.values()),
                               "by_language": dict(sorted(by_language.items()))}}
        return Evidence(self.id, tuple(facts), inventory)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        by_language = evidence.inventory["tests"]["by_language"]
        sources = sum(c["source_files"] for c in by_language.values())
        if not by_language:
            return [Finding("test.present", Outcome.NOT_APPLICABLE,
                            "no source files in a language devops-scan knows: nothing to unit-test")]
        if sources < MIN_SOURCE_FILES and not evidence.of_kind("test-file"):
            return [Finding("test.present", Outcome.NOT_APPLICABLE,
                            f"only {sources} source file(s): too little code to expect unit tests")]
        tested = {name: c for name, c in by_language.items() if c["test_files"]}
        untested = sorted(name for name, c in by_language.items() if not c["test_files"] and c["source_files"])
        shown = _sample(evidence.of_kind("test-file"))
        if tested:
            parts = [f"{c['test_files']} {name} test file(s) for {c['source_files']} source file(s)"
                     for name, c in sorted(tested.items())]
            reason = "; ".join(parts)
            if untested:
                reason += f"; no tests found for {', '.join(untested)}"
            return [Finding("test.present", Outcome.PASS, reason, shown)]
        sizes = ", ".join(f"{name} ({by_language[name]['source_files']} source files)" for name in untested)
        return [Finding("test.present", Outcome.FAIL, f"no test files found for {sizes}")]


def _sample(facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """A few test files per language, so the evidence stays readable on big repositories."""
    per_language: dict[str, list[Fact]] = {}
    for fact in facts:
        per_language.setdefault(fact.data["language"], []).append(fact)
    limit = max(1, _EVIDENCE_LIMIT // max(1, len(per_language)))
    return tuple(fact for name in sorted(per_language) for fact in per_language[name][:limit])


def _rust_inline_tests(client: RepoClient, sources: list[str], by_language: dict[str, dict[str, int]]) -> list[Fact]:
    """Rust unit tests live inside source files: read a bounded number looking for #[test]."""
    facts = []
    for path in sources[:_RUST_READ_LIMIT]:
        try:
            text = client.read_text(path).text
        except UnreadableFile:
            continue
        match = _RUST_TEST.search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            facts.append(Fact("test-file", "Rust unit tests in a source file", Location(path, line),
                              {"language": "Rust"}))
            # Still a source file too: a crate whose every file has a tests module is not "0 source files".
            by_language["Rust"]["test_files"] += 1
    return facts
