"""`devops-scan history`: the weekly chart, release cadence and delivery metrics of real git repositories."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from devops_scan.render.history import chart, fold, metric_value, release_marks, sparkline
from tests.commands.test_cli import invoke
from tests.testing.repos import commit_all, git, init_repo, make_repo, write_files

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
# Days before AS_OF of each commit (noon, so no commit sits on a week boundary), oldest first,
# and the release tags cut on that commit. 400 days ago is outside the default 365-day window.
COMMITS = [
    (400, ()), (300, ("v1.0.0",)), (200, ()), (100, ("v1.1.0",)), (60, ()), (30, ("v1.2.0",)),
    (20, ()), (10, ("chart-0.1.0",)), (9, ()), (3, ("v1.3.0",)), (1, ()),
]
IN_WINDOW = sum(1 for days, _ in COMMITS if days < 365)


def stamp(days_ago: int, hour: int = 12) -> str:
    return (AS_OF - timedelta(days=days_ago) + timedelta(hours=hour - 24)).isoformat()


@pytest.fixture
def released(tmp_path) -> Path:
    """A repository with commits spread over more than a year and two tag families."""
    repo = init_repo(tmp_path / "released")
    for days, tags in COMMITS:
        write_files(repo, {"app.py": f"VERSION = {days}\n"})
        commit_all(repo, f"feat: change {days} days before", date=stamp(days))
        for tag in tags:
            git(repo, "tag", "-a", tag, "-m", f"release {tag}", date=stamp(days, hour=13))
    return repo


def table_rows(out: str) -> list[list[str]]:
    """The cells of each table row (continuation lines of wrapped cells included)."""
    return [[cell.strip() for cell in line.split("│")[1:-1]] for line in out.splitlines() if line.startswith("│ ")]


def history(*args: str):
    return invoke("history", *args, "--as-of", AS_OF.date().isoformat())


def test_table_shows_the_chart_the_families_and_the_four_metrics(released):
    code, out, err = history(str(released))
    assert code == 0, err
    header, walked = out.splitlines()[:2]
    assert header == f"devops-scan history {released.resolve()}"
    assert walked.startswith("branch main @ ") and walked.endswith(" · 365-day window · as of 2026-02-01")
    commits_line = next(line for line in out.splitlines() if line.startswith("  commits  │"))
    assert "█" in commits_line and commits_line.endswith("max 2 a week")  # the 10 and 9 days ago commits
    assert "  releases │" in out and "5 releases" in out
    rows = {cells[0]: cells for cells in table_rows(out)}
    assert rows["(no prefix)"] == ["(no prefix)", "4", "v1.3.0", "2026-01-28", "3", "4"]  # no family: the whole name
    assert rows["chart"] == ["chart", "1", "0.1.0", "2026-01-21", "10", "1"]  # the family is in the first column
    for metric in ("Deployment frequency", "Lead time for changes", "Change failure rate", "Time to restore"):
        assert metric in rows
    assert rows["Deployment frequency"][1:3] == ["0.23 per week", "medium"]
    assert f"{IN_WINDOW} commits" in out and "bus factor 1" in out
    assert "\x1b[" not in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_json_has_one_weekly_entry_per_week_summing_to_the_commits_in_the_window(released):
    code, out, err = history(str(released), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert list(document) == sorted(document)
    assert len(document["weekly"]) == 365 // 7
    assert [w["weeks_ago"] for w in document["weekly"]] == list(range(51, -1, -1))
    assert sum(w["commits"] for w in document["weekly"]) == IN_WINDOW == document["history"]["commits"]
    assert sum(w["releases"] for w in document["weekly"]) == 5
    assert document["as_of"] == "2026-02-01T00:00:00Z" and document["window_days"] == 365
    assert document["repository"]["branch"] == "main"
    assert document["repository"]["path"] == str(released.resolve())
    assert set(document["dora"]) == {"deploy_frequency", "lead_time", "change_failure_rate", "time_to_restore"}
    assert document["tags"]["releases"] == 5
    assert history(str(released), "--format", "json")[1] == out


def test_window_days_sets_the_number_of_weeks(released):
    document = json.loads(history(str(released), "--format", "json", "--window-days", "28")[1])
    assert len(document["weekly"]) == 4
    assert sum(w["commits"] for w in document["weekly"]) == sum(1 for days, _ in COMMITS if days < 28)


def test_a_long_window_folds_weeks_and_still_fits_100_columns(released):
    code, out, _ = history(str(released), "--window-days", "3650")
    assert code == 0
    assert "Commits and releases per 9 weeks" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_output_file_and_ref(released, tmp_path):
    target = tmp_path / "history.json"
    code, out, _ = history(str(released), "--format", "json", "--ref", "main~1", "--output", str(target))
    assert code == 0 and out == ""
    document = json.loads(target.read_text())
    assert document["repository"]["branch"] == "main~1"
    assert document["history"]["commits"] == IN_WINDOW - 1


def test_a_bare_repository_is_read_at_its_head(released, tmp_path):
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(released), str(bare))
    document = json.loads(history(str(bare), "--format", "json")[1])
    assert document["history"]["commits"] == IN_WINDOW


def test_a_shallow_clone_asks_for_the_full_history(released, tmp_path):
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{released}", str(clone))
    code, out, err = history(str(clone))
    assert code == 2 and out == ""
    assert err.startswith("devops-scan: error: cannot read the history of") and err.count("\n") == 1
    assert "shallow clone" in err and "fetch-depth: 0" in err and "needs the full history" in err


@pytest.mark.parametrize(("target", "message"), [("plain", "not a git repository"), ("absent", "no such file")])
def test_a_non_repository_is_one_line_and_exit_2(tmp_path, target, message):
    (tmp_path / "plain").mkdir()
    code, out, err = history(str(tmp_path / target))
    assert (code, out) == (2, "")
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_repository_without_commits_is_exit_2(tmp_path):
    code, _, err = history(str(init_repo(tmp_path / "empty")))
    assert code == 2 and "no commits yet" in err


def test_a_repository_without_tags_shows_metrics_as_not_measured(tmp_path):
    repo = make_repo(tmp_path / "untagged", {"app.py": "print('hi')\n"})
    code, out, err = history(str(repo))
    assert code == 0, err
    assert "Release cadence: no release tags (0 tags: 0 releases, 0 pre-releases, 0 not releases)" in out
    assert out.count("not measured") == 4
    assert "no release tags:" in out
    assert "0 release(s) in the window" in out


def test_as_of_before_the_first_commit_draws_an_empty_chart(released):
    code, out, err = invoke("history", str(released), "--as-of", "2020-01-01")
    assert code == 0, err
    assert "no commits in the window" in out and "0 releases" in out
    document = json.loads(invoke("history", str(released), "--as-of", "2020-01-01", "--format", "json")[1])
    assert document["history"]["commits"] == 0
    assert all(w["commits"] == 0 and w["releases"] == 0 for w in document["weekly"])
    assert len(document["tags"]["future"]) == 5


def test_window_days_below_a_week_is_a_usage_error(released):
    code, _, err = history(str(released), "--window-days", "3")
    assert code == 2 and "--window-days" in err


def test_sparkline_scales_to_the_largest_count_and_leaves_zero_blank():
    assert sparkline([0, 1, 2, 4, 8]) == " ▁▂▄█"
    assert sparkline([0, 0]) == "  "
    assert sparkline([1, 1000]) == "▁█"


def test_release_marks_count_up_to_nine():
    assert release_marks([0, 1, 9, 10]) == " 19+"


def test_fold_keeps_the_newest_column_whole():
    weeks = [{"weeks_ago": 4 - i, "commits": i, "releases": 1} for i in range(5)]
    assert fold(weeks, 2) == [{"commits": 0, "releases": 1}, {"commits": 3, "releases": 2},
                              {"commits": 7, "releases": 2}]


def test_chart_axis_spans_the_columns():
    weekly = [{"weeks_ago": ago, "commits": 0, "releases": 0} for ago in range(51, -1, -1)]
    lines = chart(weekly, AS_OF)
    assert lines[-1] == " " * 12 + "2025-02-02" + " " * 32 + "2026-02-01"
    assert len(chart(weekly[-4:], AS_OF)) == 3  # too narrow for the dates: the title gives them


@pytest.mark.parametrize(
    ("metric", "shown"),
    [
        ({"value": 0.125, "unit": "ratio"}, "12.5 %"),
        ({"value": 5.0, "unit": "hours"}, "5.0 hours"),
        ({"value": 72.0, "unit": "hours"}, "3.0 days"),
        ({"value": 1.5, "unit": "per week"}, "1.50 per week"),
        ({"value": None, "unit": "hours"}, "not measured"),
    ],
)
def test_metric_values_read_in_their_units(metric, shown):
    assert metric_value(metric) == shown


class _Terminal:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    import devops_scan.commands as commands

    monkeypatch.setattr(commands.sys, "stdout", _Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert commands.colour_wanted(None)
    assert not commands.colour_wanted("report.txt")
    monkeypatch.setenv("NO_COLOR", "1")
    assert not commands.colour_wanted(None)
