"""`scm.automated-tagging` from files: CI jobs that tag or release, and release tools configured in the tree."""

from __future__ import annotations

import pytest

from devops_scan.scoring.loader import load_model
from devops_scan_detectors.release_tools import ReleaseAutomationDetector
from tests.detectors.settings_files_support import practice, scan_report

PRACTICE = "scm.automated-tagging"
NO_TOOL = "no release tool is configured to create them"
NOTHING_READ = "no CI job creates tags or releases (read 1 CI file(s)); " + NO_TOOL
CI = ("on:\n  push:\n    branches: [main]\npermissions:\n  contents: read\njobs:\n"
      "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n")


def workflow(*steps: str, on: str = "on:\n  push:\n    branches: [main]\n") -> str:
    body = "".join(f"      - {step}\n" for step in steps)
    return f"name: Release\n{on}jobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n{body}"


def run(path):
    """Only this detector, so the tag-reading detector's answer does not mix in."""
    return scan_report(path, ReleaseAutomationDetector)


# --- whole trees ---------------------------------------------------------------------------------------


def test_release_please_configuration_passes_with_file_and_line(fixture_repo):
    report = run(fixture_repo("release-please-python"))
    state, reason, places = practice(report, PRACTICE)
    assert state == "pass"
    assert reason == "release-please configured: built to create tags and releases from CI"
    assert places == ["release-please-config.json:1", ".release-please-manifest.json:1"]
    assert report["inventory"]["release_tools"] == [
        {"tool": "release-please", "path": ".release-please-manifest.json", "line": 1},
        {"tool": "release-please", "path": "release-please-config.json", "line": 1}]


def test_a_release_job_passes_with_the_job_line_and_the_config_is_inventoried(fixture_repo):
    report = run(fixture_repo("release-goreleaser-go"))
    state, reason, places = practice(report, PRACTICE)
    assert (state, reason) == ("pass", "a CI job creates tags or releases: goreleaser in 1 job(s)")
    assert places == [".github/workflows/release.yml:21"]
    assert report["inventory"]["release_tools"] == [{"tool": "goreleaser", "path": ".goreleaser.yaml", "line": 1}]


def test_vendored_and_test_data_configurations_do_not_count(fixture_repo):
    report = run(fixture_repo("release-vendored-only"))
    state, reason, _ = practice(report, PRACTICE)
    assert state == "fail"
    assert reason == NOTHING_READ
    assert report["inventory"]["release_tools"] == []


def test_the_full_scan_keeps_the_pass_and_the_inventory(fixture_repo, scan):
    report = scan(fixture_repo("release-please-python"))
    assert report["practices"][PRACTICE]["outcome"] == "pass"
    assert "release-automation" in report["practices"][PRACTICE]["detector"]
    assert report["inventory"]["release_tools"][0]["tool"] == "release-please"


# --- CI jobs -------------------------------------------------------------------------------------------

RELEASE_PLEASE = "uses: googleapis/release-please-action@v4\n        with:\n          release-type: python"


@pytest.mark.parametrize("step, tool", [
    (RELEASE_PLEASE, "release-please"),
    ("run: gh release create \"v$VERSION\" --generate-notes", "gh"),
    ("run: git push origin --tags", "git"),
    ("run: git tag -a v1.2.3 -m release && git push origin v1.2.3", "git"),
    ("uses: helm/chart-releaser-action@v1.6.0", "chart-releaser"),
    ("run: npx semantic-release", "semantic-release"),
    ("run: cz bump --yes", "commitizen"),
])
def test_ci_jobs_that_tag_or_release_pass_with_the_step(repo, step, tool):
    path = repo({".github/workflows/release.yml": workflow(step)})
    state, reason, places = practice(run(path), PRACTICE)
    assert (state, reason) == ("pass", f"a CI job creates tags or releases: {tool} in 1 job(s)")
    assert set(places) == {".github/workflows/release.yml:9"}  # the step's line


@pytest.mark.parametrize("step", ["run: npx semantic-release --dry-run", "run: git tag --list",
                                  "run: goreleaser release --snapshot --clean"])
def test_steps_that_create_nothing_do_not_count(repo, step):
    path = repo({".github/workflows/release.yml": workflow(step)})
    assert practice(run(path), PRACTICE)[0] == "fail"


def test_a_job_that_can_never_run_fails_and_says_so(repo):
    release = workflow("run: gh release create v1").replace("    runs-on:", "    if: false\n    runs-on:")
    state, reason, _ = practice(run(repo({".github/workflows/release.yml": release})), PRACTICE)
    assert state == "fail" and "can never run" in reason


def test_an_unknown_action_is_read_as_doing_nothing_known(repo):
    path = repo({".github/workflows/release.yml": workflow("uses: acme/ship-it@v2")})
    state, reason, _ = practice(run(path), PRACTICE)
    assert (state, reason) == ("fail", NOTHING_READ)


def test_a_workflow_defined_outside_the_repository_is_unknown(repo):
    remote = ("name: Release\non:\n  push:\n    branches: [main]\njobs:\n  release:\n"
              "    uses: acme/workflows/.github/workflows/release.yml@main\n")
    state, reason, places = practice(run(repo({".github/workflows/release.yml": remote})), PRACTICE)
    assert state == "unknown"
    assert "acme/workflows/.github/workflows/release.yml@main" in reason
    assert places == [".github/workflows/release.yml:6"]


def test_without_ci_or_release_tools_it_fails(repo):
    state, reason, _ = practice(run(repo({"README.md": "# x\n"})), PRACTICE)
    assert (state, reason) == ("fail", "no CI pipeline, so no job creates tags or releases; " + NO_TOOL)


# --- configured tools ----------------------------------------------------------------------------------

HAND = "the tool automates the tag, but it is run by CI only if a CI job runs it, and no CI job read here does"


@pytest.mark.parametrize("files, tool, places", [
    ({"package.json": '{\n  "name": "x",\n  "release": {\n    "branches": ["main"]\n  }\n}\n'},
     "semantic-release", ["package.json:3"]),
    ({"package.json": '{\n  "name": "x",\n  "devDependencies": {\n    "semantic-release": "^24"\n  }\n}\n'},
     "semantic-release", ["package.json:4"]),
    ({".releaserc.yml": "branches: [main]\n"}, "semantic-release", [".releaserc.yml:1"]),
    ({"release.config.cjs": "module.exports = {branches: ['main']};\n"}, "semantic-release",
     ["release.config.cjs:1"]),
    ({"packages/web/.releaserc": '{"branches": ["main"]}\n'}, "semantic-release", ["packages/web/.releaserc:1"]),
])
def test_tools_built_for_ci_pass(repo, files, tool, places):
    state, reason, found = practice(run(repo({".github/workflows/ci.yml": CI, **files})), PRACTICE)
    assert (state, reason, found) == ("pass", f"{tool} configured: built to create tags and releases from CI",
                                      places)


@pytest.mark.parametrize("files, tool, places", [
    ({".goreleaser.yml": "builds:\n  - main: .\n"}, "goreleaser", [".goreleaser.yml:1"]),
    ({"setup.cfg": "[metadata]\nname = x\n\n[bumpversion]\ncurrent_version = 1.0.0\ncommit = True\ntag = True\n"},
     "bumpversion", ["setup.cfg:7"]),
    ({".bumpversion.cfg": "[bumpversion]\ncurrent_version = 1.0.0\ntag = true\n"}, "bumpversion",
     [".bumpversion.cfg:3"]),
    ({"pyproject.toml": '[project]\nname = "x"\n\n[tool.bumpversion]\ncurrent_version = "1.0.0"\ntag = true\n'},
     "bump-my-version", ["pyproject.toml:4"]),
    ({"pyproject.toml": '[project]\nname = "x"\n\n[tool.commitizen]\nversion_provider = "pep621"\n'},
     "commitizen", ["pyproject.toml:4"]),
    ({"pyproject.toml": '[tool.semantic_release]\nversion_toml = ["pyproject.toml:project.version"]\n'},
     "python-semantic-release", ["pyproject.toml:1"]),
    ({"tbump.toml": '[version]\ncurrent = "1.0.0"\n\n[git]\ntag_template = "v{new_version}"\n'}, "tbump",
     ["tbump.toml:1"]),
    ({"Cargo.toml": '[package]\nname = "x"\n\n[package.metadata.release]\nsign-tag = true\n'}, "cargo-release",
     ["Cargo.toml:4"]),
    ({"Cargo.toml": '[package]\nname = "x"\n', "release.toml": 'pre-release-commit-message = "v{{version}}"\n'},
     "cargo-release", ["release.toml:1"]),
    ({"lerna.json": '{\n  "packages": ["packages/*"],\n  "version": "independent"\n}\n'}, "lerna", ["lerna.json:3"]),
    ({".changeset/config.json": '{"baseBranch": "main"}\n'}, "changesets", [".changeset/config.json:1"]),
    ({".github/cr.yaml": "owner: acme\ngit-repo: charts\n"}, "chart-releaser", [".github/cr.yaml:1"]),
    ({"jreleaser.yml": "project:\n  name: app\n"}, "jreleaser", ["jreleaser.yml:1"]),
])
def test_tools_run_by_hand_pass_and_say_ci_must_run_them(repo, files, tool, places):
    state, reason, found = practice(run(repo({".github/workflows/ci.yml": CI, **files})), PRACTICE)
    assert (state, reason, found) == ("pass", f"{tool} configured to create tags or releases; {HAND}", places)


@pytest.mark.parametrize("files, why", [
    ({"setup.cfg": "[bumpversion]\ncurrent_version = 1.0.0\ncommit = True\n"}, "bumps versions without tagging"),
    ({"pyproject.toml": '[tool.commitizen]\nname = "cz_conventional_commits"\n'}, "commit messages only"),
    ({"Cargo.toml": '[package]\nname = "x"\n\n[package.metadata.release]\ntag = false\n'}, "`tag = false`"),
    ({"lerna.json": '{"version": "1.0.0", "command": {"version": {"gitTagVersion": false}}}\n'}, "gitTagVersion"),
    ({".goreleaser.yaml": "release:\n  disable: true\n"}, "releases turned off"),
    ({".github/release-drafter.yml": "template: $CHANGES\n"}, "drafts releases that a person publishes"),
    ({"GitVersion.yml": "mode: ContinuousDelivery\n"}, "computes versions from tags"),
    ({"version.json": '{"version": "1.0", "publicReleaseRefSpec": ["^refs/heads/main$"]}\n'}, "nbgv tag"),
])
def test_configurations_that_create_no_tag_fail_and_are_named(repo, files, why):
    report = run(repo({".github/workflows/ci.yml": CI, **files}))
    state, reason, places = practice(report, PRACTICE)
    assert state == "fail" and why in reason
    assert places and report["inventory"]["release_tools"] == []


@pytest.mark.parametrize("files", [
    {"release.toml": "tag = true\n"},  # not beside a Cargo.toml: another tool's file
    {"version.json": '{"version": "1.0"}\n'},
    {"tests/fixtures/app/.releaserc.json": '{"branches": ["main"]}\n'},
    {"vendor/lib/pyproject.toml": "[tool.tbump]\n"},
])
def test_lookalikes_and_other_projects_files_do_not_count(repo, files):
    report = run(repo({".github/workflows/ci.yml": CI, **files}))
    assert practice(report, PRACTICE)[:2] == ("fail", NOTHING_READ)


# --- files that do not parse ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, text, problem, place", [
    (".releaserc.json", '{"branches": ["main",]\n', "not valid JSON", ".releaserc.json:1"),
    ("pyproject.toml", "[tool.semantic_release\n", "not valid TOML", "pyproject.toml"),
    (".goreleaser.yml", "builds:\n  - main: .\n   bad: [\n", "not valid YAML", ".goreleaser.yml:3"),
])
def test_a_malformed_configuration_is_a_warning_and_the_verdict_unknown(repo, name, text, problem, place):
    report = run(repo({".github/workflows/ci.yml": CI, name: text}))
    state, reason, places = practice(report, PRACTICE)
    assert state == "unknown" and "1 configuration file(s) that may configure one could not be parsed" in reason
    assert places == [place]
    assert any(w.startswith(f"release-automation: {place}: {problem}") for w in report["warnings"])


def test_a_malformed_configuration_does_not_hide_a_working_one(repo):
    report = run(repo({".releaserc.json": "{", "release-please-config.json": "{}\n"}))
    assert practice(report, PRACTICE)[:2] == (
        "pass", "release-please configured: built to create tags and releases from CI")


@pytest.mark.parametrize("name, text", [
    ("package.json", "[1, 2]\n"), ("package.json", '{"release": "yes", "devDependencies": ["semantic-release"]}\n'),
    ("pyproject.toml", '[tool]\nsemantic_release = "yes"\n'), ("pyproject.toml", '[tool]\ncommitizen = "on"\n'),
    ("Cargo.toml", '[package]\nmetadata = "none"\n'), (".releaserc", "just text\n"), (".releaserc", ""),
    ("lerna.json", '{"version": "1", "command": "all"}\n'), (".cz.json", "null\n"), (".cz.yaml", "- a\n"),
    ("setup.cfg", "[bumpversion]\n"), ("version.json", '"1.0"\n'), (".goreleaser.yml", "release: off\n"),
])
def test_valid_files_of_unexpected_shape_never_raise(repo, name, text):
    report = run(repo({name: text}))
    assert report["practices"][PRACTICE]["outcome"] in ("pass", "fail")
    assert not any("failed" in warning for warning in report["warnings"])


# --- metadata ------------------------------------------------------------------------------------------


def test_metadata_names_a_model_practice_and_explains_itself():
    assert set(ReleaseAutomationDetector.practices) <= set(load_model().practices)
    assert "release_tools" in ReleaseAutomationDetector.description
    assert ReleaseAutomationDetector.id == "release-automation"


def test_a_step_that_tags_and_releases_is_shown_once(repo, scan):
    workflow = ("on:\n  push:\n    branches: [main]\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: googleapis/release-please-action@v4\n")
    finding = scan(repo({".github/workflows/release.yml": workflow}))["practices"]["scm.automated-tagging"]
    lines = [(e["path"], e["line"], e["detail"]) for e in finding["evidence"]]
    assert finding["outcome"] == "pass" and len(lines) == len(set(lines)) == 1
