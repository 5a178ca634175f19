"""What a command line does: `classify` (commands.py and its tables) and shell splitting (shell.py).

The big table is the contract: each row is a command a CI file really contains and exactly the
(kind, tool) pairs it must give — no more (a formatter that rewrites files checks nothing), no less.
"""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors.activity import KINDS
from devops_scan_detectors.commands import classify, classify_text
from devops_scan_detectors.shell import split_commands

# (command line, {(kind, tool)}) — exact.
# --- shell splitting --------------------------------------------------------------------------------

SPLITS = [
    ("pytest -q", [(("pytest", "-q"), 1)]),
    ("npm ci && npm test", [(("npm", "ci"), 1), (("npm", "test"), 1)]),
    ("ruff check . | tee lint.txt; mypy src", [(("ruff", "check", "."), 1), (("tee", "lint.txt"), 1),
                                               (("mypy", "src"), 1)]),
    ("pip install -e .\npytest \\\n  --cov=src \\\n  --cov-fail-under=85\nruff .",
     [(("pip", "install", "-e", "."), 1), (("pytest", "--cov=src", "--cov-fail-under=85"), 2), (("ruff", "."), 5)]),
    ("if [ -f Makefile ]; then\n  make test\nfi", [(("[", "-f", "Makefile", "]"), 1), (("make", "test"), 2)]),
    ("for f in *.sh; do shellcheck \"$f\"; done", [(("shellcheck", "$f"), 1)]),
    ("(cd web && npm test)", [(("cd", "web"), 1), (("npm", "test"), 1)]),
    ("VERSION=$(git describe --tags)\necho $VERSION", [((), 1), (("git", "describe", "--tags"), 1),
                                                      (("echo", "$VERSION"), 2)]),
    # bashlex refuses these; the line-by-line fallback still finds the commands.
    ("[[ -n \"$CI\" ]] && pytest\nruff check .", [(("true",), 1), (("pytest",), 1), (("ruff", "check", "."), 2)]),
    ("echo $((1 + 2)); pytest", [(("echo",), 1), (("pytest",), 1)]),
    ("case \"$1\" in\n  unit) pytest tests/unit ;;\n  lint) ruff check . ;;\nesac",
     [(("case", "$1", "in"), 1), (("pytest", "tests/unit"), 2), (("ruff", "check", "."), 3)]),
    ("cat <<EOF > conf.ini\npytest\nEOF\n[[ x ]] && make test", [(("cat",), 1), (("true",), 4), (("make", "test"), 4)]),
    ("# only a comment\n\n", []),
    ("", []),
    ("python -m pytest ${{ matrix.args }}", [(("python", "-m", "pytest", "CI_EXPRESSION"), 1)]),
    ("${{ github.workspace }}/ci/test.sh", [(("$GITHUB_WORKSPACE/ci/test.sh",), 1)]),
]


@pytest.mark.parametrize(("text", "expected"), SPLITS, ids=[row[0][:40] for row in SPLITS])
def test_shell_text_is_split_into_commands_with_their_lines(text, expected):
    assert [(command.argv, command.line) for command in split_commands(text)] == expected


def test_assignments_before_a_command_are_its_environment():
    [command] = split_commands("TOXENV=py312 CI=true tox")
    assert command.argv == ("tox",)
    assert command.env_value("TOXENV") == "py312"


def test_each_command_keeps_its_text_on_one_line():
    [command] = split_commands("pytest \\\n   --cov=src")
    assert command.text == "pytest --cov=src"


def test_wrapped_commands_are_judged_by_what_they_run():
    found = [(command.line, kind, tool) for command, (kind, tool, _data)
             in classify_text("sudo -E xvfb-run -a npx jest --coverage\nbash -c 'ruff check . && mypy src'")]
    assert found == [(1, "test", "jest"), (1, "coverage", "jest"), (2, "lint", "ruff"), (2, "type-check", "mypy")]


# --- properties ---------------------------------------------------------------------------------------

SHELLISH = st.text(alphabet=st.sampled_from(list("abcxyz -_=$(){}[]|&;<>'\"\\\n\t#*./:!`~0129")), max_size=200)


@settings(max_examples=100, deadline=None)
@given(st.one_of(SHELLISH, st.text(max_size=200)))
def test_splitting_never_raises_and_lines_stay_in_the_text(text):
    commands = split_commands(text)
    lines = text.count("\n") + 1
    assert all(1 <= command.line <= lines for command in commands)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["pytest", "docker", "run", "build", "--cov", "-t", "mvn", "verify",
                                           "helm", "upgrade", "--install", "git", "push", "--tags", "bash", "-c",
                                           "python", "-m", "npx", "coverage", "nyc", "kubectl", "apply", "--",
                                           "sudo", "env", "A=1", "xargs", "find", "-exec", ";", "trivy", "fs"]),
                          st.text(max_size=12)), max_size=12))
def test_classifying_never_raises_and_uses_known_kinds(argv):
    assert {kind for kind, _tool, _data in classify(argv)} <= set(KINDS)
