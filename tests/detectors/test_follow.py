"""Following commands into the repository: make, just, Task, tox, nox, hatch/PDM/poe/Rye scripts,
package.json and composer.json scripts, Maven pom plugins and shell scripts.

In-memory repositories for the many shapes of each runner's file; real git repositories built from
`fixtures/repos/follow-*` for the chains a reader would follow by hand.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.ci_activities import command_activities, command_notes
from tests.testing.fakes import MemoryClient

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


def test_variables_referencing_each_other_many_times_expand_once_each():
    # Each variable uses the previous one four times: naive expansion is 4**30 strings long.
    from devops_scan_detectors.makefile import parse_makefile

    lines = ["V0 = go"] + [f"V{i} = $(V{i - 1}) $(V{i - 1}) $(V{i - 1}) $(V{i - 1})" for i in range(1, 31)]
    lines += ["SELF = $(SELF) x", "test:", "\t$(V30) test ./... $(SELF)"]
    makefile = parse_makefile("\n".join(lines) + "\n", "Makefile")
    expanded = makefile.expand(makefile.rules["test"].recipe[0][1])
    assert expanded.startswith("go go go go") and len(expanded) <= 20_000
