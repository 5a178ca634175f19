"""The delta of two real commits: practices added and removed, changes that move nothing, the schema."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from devops_scan.diff import compare, regressions
from devops_scan.scan import scan_path
from tests.conftest import AS_OF
from tests.testing.repos import commit_all, git, make_repo, write_files

TOX = ("[tox]\nenvlist = py3\n\n[testenv]\ndeps =\n    pytest\n    pytest-cov\n"
       "commands = pytest --cov=app --cov-fail-under=85\n")
BASE_FILES = {
    ".gitignore": "__pycache__/\n",
    "README.md": "# app\n\nRun the tests with `tox`.\n",
    "app.py": "print('hi')\n",
    "tests/test_app.py": "def test_app():\n    assert True\n",
    "tox.ini": TOX,
}
WORKFLOW = ("on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - run: pip install tox\n      - run: tox\n")
CI = ".github/workflows/ci.yml"


def build_history(path: Path) -> dict[str, str]:
    """A repository whose commits each make one kind of change; {step: commit sha}, oldest first.

    base: tests and a coverage gate in tox.ini, no CI · added: CODEOWNERS and a GitHub workflow ·
    gate-removed: `--cov-fail-under=85` dropped · readme: a README edit · shifted: a comment line on
    top of the workflow · ci-removed: the workflow deleted · empty: a commit that changes no file.
    """
    make_repo(path, BASE_FILES, message="base")
    commits = {"base": git(path, "rev-parse", "HEAD")}
    steps: list[tuple[str, dict[str, str]]] = [
        ("added", {"CODEOWNERS": "* @team\n", CI: WORKFLOW}),
        ("gate-removed", {"tox.ini": TOX.replace(" --cov-fail-under=85", "")}),
        ("readme", {"README.md": BASE_FILES["README.md"] + "\nSee CONTRIBUTING.\n"}),
        ("shifted", {CI: "# The tests, on every push.\n" + WORKFLOW}),
        ("ci-removed", {}),
        ("empty", {}),
    ]
    for day, (step, files) in enumerate(steps, start=20):
        write_files(path, files)
        if step == "ci-removed":
            (path / CI).unlink()
        commits[step] = commit_all(path, step, date=f"2026-01-{day}T12:00:00+00:00")
    return commits


def schema_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(resources.files("devops_scan.schemas").joinpath("diff.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def history(tmp_path_factory, default_model):
    """(commits, delta(base_step, head_step)); each ref is scanned once for the whole module."""
    path = tmp_path_factory.mktemp("diff") / "repo"
    commits = build_history(path)
    reports: dict[str, dict] = {}

    def report(step: str) -> dict:
        if step not in reports:
            reports[step] = scan_path(str(path), default_model, as_of=AS_OF, ref=commits[step])
        return reports[step]

    def delta(base: str, head: str) -> dict:
        return compare(report(base), report(head))

    return commits, delta, report


def changed(delta: dict) -> dict[str, dict]:
    return {practice["id"]: practice for practice in delta["practices"]}


def places(items: list[dict]) -> list[str]:
    return [f"{item['path']}:{item['line']}" if item["line"] else item["path"] for item in items]


def test_a_practice_added_improves_it_and_raises_the_area(history):
    _commits, delta, _report = history
    result = delta("base", "added")
    practices = changed(result)
    assert practices["scm.codeowners"]["before"] == "fail" and practices["scm.codeowners"]["after"] == "pass"
    assert practices["scm.codeowners"]["change"] == "improved"
    assert places(practices["scm.codeowners"]["evidence_added"]) == ["CODEOWNERS:1"]
    assert practices["ci.pipeline"]["change"] == "improved"
    assert places(practices["ci.pipeline"]["evidence_added"]) == [CI]
    areas = {area["id"]: area for area in result["areas"]}
    assert (areas["build-test"]["before"], areas["build-test"]["after"], areas["build-test"]["change"]) == (
        "base", "beginner", "up")
    assert result["improved"] is True and result["regressed"] is False
    assert regressions(result) == [] and regressions(result, ("scm.codeowners",)) == []


def test_a_coverage_gate_removed_regresses_with_the_line_it_was_on(history):
    _commits, delta, _report = history
    result = delta("added", "gate-removed")
    gate = changed(result)["test.coverage-gate"]
    assert (gate["before"], gate["after"], gate["change"]) == ("pass", "fail", "regressed")
    assert places(gate["evidence_removed"]) == ["tox.ini:8"]
    assert "85" in gate["reason_before"]
    assert result["regressed"] is True
    assert all(area["change"] == "same" for area in result["areas"])
    assert regressions(result) == []  # no area dropped
    assert regressions(result, ("test.coverage-gate", "ci.pipeline")) == ["test.coverage-gate"]
    assert regressions(result, ("ci.pipeline",)) == []


def test_a_change_that_moves_no_verdict_leaves_no_practice_in_the_delta(history):
    _commits, delta, report = history
    result = delta("gate-removed", "readme")
    # The commit count and the recent commits did change; a verdict that stays is not a change.
    assert report("gate-removed")["practices"]["scm.versioned"]["evidence"] != \
        report("readme")["practices"]["scm.versioned"]["evidence"]
    assert result["practices"] == []
    assert result["regressed"] is False and result["improved"] is False
    assert result["overall"]["change"] == "same"
    assert all(area["change"] == "same" for area in result["areas"])
    assert all(row["delta"] in (0, None) for row in result["cams"])


def test_a_line_moved_in_a_file_is_an_evidence_change(history):
    _commits, delta, _report = history
    result = delta("readme", "shifted")
    practices = changed(result)
    trunk, pinned = practices["scm.ci-on-trunk"], practices["sec.pinned-actions"]
    assert trunk["change"] == pinned["change"] == "evidence"
    assert places(trunk["evidence_added"]) == [f"{CI}:4"] and places(trunk["evidence_removed"]) == [f"{CI}:3"]
    assert places(pinned["evidence_added"]) == [f"{CI}:7"] and places(pinned["evidence_removed"]) == [f"{CI}:6"]
    # With the same verdict, only evidence in files is listed (never the HEAD commit or commit counts).
    assert all(item["path"] for practice in result["practices"] if practice["change"] == "evidence"
               for item in practice["evidence_added"] + practice["evidence_removed"])
    # The fifth direct commit is the sample the review practice needs: history moves verdicts too.
    assert practices["scm.code-review"]["before"] == "unknown" and practices["scm.code-review"]["after"] == "fail"


def test_ci_removed_lowers_the_area_and_names_the_next_step(history):
    _commits, delta, report = history
    result = delta("shifted", "ci-removed")
    areas = {area["id"]: area for area in result["areas"]}
    assert areas["build-test"]["change"] == "down"
    assert "build-test" in regressions(result)
    assert changed(result)["ci.pipeline"]["change"] == "regressed"
    assert places(changed(result)["ci.pipeline"]["evidence_removed"]) == [CI]
    head = report("ci-removed")
    step = result["next_step"]  # the first of the weakest applicable areas, with what it misses
    assert step["level"] == "base" and step["area"] == next(a for a, level in head["levels"].items() if level == "base")
    assert [item["id"] for item in step["missing"]] == head["next_steps"][step["area"]][:5]


def test_the_sides_name_the_commits_scanned(history):
    commits, delta, _report = history
    result = delta("base", "added")
    assert result["base"]["head"] == commits["base"] and result["head"]["head"] == commits["added"]
    assert result["base"]["ref"] == commits["base"] and result["as_of"] == "2026-02-01T00:00:00Z"
    assert result["base"]["shallow"] is False


@pytest.mark.parametrize("steps", [("base", "added"), ("added", "gate-removed"), ("gate-removed", "readme"),
                                   ("readme", "shifted"), ("shifted", "ci-removed"), ("ci-removed", "base")])
def test_deltas_validate_against_the_schema(history, steps):
    _commits, delta, _report = history
    result = json.loads(json.dumps(delta(*steps)))
    errors = sorted(schema_validator().iter_errors(result), key=str)
    assert errors == [], errors[0].message if errors else ""


def test_a_practice_only_one_side_knows_is_changed_and_validates(history):
    _commits, _delta, report = history
    base, head = report("base"), copy.deepcopy(report("base"))
    head["practices"]["plugin.extra"] = {**head["practices"]["scm.codeowners"], "title": "Extra", "area": None,
                                         "level": None}
    head["warnings"] = ["a warning only the head has"]
    result = compare(base, head)
    extra = changed(result)["plugin.extra"]
    assert (extra["before"], extra["change"], extra["reason_before"]) == (None, "changed", None)
    assert result["warnings"] == ["a warning only the head has"]
    assert list(schema_validator().iter_errors(result)) == []


def test_a_report_compared_with_itself_is_an_empty_delta(history):
    _commits, _delta, report = history
    result = compare(report("added"), report("added"))
    assert result["practices"] == [] and result["warnings"] == []
    assert result["regressed"] is False and result["improved"] is False


def test_the_table_shows_repository_text_as_text(history):
    from devops_scan.render.diff_table import render_diff

    _commits, delta, _report = history
    result = copy.deepcopy(delta("base", "added"))
    codeowners = changed(result)["scm.codeowners"]
    codeowners["reason_after"] = "owners [bold red]spoofed[/bold red]"
    codeowners["evidence_added"] = [{"path": "[link=https://evil]x[/link]", "line": 2, "detail": ""}]
    text = render_diff(result, color=True, width=400)  # wide: no cell wraps the markup apart
    assert "[bold red]spoofed[/bold red]" in text and "[link=https://evil]x[/link]:2" in text
    assert "\x1b]8;" not in text  # no hyperlink escape: the markup stayed text
