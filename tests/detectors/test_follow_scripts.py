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
