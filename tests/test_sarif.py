"""SARIF logs of real scans: valid against the OASIS schema, consistent, stable, and built from metadata."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import click
import jsonschema
import pytest
from click.testing import CliRunner

from devops_scan.cli import main
from devops_scan.render import render
from devops_scan.render.sarif import render_sarif
from devops_scan.scan import scan_path
from devops_scan.scoring.loader import load_model
from tests.conftest import AS_OF
from tests.testing.repos import FIXTURES, make_repo

SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
WORKFLOW = ("on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - run: pytest\n")
FILES = {
    ".github/workflows/ci.yml": WORKFLOW,  # the unpinned action is on line 6
    "CHANGELOG.md": "# Changes\n\nnothing yet\n",  # fails share.changelog about the whole file
    "app/main.py": "print('x')\n",
    "app/test_main.py": "def test():\n    pass\n",
}


def validate(log: dict[str, Any]) -> None:
    validator = jsonschema.validators.validator_for(SCHEMA)(SCHEMA)
    errors = sorted(validator.iter_errors(log), key=str)
    assert errors == [], errors[0].message if errors else ""


def run_of(log: dict[str, Any]) -> dict[str, Any]:
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    return log["runs"][0]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict[str, Any]:
    path = make_repo(tmp_path_factory.mktemp("sarif") / "repo", FILES)
    return scan_path(str(path), load_model(), as_of=AS_OF)


@pytest.mark.parametrize("name", ["gha-webapp", "gitlab-monorepo", "svc-node-orders", "docs-only"])
def test_logs_of_real_scans_validate_and_reference_their_rules(name, fixture_repo, scan):
    report = scan(fixture_repo(name))
    log = render_sarif(report)
    validate(log)
    run = run_of(log)
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == sorted(rule["id"] for rule in rules)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert report["practices"][result["ruleId"]]["outcome"] == "fail"
        assert result["locations"] and all(
            loc["physicalLocation"]["region"]["startLine"] >= 1 for loc in result["locations"])
    for note in run["invocations"][0]["toolExecutionNotifications"]:
        if "associatedRule" in note:
            assert rules[note["associatedRule"]["index"]]["id"] == note["associatedRule"]["id"]
    # Every failure is either an alert or a notification: none is lost for want of a location.
    failed = sorted(pid for pid, practice in report["practices"].items() if practice["outcome"] == "fail")
    notified = [note["message"]["text"].split(" failed: ")[0]
                for note in run["invocations"][0]["toolExecutionNotifications"] if "associatedRule" in note]
    assert sorted([result["ruleId"] for result in run["results"]] + notified) == failed


def test_a_failure_with_file_and_line_is_an_alert_at_that_line(report):
    run = run_of(render_sarif(report))
    result = next(r for r in run["results"] if r["ruleId"] == "sec.pinned-actions")
    location = result["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": ".github/workflows/ci.yml", "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 6}}
    assert result["message"]["text"] == report["practices"]["sec.pinned-actions"]["reason"]
    assert result["level"] == "note"  # an expert practice


def test_evidence_about_a_whole_file_points_at_its_first_line(report):
    run = run_of(render_sarif(report))
    result = next(r for r in run["results"] if r["ruleId"] == "share.changelog")
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_unknown_and_passing_practices_give_no_result(report):
    run = run_of(render_sarif(report))
    outcomes = {report["practices"][r["ruleId"]]["outcome"] for r in run["results"]}
    assert outcomes == {"fail"}
    unknown = {pid for pid, p in report["practices"].items() if p["outcome"] == "unknown"}
    assert unknown
    notes = run["invocations"][0]["toolExecutionNotifications"]
    mentioned = {note.get("associatedRule", {}).get("id") for note in notes}
    assert not unknown & ({r["ruleId"] for r in run["results"]} | mentioned)


def test_failures_in_no_file_become_notifications_tied_to_their_rule(report):
    run = run_of(render_sarif(report))
    assert report["practices"]["scm.codeowners"]["outcome"] == "fail"
    assert "scm.codeowners" not in {r["ruleId"] for r in run["results"]}
    note = next(n for n in run["invocations"][0]["toolExecutionNotifications"]
                if n.get("associatedRule", {}).get("id") == "scm.codeowners")
    assert note["level"] == "warning"  # an intermediate practice
    assert note["message"]["text"] == f"scm.codeowners failed: {report['practices']['scm.codeowners']['reason']}"


def test_output_is_byte_identical_across_runs(tmp_path, scan):
    first = render(scan(make_repo(tmp_path / "a", FILES)), "sarif")
    second = render(scan(make_repo(tmp_path / "b", FILES)), "sarif")
    assert first == second
    assert json.loads(first)["runs"][0]["results"]


def test_fingerprints_ignore_the_line(report):
    moved = copy.deepcopy(report)
    moved["practices"]["sec.pinned-actions"]["evidence"][0]["line"] = 40
    before, after = (next(r for r in run_of(render_sarif(rep))["results"] if r["ruleId"] == "sec.pinned-actions")
                     for rep in (report, moved))
    assert before["partialFingerprints"] == after["partialFingerprints"]
    assert before["locations"] != after["locations"]


def test_rules_come_from_the_model_and_the_detectors(tmp_path):
    text = resources.files("devops_scan.models").joinpath("default.yml").read_text("utf-8")
    edited = text.replace("title: CI actions and images are pinned", "title: Pinned, per the edited model", 1)
    assert edited != text
    model_file = tmp_path / "model.yml"
    model_file.write_text(edited, encoding="utf-8")
    model = load_model(str(model_file))
    report = scan_path(str(make_repo(tmp_path / "repo", FILES)), model, as_of=AS_OF)
    log = render_sarif(report)  # reads the model file the report names
    validate(log)
    rules = {rule["id"]: rule for rule in run_of(log)["tool"]["driver"]["rules"]}
    rule = rules["sec.pinned-actions"]
    practice = model.practices["sec.pinned-actions"]
    assert rule["shortDescription"]["text"].startswith("Pinned, per the edited model")
    assert rule["fullDescription"]["text"] == practice.evidence
    assert rule["help"] == {"text": practice.remediation, "markdown": practice.remediation}
    assert rule["name"] == "SecPinnedActions"
    assert rule["properties"]["tags"] == [practice.area, practice.cams, "devops-scan"]
    assert rule["properties"]["detectors"]  # titles from the detectors' metadata
    levels = {pid: r["defaultConfiguration"]["level"] for pid, r in rules.items()}
    expected = {"beginner": "warning", "intermediate": "warning", "advanced": "note", "expert": "note", None: "note"}
    assert levels == {pid: expected[model.practices[pid].level] for pid in rules}


def test_paths_are_uri_references(report):
    odd = copy.deepcopy(report)
    odd["practices"]["sec.pinned-actions"]["evidence"] = [
        {"path": "my dir/a:b%.yml", "line": 3, "detail": "x"}, {"path": "other.yml", "line": 0, "detail": "y"}]
    result = next(r for r in run_of(render_sarif(odd))["results"] if r["ruleId"] == "sec.pinned-actions")
    uris = [(loc["physicalLocation"]["artifactLocation"]["uri"], loc["physicalLocation"]["region"]["startLine"])
            for loc in result["locations"]]
    assert uris == [("my%20dir/a%3Ab%25.yml", 3), ("other.yml", 1)]


@click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.pass_context
def main_wrapper(ctx: click.Context) -> None:
    main(ctx.args)


def test_scan_command_writes_sarif(tmp_path):
    repo = make_repo(tmp_path / "repo", FILES)
    out = tmp_path / "scan.sarif"
    args = ["scan", str(repo), "--format", "sarif", "--as-of", "2026-02-01", "-o", str(out)]
    result = CliRunner().invoke(main_wrapper, args)
    assert result.exit_code == 0, result.output
    log = json.loads(out.read_text(encoding="utf-8"))
    validate(log)
    assert run_of(log)["tool"]["driver"]["name"] == "devops-scan"
