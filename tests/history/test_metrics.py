"""Delivery metrics and history figures on histories whose every date is known (tests/testing/history.py)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.history.analysis import inventory, weekly_series
from tests.testing.history import History, day, hotfixes, release_train


@pytest.fixture
def train(tmp_path, analysed):
    return analysed(release_train(tmp_path / "train").path)


@pytest.fixture
def fixes(tmp_path, analysed):
    history, reverted = hotfixes(tmp_path / "fixes")
    return analysed(history.path), reverted


def test_release_train_deploys_ten_times_in_ninety_days(train):
    frequency = train.metrics["deploy_frequency"]
    assert (round(frequency.value, 3), frequency.band, frequency.sample) == (0.778, "medium", 10)


def test_lead_time_is_the_median_commit_to_first_release(train):
    # 10 commits wait 72 h, 10 wait 48 h and the initial commit months: the median is 72 h.
    lead = train.metrics["lead_time"]
    assert (lead.value, lead.band, lead.sample) == (72.0, "high", 21)


def test_minor_releases_only_means_no_failures(train):
    assert (train.metrics["change_failure_rate"].value, train.metrics["change_failure_rate"].sample) == (0.0, 10)
    restore = train.metrics["time_to_restore"]
    assert restore.value is None and restore.not_applicable


def test_history_figures_of_the_release_train(train):
    history = inventory(train)["history"]
    assert {key: history[key] for key in ("commits", "merges", "authors", "bus_factor", "changes", "pr_merge_ratio",
                                          "issue_ref_ratio", "merged_branches", "branch_age_median_days",
                                          "conventional_ratio")} == {
        "commits": 31, "merges": 10, "authors": 3, "bus_factor": 2, "changes": 10, "pr_merge_ratio": 1.0,
        "issue_ref_ratio": 0.5, "merged_branches": 10, "branch_age_median_days": 2.0, "conventional_ratio": 0.952}


def test_tags_inventory_of_the_release_train(train):
    tags = inventory(train)["tags"]
    assert (tags["count"], tags["releases"], tags["semver"], tags["by_bot"], tags["on_default_branch"]) == \
        (10, 10, 10, 10, 10)
    newest = {"name": "v1.9.0", "date": "2026-01-15T10:00:00Z", "age_days": 16.6}  # 16 days 14 h before AS_OF
    assert tags["newest"] == newest
    # Ten releases in the last 90 days: 10 / (90 / 7) per week.
    assert tags["families"] == [{"prefix": "", "count": 10, "per_year": 10, "per_week": 0.778, "newest": newest}]


def test_a_quick_patch_and_a_shipped_revert_are_the_two_failures(fixes):
    analysis, reverted = fixes
    failure = analysis.metrics["change_failure_rate"]
    assert (round(failure.value, 3), failure.band, failure.sample) == (0.222, "low", 9)
    assert failure.evidence == ("v2.0.0: v2.0.1 followed within 24 h", f"v2.2.0: v2.3.0 reverts {reverted[:12]}")


def test_time_to_restore_is_the_median_of_24_and_240_hours(fixes):
    restore = fixes[0].metrics["time_to_restore"]
    assert (restore.value, restore.band, restore.sample) == (132.0, "medium", 2)


def test_a_back_port_tag_is_off_the_default_branch(fixes):
    tags = inventory(fixes[0])["tags"]
    assert (tags["on_default_branch"], tags["off_default_branch"]) == (8, 1)
    assert inventory(fixes[0])["history"]["reverts"] == 1


def test_patches_do_not_count_as_failures_when_a_family_releases_every_day(tmp_path, analysed):
    history = History(tmp_path / "daily")
    for n in range(8):
        history.commit(f"fix: daily fix {n}", day(n - 0.1))
        history.tag(f"v1.0.{n}", day(n))
    failure = analysed(history.path).metrics["change_failure_rate"]
    assert (failure.value, failure.sample) == (0.0, 8)


def test_weekly_series_covers_the_window_oldest_first(train):
    series = weekly_series(train)
    assert len(series) == 52 and series[0]["weeks_ago"] == 51 and series[-1]["weeks_ago"] == 0
    assert sum(week["releases"] for week in series) == 10
    assert sum(week["commits"] for week in series) == 31


def test_families_are_measured_apart(tmp_path, analysed):
    history = History(tmp_path / "charts")
    for n in range(3):
        history.commit(f"chore: release {n}", day(10 * n))
        history.tag(f"api-1.{n}.0", day(10 * n + 0.1))
        history.tag(f"web-2.{n}.0", day(10 * n + 0.2))
    tags = inventory(analysed(history.path))["tags"]
    assert [(f["prefix"], f["count"], f["newest"]["name"]) for f in tags["families"]] == \
        [("api", 3, "api-1.2.0"), ("web", 3, "web-2.2.0")]
    # One commit tagged for two components is one deployment.
    assert analysed(history.path).metrics["deploy_frequency"].sample == 3


def test_as_of_before_the_history_sees_nothing(tmp_path, analysed):
    path = release_train(tmp_path / "train").path
    early = analysed(path, as_of=datetime(2025, 1, 1, tzinfo=timezone.utc))
    assert (early.totals.commits, len(early.tags.releases), early.tags.future[:1]) == (0, 0, ("v1.0.0",))
    assert early.metrics["deploy_frequency"].value is None


def test_walking_from_an_older_ref_still_counts_its_history(tmp_path, analysed):
    # Later tags start the walk too and reach the older tip first; the tip must still count as reachable.
    analysis = analysed(release_train(tmp_path / "train").path, ref="v1.5.0")
    assert analysis.totals.commits == 1 + 6 * 3
    assert analysis.totals.on_default[analysis.tags.releases[5].tag.commit] is True
