"""SARIF 2.1.0 for GitHub code scanning (`github/codeql-action/upload-sarif`), see docs/report-json.md.

Rules are the model's practices that a detector of this scan answers, described from the model
and the detectors' metadata; results are the failed practices whose evidence names a file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import Any
from urllib.parse import quote

from devops_scan.scoring.maturity import MaturityModel, Practice

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# Code scanning sorts alerts by level. The lower rungs of the ladder are what a team should fix
# first, so they warn; advanced and expert practices are goals, shown as notes so they do not bury
# the basics. Practices outside the ladder (CAMS scores only) are notes for the same reason.
LEVELS = {"beginner": "warning", "intermediate": "warning", "advanced": "note", "expert": "note"}
FINGERPRINT = "devopsScanLocation/v1"
# RFC 3986 sub-delimiters and '@' may stay as they are in a path; ':' may not, since "a:b" would
# read as a URI scheme.
_URI_SAFE = "/!$&'()*+,;=@"


def render(report: dict[str, Any], **options: Any) -> str:
    # ensure_ascii keeps undecodable path bytes (lone surrogates) valid JSON, as the JSON format does.
    return json.dumps(render_sarif(report, **options), indent=2, ensure_ascii=True) + "\n"


def render_sarif(report: dict[str, Any], model: MaturityModel | None = None,
                 answered_by: Mapping[str, list[str]] | None = None, **_: Any) -> dict[str, Any]:
    """The SARIF log of `report`. `model` defaults to the model file the report names; `answered_by`
    (practice id → detector titles) to the installed detectors that took part in the scan."""
    model = model or _report_model(report)
    answered_by = _answered_by(report["detectors"]) if answered_by is None else answered_by
    rules = [_rule(model.practices[pid], answered_by[pid])
             for pid in sorted(model.practices) if answered_by.get(pid)]
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results: list[dict[str, Any]] = []
    unlocated: list[dict[str, Any]] = []
    for pid in sorted(report["practices"]):
        practice = report["practices"][pid]
        if practice["outcome"] != "fail":
            continue  # unknown is never a failure; pass and not_applicable need no alert
        locations = _locations(practice["evidence"])
        if pid in index and locations:
            results.append(_result(pid, index[pid], rules[index[pid]], practice["reason"], locations))
        else:
            unlocated.append(_notification(pid, index.get(pid), rules, practice["reason"]))
    # Scan warnings (unreadable files, plugins that failed) come after the practices.
    unlocated += [{"level": "warning", "message": {"text": warning}} for warning in report["warnings"]]
    driver: dict[str, Any] = {"name": "devops-scan", "version": report["tool"]["version"]}
    uri = _information_uri()
    if uri:
        driver["informationUri"] = uri
    driver["rules"] = rules
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": unlocated}],
            "results": results,
            "properties": {"model": f"{report['model']['name']} {report['model']['version']}",
                           "overall": report["overall"]},
        }],
    }


def _report_model(report: dict[str, Any]) -> MaturityModel:
    # The report only carries each practice's title and outcome; descriptions and evidence text live
    # in the model file it names, so rules are read from there rather than written twice.
    from devops_scan.scoring.loader import _PACKAGED, load_model

    source = report["model"]["source"]
    return load_model(None if source == _PACKAGED else source)


def _answered_by(detector_ids: Iterable[str]) -> dict[str, list[str]]:
    """Practice id → titles of the detectors of this scan that answer it: only those can fail."""
    from devops_scan.plugins import load_plugins

    ran = set(detector_ids)
    answered: dict[str, list[str]] = {}
    for loaded in load_plugins().detectors:
        if loaded.detector.id in ran:
            for pid in loaded.detector.practices:
                answered.setdefault(pid, []).append(loaded.detector.title)
    return {pid: sorted(titles) for pid, titles in answered.items()}


def _rule_level(practice: Practice) -> str:
    return LEVELS.get(practice.level or "", "note")


def _rule(practice: Practice, detectors: list[str]) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": practice.id,
        "name": "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", practice.id) if part),
        "shortDescription": {"text": practice.title},
    }
    if practice.evidence:
        rule["fullDescription"] = {"text": practice.evidence}
    rule["help"] = {"text": practice.remediation, "markdown": practice.remediation}
    rule["defaultConfiguration"] = {"level": _rule_level(practice)}
    tags = [tag for tag in (practice.area, practice.cams) if tag] + ["devops-scan"]
    rule["properties"] = {"tags": tags, "maturityLevel": practice.level, "detectors": detectors}
    return rule


def _locations(evidence: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """Distinct (path, start line) of the evidence in files, in the report's order."""
    seen: dict[tuple[str, int], None] = {}
    for item in evidence:
        if item.get("path"):
            line = item.get("line")
            # GitHub needs a region on every location, and SARIF lines start at 1: evidence about
            # a whole file (no line) points at its first line.
            seen.setdefault((item["path"], line if isinstance(line, int) and line >= 1 else 1))
    return list(seen)


def _result(pid: str, rule_index: int, rule: dict[str, Any], reason: str,
            locations: list[tuple[str, int]]) -> dict[str, Any]:
    # The first path alone keys the fingerprint: moving a line must not open a new alert.
    digest = hashlib.sha256(f"{pid}\0{locations[0][0]}".encode("utf-8", "surrogateescape")).hexdigest()
    return {
        "ruleId": pid,
        "ruleIndex": rule_index,
        "level": rule["defaultConfiguration"]["level"],
        "message": {"text": reason},
        "locations": [_physical(path, line) for path, line in locations],
        "partialFingerprints": {FINGERPRINT: digest},
    }


def _physical(path: str, line: int) -> dict[str, Any]:
    uri = quote(path, safe=_URI_SAFE, errors="surrogateescape")
    return {"physicalLocation": {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                                 "region": {"startLine": line}}}


def _notification(pid: str, rule_index: int | None, rules: list[dict[str, Any]], reason: str) -> dict[str, Any]:
    # Code scanning rejects a result without a file location, and a missing practice (no CI job
    # scans for secrets) is in no file: pinning it to README.md or a made-up path would send people
    # to a line that has nothing to change. Such failures are listed here instead.
    level = rules[rule_index]["defaultConfiguration"]["level"] if rule_index is not None else "warning"
    notification: dict[str, Any] = {"level": level, "message": {"text": f"{pid} failed: {reason}"}}
    if rule_index is not None:
        notification["associatedRule"] = {"id": pid, "index": rule_index}
    return notification


def _information_uri() -> str | None:
    """The documentation (else home page) URL of the installed distribution's metadata, if any."""
    try:
        meta = metadata.metadata("devops-scan")
    except metadata.PackageNotFoundError:
        return None
    urls = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = entry.partition(",")
        urls[label.strip().lower()] = url.strip()
    return urls.get("documentation") or urls.get("homepage") or meta.get("Home-page") or None
