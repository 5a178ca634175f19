"""The terminal report: a rich table of areas and levels, CAMS scores, next steps and evidence."""

from __future__ import annotations

import io
import shutil
from typing import Any

from devops_scan.render import summary

_OUTCOME_STYLE = {
    "pass": ("[green]pass[/green]", "✓"),
    "fail": ("[red]fail[/red]", "✗"),
    "unknown": ("[yellow]unknown[/yellow]", "?"),
    "not_applicable": ("[dim]n/a[/dim]", "–"),
}
_LEVEL_STYLE = {"base": "red", "beginner": "yellow", "intermediate": "cyan", "advanced": "green",
                "expert": "bold green"}


def render(report: dict[str, Any], color: bool = False, width: int | None = None, **_: Any) -> str:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    buffer = io.StringIO()
    if width is None:
        # A terminal gets its own width; files and pipes a fixed one, so saved output is stable.
        width = max(100, shutil.get_terminal_size((120, 24)).columns) if color else 120
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, emoji=False)
    overall = report["overall"]
    console.print(f"[bold]devops-scan[/bold] {escape(summary.headline(report))}")
    method = "the lowest" if report["model"]["overall"] == "lowest" else "the median"
    console.print(f"Overall level: [{_LEVEL_STYLE[overall]}]{summary.level_title(overall)}[/]"
                  f" ({method} of the applicable areas' levels)\n")

    areas = Table(title="Maturity by area", title_justify="left", expand=False)
    areas.add_column("Area")
    areas.add_column("Level")
    areas.add_column("Next level")
    areas.add_column("To get there (✗ fail, ? unknown)")
    for area_id, level in report["levels"].items():
        area = report["areas"][area_id]
        steps, more = summary.next_steps(report, area_id)
        text = ", ".join(f"{_OUTCOME_STYLE[outcome][1]} {pid}" for pid, outcome in steps)
        if more:
            text += f" (+{more} more)"
        title = area["title"] if area["applicable"] else f"{area['title']} [dim](not applicable)[/dim]"
        if not area["applicable"]:
            text_cell = "[dim]nothing here applies to this repository[/dim]"
        else:
            text_cell = escape(text) if text else "[green]top level[/green]"
        areas.add_row(title, f"[{_LEVEL_STYLE[level]}]{summary.level_title(level)}[/]",
                      summary.level_title(area["next_level"]), text_cell)
    console.print(areas)

    cams = Table(title="CAMS", title_justify="left")
    for column in ("Dimension", "Score", "Passed / known", "Unknown"):
        cams.add_column(column, justify="left" if column == "Dimension" else "right")
    for dimension, score in report["cams"].items():
        value = "—" if score["score"] is None else f"{score['score']}/100"
        cams.add_row(dimension.capitalize(), value, f"{score['passed']} / {score['applicable']}", str(score["unknown"]))
    console.print(cams)

    verdicts = Table(title="Where each verdict comes from", title_justify="left")
    for column in ("Practice", "Outcome", "Why", "Evidence"):
        verdicts.add_column(column, overflow="fold")
    for pid, practice in summary.decided(report):
        where, more = summary.locations(practice)
        evidence = "\n".join(where) + (f"\n(+{more} more)" if more else "")
        verdicts.add_row(pid, _OUTCOME_STYLE[practice["outcome"]][0], escape(practice["reason"]), escape(evidence))
    console.print(verdicts)

    undecided = summary.undecided_count(report)
    if undecided:
        console.print(f"[yellow]{undecided} practices are unknown:[/yellow] no installed detector decides them "
                      "yet (`devops-scan detectors` lists what is installed). Unknown blocks a level but is "
                      "never counted as missing.")
    for reason, count in summary.unknown_reasons(report):
        console.print(f"[yellow]{count} unknown:[/yellow] {escape(reason)}")
    if report["warnings"]:
        console.print("\n[bold]Warnings[/bold]")
        for warning in report["warnings"]:
            console.print(f"- {escape(warning)}", soft_wrap=True)
    return buffer.getvalue()
