"""Which files are source code and which are tests, by each language's conventions.

Shared by `tests-present` (counts), `test_frameworks` (reads test files for imports) and
`test_suites` (finds e2e/integration folders), and computed once per scan.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.clients.fileindex import extension
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan_detectors.common import not_the_projects_own

TEST_FOLDERS = frozenset({"test", "tests", "testing", "spec", "specs", "__tests__", "unittests", "unit_tests",
                          "integration_tests", "e2e", "testsuite"})
# Rust unit tests live inside source files: at most this many are read looking for them.
RUST_READ_LIMIT = 200
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
# Tool configuration written in JavaScript (jest.config.js, .eslintrc.cjs, karma.conf.js) is not
# application code: counting it would report "no tests for JavaScript" in a TypeScript project.
_JS_TOOL_CONFIG = re.compile(r"^([\w.-]+\.config|\.[\w-]+rc|karma\.conf|wdio(\.[\w-]+)?\.conf|gulpfile|gruntfile)"
                             r"\.[cm]?[jt]s$", re.IGNORECASE)


def language_of(path: str) -> Language | None:
    return _BY_EXTENSION.get(extension(posixpath.basename(path)))


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


@dataclass(frozen=True)
class CodeFile:
    path: str
    language: str
    is_test: bool


@dataclass(frozen=True)
class RustInlineTests:
    """A Rust source file holding unit tests (`#[test]`, `#[cfg(test)]`), at the attribute's line."""

    location: Location


def code_files(client: RepoClient, context: ScanContext) -> tuple[CodeFile, ...]:
    """Every source and test file of the project's own code (sorted by path), once per scan."""
    return context.shared("test-conventions:code-files", lambda: tuple(_classify(client)))


def _classify(client: RepoClient) -> list[CodeFile]:
    files = []
    for path in client.files:
        language = language_of(path)
        if language is None or not_the_projects_own(path):
            continue
        name = posixpath.basename(path)
        if name == "__init__.py" and in_test_folder(path):
            continue  # a test package marker is neither a test nor source code
        if language.name in ("JavaScript", "TypeScript") and _JS_TOOL_CONFIG.match(name):
            continue
        files.append(CodeFile(path, language.name, is_test_file(path, language)))
    return files


def rust_inline_tests(client: RepoClient, context: ScanContext) -> tuple[RustInlineTests, ...]:
    """Rust sources with unit tests inside: a bounded number of source files is read."""

    def find() -> tuple[RustInlineTests, ...]:
        sources = [f.path for f in code_files(client, context) if f.language == "Rust" and not f.is_test]
        found = []
        for path in sources[:RUST_READ_LIMIT]:
            try:
                text = client.read_text(path).text
            except UnreadableFile:
                continue
            match = _RUST_TEST.search(text)
            if match:
                found.append(RustInlineTests(Location(path, text.count("\n", 0, match.start()) + 1)))
        return tuple(found)

    return context.shared("test-conventions:rust-inline", find)
