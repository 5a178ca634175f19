"""CommunityFilesDetector: CODEOWNERS with real rules, a code of conduct, issue and PR/MR templates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors.culture import CommunityFilesDetector, codeowners_rules
from tests.detectors.settings_files_support import evidence, outcome, practice, run_on_files, scan_report

# Absent here but possibly inherited from the organisation's `.github` repository: unknown, not missing.
ORG_DEFAULTS = "files inherited from the organisation's `.github` repository are not visible to a repository scan"

FIXTURES = [
    ("lib-python-sphinx", "scm.codeowners", "pass",
     ".github/CODEOWNERS: 3 ownership rule(s), the first `* @example-org/ratelimiter-maintainers`",
     [".github/CODEOWNERS:4"]),
    ("lib-python-sphinx", "culture.code-of-conduct", "pass", "CODE_OF_CONDUCT.md: code of conduct (102 words)",
     ["CODE_OF_CONDUCT.md:1"]),
    # config.yml only configures the chooser; the form and the PR template are the templates.
    ("lib-python-sphinx", "culture.templates", "pass", "1 issue template(s), 1 pull request template(s)",
     [".github/ISSUE_TEMPLATE/bug_report.yml:1", ".github/pull_request_template.md:1"]),
    ("docs-traps", "scm.codeowners", "fail", ".github/CODEOWNERS: no rule: the file is empty or only comments",
     [".github/CODEOWNERS"]),
    ("docs-traps", "culture.code-of-conduct", "unknown",
     f"no CODE_OF_CONDUCT file in the root, .github/, docs/ or .gitlab/; {ORG_DEFAULTS}", []),
    ("docs-traps", "culture.templates", "unknown", f"no issue or pull/merge request templates; {ORG_DEFAULTS}", []),
    ("svc-node-orders", "scm.codeowners", "fail", "no CODEOWNERS in .github/, the root, docs/ or .gitlab/", []),
]


@pytest.mark.parametrize(("fixture", "practice_id", "expected", "reason", "places"), FIXTURES,
                         ids=[f"{row[0]}-{row[1]}" for row in FIXTURES])
def test_fixture_repositories(fixture_repo, fixture, practice_id, expected, reason, places):
    assert practice(scan_report(fixture_repo(fixture), CommunityFilesDetector), practice_id) == \
        (expected, reason, places)


CODEOWNERS = [
    ("github-team", {".github/CODEOWNERS": "* @acme/platform\n"}, "pass",
     ".github/CODEOWNERS: 1 ownership rule(s), the first `* @acme/platform`", [".github/CODEOWNERS:1"]),
    ("email-owner", {"CODEOWNERS": "# owners\n/docs/ docs@example.com\n"}, "pass",
     "CODEOWNERS: 1 ownership rule(s), the first `/docs/ docs@example.com`", ["CODEOWNERS:2"]),
    # GitLab sections give default owners to the paths listed under them.
    ("gitlab-section-defaults", {".gitlab/CODEOWNERS": "[Documentation] @docs-team\ndocs/\nREADME.md\n"}, "pass",
     ".gitlab/CODEOWNERS: 2 ownership rule(s), the first `docs/`", [".gitlab/CODEOWNERS:2"]),
    ("gitlab-optional-section", {"docs/CODEOWNERS": "^[Frontend][2] @fe\n*.vue\n"}, "pass",
     "docs/CODEOWNERS: 1 ownership rule(s), the first `*.vue`", ["docs/CODEOWNERS:2"]),
    ("some-lines-without-owner", {"CODEOWNERS": "/legacy/\n*.go @gophers\n"}, "pass",
     "CODEOWNERS: 1 ownership rule(s), the first `*.go @gophers`; 1 line(s) name no valid owner", ["CODEOWNERS:2"]),
    ("escaped-space", {"CODEOWNERS": "docs/my\\ file.md @writers\n"}, "pass",
     "CODEOWNERS: 1 ownership rule(s), the first `docs/my\\ file.md @writers`", ["CODEOWNERS:1"]),
    ("no-owner-names", {"CODEOWNERS": "*.js frontend-team\n"}, "fail",
     "CODEOWNERS: 1 rule(s) but none names a valid owner (`*.js frontend-team`)", ["CODEOWNERS:1"]),
    ("empty", {".github/CODEOWNERS": ""}, "fail", ".github/CODEOWNERS: no rule: the file is empty or only comments",
     [".github/CODEOWNERS"]),
    # Only GitHub's and GitLab's locations are read.
    ("wrong-place", {"config/CODEOWNERS": "* @acme/platform\n"}, "fail",
     "no CODEOWNERS in .github/, the root, docs/ or .gitlab/", []),
]


@pytest.mark.parametrize(("files", "expected", "reason", "places"), [row[1:] for row in CODEOWNERS],
                         ids=[row[0] for row in CODEOWNERS])
def test_codeowners(files, expected, reason, places):
    result = run_on_files(files, CommunityFilesDetector)
    assert outcome(result, "scm.codeowners") == (expected, reason)
    assert evidence(result, "scm.codeowners") == places


CONDUCT = [
    ({".github/CODE_OF_CONDUCT.md": "Be kind. We follow the Contributor Covenant 2.1.\n"}, "pass",
     ".github/CODE_OF_CONDUCT.md: code of conduct (7 words)"),
    ({"docs/code-of-conduct.rst": "Code of conduct\n===============\n\nBe excellent to each other.\n"}, "pass",
     "docs/code-of-conduct.rst: code of conduct (8 words)"),
    ({"CODE_OF_CONDUCT.md": "\n\n"}, "fail", "CODE_OF_CONDUCT.md is empty"),
    ({"src/CODE_OF_CONDUCT.md": "Be kind.\n"}, "unknown", f"no CODE_OF_CONDUCT file in the root, .github/, docs/ or "
                                                        f".gitlab/; {ORG_DEFAULTS}"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), CONDUCT, ids=["github", "docs-rst", "empty", "elsewhere"])
def test_code_of_conduct(files, expected, reason):
    assert outcome(run_on_files(files, CommunityFilesDetector), "culture.code-of-conduct") == (expected, reason)


TEMPLATES = [
    ("gitlab", {".gitlab/issue_templates/Bug.md": "## Summary\n\n## Steps to reproduce\n",
                ".gitlab/merge_request_templates/Default.md": "## What does this MR do?\n"},
     "pass", "1 issue template(s), 1 merge request template(s)"),
    ("markdown-issue-templates", {".github/ISSUE_TEMPLATE/bug.md": "---\nname: Bug\nabout: Report a bug\n---\n\n"
                                                                   "Steps:\n",
                                  ".github/ISSUE_TEMPLATE/feature.md": "---\nname: Feature\n---\nWhat and why?\n"},
     "pass", "2 issue template(s)"),
    ("pr-template-folder", {".github/PULL_REQUEST_TEMPLATE/release.md": "## Release checklist\n"}, "pass",
     "1 pull request template(s)"),
    ("chooser-config-only", {".github/ISSUE_TEMPLATE/config.yml": "blank_issues_enabled: false\n"}, "fail",
     "template files hold no usable template: .github/ISSUE_TEMPLATE/config.yml (chooser settings (blank issues, "
     "contact links), not a template)"),
    ("form-without-body", {".github/ISSUE_TEMPLATE/bug.yml": "name: Bug\ndescription: x\n"}, "fail",
     "issue form without `body:` fields"),
    ("broken-form", {".github/ISSUE_TEMPLATE/bug.yml": "name: [unclosed\n"}, "fail", "issue form not readable"),
    ("empty-pr-template", {".github/pull_request_template.md": "  \n"}, "fail", "empty pull request template"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in TEMPLATES], ids=[r[0] for r in TEMPLATES])
def test_templates(files, expected, reason):
    got, why = outcome(run_on_files(files, CommunityFilesDetector), "culture.templates")
    assert got == expected
    assert reason in why


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_codeowners_parsing_never_raises_and_accounts_for_every_rule_line(text):
    rules, ownerless = codeowners_rules(text)
    lines = [n for n, _ in rules + ownerless]
    assert len(lines) == len(set(lines))
    assert all(1 <= n <= max(1, len(text.splitlines())) for n in lines)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["* @a/b", "# c", "[S] @x", "^[T][2]", "docs/", "x@y.io", "", "*.py nobody"]),
                max_size=12))
def test_codeowners_of_any_shape_is_judged(lines):
    result = run_on_files({"CODEOWNERS": "\n".join(lines)}, CommunityFilesDetector)
    got, _ = outcome(result, "scm.codeowners")
    assert got == ("pass" if codeowners_rules("\n".join(lines))[0] else "fail")
