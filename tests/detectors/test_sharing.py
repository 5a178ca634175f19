"""ProjectDocsDetector and DocumentationDetector: README substance, badges, build and development setup
documented, contribution guide, docs site, changelog, ADRs — from files to outcome, reason and evidence."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors.badges import classify_badge, find_badges
from devops_scan_detectors.doc_commands import BUILD, RELEASE_INSTALL, RUN, SETUP, SOURCE_INSTALL, TEST, command_kinds
from devops_scan_detectors.markdown_sections import parse_document
from devops_scan_detectors.sharing import DocumentationDetector, ProjectDocsDetector
from tests.detectors.settings_files_support import evidence, outcome, practice, run_on_files, scan_report

DETECTORS = (ProjectDocsDetector, DocumentationDetector)

# (fixture, practice, outcome, text the reason contains, evidence)
FIXTURES = [
    ("lib-python-sphinx", "share.readme", "pass",
     "README.rst: 100 words of prose, 5 section(s) (Installation; Usage; Contributing; Reporting security issues; "
     "License), code examples", ["README.rst"]),
    ("lib-python-sphinx", "report.badges", "pass", "README shows CI (GitHub Actions) and coverage (Codecov) badges",
     ["README.rst:4", "README.rst:8"]),
    ("lib-python-sphinx", "build.documented", "pass",
     "CONTRIBUTING.md shows how to install from source (`pip install -e \".[dev,redis]\"`), test (`pytest`)",
     ["CONTRIBUTING.md:15", "CONTRIBUTING.md:22", "CONTRIBUTING.md:28", "CONTRIBUTING.md:29", "CONTRIBUTING.md:30"]),
    ("lib-python-sphinx", "env.dev-setup-documented", "pass", "CONTRIBUTING.md section `Development setup` gives "
     "commands (`git clone https://github.com/example-org/ratelimiter.git`, `python -m venv .venv`",
     ["CONTRIBUTING.md:1", "CONTRIBUTING.md:6", "CONTRIBUTING.md:25"]),
    ("lib-python-sphinx", "scm.contribution-guide", "pass",
     "CONTRIBUTING explains the contribution process (CONTRIBUTING.md:33: `Branches`)", ["CONTRIBUTING.md:33"]),
    ("lib-python-sphinx", "share.docs", "pass", "documentation site configured: Read the Docs, Sphinx",
     [".readthedocs.yaml:1", "docs/conf.py:7", "docs/"]),
    ("lib-python-sphinx", "share.changelog", "pass",
     "CHANGELOG.md: 4 entries, the first `Unreleased`; towncrier writes the release notes",
     ["CHANGELOG.md:7", "pyproject.toml:30"]),
    ("lib-python-sphinx", "share.adr", "fail", "no architecture decision records", []),
    ("svc-node-orders", "build.documented", "pass", "README.md shows how to run locally (`docker compose up --build`), "
     "install from source (`npm ci`), test (`npm test`)",
     ["README.md:12", "README.md:16", "README.md:16", "README.md:21"]),
    ("svc-node-orders", "env.dev-setup-documented", "pass",
     "README.md section `Running locally` gives commands (`cp .env.example .env`", ["README.md:8", "README.md:18"]),
    ("svc-node-orders", "share.docs", "pass", "docs/ holds 3 documentation page(s)", ["docs/"]),
    ("lib-go-cli", "share.changelog", "pass", "goreleaser writes the release notes", [".goreleaser.yaml:36"]),
    ("lib-go-cli", "env.dev-setup-documented", "pass",
     "README.md section `Building from source` gives commands (`asdf install`, `make build`, `make test`)",
     ["README.md:23"]),
    ("lib-js-monorepo", "report.badges", "fail",
     "README shows 3 badge(s) (package version) but none for CI, coverage or quality",
     ["README.md:7", "README.md:8", "README.md:9"]),
    ("lib-js-monorepo", "share.changelog", "pass",
     "packages/core/CHANGELOG.md: 2 entries, the first `1.3.2`; changesets writes the release notes",
     ["packages/core/CHANGELOG.md:3", ".changeset/config.json:1"]),
    # The traps: a README that is only a title, a CONTRIBUTING silent on branches and PRs, an empty
    # changelog, an ADR folder with only a template.
    ("docs-traps", "share.readme", "fail", "README.md is only a title", ["README.md"]),
    ("docs-traps", "scm.contribution-guide", "fail",
     "CONTRIBUTING.md says nothing about branches, forks or pull/merge requests", ["CONTRIBUTING.md"]),
    ("docs-traps", "env.dev-setup-documented", "fail", "CONTRIBUTING.md: no setup, build, test or run command shown",
     ["CONTRIBUTING.md:1"]),
    ("docs-traps", "build.documented", "fail",
     "the README and contribution documents show no build, test or install-from-source command", []),
    ("docs-traps", "share.changelog", "fail", "CHANGELOG.md has no version entries", ["CHANGELOG.md"]),
    ("docs-traps", "share.adr", "fail", "docs/adr/ holds no numbered decision record", ["docs/adr/"]),
    ("docs-traps", "share.docs", "fail", "docs/ holds 1 documentation page(s) and no site generator", ["docs/"]),
    ("docs-only", "share.adr", "pass", "2 numbered decision record(s) in docs/adr/ "
     "(0001-record-architecture-decisions.md, 0002-use-postgres.md)",
     ["docs/adr/0001-record-architecture-decisions.md"]),
    ("docs-only", "share.docs", "pass", "documentation site configured: MkDocs", ["mkdocs.yml:1", "docs/"]),
    ("docs-only", "scm.contribution-guide", "pass", "(CONTRIBUTING.md:3: `branch`)", ["CONTRIBUTING.md:3"]),
    # A README that installs the release is not build documentation.
    ("lookalikes", "build.documented", "fail", "the documents only show how to install the released software "
     "(`pip install csvtidy`), not how to build or test it", ["README.md:6"]),
    ("python-lib", "share.changelog", "pass", "docs/changelog.md: 2 entries, the first `0.4.1`",
     ["docs/changelog.md:3"]),
]


@pytest.mark.parametrize(("fixture", "practice_id", "expected", "reason", "places"), FIXTURES,
                         ids=[f"{row[0]}-{row[1]}" for row in FIXTURES])
def test_fixture_repositories(fixture_repo, fixture, practice_id, expected, reason, places):
    got, why, where = practice(scan_report(fixture_repo(fixture), *DETECTORS), practice_id)
    assert (got, where) == (expected, places)
    assert reason in why


def test_docs_sites_inventory_lists_each_generator_by_path(fixture_repo):
    report = scan_report(fixture_repo("lib-python-sphinx"), *DETECTORS)
    assert report["inventory"]["docs_sites"] == [{"tool": "Read the Docs", "path": ".readthedocs.yaml"},
                                                 {"tool": "Sphinx", "path": "docs/conf.py"}]


# --- README substance -------------------------------------------------------------------------------

DESCRIPTION = "A queue that retries failed jobs with exponential backoff and keeps every attempt in Postgres. "
README_CASES = [
    ("title-only", {"README.md": "# project\n"}, "fail", "README.md is only a title"),
    ("short-line", {"README.md": "# project\n\nA thing.\n"}, "fail", "it lacks a description of at least 15 words"),
    ("description-only", {"README.md": f"# q\n\n{DESCRIPTION}\n"}, "fail",
     "it lacks sections, a usage example or links"),
    ("description-and-section", {"README.md": f"# q\n\n{DESCRIPTION}\n\n## Usage\n\nRun it.\n"}, "pass",
     "1 section(s) (Usage)"),
    ("description-and-code", {"README.md": f"# q\n\n{DESCRIPTION}\n\n```\nq.enqueue(job)\n```\n"}, "pass",
     "code examples"),
    ("long-prose", {"README": "An old-style plain README. " * 30}, "pass", "120 words of prose"),
    ("rst", {"README.rst": f"q\n=\n\n{DESCRIPTION}\n\nUsage\n-----\n\n::\n\n    q run\n"}, "pass",
     "1 section(s) (Usage)"),
    ("none", {"main.py": "print(1)\n"}, "fail", "no README in the root, .github/ or docs/"),
    # A translation is not the README; GitHub shows .github/README.md when there is no root one.
    ("github-folder", {".github/README.md": f"# q\n\n{DESCRIPTION}\n\n## Usage\n"}, "pass", ".github/README.md:"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in README_CASES],
                         ids=[row[0] for row in README_CASES])
def test_readme_substance(files, expected, reason):
    got, why = outcome(run_on_files(files, ProjectDocsDetector), "share.readme")
    assert got == expected
    assert reason in why


# --- badges -----------------------------------------------------------------------------------------

BADGE_URLS = [
    ("https://github.com/o/r/actions/workflows/ci.yml/badge.svg?branch=main", "ci", "GitHub Actions"),
    ("https://img.shields.io/github/actions/workflow/status/o/r/ci.yml", "ci", "GitHub Actions"),
    ("../../actions/workflows/test-backend.yml/badge.svg", "ci", "GitHub Actions"),
    ("https://gitlab.com/g/p/badges/main/pipeline.svg", "ci", "GitLab pipeline"),
    ("https://gitlab.com/g/p/badges/main/coverage.svg", "coverage", "GitLab coverage"),
    ("https://dl.circleci.com/status-badge/img/gh/o/r/tree/main.svg", "ci", "CircleCI"),
    ("https://dev.azure.com/o/p/_apis/build/status/ci?branchName=main", "ci", "Azure Pipelines"),
    ("https://codecov.io/gh/o/r/graph/badge.svg?token=X", "coverage", "Codecov"),
    ("https://coveralls.io/repos/github/o/r/badge.svg?branch=main", "coverage", "Coveralls"),
    ("https://sonarcloud.io/api/project_badges/measure?project=o_r&metric=coverage", "coverage", "SonarCloud coverage"),
    ("https://sonarcloud.io/api/project_badges/measure?project=o_r&metric=alert_status", "quality", "SonarCloud"),
    ("https://api.securityscorecards.dev/projects/github.com/o/r/badge", "quality", "OpenSSF Scorecard"),
    ("https://goreportcard.com/badge/github.com/o/r", "quality", "Go Report Card"),
    ("https://results.pre-commit.ci/badge/github/o/r/main.svg", "ci", "pre-commit.ci"),
    ("https://img.shields.io/pypi/v/requests.svg", "other", "package version"),
    ("https://img.shields.io/badge/license-MIT-blue.svg", "other", "licence"),
    ("https://readthedocs.org/projects/r/badge/?version=latest", "other", "Read the Docs"),
]


@pytest.mark.parametrize(("url", "kind", "service"), BADGE_URLS, ids=[row[2] + "-" + row[1] for row in BADGE_URLS])
def test_badge_urls_are_classified(url, kind, service):
    badge = classify_badge(url, 1)
    assert (badge.kind, badge.service) == (kind, service)


def test_logos_and_screenshots_are_not_badges():
    assert classify_badge("docs/img/screenshot.png", 3) is None
    assert classify_badge("https://raw.githubusercontent.com/o/r/main/logo.svg", 1) is None


def test_badges_in_every_markup_with_their_lines():
    text = ("[![CI][ci-badge]][ci]\n"
            "<img src=\"https://codecov.io/gh/o/r/branch/main/graph/badge.svg\" alt=\"coverage\">\n"
            ".. image:: https://coveralls.io/repos/o/r/badge.svg\n"
            "image:https://goreportcard.com/badge/github.com/o/r[Go Report]\n\n"
            "[ci-badge]: https://github.com/o/r/actions/workflows/test.yml/badge.svg\n")
    assert [(b.service, b.line) for b in find_badges(text)] == [
        ("GitHub Actions", 1), ("Codecov", 2), ("Coveralls", 3), ("Go Report Card", 4)]


# --- build and development setup documented ---------------------------------------------------------

COMMANDS = [
    ("$ pip install -e '.[test]'", [(SOURCE_INSTALL, "pip install -e '.[test]'")]),
    ("pip install requests", [(RELEASE_INSTALL, "pip install requests")]),
    ("npm ci && npm test", [(SOURCE_INSTALL, "npm ci"), (TEST, "npm test")]),
    ("make", [(BUILD, "make")]),
    ("make test   # runs everything", [(TEST, "make test")]),
    ("CGO_ENABLED=0 go build ./cmd/app", [(BUILD, "go build ./cmd/app")]),
    ("./gradlew build", [(BUILD, "./gradlew build")]),
    ("mvn -B verify", [(TEST, "mvn -B verify")]),
    ("docker compose up -d", [(RUN, "docker compose up -d")]),
    ("git clone https://example.org/r.git", [(SETUP, "git clone https://example.org/r.git")]),
    ("nox -s dev", [(SOURCE_INSTALL, "nox -s dev")]),
    ("brew install kvdump", [(RELEASE_INSTALL, "brew install kvdump")]),
    # Code examples are not commands: a Python call, a YAML key.
    ("pytest.raises(ValueError)", []),
    ("build: .", []),
    ("# a comment", []),
]


@pytest.mark.parametrize(("line", "kinds"), COMMANDS, ids=[row[0] for row in COMMANDS])
def test_commands_are_classified(line, kinds):
    assert command_kinds(line) == kinds


DEV_CASES = [
    ("readme-development-section",
     {"README.md": "# x\n\n## Development\n\n```sh\npip install -e .\npytest\n```\n"},
     "pass", "README.md section `Development` gives commands (`pip install -e .`, `pytest`)", ["README.md:3"]),
    ("installation-of-the-release-is-not-setup",
     {"README.md": "# x\n\n## Installation\n\n```sh\npip install x\n```\n"}, "fail",
     "no development setup section", []),
    ("installation-from-a-checkout-is-setup",
     {"README.md": "# x\n\n## Installation\n\n```sh\ngit clone https://e.org/x\ncd x && npm install\n```\n"}, "pass",
     "section `Installation` gives commands (`git clone https://e.org/x`, `npm install`)", ["README.md:3"]),
    ("section-without-commands",
     {"README.md": "# x\n\n## Getting started\n\nAsk a colleague for access.\n"}, "fail",
     "section `Getting started` (README.md:3): no setup, build, test or run command shown", ["README.md:3"]),
    ("developer-page", {"README.md": "# x\n", "docs/development.md": "# Hacking on x\n\n    make dev\n"}, "pass",
     "docs/development.md section `Hacking on x` gives commands (`make dev`)", ["docs/development.md:1"]),
]


@pytest.mark.parametrize(("files", "expected", "reason", "places"), [row[1:] for row in DEV_CASES],
                         ids=[row[0] for row in DEV_CASES])
def test_dev_setup_documented(files, expected, reason, places):
    result = run_on_files(files, ProjectDocsDetector)
    got, why = outcome(result, "env.dev-setup-documented")
    assert (got, evidence(result, "env.dev-setup-documented")) == (expected, places)
    assert reason in why


BUILD_CASES = [
    ("build-section-in-prose", {"README.md": "# x\n\n## Building\n\nRun the configure script, then compile "
                                              "everything with the default target of the make file and install.\n"},
     "pass", "README.md section `Building` explains the build in prose"),
    ("inline-command", {"README.md": "# x\n\nRun `cargo test` before sending a change.\n"}, "pass",
     "README.md shows how to test (`cargo test`)"),
    ("unreadable-readme", {"CONTRIBUTING.md": "# Contributing\n\nBe nice.\n"}, "fail", "show no build, test or"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in BUILD_CASES],
                         ids=[row[0] for row in BUILD_CASES])
def test_build_documented(files, expected, reason):
    got, why = outcome(run_on_files(files, ProjectDocsDetector), "build.documented")
    assert got == expected
    assert reason in why


# --- contribution guide -----------------------------------------------------------------------------

CONTRIBUTION_CASES = [
    ("merge-requests", {"CONTRIBUTING.md": "# Contributing\n\nOpen a merge request against `main`.\n"}, "pass",
     "CONTRIBUTING explains the contribution process (CONTRIBUTING.md:3: `merge request`)"),
    ("github-folder", {".github/CONTRIBUTING.md": "Fork the repository and send a PR.\n"}, "pass", "`Fork`"),
    ("patches-by-mail", {"CONTRIBUTING": "Please send patches to the mailing list with git send-email.\n"}, "pass",
     "`send patches`"),
    ("pointer-elsewhere", {"CONTRIBUTING.md": "See https://docs.example.org/contributing for our guide.\n"}, "unknown",
     "points to a guide outside the repository (https://docs.example.org/contributing)"),
    ("readme-section", {"README.md": "# x\n\n## Contributing\n\nPull requests are welcome.\n"}, "pass",
     "the README's Contributing section explains the contribution process"),
    ("none", {"README.md": "# x\n"}, "fail", "no CONTRIBUTING file in the root, .github/ or docs/"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in CONTRIBUTION_CASES],
                         ids=[row[0] for row in CONTRIBUTION_CASES])
def test_contribution_guide(files, expected, reason):
    got, why = outcome(run_on_files(files, ProjectDocsDetector), "scm.contribution-guide")
    assert got == expected
    assert reason in why


# --- docs site, changelog, ADRs ---------------------------------------------------------------------

DOCUMENTATION_CASES = [
    ("share.docs", {"docs/conf.py": "bind = '0.0.0.0:8000'\nworkers = 4\n"}, "fail",
     "no documentation site configuration"),  # a gunicorn conf.py is not Sphinx's
    ("share.docs", {"book.toml": "[book]\ntitle = \"Guide\"\n"}, "pass", "mdBook"),
    ("share.docs", {"website/docusaurus.config.js": "module.exports = { title: 'Docs', presets: [] };\n"}, "pass",
     "Docusaurus"),
    ("share.docs", {"docs/a.md": "# a\n", "docs/b.md": "# b\n", "docs/guide/c.rst": "c\n=\n"}, "pass",
     "docs/ holds 3 documentation page(s)"),
    ("share.changelog", {"CHANGES.rst": "Changes\n=======\n\n1.2.0 (2025-01-02)\n------------------\n\n- Fix.\n"},
     "pass", "CHANGES.rst: 1 entry, the first `1.2.0 (2025-01-02)`"),
    ("share.changelog", {"NEWS": "* Noteworthy changes in release 2.3 (2024-05-01)\n"}, "pass", "NEWS: 1 entry"),
    ("share.changelog", {"CHANGELOG.md": "# Changelog\n\nSee https://github.com/o/r/releases\n"}, "unknown",
     "the release notes live on the hosting platform"),
    ("share.changelog", {".github/release.yml": "changelog:\n  categories:\n    - title: Fixes\n"}, "pass",
     "GitHub release notes"),
    ("share.adr", {".adr-dir": "doc/arch\n", "doc/arch/0001-record-architecture-decisions.md": "# 1.\n"}, "pass",
     "1 numbered decision record(s) in doc/arch/"),
    ("share.adr", {"docs/architecture/decisions/0001-use-kafka.md": "# 1. Use Kafka\n",
                   "docs/architecture/decisions/0002-drop-kafka.md": "# 2.\n"}, "pass",
     "2 numbered decision record(s)"),
    ("share.adr", {"docs/decisions/README.md": "# Decisions\n"}, "fail", "docs/decisions/ holds no numbered"),
]


@pytest.mark.parametrize(("practice_id", "files", "expected", "reason"), DOCUMENTATION_CASES,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(DOCUMENTATION_CASES)])
def test_documentation(practice_id, files, expected, reason):
    got, why = outcome(run_on_files(files, DocumentationDetector), practice_id)
    assert got == expected
    assert reason in why


# --- robustness ---------------------------------------------------------------------------------------

@settings(max_examples=80, deadline=None)
@given(name=st.sampled_from(["README.md", "README.rst", "README.adoc", "README.org", "README"]),
       text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_documents_of_any_text_parse_and_judge_without_raising(name, text):
    document = parse_document(name, text)
    assert all(section.line >= 1 for section in document.sections)
    assert [b.line for b in find_badges(text)] == sorted(b.line for b in find_badges(text))
    for line in text.splitlines():
        command_kinds(line)
    result = run_on_files({name: text, "CONTRIBUTING.md": text, "CHANGELOG.md": text}, *DETECTORS)
    assert {f.outcome.value for f in result.findings.values()} <= {"pass", "fail", "unknown"}
    assert not [warning for warning in result.warnings if warning.startswith("detector ")]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["# T", "## S", "Some words here", "```", "    indented", "===", "---", "::",
                                 ".. code-block:: sh", "$ make", "`inline`", ""]), max_size=30))
def test_markdown_like_structure_keeps_lines_in_order(lines):
    document = parse_document("README.md", "\n".join(lines))
    starts = [section.line for section in document.sections]
    assert starts == sorted(starts)
    for section in document.sections:
        assert all(1 <= line <= max(1, len(lines)) for line, _ in section.prose + section.code)
