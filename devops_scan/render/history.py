"""The `devops-scan history` table: a weekly chart, release cadence per tag family, the four delivery
metrics and the history's own figures. A pure function of the history document (docs/cli.md)."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from math import ceil
from typing import Any

BLOCKS = "▁▂▃▄▅▆▇█"
CHART_COLUMNS = 64   # a longer window folds several weeks into one column
MAX_FAMILIES = 12
WIDTH = 100
METRIC_TITLES = {
    "deploy_frequency": "Deployment frequency",
    "lead_time": "Lead time for changes",
    "change_failure_rate": "Change failure rate",
    "time_to_restore": "Time to restore",
}
_BAND_STYLE = {"elite": "bold green", "high": "green", "medium": "yellow", "low": "red"}


def render(document: dict[str, Any], color: bool = False, width: int = WIDTH, **_: Any) -> str:
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, emoji=False)
    repo, as_of = document["repository"], _moment(document["as_of"])
    console.print(f"[bold]devops-scan history[/bold] {escape(repo['path'] or '?')}")
    console.print(f"branch {escape(repo['branch'])} @ {repo['commit'][:12]} · {document['window_days']}-day "
                  f"window · as of {as_of:%Y-%m-%d}\n")
    for line in chart(document["weekly"], as_of):
        console.print(line, markup=False)
    console.print()
    _cadence(console, document["tags"], as_of)
    _metrics(console, document["dora"])
    for line in history_lines(document["history"]):
        console.print(line, markup=False)
    return buffer.getvalue()


def chart(weekly: list[dict[str, int]], as_of: datetime) -> list[str]:
    """Commits as a sparkline and releases as counts, one column per week (or per few weeks), oldest left."""
    per = max(1, ceil(len(weekly) / CHART_COLUMNS))
    columns = fold(weekly, per)
    commits, releases = [c["commits"] for c in columns], [c["releases"] for c in columns]
    unit = "week" if per == 1 else f"{per} weeks"
    start = as_of - timedelta(days=7 * len(weekly))
    title = f"Commits and releases per {unit}, {start:%Y-%m-%d} to {as_of:%Y-%m-%d}, oldest left"
    peak = f"max {max(commits)} a {unit}" if any(commits) else "no commits in the window"
    shipped = sum(releases)
    axis = f"{start:%Y-%m-%d}".ljust(len(columns) - 10) + f"{as_of:%Y-%m-%d}"
    lines = [title,
             f"  commits  │{sparkline(commits)}│ {peak}",
             f"  releases │{release_marks(releases)}│ {shipped} release{'' if shipped == 1 else 's'}"]
    return lines + [f"            {axis}"] if len(columns) >= 21 else lines


def fold(weekly: list[dict[str, int]], per: int) -> list[dict[str, int]]:
    """Sum `per` consecutive weeks into one column; the newest column is always a full one."""
    newest_first = weekly[::-1]
    groups = [newest_first[i:i + per] for i in range(0, len(newest_first), per)]
    return [{"commits": sum(w["commits"] for w in group), "releases": sum(w["releases"] for w in group)}
            for group in groups][::-1]


def sparkline(counts: list[int]) -> str:
    """One block per count, scaled to the largest; blank for 0, never blank for a non-zero count."""
    top = max(counts, default=0)
    return "".join(BLOCKS[min(8, ceil(n * 8 / top)) - 1] if n else " " for n in counts)


def release_marks(counts: list[int]) -> str:
    """The number of releases per column (1-9, + for more), blank when there were none."""
    return "".join(" " if not n else str(n) if n < 10 else "+" for n in counts)


def metric_value(metric: dict[str, Any]) -> str:
    """A metric's value in words a reader compares at a glance: %, hours or days, per week."""
    value, unit = metric["value"], metric["unit"]
    if value is None:
        return "not measured"
    if unit == "ratio":
        return f"{value * 100:.1f} %"
    if unit == "hours":
        return f"{value:.1f} hours" if value < 48 else f"{value / 24:.1f} days"
    if unit == "per week":
        return f"{value:.2f} per week"
    return f"{value:g} {unit}"


def history_lines(history: dict[str, Any]) -> list[str]:
    """The history's own figures: who commits, how changes land, how commits are written."""
    bus = history["bus_factor"]
    landed = (f"History of the last {history['window_days']} days: {_count(history['commits'], 'commit')} "
              f"({_count(history['merges'], 'merge')}) · {_count(history['authors'], 'author')}, "
              f"{_count(history['bots'], 'bot')} · bus factor {'—' if bus is None else bus} · "
              f"{_count(history['reverts'], 'revert')}")
    written = (f"Commits: {_share(history['conventional_ratio'])} conventional, {_share(history['signed_ratio'])} "
               f"signed · PR merges: {_share(history['pr_merge_ratio'])} of "
               f"{_count(history['changes'], 'change')} of the last {history['recent_days']} days")
    return [landed, written]


def _cadence(console: Any, tags: dict[str, Any], as_of: datetime) -> None:
    from rich.markup import escape
    from rich.table import Table

    counted = (f"{_count(tags['count'], 'tag')}: {_count(tags['releases'], 'release')}, "
               f"{_count(tags['prereleases'], 'pre-release')}, {tags['non_release_count']} not releases")
    if tags["future"]:
        counted += f", {len(tags['future'])} after the as-of date"
    if not tags["families"]:
        console.print(f"[bold]Release cadence[/bold]: no release tags ({counted})\n")
        return
    families = sorted(tags["families"], key=lambda f: (f["newest"]["date"], f["prefix"]), reverse=True)
    # A line of its own: as a table title it would wrap at the (narrow) table's width.
    console.print(f"[bold]Release cadence[/bold] · {counted}")
    table = Table()
    for column in ("Tag family", "Releases", "Newest", "Released", "Age (days)", "Last 365 days"):
        table.add_column(column, justify="left" if column in ("Tag family", "Newest", "Released") else "right")
    for family in families[:MAX_FAMILIES]:
        released = _moment(family["newest"]["date"])
        # The family is in the first column: the newest release shows its version only.
        newest = family["newest"]["name"].removeprefix(family["prefix"]).lstrip("-_/@.") or family["newest"]["name"]
        table.add_row(escape(family["prefix"] or "(no prefix)"), str(family["count"]),
                      escape(newest), f"{released:%Y-%m-%d}",
                      str((as_of - released).days), str(family["per_year"]))
    console.print(table)
    if len(families) > MAX_FAMILIES:
        console.print(f"(+{len(families) - MAX_FAMILIES} more families; `--format json` lists them all)")
    console.print()


def _metrics(console: Any, dora: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Delivery metrics (DORA bands)", title_justify="left")
    table.add_column("Metric", no_wrap=True)
    table.add_column("Value", no_wrap=True)
    table.add_column("Band")
    table.add_column("Sample", justify="right")
    table.add_column("How it was measured, or why it was not", overflow="fold")
    for key, title in METRIC_TITLES.items():
        metric = dora[key]
        band = metric["band"]
        measured = metric["value"] is not None
        table.add_row(title, metric_value(metric) if measured else "[dim]not measured[/dim]",
                      f"[{_BAND_STYLE[band]}]{band}[/]" if band else "—", str(metric["sample"]),
                      escape(metric["method"] if measured else metric.get("reason") or metric["method"]))
    console.print(table)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _share(ratio: float | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:.0f} %"


def _moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))
