"""Following commands into the repository: make, just, Task, tox, nox, hatch/PDM/poe/Rye scripts,
package.json and composer.json scripts, Maven pom plugins and shell scripts.

In-memory repositories for the many shapes of each runner's file; real git repositories built from
`fixtures/repos/follow-*` for the chains a reader would follow by hand.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan.clients.open import open_local
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.ci_activities import command_activities, command_notes
from tests.testing.fakes import MemoryClient
from tests.testing.repos import FIXTURES

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
CI = Location(".github/workflows/ci.yml", 20)


def follow(files: dict[str, str], text: str, location: Location = CI) -> tuple[list, tuple[str, ...]]:
    client = MemoryClient(files)
    context = ScanContext(as_of=AS_OF)
    return list(command_activities(client, context, text, location)), command_notes(client, context, text, location)


def found(files: dict[str, str], text: str) -> set[tuple[str, str, str]]:
    """(kind, tool, where) of what `text` does, followed through `files`."""
    activities, _notes = follow(files, text)
    return {(a.kind, a.tool, str(a.location)) for a in activities}


# --- make --------------------------------------------------------------------------------------------

MAKEFILE = """\
PYTHON ?= python3
PYTEST_FLAGS := --cov=app --cov-fail-under=80
SRC = src tests

.PHONY: test lint ci all

all: ci

ci: lint test

test:
\t@echo "running tests"
\t$(PYTHON) -m pytest $(PYTEST_FLAGS)

lint: ; ruff check $(SRC)

types:
\t-$(MAKE) -C services/api typecheck

install:
\tpip install -e .
"""

MAKE_CASES = [
    ("make test", {("test", "pytest", "Makefile:13"), ("coverage", "pytest-cov", "Makefile:13"),
                   ("coverage-gate", "pytest-cov", "Makefile:13")}),
    ("make lint", {("lint", "ruff", "Makefile:15")}),
    # the default goal is the first rule; prerequisites run first
    ("make", {("lint", "ruff", "Makefile:15"), ("test", "pytest", "Makefile:13"),
              ("coverage", "pytest-cov", "Makefile:13"), ("coverage-gate", "pytest-cov", "Makefile:13")}),
    ("make -j4 lint test", {("lint", "ruff", "Makefile:15"), ("test", "pytest", "Makefile:13"),
                            ("coverage", "pytest-cov", "Makefile:13"), ("coverage-gate", "pytest-cov",
                                                                        "Makefile:13")}),
    ("make types", {("type-check", "mypy", "services/api/Makefile:2")}),
    ("make install", set()),
    ("make test PYTEST_FLAGS=-q", {("test", "pytest", "Makefile:13")}),
]


@pytest.mark.parametrize(("command", "expected"), MAKE_CASES, ids=[row[0] for row in MAKE_CASES])
def test_make_targets_are_read_from_the_makefile(command, expected):
    files = {"Makefile": MAKEFILE, "services/api/Makefile": "typecheck:\n\tmypy --strict src\n"}
    assert found(files, command) == expected


def test_make_chain_names_each_target():
    activities, _ = follow({"Makefile": MAKEFILE}, "make ci")
    test = next(a for a in activities if a.kind == "test")
    assert test.chain == (".github/workflows/ci.yml:20 `make ci`",)
    assert test.detail == "python3 -m pytest --cov=app --cov-fail-under=80"


def test_recursive_make_is_a_link_of_the_chain():
    files = {"Makefile": "check:\n\t$(MAKE) unit\nunit:\n\tgo test ./...\n"}
    [activity] = follow(files, "make check")[0]
    assert activity.chain == (".github/workflows/ci.yml:20 `make check`", "Makefile:2 check: `make unit`")
    assert activity.location == Location("Makefile", 4)


def test_pattern_rules_make_targets_the_makefile_does_not_name():
    # Prometheus-style Makefile.common: `make vet` is `common-vet` through `%: common-%`.
    files = {"Makefile": "include Makefile.common\n",
             "Makefile.common": "%: common-% ;\n\ncommon-vet:\n\tgo vet ./...\n\nbuild-%:\n\tgo build ./cmd/$*\n"}
    assert found(files, "make vet") == {("lint", "go", "Makefile.common:4")}
    activities, _ = follow(files, "make build-api")
    assert [(a.kind, a.detail) for a in activities] == [("build", "go build ./cmd/api")]
    assert follow(files, "make nothing-here")[1] == (
        ".github/workflows/ci.yml:20 `make nothing-here`: Makefile has no rule for `nothing-here`",)


def test_makefile_includes_are_read():
    files = {"Makefile": "include make/*.mk\ninclude make/test.mk\n", "make/test.mk": "test:\n\tcargo test\n"}
    assert found(files, "make test") == {("test", "cargo", "make/test.mk:2")}


@pytest.mark.parametrize(("files", "command", "note"), [
    ({"Makefile": "test:\n\tpytest\n"}, "make lint", "Makefile has no rule for `lint`"),
    ({}, "make test", "no Makefile in `.` in the repository"),
    ({"Makefile": "test:\n\tpytest\n"}, "make -C web test", "no Makefile in `web` in the repository"),
])
def test_what_make_cannot_follow_is_said(files, command, note):
    activities, notes = follow(files, command)
    assert activities == []
    assert any(note in line for line in notes)


# --- just and Task ----------------------------------------------------------------------------------

JUSTFILE = """\
set dotenv-load
python := "python3"

alias t := test

# run everything CI runs
default: lint test

lint:
    ruff check .
    {{python}} -m mypy src

test *ARGS: build
    @pytest --cov {{ARGS}}

build:
    #!/usr/bin/env python3
    print("not shell")
"""

TASKFILE = """\
version: '3'
tasks:
  default:
    deps: [lint]
    cmds:
      - task: test
  lint:
    cmds:
      - golangci-lint run
  test:
    dir: backend
    cmds:
      - go test -cover ./...
      - cmd: |
          go vet ./...
  release: goreleaser release --clean
"""


@pytest.mark.parametrize(("command", "expected"), [
    ("just", {("lint", "ruff", "justfile:10"), ("type-check", "mypy", "justfile:11"),
              ("test", "pytest", "justfile:14"), ("coverage", "pytest-cov", "justfile:14")}),
    ("just t", {("test", "pytest", "justfile:14"), ("coverage", "pytest-cov", "justfile:14")}),
    ("just test -x", {("test", "pytest", "justfile:14"), ("coverage", "pytest-cov", "justfile:14")}),
    ("task", {("lint", "golangci-lint", "Taskfile.yml:9"), ("test", "go", "Taskfile.yml:13"),
              ("coverage", "go", "Taskfile.yml:13"), ("lint", "go", "Taskfile.yml:15")}),
    ("task release", {("release", "goreleaser", "Taskfile.yml:16"), ("build", "goreleaser", "Taskfile.yml:16")}),
])
def test_just_recipes_and_tasks_are_read(command, expected):
    assert found({"justfile": JUSTFILE, "Taskfile.yml": TASKFILE}, command) == expected


# --- tox ---------------------------------------------------------------------------------------------

TOX_INI = """\
[tox]
envlist = py{311,312}, lint
skip_missing_interpreters = true

[testenv]
deps = pytest-cov
commands =
    pytest --cov=app --cov-fail-under=90 {posargs:tests}

[testenv:lint]
skip_install = true
deps = ruff
commands = ruff check .
    ruff format --check .

[testenv:types]
commands =
    py311: mypy src
    {[testenv:lint]commands}
"""

TOX_CASES = [
    ({"tox.ini": TOX_INI}, "tox -e lint", {("lint", "ruff", "tox.ini:13"), ("format-check", "ruff", "tox.ini:14")}),
    ({"tox.ini": TOX_INI}, "tox -e py312", {("test", "pytest", "tox.ini:8"), ("coverage", "pytest-cov", "tox.ini:8"),
                                            ("coverage-gate", "pytest-cov", "tox.ini:8")}),
    ({"tox.ini": TOX_INI}, "tox run -e types", {("lint", "ruff", "tox.ini:13"),
                                                ("format-check", "ruff", "tox.ini:14")}),
    ({"tox.ini": TOX_INI}, "tox", {("test", "pytest", "tox.ini:8"), ("coverage", "pytest-cov", "tox.ini:8"),
                                   ("coverage-gate", "pytest-cov", "tox.ini:8"), ("lint", "ruff", "tox.ini:13"),
                                   ("format-check", "ruff", "tox.ini:14")}),
    ({"tox.ini": TOX_INI}, "TOXENV=lint tox", {("lint", "ruff", "tox.ini:13"), ("format-check", "ruff", "tox.ini:14")}),
    ({"tox.ini": TOX_INI}, "TOX_ENV=lint tox run", {("lint", "ruff", "tox.ini:13"),
                                                    ("format-check", "ruff", "tox.ini:14")}),
    ({"tox.ini": TOX_INI}, "tox -l", set()),
    ({"setup.cfg": "[metadata]\nname = x\n\n[tox:tox]\nenvlist = py\n\n[testenv]\ncommands = pytest -q\n"},
     "tox", {("test", "pytest", "setup.cfg:8")}),
    ({"pyproject.toml": '[project]\nname = "x"\n\n[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenvlist = py\n'
                        '[testenv]\ncommands = pytest --cov=x\n"""\n'},
     "tox", {("test", "pytest", "pyproject.toml:9"), ("coverage", "pytest-cov", "pyproject.toml:9")}),
    ({"tox.toml": 'env_list = ["3.13", "type"]\n\n[env_run_base]\ncommands = [["pytest", "--cov"]]\n\n'
                  '[env.type]\ncommands = [["mypy", "src"]]\n'},
     "tox -e type", {("type-check", "mypy", "tox.toml:7")}),
]


@pytest.mark.parametrize(("files", "command", "expected"), TOX_CASES, ids=[f"{row[1]}-{next(iter(row[0]))}"
                                                                           for row in TOX_CASES])
def test_tox_environments_are_read(files, command, expected):
    assert found(files, command) == expected


def test_tox_chain_names_the_environment():
    activities, _ = follow({"tox.ini": TOX_INI}, "tox -e lint")
    assert {a.chain for a in activities} == {(".github/workflows/ci.yml:20 `tox -e lint`",)}


# --- nox and Python script runners ---------------------------------------------------------------------

NOXFILE = """\
import nox

nox.options.sessions = ["tests"]


@nox.session(python=["3.11", "3.12"])
def tests(session):
    session.install(".[test]")
    session.run("pytest", "--cov", *session.posargs)
    _lint(session)


def _lint(session):
    session.run("ruff", "check", ".")


@nox.session(name="docs")
def build_docs(session):
    session.run("sphinx-build", "docs", "build")
    session.notify("tests")
"""

PYPROJECT = """\
[project]
name = "meter"

[tool.hatch.envs.default.scripts]
test = "pytest {args:tests}"
cov = ["coverage run -m pytest", "- coverage report --fail-under=95"]

[tool.hatch.envs.lint.scripts]
check = "ruff check {args:.}"

[tool.pdm.scripts]
pre_test = "ruff check ."
test = "pytest -x"
all = {composite = ["test", "mypy src"]}
gen = {call = "meter.tools:generate"}

[tool.poe.tasks]
lint = "ruff check ."
types = {cmd = "mypy src"}
check = ["lint", "types"]

[tool.rye.scripts]
fmt = {chain = ["fmt:check"]}
"fmt:check" = "ruff format --check ."
"""

SCRIPT_CASES = [
    ("nox", {("test", "pytest", "noxfile.py:9"), ("coverage", "pytest-cov", "noxfile.py:9"),
             ("lint", "ruff", "noxfile.py:14")}),
    ("nox -s docs", {("test", "pytest", "noxfile.py:9"), ("coverage", "pytest-cov", "noxfile.py:9"),
                     ("lint", "ruff", "noxfile.py:14")}),
    ("nox -s tests-3.12", {("test", "pytest", "noxfile.py:9"), ("coverage", "pytest-cov", "noxfile.py:9"),
                           ("lint", "ruff", "noxfile.py:14")}),
    ("nox --list", set()),
    ("hatch run test", {("test", "pytest", "pyproject.toml:5")}),
    ("hatch run cov", {("coverage", "coverage.py", "pyproject.toml:6"), ("test", "pytest", "pyproject.toml:6"),
                       ("coverage-gate", "coverage.py", "pyproject.toml:6")}),
    ("hatch run lint:check", {("lint", "ruff", "pyproject.toml:9")}),
    ("hatch run pytest -q", {("test", "pytest", ".github/workflows/ci.yml:20")}),
    ("pdm run test", {("lint", "ruff", "pyproject.toml:12"), ("test", "pytest", "pyproject.toml:13")}),
    ("pdm run all", {("lint", "ruff", "pyproject.toml:12"), ("test", "pytest", "pyproject.toml:13"),
                     ("type-check", "mypy", "pyproject.toml:14")}),
    ("poe check", {("lint", "ruff", "pyproject.toml:18"), ("type-check", "mypy", "pyproject.toml:19")}),
    ("poetry poe types", {("type-check", "mypy", "pyproject.toml:19")}),
    ("rye run fmt", {("format-check", "ruff", "pyproject.toml:24")}),
]


@pytest.mark.parametrize(("command", "expected"), SCRIPT_CASES, ids=[row[0] for row in SCRIPT_CASES])
def test_python_runners_are_read(command, expected):
    assert found({"noxfile.py": NOXFILE, "pyproject.toml": PYPROJECT}, command) == expected


def test_a_python_function_script_is_reported_not_guessed():
    activities, notes = follow({"pyproject.toml": PYPROJECT}, "pdm run gen")
    assert activities == []
    assert any("meter.tools:generate" in note for note in notes)


def test_a_noxfile_is_read_never_run(tmp_path):
    marker = tmp_path / "ran"
    noxfile = f"import nox\nopen({str(marker)!r}, 'w').write('x')\n@nox.session\ndef t(session):\n" \
              "    session.run('pytest')\n"
    assert found({"noxfile.py": noxfile}, "nox") == {("test", "pytest", "noxfile.py:5")}
    assert not marker.exists()


# --- package scripts ---------------------------------------------------------------------------------

PACKAGE_JSON = """\
{
  "name": "web",
  "private": true,
  "workspaces": ["packages/*"],
  "scripts": {
    "pretest": "eslint .",
    "test": "jest",
    "test:ci": "npm test -- --coverage",
    "lint": "run-s lint:*",
    "lint:js": "eslint src",
    "lint:css": "stylelint 'src/**/*.css'",
    "typecheck": "tsc --noEmit",
    "check": "concurrently \\"npm:lint\\" \\"npm:typecheck\\"",
    "e2e": "start-server-and-test start http://localhost:3000 cy:run",
    "start": "node server.js",
    "cy:run": "cypress run"
  }
}
"""
PACKAGES = {"package.json": PACKAGE_JSON,
            "packages/ui/package.json": '{\n  "name": "ui",\n  "scripts": {\n    "test": "vitest run"\n  }\n}\n',
            "packages/api/package.json": '{\n  "name": "api",\n  "scripts": {\n    "build": "tsup"\n  }\n}\n',
            "composer.json": '{\n  "scripts": {\n    "test": ["@lint", "@php vendor/bin/phpunit"],\n'
                             '    "lint": "phpstan analyse",\n    "fix": "App\\\\Tools::fix"\n  }\n}\n'}

PACKAGE_CASES = [
    ("npm test", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7")}),
    ("npm t", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7")}),
    ("npm run test:ci", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7"),
                         ("coverage", "jest", "package.json:7")}),
    ("npm test -- --coverage", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7"),
                                ("coverage", "jest", "package.json:7")}),
    ("yarn test --coverage", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7"),
                              ("coverage", "jest", "package.json:7")}),
    ("pnpm test", {("test", "jest", "package.json:7")}),
    ("npm run lint", {("lint", "eslint", "package.json:10"), ("lint", "stylelint", "package.json:11")}),
    ("npm run check", {("lint", "eslint", "package.json:10"), ("lint", "stylelint", "package.json:11"),
                       ("type-check", "tsc", "package.json:12")}),
    ("npm run e2e", {("e2e-test", "cypress", "package.json:16")}),
    ("yarn jest --ci", {("test", "jest", ".github/workflows/ci.yml:20")}),
    ("pnpm -r test", {("test", "vitest", "packages/ui/package.json:4")}),
    ("npm test --workspaces", {("test", "vitest", "packages/ui/package.json:4")}),
    ("npx turbo run build", {("build", "tsup", "packages/api/package.json:4")}),
    ("lerna run test", {("test", "vitest", "packages/ui/package.json:4")}),
    ("composer test", {("lint", "phpstan", "composer.json:4"), ("test", "phpunit", "composer.json:3")}),
    ("composer run-script lint", {("lint", "phpstan", "composer.json:4")}),
    ("npm ci", set()),
]


@pytest.mark.parametrize(("command", "expected"), PACKAGE_CASES, ids=[row[0] for row in PACKAGE_CASES])
def test_package_scripts_are_read(command, expected):
    assert found(PACKAGES, command) == expected


@pytest.mark.parametrize(("command", "note"), [
    ("npm run deploy", "package.json has no script `deploy`"),
    ("composer fix", "calls the PHP method `App\\Tools::fix`"),
])
def test_what_package_scripts_cannot_follow_is_said(command, note):
    activities, notes = follow(PACKAGES, command)
    assert activities == []
    assert any(note in line for line in notes)


def test_a_cd_inside_a_subshell_stays_there():
    files = {"web/package.json": '{"scripts": {"test": "vitest run"}}',
             "package.json": '{"scripts": {"lint": "eslint ."}}'}
    text = "(cd web && npm test)\nnpm run lint\nfiles=$(cd web && ls)\nnpm run lint"
    assert found(files, text) == {("test", "vitest", "web/package.json:1"), ("lint", "eslint", "package.json:1")}
    assert follow(files, text)[1] == ()


@pytest.mark.parametrize(("text", "note"), [
    ("$CARGO test --workspace", "the program is the variable `$CARGO`, set outside this text"),
    ("CI_EXPRESSION test --verbose", "the program is a CI expression, decided at run time"),
])
def test_a_program_chosen_at_run_time_is_unknown_and_said_so(text, note):
    activities, notes = follow({}, text)
    assert activities == []
    assert any(note in line for line in notes)


@pytest.mark.parametrize("text", ["CARGO=cargo\n$CARGO test", "PY='python3 -u'\n$PY -m pytest"])
def test_a_program_the_script_names_in_a_variable_is_judged(text):
    assert {a.kind for a in follow({}, text)[0]} == {"test"}


@pytest.mark.parametrize("text", ["$output", "$x = Get-Item .", "$LASTEXITCODE -ne 0", "$CI_PATH == x"])
def test_variables_that_are_not_programs_say_nothing(text):
    assert follow({}, text) == ([], ())


def test_a_package_in_a_subfolder_is_found_from_the_folder_it_runs_in():
    files = {"web/package.json": '{"scripts": {"test": "vitest run --coverage"}}'}
    assert found(files, "cd web\nnpm test") == {("test", "vitest", "web/package.json:1"),
                                                ("coverage", "vitest", "web/package.json:1")}
    assert found(files, "npm --prefix web test") == {("test", "vitest", "web/package.json:1"),
                                                      ("coverage", "vitest", "web/package.json:1")}


# --- Maven -------------------------------------------------------------------------------------------

POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <artifactId>orders</artifactId>
  <modules><module>core</module></modules>
  <build>
    <plugins>
      <plugin>
        <groupId>org.jacoco</groupId>
        <artifactId>jacoco-maven-plugin</artifactId>
        <executions>
          <execution>
            <goals><goal>prepare-agent</goal></goals>
          </execution>
          <execution>
            <id>coverage-check</id>
            <goals><goal>check</goal></goals>
            <configuration>
              <rules><rule><element>BUNDLE</element><limits><limit>
                <counter>LINE</counter><value>COVEREDRATIO</value><minimum>0.80</minimum>
              </limit></limits></rule></rules>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
  <profiles>
    <profile>
      <id>it</id>
      <build><plugins><plugin>
        <artifactId>maven-failsafe-plugin</artifactId>
        <executions><execution><goals><goal>integration-test</goal></goals></execution></executions>
      </plugin></plugins></build>
    </profile>
  </profiles>
</project>
"""
CORE_POM = """\
<project>
  <artifactId>core</artifactId>
  <build><plugins><plugin>
    <artifactId>maven-checkstyle-plugin</artifactId>
    <executions><execution><phase>validate</phase><goals><goal>check</goal></goals></execution></executions>
  </plugin></plugins></build>
</project>
"""

MAVEN_CASES = [
    ("mvn -B verify", {("test", "maven", CI_AT := ".github/workflows/ci.yml:20"), ("build", "maven", CI_AT),
                       ("coverage", "jacoco", "pom.xml:13"), ("coverage-gate", "jacoco", "pom.xml:17"),
                       ("lint", "checkstyle", "core/pom.xml:5")}),
    ("mvn test", {("test", "maven", CI_AT), ("coverage", "jacoco", "pom.xml:13"),
                  ("lint", "checkstyle", "core/pom.xml:5")}),
    ("mvn -Pit verify", {("test", "maven", CI_AT), ("build", "maven", CI_AT), ("coverage", "jacoco", "pom.xml:13"),
                         ("coverage-gate", "jacoco", "pom.xml:17"), ("lint", "checkstyle", "core/pom.xml:5"),
                         ("e2e-test", "failsafe", "pom.xml:33")}),
    ("mvn validate", {("lint", "checkstyle", "core/pom.xml:5")}),
    ("mvn jacoco:check", {("coverage-gate", "jacoco", CI_AT), ("coverage-gate", "jacoco", "pom.xml:17")}),
]


@pytest.mark.parametrize(("command", "expected"), MAVEN_CASES, ids=[row[0] for row in MAVEN_CASES])
def test_maven_runs_the_plugins_bound_in_the_pom(command, expected):
    assert found({"pom.xml": POM, "core/pom.xml": CORE_POM}, command) == expected


def test_a_jacoco_minimum_is_the_gate_threshold():
    activities, _ = follow({"pom.xml": POM}, "mvn verify")
    [gate] = [a for a in activities if a.kind == "coverage-gate"]
    assert gate.data["threshold"] == "80"
    assert gate.chain == (".github/workflows/ci.yml:20 `mvn verify`",)


def test_a_report_only_jacoco_check_is_no_gate():
    pom = POM.replace("<configuration>", "<configuration><haltOnFailure>false</haltOnFailure>")
    activities, _ = follow({"pom.xml": pom}, "mvn verify")
    assert "coverage-gate" not in {a.kind for a in activities}


@pytest.mark.parametrize("text", ["<project><build>", "<!DOCTYPE x [<!ENTITY a 'b'>]><project/>", "\x00\x01"])
def test_a_broken_pom_costs_only_the_plugins(text):
    assert found({"pom.xml": text}, "mvn verify") == {("test", "maven", CI_AT), ("build", "maven", CI_AT)}


# --- shell scripts -----------------------------------------------------------------------------------

SCRIPTS = {
    "scripts/ci.sh": "#!/usr/bin/env bash\nset -eu\ncd \"$(dirname \"$0\")/..\"\n./scripts/lint.sh\n"
                     "bash scripts/test.sh --fast\n",
    "scripts/lint.sh": "#!/bin/sh\nruff check .\n",
    "scripts/test.sh": "pytest -q\n",
    "scripts/notes.py": "#!/usr/bin/env python3\nprint('x')\n",
    "bin/run": "echo no shebang\npytest\n",
    "gradlew": "#!/bin/sh\n# the Gradle wrapper\nexec java -jar gradle/wrapper/gradle-wrapper.jar \"$@\"\n",
    "a.sh": "#!/bin/bash\nsource b.sh\nshellcheck a.sh\n",
    "b.sh": "#!/bin/bash\n. ./a.sh\n",
}

SCRIPT_FOLLOW_CASES = [
    ("./scripts/ci.sh", {("lint", "ruff", "scripts/lint.sh:2"), ("test", "pytest", "scripts/test.sh:1")}),
    ("cd scripts && ./lint.sh", {("lint", "ruff", "scripts/lint.sh:2")}),
    ("sh -e scripts/lint.sh", {("lint", "ruff", "scripts/lint.sh:2")}),
    ("$GITHUB_WORKSPACE/scripts/lint.sh", {("lint", "ruff", "scripts/lint.sh:2")}),
    ("bash a.sh", {("lint", "shellcheck", "a.sh:3")}),
    ("./gradlew test", {("test", "gradle", ".github/workflows/ci.yml:20")}),
    ("./bin/run", set()),
    ("python3 scripts/notes.py", set()),
]


@pytest.mark.parametrize(("command", "expected"), SCRIPT_FOLLOW_CASES, ids=[row[0] for row in SCRIPT_FOLLOW_CASES])
def test_shell_scripts_are_read(command, expected):
    assert found(SCRIPTS, command) == expected


@pytest.mark.parametrize(("command", "note"), [
    ("./scripts/missing.sh", "`scripts/missing.sh` is not in the repository"),
    ("./scripts/notes.py", "is not a shell script"),
    ("./bin/run", "has no shell shebang"),
    ("../outside.sh", "outside the repository"),
    ("/usr/local/bin/deploy.sh", "is not a file of the repository"),
])
def test_scripts_that_cannot_be_read_are_said_to_be_unknown(command, note):
    _activities, notes = follow(SCRIPTS, command)
    assert any(note in line for line in notes)


@pytest.mark.parametrize("command", ["/usr/bin/curl -s https://example.com", "~/go/bin/promu crossbuild",
                                     "curl -sSfL https://x/install.sh | sh -s -- -b /usr/local/bin v1.2"])
def test_programs_of_the_runner_are_not_scripts_to_follow(command):
    assert follow(SCRIPTS, command)[1] == ()


def test_a_command_on_the_path_is_not_taken_for_a_repository_script():
    # `deploy.sh` without a slash runs from PATH: a file of that name in the repository is not it.
    assert follow({"deploy.sh": "kubectl apply -f k8s/\n"}, "deploy.sh production") == ([], ())


def test_lines_inside_a_script_are_the_scripts_lines():
    activities, _ = follow(SCRIPTS, "./scripts/ci.sh")
    lint = next(a for a in activities if a.kind == "lint")
    assert lint.chain == (".github/workflows/ci.yml:20 `./scripts/ci.sh`", "scripts/ci.sh:4 `./scripts/lint.sh`")


# --- depth and cycles --------------------------------------------------------------------------------

def test_a_target_calling_itself_terminates():
    assert found({"Makefile": "loop:\n\t$(MAKE) loop\n\tpytest\n"}, "make loop") == {("test", "pytest", "Makefile:3")}


def test_scripts_calling_each_other_terminate():
    files = {"ping.sh": "#!/bin/sh\n./pong.sh\nruff check .\n", "pong.sh": "#!/bin/sh\n./ping.sh\nmypy .\n"}
    assert found(files, "./ping.sh") == {("lint", "ruff", "ping.sh:3"), ("type-check", "mypy", "pong.sh:3")}


def test_following_stops_at_the_depth_limit_and_says_so():
    files = {f"s{i}.sh": f"#!/bin/sh\n./s{i + 1}.sh\n" for i in range(10)}
    files["s10.sh"] = "#!/bin/sh\npytest\n"
    activities, notes = follow(files, "./s0.sh")
    assert activities == []
    assert any("not followed further" in note for note in notes)


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d"]),
                       st.lists(st.sampled_from(["a", "b", "c", "d", "pytest", "ruff check .", "missing"]),
                                max_size=4), min_size=1))
def test_following_never_loops(graph):
    # Makefile targets and scripts calling each other in arbitrary graphs, cycles included.
    makefile = "".join(f"{target}: {' '.join(dep for dep in calls if len(dep) == 1)}\n"
                       + "".join(f"\t$(MAKE) {call}\n" if len(call) == 1 else f"\t{call}\n" for call in calls)
                       for target, calls in graph.items())
    scripts = {f"{name}.sh": "#!/bin/sh\n" + "".join(f"./{call}.sh\n" if len(call) == 1 else f"{call}\n"
                                                     for call in calls) for name, calls in graph.items()}
    first = next(iter(graph))
    for text in (f"make {first}", f"./{first}.sh"):
        activities, _notes = follow({"Makefile": makefile, **scripts}, text)
        assert {a.kind for a in activities} <= {"test", "lint"}


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_runner_files_never_raise(text):
    files = {"Makefile": text, "tox.ini": text, "noxfile.py": text, "package.json": text, "justfile": text,
             "pyproject.toml": text, "pom.xml": text, "run.sh": text, "Taskfile.yml": text, "composer.json": text}
    for command in ("make", "tox", "nox", "npm test", "just", "hatch run test", "mvn verify", "./run.sh", "task",
                    "composer test", "pdm run test", "poe test"):
        follow(files, command)


# --- the fixture repositories --------------------------------------------------------------------------

def fixture_line(fixture: str, path: str, needle: str) -> int:
    lines = (FIXTURES / "repos" / fixture / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def follow_in(path, text: str, location: Location) -> tuple[list, tuple[str, ...]]:
    with open_local(str(path)) as client:
        context = ScanContext(as_of=AS_OF)
        return (list(command_activities(client, context, text, location)),
                command_notes(client, context, text, location))


def test_python_project_make_test_reaches_pytest_through_tox(fixture_repo):
    path = fixture_repo("follow-python-make")
    line = fixture_line("follow-python-make", ".github/workflows/ci.yml", "run: make test")
    activities, notes = follow_in(path, "make test", Location(".github/workflows/ci.yml", line))
    gate = next(a for a in activities if a.kind == "coverage-gate")
    tox_line = fixture_line("follow-python-make", "tox.ini", "pytest --cov")
    make_line = fixture_line("follow-python-make", "Makefile", "$(TOX) -e py")
    assert gate.location == Location("tox.ini", tox_line)
    assert gate.data["threshold"] == "85"
    assert gate.chain == (f".github/workflows/ci.yml:{line} `make test`",
                          f"Makefile:{make_line} test: `python3 -m tox -e py`")
    assert {a.kind for a in activities} == {"test", "coverage", "coverage-gate"}
    assert notes == ()


def test_python_project_make_loop_terminates(fixture_repo):
    activities, _notes = follow_in(fixture_repo("follow-python-make"), "make loop", CI)
    assert activities == []


def test_js_project_npm_test_runs_jest_with_coverage_and_its_hooks(fixture_repo):
    path = fixture_repo("follow-js-jest")
    activities, _ = follow_in(path, "npm ci && npm test", Location(".github/workflows/test.yml", 16))
    by_kind = {a.kind: a for a in activities}
    assert set(by_kind) == {"lint", "test", "coverage", "format-check"}
    assert by_kind["coverage"].location == Location("package.json", fixture_line("follow-js-jest", "package.json",
                                                                                 '"test": "jest --coverage"'))
    assert by_kind["coverage"].chain == (".github/workflows/test.yml:16 `npm test`",)


def test_script_calling_a_script_reaches_ruff(fixture_repo):
    path = fixture_repo("follow-scripts")
    activities, notes = follow_in(path, "./scripts/ci.sh", Location(".github/workflows/ci.yml", 13))
    ruff = next(a for a in activities if a.tool == "ruff" and a.kind == "lint")
    assert ruff.location == Location("scripts/lint.sh", fixture_line("follow-scripts", "scripts/lint.sh",
                                                                     "ruff check"))
    call = fixture_line("follow-scripts", "scripts/ci.sh", "./scripts/lint.sh")
    assert ruff.chain == (".github/workflows/ci.yml:13 `./scripts/ci.sh`", f"scripts/ci.sh:{call} `./scripts/lint.sh`")
    assert {a.kind for a in activities} == {"lint", "format-check", "type-check", "test", "test-report"}
    # the coverage upload script is not in the repository: unknown, and said so
    assert any("scripts/upload-coverage.sh" in note and "not in the repository" in note for note in notes)


def test_scripts_sourcing_each_other_terminate(fixture_repo):
    activities, _ = follow_in(fixture_repo("follow-scripts"), "bash ci/ping.sh", CI)
    assert {(a.kind, a.tool) for a in activities} == {("lint", "shellcheck")}


def test_nox_sessions_and_the_sessions_they_notify(fixture_repo):
    path = fixture_repo("follow-nox")
    activities, _ = follow_in(path, "nox -s tests lint", CI)
    assert {(a.kind, a.tool) for a in activities} == {("test", "pytest"), ("coverage", "pytest-cov"),
                                                      ("coverage-gate", "coverage.py"), ("lint", "ruff"),
                                                      ("type-check", "mypy")}
    gate = next(a for a in activities if a.kind == "coverage-gate")
    assert gate.location == Location("noxfile.py", fixture_line("follow-nox", "noxfile.py", "--fail-under=90"))
    tagged, _ = follow_in(path, "nox --tags style", CI)
    assert {(a.kind, a.tool) for a in tagged} == {("lint", "ruff"), ("type-check", "mypy")}


def test_hatch_scripts_expand_scripts_they_name(fixture_repo):
    path = fixture_repo("follow-hatch")
    activities, _ = follow_in(path, "hatch run cov", CI)
    assert {(a.kind, a.tool) for a in activities} == {("coverage", "coverage.py"), ("test", "pytest"),
                                                      ("coverage-gate", "coverage.py")}
    gate = next(a for a in activities if a.kind == "coverage-gate")
    assert gate.data["threshold"] == "92"
    assert gate.location == Location("pyproject.toml", fixture_line("follow-hatch", "pyproject.toml",
                                                                    "--fail-under=92"))
    lint, _ = follow_in(path, "hatch run lint:all", CI)
    assert {(a.kind, a.tool) for a in lint} == {("lint", "ruff"), ("format-check", "ruff"), ("type-check", "mypy")}
