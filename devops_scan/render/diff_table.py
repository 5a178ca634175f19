"""The terminal view of a delta (devops_scan.diff): a one-line verdict, the areas before → after,
CAMS deltas, the practices that changed with their evidence as file:line, and the next step.

House style of render/terminal.py: rich markup, repository text escaped, no colour off a terminal
and a fixed width there, so saved output is stable.
"""

from __future__ import annotations

import io
import shutil
from typing import Any

from devops_scan.render.summary import level_title

# The colours and marks of render/terminal.py, so `scan` and `diff` read alike.
_OUTCOME_STYLE = {
    "pass": ("[green]pass[/green]", "✓"),
    "fail": ("[red]fail[/red]", "✗"),
    "unknown": ("[yellow]unknown[/yellow]", "?"),
    "not_applicable": ("[dim]n/a[/dim]", "–"),
}
_LEVEL_STYLE = {"base": "red", "beginner": "yellow", "intermediate": "cyan", "advanced": "green",
                "expert": "bold green"}

_ARROW = {"up": "[green]↑[/green]", "down": "[red]↓[/red]"}
_CHANGE = {"regressed": "[red]✗ regressed[/red]", "improved": "[green]✓ improved[/green]",
           "changed": "[yellow]~ changed[/yellow]", "evidence": "[dim]evidence[/dim]"}
_ORDER = {"regressed": 0, "improved": 1, "changed": 2, "evidence": 3}
SHOWN_EVIDENCE = 4


def render_diff(delta: dict[str, Any], color: bool = False, width: int | None = None) -> str:
    """The delta as the terminal shows it; `color` only for a terminal."""
    from rich.console import Console
    from rich.markup import escape

    buffer = io.StringIO()
    if width is None:
        width = max(100, shutil.get_terminal_size((120, 24)).columns) if color else 120
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, emoji=False)
    console.print(f"[bold]devops-scan diff[/bold] {escape(_sides(delta))}", soft_wrap=True)
    console.print(verdict(delta), soft_wrap=True)
    overall = delta["overall"]
    console.print(f"Overall level: {_level(overall['before'])} → {_level(overall['after'])}"
                  f"{' ' + _ARROW[overall['change']] if overall['change'] in _ARROW else ''}\n")
    if delta["head"].get("shallow") or delta["base"].get("shallow"):
        console.print("[yellow]The clone is shallow:[/yellow] history, tag and release practices are unknown. "
                      "Fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in CI) to compare them.\n")
    console.print(_areas(delta))
    console.print(_cams(delta))
    _practices(console, delta)
    _next_step(console, delta)
    if delta["warnings"]:
        console.print("\n[bold]New warnings[/bold]")
        for warning in delta["warnings"]:
            console.print(f"- {escape(warning)}", soft_wrap=True)
    return buffer.getvalue()


def verdict(delta: dict[str, Any]) -> str:
    """One line: which way the levels moved, else how many practices did, else that nothing did."""
    from rich.markup import escape

    moved = [area for area in delta["areas"] if area["change"] != "same"]
    if moved:
        if any(area["change"] == "down" for area in moved):
            head = "[red]↓ This change lowers the maturity[/red]"
        else:
            head = "[green]↑ This change raises the maturity[/green]"
        moves = "; ".join(f"{escape(a['title'])}: {level_title(a['before'])} → {level_title(a['after'])}"
                          for a in moved)
        return f"{head} — {moves}"
    counts = {change: sum(1 for p in delta["practices"] if p["change"] == change) for change in _ORDER}
    moves = [f"{counts[change]} {change}" for change in ("regressed", "improved", "changed") if counts[change]]
    if moves:
        return f"→ Levels unchanged; practices: {', '.join(moves)}"
    if counts["evidence"]:
        return f"→ No verdict changed; the evidence of {counts['evidence']} practice(s) moved"
    return "→ No change to the DevOps maturity"


def _sides(delta: dict[str, Any]) -> str:
    return f"{_side(delta['base'])} → {_side(delta['head'])} · as of {delta['as_of'][:10]}"


def _side(side: dict[str, Any]) -> str:
    commit = (side["head"] or "no commits")[:12]
    # A ref given as a full sha is its commit: shown once, short.
    return commit if not side["ref"] or side["ref"] == side["head"] else f"{side['ref']} {commit}"


def _level(level: str | None) -> str:
    return f"[{_LEVEL_STYLE[level]}]{level_title(level)}[/]" if level in _LEVEL_STYLE else level_title(level)


def _areas(delta: dict[str, Any]) -> Any:
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="Areas (changed ones first)", title_justify="left")
    for column in ("Area", "Before", "After", "Next level"):
        table.add_column(column)
    for area in sorted(delta["areas"], key=lambda a: a["change"] == "same"):
        title = escape(area["title"]) + ("" if area["applicable"] else " (not applicable)")
        if area["change"] == "same":
            # Unchanged areas stay for context, dimmed, so the eye lands on the ones that moved.
            table.add_row(f"[dim]{title}[/dim]", f"[dim]{level_title(area['before'])}[/dim]",
                          f"[dim]{level_title(area['after'])}[/dim]", f"[dim]{level_title(area['next_level'])}[/dim]")
        else:
            table.add_row(f"[bold]{title}[/bold]", _level(area["before"]),
                          f"{_ARROW[area['change']]} {_level(area['after'])}", level_title(area["next_level"]))
    return table


def _cams(delta: dict[str, Any]) -> Any:
    from rich.table import Table

    table = Table(title="CAMS", title_justify="left")
    for column in ("Dimension", "Before", "After", "Change"):
        table.add_column(column, justify="left" if column == "Dimension" else "right")
    for row in delta["cams"]:
        change = row["delta"]
        shown = ("[dim]—[/dim]" if change is None else "[dim]0[/dim]" if change == 0
                 else f"[green]+{change}[/green]" if change > 0 else f"[red]−{-change}[/red]")
        table.add_row(row["dimension"].capitalize(), _score(row["before"]), _score(row["after"]), shown)
    return table


def _score(score: int | None) -> str:
    return "—" if score is None else f"{score}/100"


def _practices(console: Any, delta: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    if not delta["practices"]:
        console.print("No practice changed its verdict or its evidence in files.")
        return
    table = Table(title="Practices that changed (evidence: + added, − removed)", title_justify="left")
    for column in ("Practice", "Change", "Outcome"):
        table.add_column(column, no_wrap=True)
    table.add_column("Why (now)", overflow="fold", ratio=3)
    table.add_column("Evidence", overflow="fold", ratio=2, min_width=24)
    for practice in sorted(delta["practices"], key=lambda p: (_ORDER[p["change"]], p["id"])):
        reason = practice["reason_after"] if practice["after"] is not None else practice["reason_before"]
        table.add_row(escape(practice["id"]), _CHANGE[practice["change"]],
                      f"{_outcome(practice['before'])} → {_outcome(practice['after'])}",
                      escape(reason or ""), escape("\n".join(evidence_lines(practice))))
    console.print(table)


def _outcome(outcome: str | None) -> str:
    return _OUTCOME_STYLE[outcome][0] if outcome in _OUTCOME_STYLE else "[dim]—[/dim]"


def evidence_lines(practice: dict[str, Any], limit: int = SHOWN_EVIDENCE) -> list[str]:
    """`+ path:line` for evidence added, `− path:line` for removed; a fact outside files by its detail."""
    lines = []
    for sign, items in (("+", practice["evidence_added"]), ("−", practice["evidence_removed"])):
        for item in items[:limit]:
            if item.get("path"):
                lines.append(f"{sign} {item['path']}" + (f":{item['line']}" if item.get("line") else ""))
            else:
                lines.append(f"{sign} {item.get('detail') or '?'}")
        if len(items) > limit:
            lines.append(f"{sign} (+{len(items) - limit} more)")
    return lines


def _next_step(console: Any, delta: dict[str, Any]) -> None:
    from rich.markup import escape

    step = delta.get("next_step")
    if not step or not step["missing"]:
        return
    names = ", ".join(f"{_OUTCOME_STYLE.get(item['outcome'] or '', ('', '?'))[1]} {item['id']}"
                      for item in step["missing"])
    console.print(f"\n[bold]Next step:[/bold] {escape(step['title'])} is the weakest area "
                  f"({level_title(step['level'])}); {level_title(step['next_level'])} needs {escape(names)}.")
    remediation = step["missing"][0].get("remediation")
    if remediation:
        from rich.padding import Padding

        console.print(Padding(escape(remediation), (0, 0, 0, 2)))
