"""The pull/merge request comment: verdict, areas, changed practices, next step, safe text, size limit."""

from __future__ import annotations

import copy
import re

import pytest

from devops_scan.diff import compare
from devops_scan.render.comment import marker, render_comment
from devops_scan.scan import scan_path
from tests.conftest import AS_OF

HOSTILE = "@team <img src=x onerror=alert(1)>[x](https://evil)"


@pytest.fixture(scope="module")
def report(tmp_path_factory, default_model):
    from tests.testing.repos import make_repo

    path = make_repo(tmp_path_factory.mktemp("comment") / "r", {"README.md": "# r\n", "app.py": "x = 1\n"})
    return scan_path(str(path), default_model, as_of=AS_OF)


def _improved(report):
    head = copy.deepcopy(report)
    head["practices"]["scm.codeowners"].update(
        outcome="pass", reason="CODEOWNERS assigns owners", evidence=[{"path": HOSTILE, "line": 3, "detail": HOSTILE}])
    head["areas"]["source-control"]["level"] = "intermediate"
    head["levels"]["source-control"] = "intermediate"
    return head


def test_the_verdict_names_the_area_that_moved(report):
    body = render_comment(compare(report, _improved(report)), _improved(report), marker=marker())
    first, verdict = body.splitlines()[:2]
    assert first == "<!-- devops-scan:comment v1 default -->"
    assert verdict.startswith("### DevOps maturity: ⬆️ This change raises the maturity — Source control:")
    before = report["areas"]["source-control"]["level"].capitalize()
    assert f"| Source control | {before} | **Intermediate** ⬆️ |" in body


def test_nothing_changed_says_so(report):
    body = render_comment(compare(report, report), report)
    assert body.startswith("### DevOps maturity: ➡️ No change to the DevOps maturity")
    assert "What changed" not in body


def test_repository_text_cannot_mention_link_or_inject_html(report):
    head = _improved(report)
    body = render_comment(compare(report, head), head, link=lambda path, line: None)
    # Inside a code span (a path) Markdown shows text as it is: no HTML, link or mention is live there.
    prose = re.sub(r"`[^`]*`", "", body)
    assert not re.search(r"(?<!\\)<img", prose) and "](https://evil)" not in prose  # only escaped forms remain
    assert "@team" not in prose and "@\u200bteam" in prose  # the mention is broken with a zero-width space


def test_links_to_lines_only_from_our_own_https_urls(report):
    head = _improved(report)
    body = render_comment(compare(report, head), head, link=lambda path, line: f"https://github.com/o/r/blob/s/x#L{line}")
    assert "](https://github.com/o/r/blob/s/x#L3)" in body
    unsafe = render_comment(compare(report, head), head, link=lambda path, line: "javascript:alert(1)")
    assert "javascript:" not in unsafe


def test_the_body_stays_under_the_limit_by_folding_the_full_report_first(report):
    head = _improved(report)
    delta = compare(report, head)
    full = render_comment(delta, head)
    assert "<summary>Full report</summary>" in full
    cut = render_comment(delta, head, limit=len(full) - 1)
    assert len(cut) < len(full) and "Full report" not in cut and "What changed" in cut
    assert len(render_comment(delta, head, limit=300)) <= 300


def test_a_shallow_head_asks_for_the_full_history(report):
    head = copy.deepcopy(report)
    head["repository"]["shallow"] = True
    assert "fetch-depth: 0" in render_comment(compare(report, head), head)


@pytest.mark.parametrize(("before", "after", "change"), [
    ("fail", "pass", "improved"), ("unknown", "pass", "improved"), ("pass", "fail", "regressed"),
    ("unknown", "fail", "regressed"), ("fail", "unknown", "changed"), ("pass", "unknown", "changed"),
    ("pass", "not_applicable", "changed"),
])
def test_only_a_move_to_pass_or_to_fail_is_a_verdict(report, before, after, change):
    base, head = copy.deepcopy(report), copy.deepcopy(report)
    base["practices"]["scm.codeowners"]["outcome"] = before
    head["practices"]["scm.codeowners"]["outcome"] = after
    (practice,) = [p for p in compare(base, head)["practices"] if p["id"] == "scm.codeowners"]
    assert practice["change"] == change
