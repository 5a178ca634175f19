"""coverage_settings on fixture repositories and on Python's configuration files: configured,
collected by the runner's defaults, thresholds (value, line, what enforces them), services."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_scan.detector import ScanContext
from devops_scan_detectors.coverage_config import coverage_settings
from devops_scan_detectors.coverage_model import CoverageSettings
from tests.detectors.coverage_helpers import AS_OF, collected, in_memory, on_disk, thresholds
from tests.testing.fakes import MemoryClient

# --- fixture repositories, written from each tool's documentation -------------------------------------

VITEST = [("vitest", metric, value, "runner", f"vite.config.ts:{line}", ("vitest",))
          for metric, value, line in (("lines", 80.0, 16), ("branches", 75.0, 17), ("functions", 80.0, 18),
                                      ("statements", 80.0, 19))]
FIXTURES = [
    # (fixture, tools, collected by default, thresholds, services)
    # A [tool.coverage] section with fail_under is configuration: nothing runs coverage by default.
    ("cov-configured-only", ["coverage.py"], [],
     [("coverage.py", "total", 90.0, "runner", "pyproject.toml:31", ("coverage report", "pytest --cov"))], []),
    # pytest addopts collect on every run; addopts' --cov-fail-under overrides .coveragerc's fail_under
    # for pytest runs, which only `coverage report` still applies.
    ("cov-pytest-addopts", ["coverage.py", "pytest-cov"], [("pytest-cov", "pytest", "setup.cfg:26")],
     [("coverage.py", "total", 80.0, "runner", ".coveragerc:7", ("coverage report",)),
      ("pytest-cov", "total", 85.0, "runner", "setup.cfg:29", ("pytest",))], []),
    # A per-path threshold and a negative (count) threshold are not global percentages; the
    # commented-out coverageProvider is not an option; Codecov's informational patch status is no gate.
    ("cov-jest-threshold", ["jest"], [("jest", "jest", "jest.config.js:7")],
     [("codecov", "project (default)", 85.0, "service", "codecov.yml:11", ()),
      ("jest", "branches", 80.0, "runner", "jest.config.js:13", ("jest",)),
      ("jest", "functions", 85.0, "runner", "jest.config.js:14", ("jest",)),
      ("jest", "lines", 90.0, "runner", "jest.config.js:15", ("jest",)),
      ("jest", "statements", 90.0, "runner", "jest.config.js:16", ("jest",))], ["codecov"]),
    # The branch minimum comes from a property; MISSEDCOUNT limits are counts, not percentages.
    ("cov-maven-jacoco", ["jacoco"], [("jacoco", "mvn test", "pom.xml:73")],
     [("jacoco", "line", 80.0, "runner", "pom.xml:98", ("mvn verify",)),
      ("jacoco", "branch", 70.0, "runner", "pom.xml:103", ("mvn verify",))], ["sonar"]),
    # `plugins { jacoco }` collects on `gradle test`; the verification task is not wired into check.
    ("cov-gradle-kotlin", ["jacoco"], [("jacoco", "gradle test", "build.gradle.kts:4")],
     [("jacoco", "line", 75.0, "runner", "build.gradle.kts:63", ("gradle jacocoTestCoverageVerification",))], []),
    ("tests-e2e-playwright", ["vitest"], [("vitest", "vitest", "vite.config.ts:13")], VITEST, []),
    # pytest-cov applies coverage.py's fail_under on every run when addopts has --cov.
    ("python-lib", ["coverage.py", "pytest-cov"], [("pytest-cov", "pytest", "pyproject.toml:23")],
     [("coverage.py", "total", 85.0, "runner", "pyproject.toml:26", ("pytest", "coverage report"))], []),
    ("docs-only", [], [], [], []),
]


@pytest.mark.parametrize(("name", "tools", "by_default", "gates", "services"), FIXTURES, ids=[r[0] for r in FIXTURES])
def test_fixture_repositories(fixture_repo, name, tools, by_default, gates, services):
    result = on_disk(fixture_repo(name))
    assert result.tool_names() == tools
    assert collected(result) == by_default
    assert thresholds(result) == gates
    assert result.service_names() == services
    assert result.problems == ()


def test_configuration_alone_says_so_in_its_facts(fixture_repo):
    facts = on_disk(fixture_repo("cov-configured-only")).facts()
    assert [fact.kind for fact in facts] == ["coverage-tool", "coverage-tool", "coverage-threshold"]
    assert facts[2].detail == ("coverage.py total threshold 90%, enforced by runner: `coverage report`, "
                               "or pytest run with --cov")


# --- pytest and coverage.py read ONE file per directory -------------------------------------------------

PYPROJECT_COV = '[tool.pytest.ini_options]\naddopts = "--cov=app --cov-fail-under=90"\n'
TOX_ADDOPTS = "[tox]\nenvlist = py312\n\n[pytest]\naddopts =\n  -ra\n  --cov app\n  --cov-fail-under 82.5\n"
PYTHON_CASES = [
    # (id, files, collected by default, thresholds, a tool detail that must be reported)
    # pytest.ini wins even over a pyproject.toml that has pytest settings.
    ("pytest.ini shadows pyproject", {"pytest.ini": "[pytest]\naddopts = -q\n", "pyproject.toml": PYPROJECT_COV},
     [], [], "`--cov` options here are ignored: pytest reads pytest.ini first"),
    ("pyproject alone", {"pyproject.toml": PYPROJECT_COV}, [("pytest-cov", "pytest", "pyproject.toml:2")],
     [("pytest-cov", "total", 90.0, "runner", "pyproject.toml:2", ("pytest",))], "pytest addopts `--cov=app`"),
    ("tox.ini [pytest] with one option a line", {"tox.ini": TOX_ADDOPTS}, [("pytest-cov", "pytest", "tox.ini:7")],
     [("pytest-cov", "total", 82.5, "runner", "tox.ini:8", ("pytest",))], "pytest addopts `--cov`"),
    ("--no-cov turns it off", {"setup.cfg": "[tool:pytest]\naddopts = --cov=app --no-cov\n"}, [], [],
     "coverage options in pytest addopts, but `--no-cov` / `-p no:cov` turns it off"),
    ("fail-under without --cov does nothing", {"pytest.ini": "[pytest]\naddopts = --cov-fail-under=80\n"}, [], [],
     "coverage options in pytest addopts, but there is no `--cov`, so pytest-cov is not active"),
    ("setup.cfg's [pytest] is not pytest's section there", {"setup.cfg": "[pytest]\naddopts = --cov\n"}, [], [], None),
    ("TOML list addopts", {"pyproject.toml": '[tool.pytest.ini_options]\naddopts = ["--cov", "--cov-report=xml"]\n'},
     [("pytest-cov", "pytest", "pyproject.toml:2")], [], "pytest addopts `--cov`"),
    (".coveragerc shadows pyproject's coverage table",
     {".coveragerc": "[run]\nbranch = True\n", "pyproject.toml": "[tool.coverage.report]\nfail_under = 95\n"}, [], [],
     "settings here are ignored: coverage.py reads .coveragerc first"),
    ("[coverage:report] in tox.ini", {"tox.ini": "[coverage:report]\nfail_under = 70\n"}, [],
     [("coverage.py", "total", 70.0, "runner", "tox.ini:2", ("coverage report", "pytest --cov"))], "configuration"),
]


@pytest.mark.parametrize(("files", "by_default", "gates", "detail"), [c[1:] for c in PYTHON_CASES],
                         ids=[c[0] for c in PYTHON_CASES])
def test_python_configuration_files_are_read_as_the_tools_read_them(files, by_default, gates, detail):
    result = in_memory(files)
    assert collected(result) == by_default
    assert thresholds(result) == gates
    details = [tool.detail for tool in result.tools]
    assert (detail in details) if detail else details == []


# --- isolation and robustness -----------------------------------------------------------------------------


def test_vendored_and_test_data_settings_are_not_the_projects():
    result = in_memory({"node_modules/lib/jest.config.js": "module.exports = { collectCoverage: true };\n",
                        "tests/fixtures/app/pytest.ini": "[pytest]\naddopts = --cov\n",
                        "vendor/x/codecov.yml": "coverage: {}\n"})
    assert result == CoverageSettings()


def test_a_broken_file_is_a_problem_and_others_still_count():
    result = in_memory({"codecov.yml": "coverage:\n\tstatus: x\n",
                        "pom.xml": "<!DOCTYPE x [<!ENTITY a 'jacoco'>]><project/>",
                        "pytest.ini": "[pytest]\naddopts = --cov\n"})
    assert collected(result) == [("pytest-cov", "pytest", "pytest.ini:2")]
    assert [p.split(":")[0] for p in result.problems] == ["codecov.yml", "pom.xml"]
    assert "refused" in result.problems[1]


def test_settings_are_computed_once_per_scan():
    client, context = MemoryClient({"pytest.ini": "[pytest]\naddopts = --cov\n"}), ScanContext(as_of=AS_OF)
    assert coverage_settings(client, context) is coverage_settings(client, context)


NAMES = ["pyproject.toml", "setup.cfg", "tox.ini", "pytest.ini", ".coveragerc", "package.json", "jest.config.js",
         "vite.config.ts", ".nycrc", ".nycrc.yml", "pom.xml", "build.gradle.kts", "spec/spec_helper.rb",
         "tarpaulin.toml", "codecov.yml", "App.csproj", "sonar-project.properties"]
TOKENS = list("[]{}<>=:\"'#/*\n -_.0123456789acovelrstu%") + [
    "--cov", "coverage", "fail_under", "collectCoverage", "jacoco-maven-plugin", "minimum", "check-coverage", "true",
    "<plugin>", "</plugin>", "status:", "target:", "minimum_coverage", "require 'simplecov'"]
CONTENT = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NAMES), CONTENT, min_size=1, max_size=4))
def test_arbitrary_settings_files_never_raise(files):
    result = in_memory(files)
    for threshold in result.thresholds:
        assert threshold.value is None or 0 <= threshold.value <= 100
    assert all(problem.split(":")[0] in files for problem in result.problems)
