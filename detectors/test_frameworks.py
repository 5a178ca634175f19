"""Test frameworks per language, proven by manifests, configuration files and test-file content.

A framework counts when the project declares it (a dependency), configures it (its configuration
file, or its section in a shared one) or its test files use it (imports, `@test` blocks) — never
because a path merely contains "test". Framework ids are lower-case and listed in FRAMEWORKS.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors import declared_dependencies as deps
from devops_scan_detectors.code_text import blank_comments
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import (
    dig, ini_file, json_file, json_line, location_key, read_text, toml_file, toml_line,
)
from devops_scan_detectors.xml_reader import xml_file

# Framework id → what it tests (the inventory key `test_frameworks` lists these ids).
FRAMEWORKS: dict[str, str] = {
    "pytest": "Python", "unittest": "Python", "nose2": "Python", "hypothesis": "Python", "behave": "Python",
    "jest": "JavaScript/TypeScript", "vitest": "JavaScript/TypeScript", "mocha": "JavaScript/TypeScript",
    "karma": "JavaScript/TypeScript", "ava": "JavaScript/TypeScript", "jasmine": "JavaScript/TypeScript",
    "playwright": "JavaScript/TypeScript", "cypress": "JavaScript/TypeScript",
    "testing-library": "JavaScript/TypeScript", "webdriverio": "JavaScript/TypeScript",
    "go-testing": "Go", "testify": "Go", "ginkgo": "Go", "gomega": "Go", "terratest": "Go (infrastructure)",
    "junit4": "Java/Kotlin", "junit5": "Java/Kotlin", "testng": "Java/Kotlin", "spock": "Groovy/Java",
    "kotest": "Kotlin", "testcontainers": "integration (several languages)",
    "selenium": "browser automation (several languages)",
    "xunit": ".NET", "nunit": ".NET", "mstest": ".NET",
    "rspec": "Ruby", "minitest": "Ruby", "phpunit": "PHP", "pest": "PHP", "cargo-test": "Rust",
    "bats": "Shell", "shellspec": "Shell", "molecule": "Ansible", "helm-unittest": "Helm",
    "robot-framework": "acceptance (Robot Framework)", "cucumber": "acceptance (Gherkin)",
}


@dataclass(frozen=True)
class FrameworkUse:
    """One piece of evidence that the project uses a test framework."""

    framework: str
    location: Location
    detail: str


# (ecosystem, name pattern, framework): a declared dependency proves the framework.
DEPENDENCY_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = tuple(
    (eco, re.compile(pattern, re.IGNORECASE), framework) for eco, pattern, framework in (
        (deps.PYPI, r"^pytest$", "pytest"), (deps.PYPI, r"^nose2$", "nose2"),
        (deps.PYPI, r"^hypothesis$", "hypothesis"), (deps.PYPI, r"^behave$", "behave"),
        (deps.PYPI, r"^robotframework$", "robot-framework"), (deps.PYPI, r"^testcontainers$", "testcontainers"),
        (deps.PYPI, r"^pytest-playwright$", "playwright"), (deps.PYPI, r"^selenium$", "selenium"),
        (deps.NPM, r"^selenium-webdriver$", "selenium"), (deps.MAVEN, r"^org\.seleniumhq\.selenium:", "selenium"),
        (deps.NUGET, r"^selenium\.webdriver$", "selenium"),
        (deps.NPM, r"^jest$", "jest"), (deps.NPM, r"^vitest$", "vitest"), (deps.NPM, r"^mocha$", "mocha"),
        (deps.NPM, r"^karma$", "karma"), (deps.NPM, r"^ava$", "ava"), (deps.NPM, r"^jasmine(-core)?$", "jasmine"),
        (deps.NPM, r"^@playwright/test$", "playwright"), (deps.NPM, r"^cypress$", "cypress"),
        (deps.NPM, r"^@testing-library/", "testing-library"), (deps.NPM, r"^(webdriverio|@wdio/cli)$", "webdriverio"),
        (deps.NPM, r"^(@cucumber/cucumber|cucumber)$", "cucumber"),
        (deps.NPM, r"^(testcontainers|@testcontainers/.*)$", "testcontainers"),
        (deps.GO, r"^github\.com/stretchr/testify$", "testify"), (deps.GO, r"^github\.com/onsi/ginkgo", "ginkgo"),
        (deps.GO, r"^github\.com/onsi/gomega$", "gomega"),
        (deps.GO, r"^github\.com/gruntwork-io/terratest$", "terratest"),
        (deps.GO, r"^github\.com/testcontainers/testcontainers-go", "testcontainers"),
        (deps.GO, r"^github\.com/cucumber/godog$", "cucumber"),
        (deps.MAVEN, r"^junit:junit$|^org\.junit\.vintage:", "junit4"),
        (deps.MAVEN, r"^org\.junit\.jupiter:|^org\.junit:junit-bom$", "junit5"),
        (deps.MAVEN, r"^org\.testng:", "testng"), (deps.MAVEN, r"^org\.spockframework:", "spock"),
        (deps.MAVEN, r"^io\.kotest:", "kotest"), (deps.MAVEN, r"^org\.testcontainers:", "testcontainers"),
        (deps.MAVEN, r"^io\.cucumber:", "cucumber"),
        (deps.NUGET, r"^xunit(\.v3|\.core)?$", "xunit"), (deps.NUGET, r"^nunit$", "nunit"),
        (deps.NUGET, r"^mstest(\.testframework)?$", "mstest"),
        (deps.NUGET, r"^testcontainers(\..*)?$", "testcontainers"),
        (deps.RUBYGEMS, r"^rspec(-core|-rails)?$", "rspec"), (deps.RUBYGEMS, r"^minitest$", "minitest"),
        (deps.RUBYGEMS, r"^cucumber(-rails)?$", "cucumber"),
        (deps.COMPOSER, r"^phpunit/phpunit$", "phpunit"), (deps.COMPOSER, r"^pestphp/pest$", "pest"),
    )
)

_JS = ("js", "ts", "mjs", "cjs", "mts", "cts")
# Configuration files a framework reads by exactly this name (the name is the tool's contract).
CONFIG_FILES: dict[str, str] = {
    "pytest.ini": "pytest", ".pytest.ini": "pytest", "conftest.py": "pytest", "nose2.cfg": "nose2",
    "behave.ini": "behave", ".behaverc": "behave", "jasmine.json": "jasmine", "cypress.json": "cypress",
    ".rspec": "rspec", ".shellspec": "shellspec", "phpunit.xml": "phpunit", "phpunit.xml.dist": "phpunit",
    "phpunit.dist.xml": "phpunit", "Pest.php": "pest",
    **{f"jest.config.{ext}": "jest" for ext in (*_JS, "json")},
    **{f"vitest.config.{ext}": "vitest" for ext in _JS},
    **{f"vitest.workspace.{ext}": "vitest" for ext in (*_JS, "json")},
    **{f".mocharc.{ext}": "mocha" for ext in ("js", "cjs", "mjs", "json", "jsonc", "yml", "yaml")},
    **{f"karma.conf.{ext}": "karma" for ext in _JS}, **{f"ava.config.{ext}": "ava" for ext in ("js", "cjs", "mjs")},
    **{f"playwright.config.{ext}": "playwright" for ext in _JS}, **{f"cypress.config.{ext}": "cypress" for ext in _JS},
    **{f"wdio.conf.{ext}": "webdriverio" for ext in _JS},
}
# package.json keys that configure a framework.
PACKAGE_JSON_KEYS = {"jest": "jest", "mocha": "mocha", "ava": "ava"}
# Sections of shared INI/TOML files: (file name, section, framework).
INI_SECTIONS = (("tox.ini", "pytest", "pytest"), ("setup.cfg", "tool:pytest", "pytest"),
                ("unittest.cfg", "unittest", "nose2"), ("tox.ini", "behave", "behave"),
                ("setup.cfg", "behave", "behave"))
TOML_TABLES = (("pyproject.toml", "tool.pytest.ini_options", "pytest"),)


def test_frameworks(client: RepoClient, context: ScanContext) -> tuple[FrameworkUse, ...]:
    """Every piece of framework evidence, sorted by framework then location; once per scan."""
    return context.shared("test-frameworks", lambda: _collect(client, context))


test_frameworks.__test__ = False  # type: ignore[attr-defined] - not a test, whatever pytest makes of its name


def framework_ids(uses: tuple[FrameworkUse, ...]) -> list[str]:
    return sorted({use.framework for use in uses})


def _collect(client: RepoClient, context: ScanContext) -> tuple[FrameworkUse, ...]:
    from devops_scan_detectors.test_framework_content import content_evidence

    found: set[FrameworkUse] = set()
    for dependency in deps.declared_dependencies(client, context).items:
        for ecosystem, pattern, framework in DEPENDENCY_RULES:
            if dependency.ecosystem == ecosystem and pattern.search(dependency.name):
                found.add(FrameworkUse(framework, dependency.location, f"`{dependency.name}` declared as a dependency"))
    found.update(_config_files(client, context))
    found.update(content_evidence(client, context))
    return tuple(sorted(found, key=lambda use: (use.framework, location_key(use.location), use.detail)))


def _config_files(client: RepoClient, context: ScanContext) -> list[FrameworkUse]:
    found: list[FrameworkUse] = []
    for path in client.files.named(*CONFIG_FILES):
        if not_the_projects_own(path):
            continue
        framework = CONFIG_FILES[posixpath.basename(path)]
        if framework == "phpunit" and not _xml_root_is(client, context, path, "phpunit"):
            continue
        found.append(FrameworkUse(framework, Location(path), f"{framework} configuration file"))
    for path in client.files.named("package.json"):
        data = json_file(client, context, path) if not not_the_projects_own(path) else None
        if not isinstance(data, dict):
            continue
        text = read_text(client, path) or ""
        for key, framework in PACKAGE_JSON_KEYS.items():
            if isinstance(data.get(key), dict):
                found.append(FrameworkUse(framework, Location(path, json_line(text, key, object_last=True)),
                                          f'`"{key}"` configuration in package.json'))
    for name, section, framework in INI_SECTIONS:
        for path in client.files.named(name):
            ini = ini_file(client, context, path) if not not_the_projects_own(path) else None
            found_section = ini.section(section) if ini else None
            if found_section:
                found.append(FrameworkUse(framework, Location(path, found_section.line), f"[{section}] section"))
    for name, table, framework in TOML_TABLES:
        for path in client.files.named(name):
            data = toml_file(client, context, path) if not not_the_projects_own(path) else None
            if isinstance(dig(data, *table.split(".")), dict):
                text = read_text(client, path) or ""
                found.append(FrameworkUse(framework, Location(path, toml_line(text, table)), f"[{table}] table"))
    found.extend(_vite_test_blocks(client))
    return found


def _xml_root_is(client: RepoClient, context: ScanContext, path: str, tag: str) -> bool:
    root = xml_file(client, context, path).root
    return root is not None and root.tag == tag


def _vite_test_blocks(client: RepoClient) -> list[FrameworkUse]:
    """A `test:` block in vite.config.* is Vitest's configuration (Vite itself has no such key)."""
    found = []
    for path in client.files.named(*(f"vite.config.{ext}" for ext in _JS)):
        text = read_text(client, path)
        if text is None or not_the_projects_own(path):
            continue
        match = re.search(r"(?<![\w$.])test\s*:\s*\{", blank_comments(text))
        if match:
            found.append(FrameworkUse("vitest", Location(path, text.count("\n", 0, match.start()) + 1),
                                      "`test:` block of vite.config (Vitest's settings)"))
    return found
