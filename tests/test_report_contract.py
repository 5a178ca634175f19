"""Real reports, from real repositories in every awkward state, validate against the JSON Schema."""

from __future__ import annotations

import json
import subprocess
from importlib import resources

import jsonschema
import pytest

from tests.testing.repos import commit_all, git, init_repo, make_repo, write_files

FILES = {
    ".gitignore": "*.pyc\n",
    "app/main.py": "print('x')\n",
    "app/test_main.py": "def test():\n    pass\n",
    ".github/workflows/ci.yml": "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pytest\n",
    ".github/workflows/broken.yml": "on: push\njobs:\n\ttest:\n    runs-on: x\n",
    "latin1.txt": "na\xefve".encode("latin-1"),
}


def validator():
    schema = json.loads(resources.files("devops_scan.schemas").joinpath("report.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema)


def build(kind: str, tmp_path):
    if kind == "normal":
        return make_repo(tmp_path / "r", FILES), {}
    if kind == "no-commits":
        path = init_repo(tmp_path / "r")
        write_files(path, FILES)
        git(path, "add", "--all")
        return path, {}
    if kind == "shallow":
        source = make_repo(tmp_path / "src", FILES)
        write_files(source, {"more.py": "y = 1\n"})
        commit_all(source, "second")
        subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{source}", str(tmp_path / "r")], check=True)
        return tmp_path / "r", {}
    if kind == "bare":
        source = make_repo(tmp_path / "src", FILES)
        subprocess.run(["git", "clone", "-q", "--bare", str(source), str(tmp_path / "r.git")], check=True)
        return tmp_path / "r.git", {}
    if kind == "ref":
        return make_repo(tmp_path / "r", FILES), {"ref": "HEAD"}
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["normal", "no-commits", "shallow", "bare", "ref"])
def test_reports_validate_against_the_schema(kind, tmp_path, scan):
    path, options = build(kind, tmp_path)
    report = scan(path, **options)
    errors = sorted(validator().iter_errors(report), key=str)
    assert errors == [], errors[0].message if errors else ""
    assert set(report["levels"]) == {"source-control", "build-test", "deployment", "environments", "reporting",
                                     "infrastructure", "observability", "security"}


def test_awkward_states_are_reported_not_lost(tmp_path, scan):
    shallow = scan(build("shallow", tmp_path / "a")[0])
    assert shallow["repository"]["shallow"] is True
    assert shallow["practices"]["scm.versioned"]["reason"] == (
        "git repository (shallow clone: 1 commit(s) fetched, the full count is unknown)")
    assert any("shallow clone" in w and "history-based practices are unknown" in w for w in shallow["warnings"])
    empty = scan(build("no-commits", tmp_path / "b")[0])
    assert empty["repository"]["head"] is None
    assert empty["practices"]["scm.versioned"]["outcome"] == "fail"
    assert empty["practices"]["ci.pipeline"]["outcome"] == "pass"  # staged files are still scanned
    assert any("no commits yet" in w for w in empty["warnings"])


def test_bad_files_are_warnings_and_the_rest_of_the_report_stands(tmp_path, scan):
    report = scan(build("normal", tmp_path)[0])
    # Contents are read only for candidate files: the latin-1 text file is never opened.
    assert not any(w.startswith("latin1.txt") for w in report["warnings"])
    ci = report["practices"]["ci.pipeline"]
    assert ci["outcome"] == "pass"
    broken = [e for e in ci["evidence"] if e["path"] == ".github/workflows/broken.yml"]
    assert broken and broken[0]["line"] == 3 and "invalid YAML" in broken[0]["detail"]


def test_report_is_byte_identical_across_runs(tmp_path, scan):
    from devops_scan.render import render

    path = build("normal", tmp_path)[0]
    assert render(scan(path), "json") == render(scan(path), "json")


@pytest.mark.parametrize("fixture", ["gitlab-monorepo", "gha-webapp", "svc-node-orders", "iac-terraform-s3",
                                     "iac-helm-chart", "lib-python-sphinx", "ci-jenkins-declarative"])
def test_rich_reports_validate_with_every_inventory_key(fixture, fixture_repo, scan):
    report = scan(fixture_repo(fixture))
    errors = sorted(validator().iter_errors(report), key=str)
    assert errors == [], errors[0].message if errors else ""
    for key in ("ci_systems", "ci_configs", "dockerfiles", "compose_files", "iac", "dependency_bots",
                "test_frameworks", "coverage", "deploy_targets", "environments"):
        assert key in report["inventory"], key


def test_history_inventory_keys_validate(tmp_path, scan):
    from tests.testing.history import hotfixes

    report = scan(hotfixes(tmp_path / "fixes")[0].path)
    errors = sorted(validator().iter_errors(report), key=str)
    assert errors == [], errors[0].message if errors else ""
    assert {"tags", "history", "dora", "release_tools"} <= set(report["inventory"])
