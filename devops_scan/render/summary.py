"""Shared reading of a report dict for the human renderers (terminal and Markdown)."""

from __future__ import annotations

from collections import Counter
from typing import Any

OUTCOME_ORDER = {"fail": 0, "unknown": 1, "pass": 2, "not_applicable": 3}
NO_DETECTOR = "no installed detector decides this practice"


def level_title(level: str | None) -> str:
    return level.capitalize() if level else "—"


def decided(report: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Practices some detector answered (pass, fail, not applicable, or unknown with a reason of its own)."""
    rows = [(pid, p) for pid, p in report["practices"].items() if not p["reason"].startswith(NO_DETECTOR)]
    return sorted(rows, key=lambda row: (_area_rank(report, row[1]["area"]), OUTCOME_ORDER[row[1]["outcome"]], row[0]))


def undecided_count(report: dict[str, Any]) -> int:
    return sum(1 for p in report["practices"].values() if p["reason"].startswith(NO_DETECTOR))


def unknown_reasons(report: dict[str, Any]) -> list[tuple[str, int]]:
    """Why practices are unknown, most common first (undecided-by-any-detector excluded)."""
    counts = Counter(p["reason"] for p in report["practices"].values()
                     if p["outcome"] == "unknown" and not p["reason"].startswith(NO_DETECTOR))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def next_steps(report: dict[str, Any], area_id: str, limit: int = 3) -> tuple[list[tuple[str, str]], int]:
    """(practice id, outcome) of the first `limit` next steps of an area, and how many more there are."""
    steps = report["next_steps"].get(area_id, [])
    shown = [(pid, report["practices"][pid]["outcome"]) for pid in steps[:limit]]
    return shown, max(0, len(steps) - limit)


def locations(practice: dict[str, Any], limit: int = 3) -> tuple[list[str], int]:
    where = []
    for item in practice["evidence"]:
        if item["path"]:
            where.append(item["path"] if item["line"] is None else f"{item['path']}:{item['line']}")
        else:
            where.append(item["detail"])
    return where[:limit], max(0, len(where) - limit)


def headline(report: dict[str, Any]) -> str:
    repo = report["repository"]
    target = repo["url"] or repo["path"] or "?"
    head = (repo["head"] or "no commits")[:12]
    branch = repo["ref"] or repo["branch"] or "detached HEAD"
    model = report["model"]
    return (f"{target} @ {head} ({branch}) · model {model['name']} {model['version']} · "
            f"as of {report['as_of'][:10]}")


def _area_rank(report: dict[str, Any], area: str | None) -> int:
    areas = list(report["levels"])
    return areas.index(area) if area in areas else len(areas)
