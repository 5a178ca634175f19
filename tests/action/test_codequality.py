"""GitLab's Code Quality report: the failed practices that point at a file, in CodeClimate's subset."""

from __future__ import annotations

import json

from devops_scan.render.codequality import SEVERITY, fingerprint, render_codequality

# What GitLab accepts (doc/ci/testing/code_quality.md, "Code Quality report format").
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def _practice(outcome: str, level: str | None, evidence: list[dict], title: str = "A practice",
              reason: str = "because") -> dict:
    return {"title": title, "outcome": outcome, "area": "build-test", "level": level, "cams": "automation",
            "reason": reason, "evidence": evidence, "remediation": "do it", "detector": "d"}


def _report(practices: dict[str, dict]) -> dict:
    return {"practices": practices}


def test_issue_shape_for_a_failed_practice_with_a_location():
    report = _report({"sec.pinned-actions": _practice(
        "fail", "expert", [{"path": "ci/lint.yml", "line": 10, "detail": "image not pinned"},
                           {"path": "ci/test.yml", "line": 1, "detail": "image not pinned"}],
        title="Actions and images are pinned", reason="2 images\nnot pinned")})
    assert render_codequality(report) == [{
        "description": "Actions and images are pinned: 2 images not pinned",
        "check_name": "sec.pinned-actions",
        "fingerprint": fingerprint("sec.pinned-actions"),
        "severity": "info",
        "location": {"path": "ci/lint.yml", "lines": {"begin": 10}},
    }]


def test_only_failed_practices_with_a_file_are_reported():
    report = _report({
        "a.pass": _practice("pass", "beginner", [{"path": "x.yml", "line": 1, "detail": ""}]),
        "b.unknown": _practice("unknown", "beginner", [{"path": "x.yml", "line": 1, "detail": ""}]),
        "c.no-location": _practice("fail", "beginner", []),
        "d.detail-only": _practice("fail", "beginner", [{"path": None, "line": None, "detail": "a commit"}]),
        "e.fail": _practice("fail", "beginner", [{"path": None, "line": None, "detail": "first"},
                                                 {"path": "Dockerfile", "line": None, "detail": "second"}]),
    })
    issues = render_codequality(report)
    assert [issue["check_name"] for issue in issues] == ["e.fail"]
    # A file without a line points at its first line: GitLab requires `lines.begin`.
    assert issues[0]["location"] == {"path": "Dockerfile", "lines": {"begin": 1}}


def test_severity_follows_the_practice_level():
    levels = {"p.beginner": "beginner", "p.intermediate": "intermediate", "p.advanced": "advanced",
              "p.expert": "expert", "p.none": None}
    report = _report({pid: _practice("fail", level, [{"path": "f", "line": 1, "detail": ""}])
                      for pid, level in levels.items()})
    severities = {issue["check_name"]: issue["severity"] for issue in render_codequality(report)}
    assert severities == {"p.beginner": "major", "p.intermediate": "minor", "p.advanced": "info",
                          "p.expert": "info", "p.none": "info"}
    assert set(SEVERITY.values()) <= SEVERITIES


def test_fingerprint_is_stable_when_the_evidence_moves():
    before = _report({"ci.pipeline": _practice("fail", "beginner", [{"path": "a.yml", "line": 3, "detail": ""}])})
    after = _report({"ci.pipeline": _practice("fail", "beginner", [{"path": "b.yml", "line": 9, "detail": ""}])})
    first, second = render_codequality(before)[0], render_codequality(after)[0]
    assert first["fingerprint"] == second["fingerprint"]
    assert len(first["fingerprint"]) == 64 and first["fingerprint"] != fingerprint("ci.other")


def test_order_is_by_path_line_and_practice_whatever_the_report_order():
    practices = {
        "z.first": _practice("fail", "beginner", [{"path": "a.yml", "line": 5, "detail": ""}]),
        "b.second": _practice("fail", "beginner", [{"path": "a.yml", "line": 5, "detail": ""}]),
        "a.third": _practice("fail", "beginner", [{"path": "b.yml", "line": 1, "detail": ""}]),
        "m.zeroth": _practice("fail", "beginner", [{"path": "a.yml", "line": 2, "detail": ""}]),
    }
    expected = ["m.zeroth", "b.second", "z.first", "a.third"]
    assert [i["check_name"] for i in render_codequality(_report(practices))] == expected
    reversed_report = _report(dict(reversed(list(practices.items()))))
    assert [i["check_name"] for i in render_codequality(reversed_report)] == expected


def test_a_real_scan_gives_valid_deterministic_issues(fixture_repo, scan):
    repo = fixture_repo("gitlab-monorepo")
    first, second = render_codequality(scan(repo)), render_codequality(scan(repo))
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first, "the fixture fails practices that point at files"
    fingerprints = [issue["fingerprint"] for issue in first]
    assert len(set(fingerprints)) == len(fingerprints)
    for issue in first:
        assert set(issue) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in SEVERITIES and issue["description"]
        assert isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        assert not issue["location"]["path"].startswith("/")
    keys = [(i["location"]["path"], i["location"]["lines"]["begin"], i["check_name"]) for i in first]
    assert keys == sorted(keys)
