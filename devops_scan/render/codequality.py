"""GitLab's Code Quality report: the failed practices as issues the merge request widget lists.

GitLab reads a JSON array in a subset of the CodeClimate issue format (`description`, `check_name`,
`fingerprint`, `severity`, `location.path`, `location.lines.begin`) from the job artifact declared
as `artifacts: reports: codequality:`. It compares the issues of the merge request's pipeline with
those of the target branch's latest pipeline by `fingerprint` and shows what is new and what is
resolved, so the fingerprint must stay the same for as long as the same problem exists.
"""

from __future__ import annotations

import hashlib
from typing import Any

# A maturity gap is never a broken build, so `blocker` and `critical` are not used: the gate is
# `--fail-under`, not the widget. The lower the level a practice belongs to, the more basic the
# missing practice and the louder the issue; advanced and expert practices are aspirations.
# A practice without a level of its own (one that counts only through another area's
# requirements) is `info` as well.
SEVERITY = {"beginner": "major", "intermediate": "minor", "advanced": "info", "expert": "info"}
DEFAULT_SEVERITY = "info"
_DESCRIPTION_LIMIT = 1000


def render_codequality(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One issue per failed practice of `report` (a devops_scan.report dict), at the first file its
    evidence names; sorted by path, line and practice, so the same report gives the same bytes.

    A failed practice whose evidence names no file (a missing README has nothing to point at) is
    left out: GitLab requires a location for every issue, and pointing at an arbitrary file would
    file the issue under a change that has nothing to do with it. Such practices stay in the
    merge request note and the full report.
    """
    issues = []
    for practice_id, practice in report["practices"].items():
        if practice.get("outcome") != "fail":
            continue
        location = _first_location(practice.get("evidence") or [])
        if location is None:
            continue
        path, line = location
        issues.append({
            "description": _description(practice),
            "check_name": practice_id,
            "fingerprint": fingerprint(practice_id),
            "severity": SEVERITY.get(practice.get("level") or "", DEFAULT_SEVERITY),
            # GitLab needs a line; evidence about a whole file (a Dockerfile exists) points at its top.
            "location": {"path": path, "lines": {"begin": line}},
        })
    issues.sort(key=lambda issue: (issue["location"]["path"], issue["location"]["lines"]["begin"],
                                   issue["check_name"]))
    return issues


def fingerprint(practice_id: str) -> str:
    """The practice alone identifies the issue: a failing practice whose evidence moves to another
    line or file is still the same problem, and must not show as "resolved" plus "new"."""
    return hashlib.sha256(f"devops-scan\0{practice_id}".encode()).hexdigest()


def _first_location(evidence: list[dict[str, Any]]) -> tuple[str, int] | None:
    for item in evidence:
        path = item.get("path")
        if path:
            line = item.get("line")
            return str(path), line if isinstance(line, int) and line > 0 else 1
    return None


def _description(practice: dict[str, Any]) -> str:
    # The widget shows one line per issue: the practice, then why it failed.
    title = str(practice.get("title") or "").strip()
    reason = str(practice.get("reason") or "").strip()
    text = " ".join(f"{title}: {reason}".split()) if reason else " ".join(title.split())
    return text if len(text) <= _DESCRIPTION_LIMIT else text[:_DESCRIPTION_LIMIT - 1] + "…"
