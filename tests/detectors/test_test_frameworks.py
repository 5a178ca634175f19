"""test_frameworks: each framework proven by a manifest, its configuration or what test files
contain — and look-alikes that prove nothing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_scan.detector import ScanContext
from devops_scan_detectors.test_frameworks import FRAMEWORKS, framework_ids
from devops_scan_detectors.test_frameworks import test_frameworks as frameworks_of
from devops_scan_detectors.test_suites import test_suites as suites_of
from tests.testing.fakes import MemoryClient

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)


def found(files: dict[str, str]) -> dict[str, list[str]]:
    """framework → its evidence as `path:line detail`."""
    result: dict[str, list[str]] = {}
    for use in frameworks_of(MemoryClient(files), ScanContext(as_of=AS_OF)):
        result.setdefault(use.framework, []).append(f"{use.location} {use.detail}")
    return result


ONE_FILE = "(1 of 1 test files read)"
CASES = [
    # (id, files, framework, one piece of evidence that must be among its evidence)
    ("pytest-ini", {"pytest.ini": "[pytest]\n"}, "pytest", "pytest.ini pytest configuration file"),
    ("pytest-pyproject", {"pyproject.toml": '[project]\nname = "x"\n\n[tool.pytest.ini_options]\nminversion = "8"\n'},
     "pytest", "pyproject.toml:4 [tool.pytest.ini_options] table"),
    ("pytest-setup-cfg", {"setup.cfg": "[metadata]\nname = x\n[tool:pytest]\ntestpaths = tests\n"}, "pytest",
     "setup.cfg:3 [tool:pytest] section"),
    ("pytest-requirements", {"requirements-dev.txt": "# tools\nPyTest==8.2.0\n"}, "pytest",
     "requirements-dev.txt:2 `pytest` declared as a dependency"),
    ("pytest-poetry-group", {"pyproject.toml": '[tool.poetry.group.test.dependencies]\npytest = "^8.0"\n'}, "pytest",
     "pyproject.toml:2 `pytest` declared as a dependency"),
    ("unittest", {"tests/test_clock.py": "import unittest\n\n\nclass ClockTest(unittest.TestCase):\n    pass\n"},
     "unittest", f"tests/test_clock.py:4 unittest.TestCase tests {ONE_FILE}"),
    ("django", {"polls/tests.py": "from django.test import TestCase\n"}, "unittest",
     f"polls/tests.py:1 django.test cases (built on unittest) {ONE_FILE}"),
    ("hypothesis", {"tests/test_p.py": "from hypothesis import given\n"}, "hypothesis",
     f"tests/test_p.py:1 imports hypothesis {ONE_FILE}"),
    ("nose2", {"unittest.cfg": "[unittest]\nplugins = nose2.plugins.mp\n"}, "nose2",
     "unittest.cfg:1 [unittest] section"),
    ("behave", {"features/checkout.feature": "Feature: Checkout\n  Scenario: pay\n",
                "features/steps/checkout_steps.py": "from behave import given\n"}, "behave",
     "features/checkout.feature:1 Gherkin feature with Python step modules in a steps/ folder (behave's layout)"),
    ("jest-key", {"package.json": '{\n  "name": "x",\n  "jest": {\n    "testEnvironment": "node"\n  }\n}\n'}, "jest",
     'package.json:3 `"jest"` configuration in package.json'),
    ("vitest-in-vite", {"vite.config.ts": "export default defineConfig({\n  plugins: [],\n  test: {\n"
                                          "    globals: true\n  },\n});\n"},
     "vitest", "vite.config.ts:3 `test:` block of vite.config (Vitest's settings)"),
    ("mocharc", {".mocharc.yml": "spec: test/**/*.spec.js\n"}, "mocha", ".mocharc.yml mocha configuration file"),
    ("karma", {"karma.conf.js": "module.exports = function (config) {};\n"}, "karma",
     "karma.conf.js karma configuration file"),
    ("cypress", {"cypress.config.ts": "export default defineConfig({ e2e: {} });\n"}, "cypress",
     "cypress.config.ts cypress configuration file"),
    ("testing-library", {"package.json": '{"devDependencies": {\n"@testing-library/react": "^15"}}'},
     "testing-library", "package.json:2 `@testing-library/react` declared as a dependency"),
    ("webdriverio", {"wdio.conf.ts": "export const config = {};\n"}, "webdriverio",
     "wdio.conf.ts webdriverio configuration file"),
    ("go-testing", {"clock/clock_test.go": 'package clock\n\nimport "testing"\n'}, "go-testing",
     f'clock/clock_test.go:3 imports "testing" {ONE_FILE}'),
    ("ginkgo", {"go.mod": "module x\n\nrequire (\n\tgithub.com/onsi/ginkgo/v2 v2.17.1\n"
                          "\tgithub.com/onsi/gomega v1.33.0\n)\n"},
     "ginkgo", "go.mod:4 `github.com/onsi/ginkgo/v2` declared as a dependency"),
    ("junit4-import", {"src/test/java/AppTest.java": "import org.junit.Test;\nimport static org.junit.Assert.*;\n"},
     "junit4", f"src/test/java/AppTest.java:1 imports JUnit 4 (org.junit) {ONE_FILE}"),
    ("testng-gradle", {"build.gradle": "dependencies {\n    testImplementation 'org.testng:testng:7.10.2'\n}\n"},
     "testng", "build.gradle:2 `org.testng:testng` declared as a dependency"),
    ("spock", {"build.gradle": "dependencies {\n"
                               '  testImplementation(platform("org.spockframework:spock-bom:2.3-groovy-4.0"))\n}\n'},
     "spock", "build.gradle:2 `org.spockframework:spock-bom` declared as a dependency"),
    ("kotest", {"src/test/kotlin/FeedSpec.kt": "import io.kotest.core.spec.style.StringSpec\n"}, "kotest",
     f"src/test/kotlin/FeedSpec.kt:1 imports io.kotest {ONE_FILE}"),
    ("nunit", {"Tests/Tests.csproj": '<Project>\n<ItemGroup>\n<PackageReference Include="NUnit" Version="4.1.0" />\n'
                                     "</ItemGroup>\n</Project>"},
     "nunit", "Tests/Tests.csproj:3 `NUnit` declared as a dependency"),
    ("mstest-central", {"Directory.Packages.props": "<Project>\n<ItemGroup>\n<PackageVersion "
                                                     'Include="MSTest.TestFramework" Version="3.4.3" />\n'
                                                     "</ItemGroup>\n</Project>"},
     "mstest", "Directory.Packages.props:3 `MSTest.TestFramework` declared as a dependency"),
    ("rspec-gemspec", {"x.gemspec": "Gem::Specification.new do |spec|\n"
                                    '  spec.add_development_dependency "rspec", "~> 3.13"\nend\n'},
     "rspec", "x.gemspec:2 `rspec` declared as a dependency"),
    ("minitest-rails", {"test/test_helper.rb": 'require "rails/test_help"\n',
                        "test/models/user_test.rb": "class UserTest < ActiveSupport::TestCase\nend\n"}, "minitest",
     "test/models/user_test.rb:1 Minitest tests (2 of 2 test files read)"),
    ("phpunit", {"phpunit.xml.dist": '<?xml version="1.0"?>\n<phpunit bootstrap="vendor/autoload.php"/>\n'}, "phpunit",
     "phpunit.xml.dist phpunit configuration file"),
    ("pest", {"composer.json": '{"require-dev": {\n  "pestphp/pest": "^2.34"\n}}'}, "pest",
     "composer.json:2 `pestphp/pest` declared as a dependency"),
    ("cargo-test", {"Cargo.toml": "[package]\nname = \"x\"\n",
                    "tests/cli.rs": "use x::run;\n\n#[test]\nfn runs() {}\n"},
     "cargo-test", f"tests/cli.rs:3 `#[test]` functions run by `cargo test` {ONE_FILE}"),
    ("bats", {"test/release.bats": "#!/usr/bin/env bats\n\n@test \"tags the release\" {\n  run ./release.sh\n}\n"},
     "bats", f"test/release.bats:3 Bats `@test` cases {ONE_FILE}"),
    ("shellspec", {".shellspec": "--require spec_helper\n"}, "shellspec", ".shellspec shellspec configuration file"),
    ("robot", {"acceptance/login.robot": "*** Settings ***\nLibrary    Browser\n\n*** Test Cases ***\nValid Login\n"},
     "robot-framework", "acceptance/login.robot:4 Robot Framework `*** Test Cases ***`"),
    ("cucumber-js", {"package.json": '{"devDependencies": {"@cucumber/cucumber": "^10.8.0"}}'}, "cucumber",
     "package.json:1 `@cucumber/cucumber` declared as a dependency"),
    ("selenium", {"requirements-test.txt": "selenium==4.21.0\n"}, "selenium",
     "requirements-test.txt:1 `selenium` declared as a dependency"),
]


@pytest.mark.parametrize(("files", "framework", "evidence"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_framework_is_proven_by_what_the_files_say(files, framework, evidence):
    result = found(files)
    assert framework in FRAMEWORKS
    assert evidence in result[framework]


LOOKALIKES = [
    # unittest.mock is used with pytest every day: it is not the unittest framework.
    ("mock-is-not-unittest", {"tests/test_a.py": "from unittest import mock\n\ndef test_a():\n    assert mock\n"}),
    ("pytest-cov-is-not-pytest", {"requirements.txt": "pytest-cov==5.0\n"}),
    ("a-phpunit-named-file-of-something-else", {"phpunit.xml": "<configuration/>\n"}),
    ("a-molecule-named-file-without-molecule-keys", {"molecule/default/molecule.yml": "name: not molecule\n"}),
    ("helm-values-under-tests", {"chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n",
                                 "chart/tests/values-ci.yaml": "tests:\n  - enabled: true\n"}),
    ("a-test-key-outside-vite", {"webpack.config.js": "module.exports = { test: { x: 1 } };\n"}),
    ("robot-tasks-are-not-tests", {"tasks/invoices.robot": "*** Tasks ***\nProcess invoices\n"}),
    ("gherkin-without-a-runner", {"docs/features/checkout.feature": "Feature: Checkout\n"}),
    ("vendored-packages", {"node_modules/left-pad/package.json": '{"devDependencies": {"mocha": "*"}}',
                           "vendor/github.com/x/y/go.mod": "module y\nrequire github.com/stretchr/testify v1.9.0\n",
                           "third_party/lib/pytest.ini": "[pytest]\n"}),
    ("names-that-only-look-like-tests", {"src/testing_tools.py": "import unittest\n",
                                         "cmd/tester/main.go": 'import "testing"\n'}),
    ("a-commented-out-test-block", {"vite.config.js": "export default {\n  // test: { globals: true },\n};\n"}),
]


@pytest.mark.parametrize("files", [c[1] for c in LOOKALIKES], ids=[c[0] for c in LOOKALIKES])
def test_lookalikes_prove_no_framework(files):
    assert found(files) == {}


def test_framework_ids_are_sorted_and_unique():
    client = MemoryClient({"pytest.ini": "[pytest]\n", "requirements.txt": "pytest\nhypothesis\n",
                           "tests/test_a.py": "import pytest\nfrom hypothesis import given\n"})
    uses = frameworks_of(client, ScanContext(as_of=AS_OF))
    assert framework_ids(uses) == ["hypothesis", "pytest"]
    assert len(uses) == 5


def test_reading_test_files_is_bounded():
    files = {f"pkg/m{i:03}_test.go": 'import "testing"\n' for i in range(400)}
    [use] = frameworks_of(MemoryClient(files), ScanContext(as_of=AS_OF))
    assert use.detail == 'imports "testing" (300 of 300 test files read)'


NAMES = ["pyproject.toml", "setup.cfg", "tox.ini", "package.json", "go.mod", "pom.xml", "build.gradle",
         "App.csproj", "Gemfile", "composer.json", "tests/test_a.py", "a_test.go", "spec/a_spec.rb",
         "molecule/default/molecule.yml", "chart/Chart.yaml", "chart/tests/a_test.yaml", "a.robot",
         "features/a.feature", "vite.config.ts", "src/test/java/ATest.java", "playwright.config.ts",
         "test/e2e/a.spec.ts", "src/it/AIT.java"]
TOKENS = list("[]{}<>=:\"'#/*\n -_.0123456789abcdeiklmnoprstuvy") + [
    "pytest", "import", "testing", "tests:", "asserts:", "driver:", "*** Test Cases ***", "Feature:", "test: {",
    "<dependency>", "<groupId>junit</groupId>", "require (", "gem 'rspec'", "//go:build integration"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NAMES), st.lists(st.sampled_from(TOKENS), max_size=40).map("".join),
                       min_size=1, max_size=5))
def test_arbitrary_files_never_raise(files):
    client, context = MemoryClient(files), ScanContext(as_of=AS_OF)
    for use in frameworks_of(client, context):
        assert use.framework in FRAMEWORKS and use.location.path in files
    for suite in suites_of(client, context):
        assert suite.kind in ("unit", "integration", "e2e")
