"""Markdown: the same report for PR comments, job summaries and wikis.

Text that comes from the repository (paths, reasons quoting file content) is escaped so it cannot
inject mentions, links or HTML into the page that shows it.
"""

from __future__ import annotations

import re
from typing import Any

from devops_scan.render import summary

_ICON = {"pass": "✅", "fail": "❌", "unknown": "❔", "not_applicable": "➖"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~])")


def escape(text: str) -> str:
    """Neutralise Markdown and HTML; break @mentions so nobody is pinged."""
    text = _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    return text.replace("@", "@\u200b").replace("\n", " ")


def code(text: str) -> str:
    # A backtick would end the span; a pipe would end the table cell even inside a code span.
    return "`" + text.replace("`", "ˋ").replace("|", "\\|").replace("\n", " ") + "`"


def render(report: dict[str, Any], **_: Any) -> str:
    lines = [
        f"## DevOps maturity: **{summary.level_title(report['overall'])}**",
        "",
        f"<sub>{escape(summary.headline(report))}</sub>",
        "",
        "| Area | Level | Next level | To get there |",
        "| --- | --- | --- | --- |",
    ]
    for area_id, level in report["levels"].items():
        area = report["areas"][area_id]
        steps, more = summary.next_steps(report, area_id)
        text = ", ".join(f"{_ICON[outcome]} {code(pid)}" for pid, outcome in steps) or (
            "top level" if area["applicable"] else "nothing here applies")
        if more:
            text += f" (+{more} more)"
        title = area["title"] + ("" if area["applicable"] else " (not applicable)")
        lines.append(f"| {escape(title)} | {summary.level_title(level)} | "
                     f"{summary.level_title(area['next_level'])} | {text} |")
    lines += ["", "| CAMS | Score | Passed / known | Unknown |", "| --- | ---: | ---: | ---: |"]
    for dimension, score in report["cams"].items():
        value = "—" if score["score"] is None else str(score["score"])
        lines.append(f"| {dimension.capitalize()} | {value} | {score['passed']} / {score['applicable']} | "
                     f"{score['unknown']} |")
    lines += ["", "<details><summary>Where each verdict comes from</summary>", "",
              "| Practice | Outcome | Why | Evidence |", "| --- | --- | --- | --- |"]
    for pid, practice in summary.decided(report):
        where, more = summary.locations(practice)
        evidence = "<br>".join(code(item) for item in where) + (f" (+{more} more)" if more else "")
        lines.append(f"| {code(pid)} | {_ICON[practice['outcome']]} {practice['outcome']} | "
                     f"{escape(practice['reason'])} | {evidence} |")
    lines += ["", "</details>", ""]
    undecided = summary.undecided_count(report)
    if undecided:
        lines.append(f"{undecided} practices are unknown: no installed detector decides them yet. "
                     "Unknown blocks a level but is never counted as missing.")
    for reason, count in summary.unknown_reasons(report):
        lines.append(f"- {count} unknown: {escape(reason)}")
    if report["warnings"]:
        lines += ["", "**Warnings**", ""]
        lines += [f"- {escape(warning)}" for warning in report["warnings"]]
    return "\n".join(lines).rstrip() + "\n"
