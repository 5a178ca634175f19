"""How changes land: review markers, branch syncs, squash-at-merge, issue references."""

from __future__ import annotations

import pytest

from devops_scan.history.messages import is_bot, is_conventional, issue_reference, review_marker
from tests.testing.history import History, day


@pytest.mark.parametrize("message, marker", [
    ("Merge pull request #12 from org/fix-login\n\nFix login", "Merge pull request #12 from"),
    ("Fix the parser (#345)", "(#345)"),
    ("Merge branch 'fix' into 'main'\n\nFix it\n\nSee merge request group/sub/project!77",
     "See merge request group/sub/project!77"),
    ("Merged in feature/x (pull request #9)\n", "Merged in feature/x (pull request #9)"),
    ("Merged PR 4411: Add retries", "Merged PR 4411:"),
    ("Auto merge of #5000 - user:branch, r=reviewer", "Auto merge of #5000"),
    ("net: fix a leak\n\nReviewed-on: https://review.example.org/c/1234\n", "Reviewed-on: https://review.example.org/c/1234"),
    ("Fix docs\n\nPR-URL: https://github.com/nodejs/node/pull/1", "PR-URL: https://github.com/nodejs/node/pull/1"),
    ("Merge branch 'stable'", None),
    ("Update README.md", None),
])
def test_review_markers(message, marker):
    assert review_marker(message) == marker


@pytest.mark.parametrize("message, reference", [
    ("Fix login (ABC-123)", "ABC-123"),
    ("Fixes #42", "#42"),
    ("See https://gitlab.example.com/group/project/-/issues/7", "/-/issues/7"),
    ("Handle UTF-8 and SHA-256 names", None),
    ("Bump CVE-2024-1234 fix", None),
    ("Go to https://example.org/page#12", None),
])
def test_issue_references(message, reference):
    assert issue_reference(message) == reference


def test_a_squash_subject_number_is_not_an_issue_reference():
    message = "Fix the parser (#345)"
    assert issue_reference(message, review_marker(message)) is None


def test_conventional_subjects_and_bots():
    assert is_conventional("feat(api)!: drop v1") and not is_conventional("net: fix a leak")
    assert is_bot("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")
    assert not is_bot("GitHub", "noreply@github.com") and not is_bot("Abbot Smith", "abbot@example.com")


def test_merging_a_branch_of_reviewed_merges_lands_reviewed_work(tmp_path, analysed):
    history = History(tmp_path / "sync")
    history.commit("initial import", day(-1))
    history.branch("stable")
    history.branch("fix-1", "stable")
    history.commit("fix: one", day(0))
    history.checkout("stable")
    history.merge("fix-1", "Merge pull request #1 from org/fix-1", day(1))
    history.checkout("main")
    history.merge("stable", "Merge branch 'stable'", day(2), author="ada")
    totals = analysed(history.path).totals
    assert (totals.changes, totals.reviewed) == (2, 1)  # the initial import, and the sync of a reviewed fix
    assert totals.reviewed_sample[0][1] == "Merge branch 'stable'"
    assert len(totals.branch_ages) == 0  # a sync of a long-lived branch is not a feature branch


def test_a_branch_squashed_at_merge_time_has_no_age(tmp_path, analysed):
    history = History(tmp_path / "squashed")
    history.commit("initial import", day(-10))
    history.branch("topic")
    history.commit("Default enable the fast zip", day(0))
    history.checkout("main")
    history.merge("topic", "Merge branch 'topic' into 'main'\n\nSee merge request g/p!5", day(0.0005))
    totals = analysed(history.path).totals
    assert (len(totals.branch_ages), totals.squashed_branches, totals.reviewed) == (0, 1, 1)
