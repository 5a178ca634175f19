"""Tests present: test files for the languages the repository is written in, and their frameworks.

Languages come from source-file extensions; test files from each language's conventions
(`test_*.py`, `*_test.go`, `*.spec.ts`, `src/test/java/`, `*_spec.rb`, ...; see test_conventions.py).
Vendored and generated folders are left out so that a vendored library's tests are not taken for the
project's. Frameworks (test_frameworks.py) are named in the evidence and reason; suites written in
no programming language (helm-unittest, Molecule, Robot Framework) count as tests too.
"""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.test_conventions import (  # noqa: F401 - re-exported for existing importers
    LANGUAGES, TEST_FOLDERS, Language, code_files, in_test_folder, is_test_file, rust_inline_tests,
)
from devops_scan_detectors.test_frameworks import FrameworkUse, framework_ids, test_frameworks
from devops_scan_detectors.test_suites import test_suites

# Below this many source files there is too little code to expect unit tests (a docs site's conf.py).
MIN_SOURCE_FILES = 3
_EVIDENCE_LIMIT = 10
# Frameworks whose suites are not files of a programming language: they count as tests on their own.
NON_CODE_SUITES = {"helm-unittest": "helm-unittest test folder(s)", "molecule": "Molecule scenario(s)",
                   "robot-framework": "Robot Framework suite folder(s)"}


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
        f"applicable with no source code, or fewer than {MIN_SOURCE_FILES} source files and no tests. "
        "Tool configuration written in JavaScript (`jest.config.js`) is not source code. Test frameworks "
        "(inventory `test_frameworks`) are named in the evidence, proven by manifests, configuration "
        "files and test-file imports. Suites written in no programming language (helm-unittest, "
        "Molecule scenarios, Robot Framework) count as tests."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        by_language: dict[str, dict[str, int]] = {}
        facts: list[Fact] = []
        for file in code_files(client, context):
            counts = by_language.setdefault(file.language, {"source_files": 0, "test_files": 0})
            if file.is_test:
                counts["test_files"] += 1
                facts.append(Fact("test-file", f"{file.language} test file", Location(file.path),
                                  {"language": file.language}))
            else:
                counts["source_files"] += 1
        for inline in rust_inline_tests(client, context):
            facts.append(Fact("test-file", "Rust unit tests in a source file", inline.location, {"language": "Rust"}))
            # Still a source file too: a crate whose every file has a tests module is not "0 source files".
            by_language["Rust"]["test_files"] += 1
        warnings: tuple[str, ...] = ()
        try:
            uses, suites = test_frameworks(client, context), test_suites(client, context)
        except Exception as error:  # frameworks are extra evidence: a bug there must not cost the counts
            uses, suites = (), ()
            warnings = (f"test frameworks and suites not read ({type(error).__name__}: {error})",)
        facts.extend(_framework_facts(uses))
        facts.extend(Fact("test-suite", f"{suite.framework} suite: {suite.detail}", suite.location,
                          {"framework": suite.framework}) for suite in suites if suite.framework in NON_CODE_SUITES)
        inventory = {"tests": {"files": sum(c["test_files"] for c in by_language.values()),
                               "by_language": dict(sorted(by_language.items()))},
                     "test_frameworks": framework_ids(uses)}
        return Evidence(self.id, tuple(facts), inventory, warnings)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        by_language = evidence.inventory["tests"]["by_language"]
        frameworks = evidence.of_kind("test-framework")
        suites = evidence.of_kind("test-suite")
        sources = sum(c["source_files"] for c in by_language.values())
        tested = {name: c for name, c in by_language.items() if c["test_files"]}
        untested = sorted(name for name, c in by_language.items() if not c["test_files"] and c["source_files"])
        if tested or suites:
            parts = [f"{c['test_files']} {name} test file(s) for {c['source_files']} source file(s)"
                     for name, c in sorted(tested.items())]
            parts += _suite_counts(suites)
            reason = "; ".join(parts)
            if untested:
                reason += f"; no tests found for {', '.join(untested)}"
            shown = _sample(evidence.of_kind("test-file")) + suites[:_EVIDENCE_LIMIT] + frameworks
            return [Finding("test.present", Outcome.PASS, reason + _frameworks_clause(frameworks), shown)]
        if not by_language:
            return [Finding("test.present", Outcome.NOT_APPLICABLE,
                            "no source files in a language devops-scan knows: nothing to unit-test")]
        if sources < MIN_SOURCE_FILES:
            return [Finding("test.present", Outcome.NOT_APPLICABLE,
                            f"only {sources} source file(s): too little code to expect unit tests")]
        sizes = ", ".join(f"{name} ({by_language[name]['source_files']} source files)" for name in untested)
        configured = f"; configured but without test files: {', '.join(_names(frameworks))}" if frameworks else ""
        return [Finding("test.present", Outcome.FAIL, f"no test files found for {sizes}{configured}", frameworks)]


def _framework_facts(uses: tuple[FrameworkUse, ...]) -> list[Fact]:
    """One fact per framework: its first piece of evidence (uses are sorted by framework, location)."""
    first: dict[str, FrameworkUse] = {}
    for use in uses:
        first.setdefault(use.framework, use)
    return [Fact("test-framework", f"{use.framework}: {use.detail}", use.location, {"framework": use.framework})
            for use in first.values()]


def _names(frameworks: tuple[Fact, ...]) -> list[str]:
    return [fact.data["framework"] for fact in frameworks]


def _frameworks_clause(frameworks: tuple[Fact, ...]) -> str:
    return f"; frameworks: {', '.join(_names(frameworks))}" if frameworks else ""


def _suite_counts(suites: tuple[Fact, ...]) -> list[str]:
    counts: dict[str, int] = {}
    for fact in suites:
        counts[fact.data["framework"]] = counts.get(fact.data["framework"], 0) + 1
    return [f"{count} {NON_CODE_SUITES[name]}" for name, count in sorted(counts.items())]


def _sample(facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """A few test files per language, so the evidence stays readable on big repositories."""
    per_language: dict[str, list[Fact]] = {}
    for fact in facts:
        per_language.setdefault(fact.data["language"], []).append(fact)
    limit = max(1, _EVIDENCE_LIMIT // max(1, len(per_language)))
    return tuple(fact for name in sorted(per_language) for fact in per_language[name][:limit])
