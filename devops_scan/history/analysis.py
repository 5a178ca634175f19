"""The whole history analysis of one repository: one tag listing, one walk, then arithmetic.

`analyse` is what detectors (through `ScanContext.shared`) and `devops-scan history` call; it reads
the source once and returns plain values. `inventory` shapes them for the report.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from statistics import median
from typing import Iterable, Protocol

from devops_scan.history import dora
from devops_scan.history.messages import is_bot
from devops_scan.history.records import CommitRecord, TagRecord
from devops_scan.history.releases import TagSummary, release_index, summarise_tags, tags_inventory
from devops_scan.history.walk import WEEK, WalkPlan, WalkTotals, walk

DAY = 86400
WINDOW_DAYS = 365   # authors, bus factor, conventional commits, lead time, failures
RECENT_DAYS = 90    # how changes land (code review, issue links, branches), deployment frequency


class HistorySource(Protocol):
    rev: str
    rev_name: str

    def tags(self) -> list[TagRecord]: ...

    def commits(self, since: datetime, tagged: Iterable[str] = ()) -> Iterable[CommitRecord]: ...

    def commit_times(self, shas: Iterable[str]) -> dict[str, int]: ...

    def mailmap(self, identities: list[str]) -> dict[str, str]: ...


@dataclass(frozen=True)
class Author:
    name: str
    email: str
    commits: int
    bot: bool


@dataclass(frozen=True)
class HistoryAnalysis:
    as_of: int
    window_days: int
    recent_days: int
    rev_name: str
    tags: TagSummary
    totals: WalkTotals
    authors: tuple[Author, ...]          # humans and bots, most commits first
    bus_factor: int | None               # None without human commits
    metrics: dict[str, dora.Metric]

    @property
    def humans(self) -> tuple[Author, ...]:
        return tuple(author for author in self.authors if not author.bot)


def analyse(source: HistorySource, as_of: datetime, window_days: int = WINDOW_DAYS,
            recent_days: int = RECENT_DAYS) -> HistoryAnalysis:
    """Read tags once and walk the commits once; everything else is computed from what they gave."""
    end = int(as_of.timestamp())
    since, recent = end - window_days * DAY, end - recent_days * DAY
    summary = summarise_tags(source.tags(), end)
    # Tags dated in the window start the walk too: a release cut on a release branch is found there.
    tagged = frozenset(tag.commit for tag in summary.tags if tag.commit and tag.date and tag.date >= since)
    plan = WalkPlan(tip=source.rev, as_of=end, since=since, recent_since=recent,
                    release_of=release_index(summary), tag_commits=tagged)
    commits = source.commits(datetime.fromtimestamp(since, as_of.tzinfo), tagged)
    totals = walk(commits, plan, [release.time for release in summary.releases])
    # A leftover inside the window was streamed before one of its children: count it as skewed.
    totals.out_of_order += sum(1 for time in source.commit_times(totals.leftovers).values() if time >= since)
    authors = _authors(source, totals.authors)
    metrics = _metrics(summary, totals, end, since, window_days, recent_days)
    return HistoryAnalysis(end, window_days, recent_days, source.rev_name, summary, totals, authors,
                           bus_factor([a.commits for a in authors if not a.bot]), metrics)


def bus_factor(commits: list[int]) -> int | None:
    """The fewest authors who together made at least half of the commits."""
    total = sum(commits)
    if not total:
        return None
    covered = 0
    for count, value in enumerate(sorted(commits, reverse=True), start=1):
        covered += value
        if covered * 2 >= total:
            return count
    return len(commits)


def _authors(source: HistorySource, counted: Counter) -> tuple[Author, ...]:
    """Merge identities the repository's .mailmap maps together, then by e-mail address."""
    identities = sorted(f"{name} <{email}>" for name, email in counted)
    canonical = source.mailmap(identities) if identities else {}
    merged: dict[str, list] = {}
    for (name, email), commits in sorted(counted.items()):
        mapped = canonical.get(f"{name} <{email}>", f"{name} <{email}>")
        mapped_name, _, rest = mapped.rpartition(" <")
        key = rest.rstrip(">").lower() or mapped_name
        entry = merged.setdefault(key, [mapped_name or name, key, 0, False])
        entry[2] += commits
        entry[3] = entry[3] or is_bot(name, email)
    return tuple(sorted((Author(*entry) for entry in merged.values()), key=lambda a: (-a.commits, a.email)))


def _metrics(summary: TagSummary, totals: WalkTotals, end: int, since: int, window_days: int, recent_days: int
             ) -> dict[str, dora.Metric]:
    releases = summary.releases
    if releases:
        events = sorted({r.tag.commit: r.time for r in releases}.values())
        frequency = dora.deploy_frequency(
            events, end, recent_days * DAY, _history_start(totals),
            f"release tags per week over the last {recent_days} days (a commit tagged for several "
            f"components counts once)")
        lead = dora.lead_time(totals.release_leads,
                              "median time from a commit's author date to the first release tag containing it, "
                              f"over the commits of the last {window_days} days")
    else:
        why = ("no release tags: deployments made without a tag are not visible in git "
               "(scan with a platform token to read deployments)")
        frequency = dora.Metric("deploy_frequency", None, "per week", None, 0, "release tags", why)
        lead = dora.Metric("lead_time", None, "hours", None, 0, "commit to first release tag", why)
    judged, failed = dora.failures(releases, since, end, totals.failed_by_revert)
    failure_method = (f"releases of the last {window_days} days followed within 72 h by a patch release of the same "
                      "family (unless the family releases that often anyway), or shipping a commit a later "
                      "release reverts")
    return {
        "deploy_frequency": frequency,
        "lead_time": lead,
        "change_failure_rate": dora.change_failure_rate(judged, failed, failure_method),
        "time_to_restore": dora.time_to_restore(judged, failed,
                                                "median time from a failed release to the release fixing it"),
    }


def _history_start(totals: WalkTotals) -> int | None:
    return totals.first_commit_time


def inventory(analysis: HistoryAnalysis) -> dict[str, dict]:
    """The report's `tags`, `history` and `dora` inventory keys (docs/report-json.md)."""
    totals = analysis.totals
    humans = analysis.humans
    non_merge = sum(a.commits for a in analysis.authors)
    weeks = analysis.window_days // 7
    history = {
        "window_days": analysis.window_days,
        "branch": analysis.rev_name,
        "commits": totals.commits,
        "merges": totals.merges,
        "active_weeks": sum(1 for week, n in totals.weekly.items() if week < weeks and n),
        "weeks": weeks,
        "authors": len(humans),
        "bots": len(analysis.authors) - len(humans),
        "bus_factor": analysis.bus_factor,
        "conventional_ratio": _ratio(totals.conventional, non_merge),
        "signed_ratio": _ratio(totals.signed, totals.commits),
        "reverts": totals.revert_count,
        "recent_days": analysis.recent_days,
        "changes": totals.changes,
        "pr_merge_ratio": _ratio(totals.reviewed, totals.changes),
        "issue_ref_ratio": _ratio(totals.issue_linked, totals.changes),
        "merged_branches": len(totals.branch_ages),
        "branch_age_median_days": round(median(totals.branch_ages) / DAY, 2) if totals.branch_ages else None,
    }
    return {
        "tags": tags_inventory(analysis.tags, analysis.as_of, totals.on_default),
        "history": history,
        "dora": {key: metric.to_json() for key, metric in analysis.metrics.items()},
    }


def weekly_series(analysis: HistoryAnalysis) -> list[dict]:
    """Per week of the window, oldest first: commits and releases (for `devops-scan history`)."""
    weeks = analysis.window_days // 7
    releases: Counter = Counter((analysis.as_of - r.time) // WEEK for r in analysis.tags.releases)
    return [{"weeks_ago": ago, "commits": analysis.totals.weekly.get(ago, 0), "releases": releases.get(ago, 0)}
            for ago in range(weeks - 1, -1, -1)]


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None
