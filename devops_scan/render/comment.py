"""The pull/merge request comment: what this change does to the repository's maturity, readable in
ten seconds — a one-line verdict, the areas before → after, the practices that changed with links
to their lines, the next step for the weakest area, and the full report folded away.

Everything that comes from the repository (paths, reasons quoting YAML values, evidence) goes
through `escape`/`code`, so a file named `@team <img src=x>` cannot mention, link or inject HTML.
The body stays under `limit` characters (GitHub refuses comments over 65,536): the full report is
cut first, then the list of changed practices.
"""

from __future__ import annotations

from typing import Any, Callable

from devops_scan.render import summary
from devops_scan.render.markdown import code, escape

MARKER_PREFIX = "devops-scan:comment"
MARKER_VERSION = 1
_ARROW = {"up": "⬆️", "down": "⬇️", "same": ""}
_CHANGE = {"improved": "✅", "regressed": "❌", "changed": "🔄", "evidence": "🔄"}
_OUTCOME = {"pass": "pass", "fail": "fail", "unknown": "unknown", "not_applicable": "n/a", None: "—"}
SHOWN_PRACTICES = 12
SHOWN_EVIDENCE = 3

Link = Callable[[str, "int | None"], "str | None"]


def marker(key: str = "default") -> str:
    """The hidden, versioned marker that finds this tool's comment again (`key` tells several apart)."""
    return f"<!-- {MARKER_PREFIX} v{MARKER_VERSION} {escape(key)} -->"


def render_comment(delta: dict[str, Any], head_report: dict[str, Any], *, marker: str | None = None,
                   limit: int = 60000, link: Link | None = None, base_link: Link | None = None) -> str:
    """The Markdown body. `link(path, line)` turns evidence of the head into a URL (a blob link), or
    None; `base_link` does the same for evidence that was removed, which only the base still has."""
    head = _head(delta, marker) + _areas(delta) + _practices(delta, link, base_link) + _next(delta)
    folded = _full_report(head_report)
    body = "\n".join(head + folded)
    if len(body) <= limit:
        return body
    body = "\n".join(head + ["", "<sub>The full report did not fit in the comment; see the job's summary.</sub>"])
    if len(body) <= limit:
        return body
    short = _head(delta, marker) + _areas(delta) + _next(delta)
    return "\n".join(short + ["", "<sub>The changed practices did not fit in the comment; see the job's "
                                   "summary.</sub>"])[:limit]


def _head(delta: dict[str, Any], marker: str | None) -> list[str]:
    overall = delta["overall"]
    changed = [a for a in delta["areas"] if a["change"] != "same"]
    if changed:
        moves = "; ".join(f"{escape(a['title'])}: {summary.level_title(a['before'])} → "
                          f"{summary.level_title(a['after'])}" for a in changed)
        verdict = ("⬇️ This change lowers the maturity" if any(a["change"] == "down" for a in changed)
                   else "⬆️ This change raises the maturity") + f" — {moves}"
    elif delta["practices"]:
        regressed = sum(1 for p in delta["practices"] if p["change"] == "regressed")
        improved = sum(1 for p in delta["practices"] if p["change"] == "improved")
        verdict = f"➡️ Levels unchanged; {improved} practice(s) improved, {regressed} regressed"
    else:
        verdict = "➡️ No change to the DevOps maturity"
    lines = [marker] if marker else []
    lines += [f"### DevOps maturity: {verdict}", "",
              f"Overall: **{summary.level_title(overall['before'])} → {summary.level_title(overall['after'])}** "
              f"· <sub>{escape(_sides(delta))}</sub>"]
    if delta["head"].get("shallow"):
        lines += ["", "> ⚠️ The clone is shallow: history, tag and release practices are unknown. Fetch the "
                      "full history to measure them (GitHub Actions: `fetch-depth: 0`; GitLab CI: "
                      "`GIT_DEPTH: \"0\"`)."]
    return lines


def _sides(delta: dict[str, Any]) -> str:
    base, head = delta["base"], delta["head"]
    return f"{base.get('ref') or '?'} {(base.get('head') or '')[:12]} → {head.get('ref') or '?'} " \
           f"{(head.get('head') or '')[:12]}"


def _areas(delta: dict[str, Any]) -> list[str]:
    lines = ["", "| Area | Before | After |", "| --- | --- | --- |"]
    for area in delta["areas"]:
        if not area["applicable"] and area["change"] == "same":
            continue
        after = summary.level_title(area["after"])
        if area["change"] != "same":
            after = f"**{after}** {_ARROW[area['change']]}"
        lines.append(f"| {escape(area['title'])} | {summary.level_title(area['before'])} | {after} |")
    return lines


def _practices(delta: dict[str, Any], link: Link | None, base_link: Link | None) -> list[str]:
    changed = [p for p in delta["practices"] if p["change"] != "evidence"]
    if not changed:
        return []
    order = {"regressed": 0, "improved": 1, "changed": 2}
    changed.sort(key=lambda p: (order.get(p["change"], 3), p["id"]))
    lines = ["", "**What changed**", ""]
    for practice in changed[:SHOWN_PRACTICES]:
        reason = practice["reason_after"] if practice["after"] else practice["reason_before"]
        lines.append(f"- {_CHANGE[practice['change']]} {code(practice['id'])} "
                     f"{_OUTCOME[practice['before']]} → **{_OUTCOME[practice['after']]}**: {escape(reason or '')}")
        for label, items, linker in (("added", practice["evidence_added"], link),
                                     ("removed", practice["evidence_removed"], base_link)):
            for item in items[:SHOWN_EVIDENCE]:
                lines.append(f"  - {label}: {_where(item, linker)}")
    if len(changed) > SHOWN_PRACTICES:
        lines.append(f"- … and {len(changed) - SHOWN_PRACTICES} more (see the full report)")
    return lines


def _where(item: dict[str, Any], link: Link | None) -> str:
    path, line = item.get("path"), item.get("line")
    detail = escape(item.get("detail") or "")
    if not path:
        return detail
    place = code(f"{path}:{line}" if line else path)
    url = link(path, line) if link else None
    if url and url.startswith("https://"):
        # The URL is built by us from the repository's web address; the path inside it is
        # percent-encoded by `link`, so it cannot close the Markdown link.
        place = f"[{place}]({url})"
    return f"{place} {detail}".rstrip()


def _next(delta: dict[str, Any]) -> list[str]:
    step = delta.get("next_step")
    if not step or not step["missing"]:
        return []
    first = step["missing"][0]
    names = ", ".join(code(item["id"]) for item in step["missing"])
    lines = ["", f"**Next step** — {escape(step['title'])} is the weakest area "
                 f"({summary.level_title(step['level'])}); {summary.level_title(step['next_level'])} needs "
                 f"{names}."]
    if first.get("remediation"):
        lines.append(f"> {_prose(first['remediation'])}")
    return lines


def _prose(text: str) -> str:
    """The model's own advice keeps its `code` spans; HTML and mentions are still neutralised
    (a model file may come from anyone)."""
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("@", "@\u200b")
            .replace("\n", " "))


def _full_report(report: dict[str, Any]) -> list[str]:
    from devops_scan.render.markdown import render

    return ["", "<details><summary>Full report</summary>", "", render(report).rstrip(), "", "</details>"]
