"""The command line as a user meets it: exit codes, formats, messages without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from devops_scan import __version__
from devops_scan.cli import main
from tests.testing.repos import make_repo

PYTHON_PROJECT = {
    ".gitignore": "__pycache__/\n",
    "app.py": "print('hi')\n",
    "tests/test_app.py": "def test_app():\n    assert True\n",
    ".gitlab-ci.yml": "test:\n  script:\n    - pytest\n",
}


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def main_wrapper(ctx):
    """Lets CliRunner capture main(), which maps errors to exit codes as the console script does."""
    main(ctx.args)


def invoke(*args: str):
    """Run main() as the console script does; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main_wrapper, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def project(tmp_path) -> Path:
    return make_repo(tmp_path / "project", PYTHON_PROJECT)


def test_version():
    code, out, _ = invoke("--version")
    assert (code, out) == (0, f"devops-scan {__version__}\n")


def test_version_does_not_import_heavy_modules():
    probe = ("import sys, runpy; sys.argv=['devops-scan','--version']\n"
             "try:\n    runpy.run_module('devops_scan', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "heavy = ('github', 'gitlab', 'jinja2', 'git', 'rich', 'ruamel', 'jsonschema')\n"
             "print(sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown"])
def test_scan_formats(project, fmt):
    code, out, err = invoke("scan", str(project), "--format", fmt, "--as-of", "2026-02-01")
    assert code == 0, err
    if fmt == "json":
        report = json.loads(out)
        assert report["practices"]["ci.pipeline"]["outcome"] == "pass"
        assert report["as_of"] == "2026-02-01T00:00:00Z"
    elif fmt == "table":
        assert "Maturity by area" in out and "Source control" in out and ".gitlab-ci.yml" in out
        assert "\x1b[" not in out  # no colour codes when not writing to a terminal
    else:
        assert out.startswith("## DevOps maturity: **Base**")
        assert "| Source control | Beginner | Intermediate |" in out


def test_json_output_is_deterministic(project):
    first = invoke("scan", str(project), "--format", "json", "--as-of", "2026-02-01")[1]
    second = invoke("scan", str(project), "--format", "json", "--as-of", "2026-02-01")[1]
    assert first == second
    assert list(json.loads(first)) == sorted(json.loads(first))


def test_output_file(project, tmp_path):
    target = tmp_path / "report.json"
    code, out, _ = invoke("scan", str(project), "--format", "json", "--output", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["tool"]["name"] == "devops-scan"


def test_fail_under_exits_1_with_a_message(project):
    code, _, err = invoke("scan", str(project), "--fail-under", "beginner", "--format", "json")
    assert code == 1
    assert "overall level base is below --fail-under beginner" in err
    assert invoke("scan", str(project), "--fail-under", "base", "--format", "json")[0] == 0


def test_a_custom_model_changes_the_verdict(project, tmp_path):
    model = tmp_path / "model.yml"
    model.write_text(
        "schema: devops-scan/model/v1\nname: ci-only\nversion: '1'\nareas:\n  - id: build\n    title: Build\n"
        "practices:\n  ci.pipeline:\n    title: CI\n    area: build\n    level: beginner\n"
        "    cams: automation\n    remediation: Add CI.\n")
    code, out, err = invoke("scan", str(project), "--model", str(model), "--format", "json",
                            "--fail-under", "beginner")
    assert code == 0, err
    report = json.loads(out)
    assert report["overall"] == "beginner" and report["model"]["name"] == "ci-only"
    assert report["levels"] == {"build": "beginner"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "{tmp}/absent"], "no such file or directory"),
        (["scan", "{tmp}/plain"], "not a git repository"),
        (["scan", "{tmp}/file.txt"], "not a directory"),
        (["scan", "{project}", "--model", "{tmp}/bad-model.yml"], "bad-model.yml:2: expected the node content"),
        (["scan", "{project}", "--ref", "no-such-ref"], "not a commit in this repository"),
        (["scan", "{project}", "--as-of", "yesterday"], "is not a date"),
        (["scan", "{project}", "--format", "xml"], "Invalid value for '--format'"),
        (["scan", "{project}", "--output", "{tmp}/no/such/dir/out.json"], "cannot write"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(project, tmp_path, args, message):
    (tmp_path / "plain").mkdir()
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "bad-model.yml").write_text("name: [\n")
    args = [a.format(tmp=tmp_path, project=project) for a in args]
    code, out, err = invoke(*args)
    assert code == 2, (out, err)
    assert message in err
    assert "Traceback" not in err and out == ""


def test_unexpected_errors_exit_3_without_a_traceback(project, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("something broke")

    monkeypatch.setattr("devops_scan.scan.scan_path", explode)
    code, _, err = invoke("scan", str(project))
    assert code == 3
    assert "unexpected error: RuntimeError: something broke" in err
    assert "Traceback" not in err


def test_detectors_command_lists_practices():
    code, out, _ = invoke("detectors")
    assert code == 0
    assert "ci-presence" in out and "ci.pipeline" in out and "test.present" in out


def test_scan_defaults_to_the_current_directory(project, monkeypatch):
    monkeypatch.chdir(project)
    code, out, _ = invoke("scan", "--format", "json")
    assert code == 0
    assert json.loads(out)["repository"]["path"] == str(project.resolve())


def test_console_script_and_module_entry_point(project):
    for command in ([str(Path(sys.executable).parent / "devops-scan")], [sys.executable, "-m", "devops_scan"]):
        done = subprocess.run([*command, "scan", str(project), "--format", "json"], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["tool"]["version"] == __version__
