"""What a change does to a repository's maturity: two reports in, one delta out.

The delta is a JSON-shaped dict (documented in docs/diff-json.md, schema `diff.schema.json`) that
every diff renderer reads — the terminal table, the Markdown comment of the GitHub Action and the
GitLab template, and `--format json`. It holds only what changed, plus what the author needs next.
"""

from __future__ import annotations

from typing import Any

from devops_scan import __version__
from devops_scan.model import LEVELS

DIFF_SCHEMA_VERSION = "1.0"
# A practice improved when it now passes, and regressed when it now fails; a move to or from
# unknown (fail → unknown, pass → unknown) or not_applicable is a change, not a verdict either way:
# unknown is never a fail, nor a pass.
_DECIDED = ("fail", "unknown", "pass")


def compare(base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    """The delta from the `base` report to the `head` report (both from devops_scan.report)."""
    areas = [_area(area_id, base, head) for area_id in head["levels"]]
    practices = [change for pid in sorted(set(base["practices"]) | set(head["practices"]))
                 if (change := _practice(pid, base["practices"].get(pid), head["practices"].get(pid)))]
    cams = [{"dimension": dim, "before": base["cams"].get(dim, {}).get("score"), "after": score["score"],
             "delta": _delta(base["cams"].get(dim, {}).get("score"), score["score"])}
            for dim, score in head["cams"].items()]
    overall = {"before": base["overall"], "after": head["overall"], "change": _level_change(base["overall"],
                                                                                            head["overall"])}
    return {
        "schema_version": DIFF_SCHEMA_VERSION,
        "tool": {"name": "devops-scan", "version": __version__},
        "base": _side(base),
        "head": _side(head),
        "as_of": head["as_of"],
        "overall": overall,
        "areas": areas,
        "cams": cams,
        "practices": practices,
        "regressed": any(a["change"] == "down" for a in areas) or any(p["change"] == "regressed" for p in practices),
        "improved": any(a["change"] == "up" for a in areas) or any(p["change"] == "improved" for p in practices),
        "next_step": _next_step(head),
        "warnings": sorted(set(head.get("warnings", [])) - set(base.get("warnings", []))),
    }


def regressions(delta: dict[str, Any], practices: tuple[str, ...] = ()) -> list[str]:
    """What `--fail-on-regression` fails on: every area whose level dropped, or with `practices`
    given, those of them whose outcome regressed. Empty when nothing regressed."""
    if practices:
        return [p["id"] for p in delta["practices"] if p["change"] == "regressed" and p["id"] in practices]
    return [a["id"] for a in delta["areas"] if a["change"] == "down"]


def _side(report: dict[str, Any]) -> dict[str, Any]:
    repo = report["repository"]
    return {"ref": repo.get("ref") or repo.get("branch"), "head": repo.get("head"), "overall": report["overall"],
            "shallow": repo.get("shallow", False)}


def _area(area_id: str, base: dict[str, Any], head: dict[str, Any]) -> dict[str, Any]:
    after = head["areas"][area_id]
    before = base["areas"].get(area_id, {"level": "base", "applicable": after["applicable"]})
    return {"id": area_id, "title": after["title"], "before": before["level"], "after": after["level"],
            "change": _level_change(before["level"], after["level"]),
            "applicable": after["applicable"], "next_level": after.get("next_level")}


def _level_change(before: str, after: str) -> str:
    b, a = LEVELS.index(before), LEVELS.index(after)
    return "up" if a > b else "down" if a < b else "same"


def _practice(pid: str, before: dict | None, after: dict | None) -> dict[str, Any] | None:
    was = before["outcome"] if before else None
    now = after["outcome"] if after else None
    old, new = _evidence(before), _evidence(after)
    if was == now:
        # Same verdict: only evidence in files counts. Evidence outside files (the HEAD commit, commit
        # counts, authors) moves with every commit, and a detail reworded at the same file and line
        # (a count in it) is no change a reviewer could act on.
        added, removed = _moved(new, old), _moved(old, new)
        if not added and not removed:
            return None
        change = "evidence"
    else:
        added, removed = [e for e in new if e not in old], [e for e in old if e not in new]
        if was in _DECIDED and now == "pass":
            change = "improved"
        elif was in _DECIDED and now == "fail":
            change = "regressed"
        else:
            change = "changed"
    shown = after or before or {}
    return {
        "id": pid, "title": shown.get("title", pid), "area": shown.get("area"), "level": shown.get("level"),
        "before": was, "after": now, "change": change,
        "reason_before": before["reason"] if before else None, "reason_after": after["reason"] if after else None,
        "evidence_added": added, "evidence_removed": removed,
    }


def _evidence(practice: dict | None) -> list[dict[str, Any]]:
    return list(practice.get("evidence", [])) if practice else []


def _moved(evidence: list[dict[str, Any]], other: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items of `evidence` in a file whose place (path and line) `other` does not have."""
    places = {(item.get("path"), item.get("line")) for item in other}
    return [item for item in evidence if item.get("path") and (item["path"], item.get("line")) not in places]


def _delta(before: int | None, after: int | None) -> int | None:
    return None if before is None or after is None else after - before


def _next_step(head: dict[str, Any]) -> dict[str, Any] | None:
    """The weakest applicable area and what it misses for its next level."""
    weakest = None
    for area_id, area in head["areas"].items():
        if not area["applicable"] or area.get("next_level") is None:
            continue
        rank = LEVELS.index(area["level"])
        if weakest is None or rank < weakest[0]:
            weakest = (rank, area_id, area)
    if weakest is None:
        return None
    _rank, area_id, area = weakest
    missing = []
    for pid in head.get("next_steps", {}).get(area_id, [])[:5]:
        practice = head["practices"].get(pid, {})
        missing.append({"id": pid, "title": practice.get("title", pid), "outcome": practice.get("outcome"),
                        "remediation": practice.get("remediation")})
    return {"area": area_id, "title": area["title"], "level": area["level"], "next_level": area["next_level"],
            "missing": missing}
