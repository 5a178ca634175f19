"""Practices decided from the history, end to end through `scan_path` on built histories."""

from __future__ import annotations

import subprocess

import pytest

from tests.testing.history import History, day, hotfixes, release_train


def _outcomes(report, *practices):
    return {p: report["practices"][p]["outcome"] for p in practices}


@pytest.fixture
def train_report(tmp_path, scan):
    return scan(release_train(tmp_path / "train").path)


def test_a_pull_request_workflow_passes_the_culture_practices(train_report):
    assert _outcomes(train_report, "scm.code-review", "scm.short-lived-branches", "report.issue-links",
                     "culture.contributors") == {"scm.code-review": "pass", "scm.short-lived-branches": "pass",
                                                 "report.issue-links": "pass", "culture.contributors": "pass"}
    review = train_report["practices"]["scm.code-review"]
    assert review["reason"] == ("10 of 10 changes to main in the last 90 days (100%) were merged through a pull "
                                "or merge request")
    assert review["evidence"][0]["detail"].endswith("Merge pull request #10 from org/f9")


def test_bot_tagged_releases_on_main_pass_the_release_practices(train_report):
    assert _outcomes(train_report, "scm.release-from-trunk", "scm.automated-tagging") == {
        "scm.release-from-trunk": "pass", "scm.automated-tagging": "pass"}
    assert "10 of 10 releases of the last year were tagged by a bot account" in \
        train_report["practices"]["scm.automated-tagging"]["reason"]


def test_delivery_metrics_become_practices_by_band(train_report):
    assert _outcomes(train_report, "dora.deploy-frequency", "dora.lead-time", "dora.change-failure",
                     "dora.time-to-restore") == {"dora.deploy-frequency": "fail", "dora.lead-time": "pass",
                                                 "dora.change-failure": "pass",
                                                 "dora.time-to-restore": "not_applicable"}
    assert train_report["practices"]["dora.deploy-frequency"]["reason"].startswith(
        "deploy frequency 0.78 per week (medium; 10 sample(s)")
    assert train_report["inventory"]["dora"]["lead_time"] == {
        "value": 72.0, "unit": "hours", "band": "high", "sample": 21,
        "method": train_report["inventory"]["dora"]["lead_time"]["method"]}


def test_failures_fail_the_stability_practices(tmp_path, scan):
    report = scan(hotfixes(tmp_path / "fixes")[0].path)
    assert _outcomes(report, "dora.change-failure", "dora.time-to-restore") == {
        "dora.change-failure": "fail", "dora.time-to-restore": "fail"}
    details = [e["detail"] for e in report["practices"]["dora.time-to-restore"]["evidence"]]
    assert "v2.0.0 → v2.0.1" in details and "v2.2.0 → v2.3.0" in details


def test_one_person_pushing_to_main_fails_review_and_bus_factor(tmp_path, scan):
    history = History(tmp_path / "solo")
    for n in range(12):
        history.commit(f"work {n}", day(n))
    report = scan(history.path)
    assert _outcomes(report, "scm.code-review", "culture.contributors", "scm.release-from-trunk",
                     "dora.deploy-frequency") == {"scm.code-review": "fail", "culture.contributors": "fail",
                                                  "scm.release-from-trunk": "fail",
                                                  "dora.deploy-frequency": "unknown"}
    assert report["practices"]["culture.contributors"]["reason"].startswith("bus factor 1: 1 author(s) made 12")


def test_rebase_merges_through_the_web_ui_leave_review_unknown(tmp_path, scan):
    history = History(tmp_path / "rebased")
    for n in range(6):
        history.commit(f"Tidy module {n}", day(n), author="grace", committer="github")
    finding = scan(history.path)["practices"]["scm.code-review"]
    assert finding["outcome"] == "unknown"
    assert "committed by GitHub's web UI" in finding["reason"]


def test_a_shallow_clone_says_to_fetch_full_history(tmp_path, scan):
    source = release_train(tmp_path / "train").path
    clone = tmp_path / "shallow"
    subprocess.run(["git", "clone", "--quiet", "--depth", "1", f"file://{source}", str(clone)], check=True)
    report = scan(clone)
    for practice in ("scm.code-review", "dora.lead-time", "scm.release-from-trunk"):
        assert report["practices"][practice]["outcome"] == "unknown"
        assert "fetch-depth: 0" in report["practices"][practice]["reason"]
    assert "history" not in report["inventory"]


def test_future_tags_are_a_warning(tmp_path, scan):
    history = History(tmp_path / "future")
    history.commit("initial import", day(0))
    history.tag("v3.0.0", day(5000))
    report = scan(history.path)
    assert any("dated after the scan's date were left out: v3.0.0" in warning for warning in report["warnings"])


def test_lightweight_tags_do_not_say_who_tagged(tmp_path, scan):
    history = History(tmp_path / "lightweight")
    for n in range(3):
        history.commit(f"fix: change {n}", day(n), author="ada", committer="github")
        history.tag(f"v1.0.{n}", day(n + 0.1), annotated=False)
    finding = scan(history.path)["practices"]["scm.automated-tagging"]
    # No release tool, no CI: the files say fail; the tags cannot tell, so the verdict is unknown.
    assert finding["outcome"] == "unknown"
    assert "lightweight tags, which do not record who made them" in finding["reason"]
