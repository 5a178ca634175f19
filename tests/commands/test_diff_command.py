"""`devops-scan diff` as a user meets it: formats, exit codes, bad refs, one scan for one commit."""

from __future__ import annotations

import json
import subprocess

import click
import pytest
from click.testing import CliRunner

import devops_scan.scan
from devops_scan.cli import main
from tests.test_diff import build_history, schema_validator
from tests.testing.repos import git, make_repo

AS_OF = ("--as-of", "2026-02-01")


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def main_wrapper(ctx):
    """Lets CliRunner capture main(), which maps errors to exit codes as the console script does."""
    main(ctx.args)


def invoke(*args: str):
    """Run main() as the console script does; returns (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main_wrapper, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    path = tmp_path_factory.mktemp("diff-command") / "repo"
    commits = build_history(path)
    git(path, "branch", "before-ci", commits["base"])
    return path, commits


def diff(repo, base: str, head: str, *args: str):
    path, commits = repo
    return invoke("diff", str(path), "--base", commits.get(base, base), "--head", commits.get(head, head),
                  *AS_OF, *args)


@pytest.fixture
def scans(monkeypatch):
    """The (ref, as_of) of every scan_path call the command makes."""
    calls = []
    real = devops_scan.scan.scan_path

    def counting(path, model, as_of=None, ref=None, platform=None, session=None):
        calls.append((ref, as_of))
        return real(path, model, as_of=as_of, ref=ref, platform=platform, session=session)

    monkeypatch.setattr(devops_scan.scan, "scan_path", counting)
    return calls


def test_table_shows_the_verdict_and_arrows_on_changed_areas_only(repo):
    code, out, err = diff(repo, "base", "added")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("devops-scan diff ") and "as of 2026-02-01" in lines[0]
    assert lines[1].startswith("↑ This change raises the maturity — Build & test: Base → Beginner")
    build = next(line for line in lines if line.startswith("│ Build & test"))
    assert "↑ Beginner" in build
    deployment = next(line for line in lines if line.startswith("│ Deployment"))
    assert "↑" not in deployment and "↓" not in deployment
    assert "scm.codeowners" in out and "✓ improved" in out and "+ CODEOWNERS:1" in out
    assert "│ Culture" in out and "+100" in out
    assert "Next step:" in out
    assert "\x1b[" not in out  # no colour off a terminal


def test_table_of_a_drop_points_down(repo):
    code, out, _ = diff(repo, "shifted", "ci-removed")
    assert code == 0  # without --fail-on-regression a drop is reported, not failed
    assert "↓ This change lowers the maturity" in out and "↓ Base" in out
    assert "✗ regressed" in out and "− .github/workflows/ci.yml" in out


def test_table_of_no_change_says_so(repo):
    code, out, _ = diff(repo, "gate-removed", "readme")
    assert code == 0
    assert out.splitlines()[1] == "→ No change to the DevOps maturity"
    assert "No practice changed its verdict or its evidence in files." in out


def test_json_is_the_sorted_delta_and_validates_against_the_schema(repo):
    code, out, err = diff(repo, "added", "gate-removed", "--format", "json")
    assert code == 0, err
    delta = json.loads(out)
    assert list(delta) == sorted(delta)
    assert list(schema_validator().iter_errors(delta)) == []
    gate = next(p for p in delta["practices"] if p["id"] == "test.coverage-gate")
    assert gate["change"] == "regressed" and gate["evidence_removed"][0]["path"] == "tox.ini"
    assert delta["regressed"] is True and delta["as_of"] == "2026-02-01T00:00:00Z"
    assert out == diff(repo, "added", "gate-removed", "--format", "json")[1]  # byte-stable


def test_markdown_is_the_pull_request_comment(repo):
    code, out, _ = diff(repo, "base", "added", "--format", "markdown")
    assert code == 0
    assert out.startswith("### DevOps maturity: ⬆️ This change raises the maturity")
    assert "<!--" not in out  # no marker: the comment's marker belongs to the CI integrations
    assert "`scm.codeowners`" in out and "<summary>Full report</summary>" in out
    assert out.endswith("\n")


def test_output_file(repo, tmp_path):
    target = tmp_path / "delta.json"
    code, out, _ = diff(repo, "base", "added", "--format", "json", "--output", str(target))
    assert (code, out) == (0, "")
    assert json.loads(target.read_text())["improved"] is True


def test_fail_on_regression_exits_1_when_an_area_dropped(repo):
    code, out, err = diff(repo, "shifted", "ci-removed", "--fail-on-regression")
    assert code == 1
    assert "Build & test" in out  # the delta is still written
    assert err.count("\n") == 1 and "area level(s) dropped: Build & test Beginner → Base" in err


def test_fail_on_regression_ignores_a_practice_regression_without_an_area_drop(repo):
    assert diff(repo, "added", "gate-removed", "--fail-on-regression")[0] == 0
    assert diff(repo, "base", "added", "--fail-on-regression")[0] == 0


def test_fail_on_regression_with_practices_exits_1_when_one_of_them_regressed(repo):
    code, _, err = diff(repo, "added", "gate-removed", "--fail-on-regression", "ci.pipeline,test.coverage-gate")
    assert code == 1
    assert err == ("devops-scan: practice(s) regressed: test.coverage-gate pass → fail "
                   "(--fail-on-regression ci.pipeline,test.coverage-gate)\n")
    assert diff(repo, "added", "gate-removed", "--fail-on-regression=ci.pipeline")[0] == 0
    # An area drop alone does not fail a practice list that does not name what regressed.
    assert diff(repo, "shifted", "ci-removed", "--fail-on-regression", "scm.codeowners")[0] == 0


def test_fail_on_regression_rejects_unknown_practices(repo):
    code, out, err = diff(repo, "base", "added", "--fail-on-regression", "ci.pipline")
    assert (code, out) == (2, "")
    assert err.startswith("devops-scan: error: --fail-on-regression: unknown practice 'ci.pipline'")
    path, _commits = repo
    code, _, err = invoke("diff", "--base", "HEAD~1", "--fail-on-regression", str(path))
    assert code == 2 and "put PATH before --fail-on-regression" in err


@pytest.mark.parametrize("option", ["--base", "--head"])
def test_unknown_refs_exit_2_with_one_line(repo, option):
    path, _commits = repo
    refs = {"--base": "HEAD~1", "--head": "HEAD", option: "no-such-ref"}
    code, out, err = invoke("diff", str(path), "--base", refs["--base"], "--head", refs["--head"])
    assert (code, out) == (2, "")
    assert err == f"devops-scan: error: {option} no-such-ref: not a commit in this repository\n"


def test_a_base_missing_from_a_shallow_clone_says_how_to_fetch_it(repo, tmp_path):
    path, _commits = repo
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{path}", str(shallow)], check=True)
    code, out, err = invoke("diff", str(shallow), "--base", "HEAD~1")
    assert (code, out) == (2, "")
    assert err.startswith("devops-scan: error: --base HEAD~1: not a commit in this repository (the clone is shallow")
    assert "fetch-depth: 0" in err and err.count("\n") == 1


def test_base_is_required_and_path_must_be_a_clone(tmp_path):
    code, _, err = invoke("diff", str(tmp_path))
    assert code == 2 and "--base" in err
    code, _, err = invoke("diff", str(tmp_path), "--base", "HEAD")
    assert code == 2 and err.startswith("devops-scan: error: not a git repository")
    code, _, err = invoke("diff", "github:o/r", "--base", "main")
    assert code == 2 and "diff compares two refs of a local clone" in err


def test_the_same_commit_is_scanned_once(repo, scans):
    path, _commits = repo
    code, out, err = invoke("diff", str(path), "--base", "main", "--format", "json", *AS_OF)
    assert code == 0, err
    assert [ref for ref, _ in scans] == ["main"]
    delta = json.loads(out)
    assert delta["practices"] == [] and delta["regressed"] is False
    assert (delta["base"]["ref"], delta["head"]["ref"]) == ("main", "HEAD")
    assert delta["base"]["head"] == delta["head"]["head"]


def test_equal_trees_of_different_commits_are_scanned_twice(repo, scans):
    path, commits = repo
    assert git(path, "rev-parse", f"{commits['ci-removed']}^{{tree}}") == git(path, "rev-parse", "HEAD^{tree}")
    assert diff(repo, "ci-removed", "empty")[0] == 0
    assert [ref for ref, _ in scans] == [commits["ci-removed"], commits["empty"]]


def test_both_scans_share_one_moment(repo, scans):
    path, commits = repo
    assert invoke("diff", str(path), "--base", commits["base"], "--format", "json")[0] == 0
    (_, first), (_, second) = scans
    assert first is not None and first == second and first.microsecond == 0


def test_the_work_tree_is_neither_checked_out_nor_read(tmp_path):
    path = make_repo(tmp_path / "r", {"app.py": "x = 1\n", "README.md": "# r\n"})
    git(path, "branch", "old")
    (path / "CODEOWNERS").write_text("* @team\n")  # untracked: not part of either ref
    (path / "README.md").write_text("# r, edited\n")
    status = git(path, "status", "--porcelain")
    code, out, err = invoke("diff", str(path), "--base", "old", "--format", "json", *AS_OF)
    assert code == 0, err
    assert json.loads(out)["practices"] == []
    assert git(path, "status", "--porcelain") == status and git(path, "branch", "--show-current") == "main"
