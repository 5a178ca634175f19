"""Integration and end-to-end test suites (and helm-unittest unit suites), found from files.

What makes a suite: a folder of test files named for it (`tests/e2e/`, `integration-tests/`,
`src/it/`, `src/integrationTest/`), a runner's configuration (playwright, cypress, webdriverio,
NestJS `jest-e2e.json`), a naming convention with its runner (Maven Failsafe `*IT.java`,
`*.e2e-spec.ts`), test files that start real dependencies or browsers (testcontainers, selenium,
terratest), Go build tags (`//go:build integration`), Molecule scenarios and Robot Framework suites.
Whether CI runs them is decided elsewhere, from the CI model; this module only says what exists.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import line_at, read_text
from devops_scan_detectors.test_conventions import TEST_FOLDERS, CodeFile, code_files
from devops_scan_detectors.test_frameworks import framework_ids, test_frameworks
from devops_scan_detectors.test_suite_finders import (  # noqa: F401 - UNIT is part of this module's API
    E2E, INTEGRATION, UNIT, TestSuite, conventions, framework_for, go_tags, gradle_test_task, grouped, helm,
    live_dependencies, molecule_and_robot,
)

# `cypress/` holds Cypress' browser specs (in `cypress/e2e/`, or `cypress/integration/` before Cypress 10).
E2E_FOLDERS = frozenset({"e2e", "e2e-tests", "e2e_tests", "end-to-end", "end_to_end", "acceptance",
                         "acceptance-tests", "acceptance_tests", "system-tests", "system_tests", "cypress"})
INTEGRATION_FOLDERS = frozenset({"integration", "integration-tests", "integration_tests", "integrationtests",
                                 "integration-test", "integrationTest", "it"})
_JS = ("js", "ts", "mjs", "cjs", "mts", "cts")
RUNNER_CONFIGS = {
    **{f"playwright.config.{ext}": ("playwright", "npx playwright test") for ext in _JS},
    **{f"cypress.config.{ext}": ("cypress", "cypress run") for ext in _JS}, "cypress.json": ("cypress", "cypress run"),
    **{f"wdio.conf.{ext}": ("webdriverio", "wdio run") for ext in _JS},
    "jest-e2e.json": ("jest", "jest --config <this file>"),
}


def test_suites(client: RepoClient, context: ScanContext) -> tuple[TestSuite, ...]:
    """Every suite found, sorted by path then kind; computed once per scan."""
    return context.shared("test-suites", lambda: _collect(client, context))


test_suites.__test__ = False  # type: ignore[attr-defined] - not a test, whatever pytest makes of its name


def _collect(client: RepoClient, context: ScanContext) -> tuple[TestSuite, ...]:
    frameworks = set(framework_ids(test_frameworks(client, context)))
    tests = [f for f in code_files(client, context) if f.is_test]
    suites: dict[tuple[str, str, str | None], TestSuite] = {}
    configs = _configs(client)
    loose = [test for test in tests if _suite_folder(test.path) is None]
    for suite in [*_folders(client, tests, frameworks), *conventions(client, context, loose, frameworks),
                  *live_dependencies(client, tests), *go_tags(client, tests), *configs,
                  *molecule_and_robot(client, context), *helm(client, context)]:
        suites.setdefault((suite.path, suite.kind, suite.framework), suite)
    # A runner's configuration that points into a suite folder says how that folder runs.
    targets = [(target, config) for config in configs for target in [_config_target(client, config.path)] if target]
    for key, suite in list(suites.items()):
        config = next((c for target, c in targets if f"{target}/".startswith(f"{suite.path}/")), None)
        if config is not None and suite.runs_with is None and suite.framework in (None, config.framework):
            suites[key] = replace(suite, framework=config.framework, runs_with=config.runs_with)
    return tuple(sorted(suites.values(), key=lambda s: (s.path, s.kind, s.framework or "")))


def _suite_folder(path: str) -> tuple[str, str] | None:
    parts = path.split("/")[:-1]
    for index, part in enumerate(parts):
        kind = E2E if part in E2E_FOLDERS else INTEGRATION if part in INTEGRATION_FOLDERS else None
        parent = parts[index - 1] if index else None
        # `it` is a suite only as Maven's src/it; elsewhere it is too common a word.
        if kind is None or (part == "it" and parent != "src"):
            continue
        # A suite sits at a project or module root (e2e/), in a test root (tests/integration) or a
        # source-set root (src/integrationTest) — not deep inside a test tree, where a folder named
        # `acceptance` holds sample specs the tests themselves use.
        in_a_test_tree = any(p in TEST_FOLDERS for p in parts[:index])
        if parent is None or parent == "src" or parent in TEST_FOLDERS or not in_a_test_tree:
            return "/".join(parts[:index + 1]), kind
    return None


def _folders(client: RepoClient, tests: list[CodeFile], frameworks: set[str]) -> list[TestSuite]:
    suites = []
    for folder, files in sorted(grouped(tests, lambda p: (_suite_folder(p) or (None,))[0]).items()):
        kind = _suite_folder(files[0].path)[1]
        language = max(sorted({f.language for f in files}), key=lambda name: sum(f.language == name for f in files))
        suites.append(TestSuite(framework_for(language, frameworks), kind, folder, None,
                                f"{len(files)} {language} test file(s) in an {kind} folder",
                                gradle_test_task(client, folder)))
    return suites


def _configs(client: RepoClient) -> list[TestSuite]:
    suites = []
    for path in client.files.named(*RUNNER_CONFIGS):
        if not_the_projects_own(path):
            continue
        framework, command = RUNNER_CONFIGS[posixpath.basename(path)]
        text = read_text(client, path) or ""
        match = re.search(r"""\b(?:testDir|specPattern|specs)\b""", text)
        suites.append(TestSuite(framework, E2E, path, line_at(text, match.start()) if match else None,
                                f"{framework} configuration", command.replace("<this file>", path)))
    return suites


def _config_target(client: RepoClient, path: str) -> str | None:
    """The folder a runner configuration points at (`testDir: './e2e'`, the fixed start of cypress'
    `specPattern`; NestJS' jest-e2e.json sits in its suite's folder), relative to the repository."""
    folder = posixpath.dirname(path)
    if posixpath.basename(path) == "jest-e2e.json":
        return folder or None
    match = re.search(r"""\b(?:testDir|specPattern)\s*:\s*["'`]([^"'`]+)["'`]""", read_text(client, path) or "")
    if match is None:  # Cypress' specs live under cypress/ unless the configuration says otherwise
        return posixpath.join(folder, "cypress") if posixpath.basename(path).startswith("cypress.") else None
    pattern = match.group(1)
    fixed = posixpath.dirname(pattern.split("*", 1)[0]) if "*" in pattern else pattern
    return posixpath.normpath(posixpath.join(folder, fixed)).strip("/") if fixed else None
