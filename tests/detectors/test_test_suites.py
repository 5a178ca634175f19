"""test_suites: integration and e2e suites (and helm-unittest units) found from files, with the
command that runs them when the configuration says so. Whether CI runs them is decided elsewhere."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.clients.open import open_local
from devops_scan.detector import ScanContext
from devops_scan_detectors.test_suites import test_suites as suites_of
from tests.testing.fakes import MemoryClient

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)


def rows(suites) -> list[tuple]:
    return [(s.framework, s.kind, str(s.location), s.runs_with) for s in suites]


def on_disk(path) -> list[tuple]:
    with open_local(str(path)) as client:
        return rows(suites_of(client, ScanContext(as_of=AS_OF)))


def in_memory(files: dict[str, str]) -> list[tuple]:
    return rows(suites_of(MemoryClient(files), ScanContext(as_of=AS_OF)))


FIXTURES = [
    # The build tag makes a plain `go test` skip the terratest file: the suite says which tag runs it.
    ("tests-go-terratest", [("go-testing", "integration", "test:1", "go test -tags integration"),
                            ("terratest", "integration", "test", None)]),
    ("tests-ansible-molecule", [("molecule", "integration", "molecule/default", "molecule test"),
                                ("molecule", "integration", "molecule/rockylinux", "molecule test -s rockylinux")]),
    # values-ci.yaml under tests/ is not a suite: only files whose tests carry asserts are.
    ("tests-helm-unittest", [("helm-unittest", "unit", "charts/webapp/tests", "helm unittest charts/webapp")]),
    # playwright.config.ts points at e2e/ (testDir), so the folder suite knows its command.
    ("tests-e2e-playwright", [("playwright", "e2e", "e2e", "npx playwright test"),
                              ("playwright", "e2e", "playwright.config.ts:4", "npx playwright test")]),
    ("cov-maven-jacoco", [("junit5", "integration", "src/test/java", "mvn verify"),
                          ("testcontainers", "integration", "src/test/java/com/example/orders", None)]),
    ("cov-gradle-kotlin", [("junit5", "integration", "src/integrationTest", "gradle integrationTest")]),
    ("cov-pytest-addopts", [("pytest", "integration", "tests/integration", None),
                            ("testcontainers", "integration", "tests/integration", None)]),
    ("python-lib", []),
]


@pytest.mark.parametrize(("name", "expected"), FIXTURES, ids=[row[0] for row in FIXTURES])
def test_fixture_repositories(fixture_repo, name, expected):
    assert on_disk(fixture_repo(name)) == expected


CYPRESS = "export default defineConfig({\n  e2e: {\n    specPattern: 'cypress/e2e/**/*.cy.ts',\n  },\n});\n"
JUNIT5 = "import org.junit.jupiter.api.Test;\n"
CASES = [
    ("cypress folder and config", {"cypress.config.ts": CYPRESS, "cypress/e2e/login.cy.ts": "it('x', () => {});\n",
                                   "src/app.ts": ""},
     [("cypress", "e2e", "cypress", "cypress run"), ("cypress", "e2e", "cypress.config.ts:3", "cypress run")]),
    # Cypress < 10 kept its browser specs in cypress/integration: still e2e, not integration tests.
    ("cypress/integration before Cypress 10", {"cypress.json": '{"baseUrl": "http://localhost:3000"}',
                                               "cypress/integration/login.spec.js": "it('x', () => {});\n"},
     [("cypress", "e2e", "cypress", "cypress run"), ("cypress", "e2e", "cypress.json", "cypress run")]),
    ("NestJS e2e specs and their jest config",
     {"test/app.e2e-spec.ts": "", "test/jest-e2e.json": '{"testRegex": ".e2e-spec.ts$"}', "src/main.ts": "",
      "package.json": '{"devDependencies": {"jest": "^29"}}'},
     [("jest", "e2e", "test", "jest --config test/jest-e2e.json"),
      ("jest", "e2e", "test/jest-e2e.json", "jest --config test/jest-e2e.json")]),
    ("*IT classes without failsafe do not run on mvn verify",
     {"pom.xml": "<project/>", "src/test/java/a/CheckoutIT.java": JUNIT5},
     [("junit5", "integration", "src/test/java", None)]),
    ("*IntegrationTests run with the unit tests",
     {"pom.xml": "<project/>", "src/test/java/a/MySqlIntegrationTests.java": JUNIT5},
     [("junit5", "integration", "src/test/java", None)]),
    ("a Go e2e tag, not an excluded one", {"e2e_test.go": "//go:build e2e && linux\n\npackage x\n",
                                          "unit_test.go": "//go:build !integration\n\npackage x\n"},
     [("go-testing", "e2e", ".:1", "go test -tags e2e")]),
    ("robot suites", {"atest/login.robot": "*** Test Cases ***\nValid login\n",
                      "atest/logout.robot": "*** Test Cases ***\nx\n"},
     [("robot-framework", "e2e", "atest", "robot")]),
    ("selenium in python tests",
     {"requirements.txt": "pytest\n", "tests/ui/test_login.py": "from selenium import webdriver\n"},
     [("selenium", "e2e", "tests/ui", None)]),
    ("an integration folder of application code is no suite",
     {"app/integration/slack.py": "", "app/integration/github.py": ""}, []),
    ("a folder named it is a suite only as src/it", {"docs/it/index.py": "", "src/it/SmokeIT.java": ""},
     [(None, "integration", "src/it", None)]),
    ("acceptance folder", {"tests/acceptance/test_signup.py": "import pytest\n"},
     [("pytest", "e2e", "tests/acceptance", None)]),
    # Sample specs deep inside a test tree (rspec-core's spec/.../resources/acceptance) are test data.
    ("a suite-named folder deep in a test tree", {"spec/rspec/core/resources/acceptance/foo_spec.rb": ""}, []),
    ("a module's own e2e folder", {"services/api/e2e/orders.spec.ts": ""}, [(None, "e2e", "services/api/e2e", None)]),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_suites_found_in_memory(files, expected):
    assert in_memory(files) == expected


@pytest.mark.parametrize(("name", "detail"), [
    ("CheckoutIT.java", "1 *IT class(es) (Maven Failsafe's naming); no maven-failsafe-plugin found: Maven's default "
                        "test run leaves these classes out"),
    ("MySqlIntegrationTests.java", "1 *IntegrationTest(s) class(es), named like unit tests: Surefire's default "
                                   "`*Test`/`*Tests` patterns include them"),
])
def test_maven_naming_says_whether_the_default_run_includes_them(name, detail):
    files = {"pom.xml": "<project/>", f"src/test/java/a/{name}": ""}
    [suite] = suites_of(MemoryClient(files), ScanContext(as_of=AS_OF))
    assert suite.detail == detail
