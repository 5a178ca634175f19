"""The cheap head scan of `devops-scan diff` decides exactly what a full scan of the head decides."""

from __future__ import annotations

import pytest

from devops_scan.commands.diff import Sides, changed_paths
from devops_scan.incremental import Recording, Reuse
from devops_scan.scan import scan_path
from tests.conftest import AS_OF
from tests.testing.repos import commit_all, git, make_repo, write_files

WORKFLOW = ("on: [push, pull_request]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/checkout@v4\n      - run: pytest --cov=app --cov-fail-under=85\n")
BASE = {
    ".github/workflows/ci.yml": WORKFLOW,
    "README.md": "# app\n\nA small service.\n",
    "app/main.py": "def handler():\n    return 1\n",
    "tests/test_main.py": "from app.main import handler\n\ndef test():\n    assert handler() == 1\n",
    "pyproject.toml": '[project]\nname = "app"\n',
    "legacy.txt": "caf\xe9".encode("latin-1"),
}
CHANGES = {
    "application code": {"app/main.py": "def handler():\n    return 2\n"},
    "the coverage gate": {".github/workflows/ci.yml": WORKFLOW.replace(" --cov-fail-under=85", "")},
    "the readme": {"README.md": "# app\n\nA small service, now documented.\n\n## Usage\n\nRun it.\n"},
    "a new file": {"CODEOWNERS": "* @org/team\n"},
}


def _scans(tmp_path, default_model, change):
    path = make_repo(tmp_path / "repo", BASE)
    base = git(path, "rev-parse", "HEAD")
    write_files(path, change)
    head = commit_all(path, "change", date="2026-01-20T12:00:00+00:00")
    sides = Sides("base", "head", base, head, "main")
    recording = Recording()
    scan_path(str(path), default_model, as_of=AS_OF, ref=base, session=recording)
    changed, same = changed_paths(str(path), sides)
    reuse = Reuse(recording, frozenset(changed), same)
    incremental = scan_path(str(path), default_model, as_of=AS_OF, ref=head, session=reuse)
    full = scan_path(str(path), default_model, as_of=AS_OF, ref=head)
    return incremental, full, reuse, recording


@pytest.mark.parametrize("change", list(CHANGES), ids=list(CHANGES))
def test_the_incremental_head_scan_equals_a_full_one(tmp_path, default_model, change):
    incremental, full, _reuse, _recording = _scans(tmp_path, default_model, CHANGES[change])
    assert incremental == full


def test_detectors_that_read_nothing_changed_are_reused(tmp_path, default_model):
    from devops_scan.plugins import load_plugins

    _incremental, _full, reuse, recording = _scans(tmp_path, default_model, CHANGES["the readme"])
    detectors = [loaded.detector for loaded in load_plugins().detectors]
    kept = {d.id for d in detectors if reuse.result_for(d) is not None}
    assert "containers" in kept and "lock-files" in kept
    # The README is read by the documentation detectors, and history always runs again.
    assert "project-docs" not in kept and "change-history" not in kept and "scm-basics" not in kept
    assert "README.md" in recording.reads["project-docs"]


def test_a_new_file_reuses_nothing(tmp_path, default_model):
    from devops_scan.plugins import load_plugins

    _incremental, _full, reuse, _recording = _scans(tmp_path, default_model, CHANGES["a new file"])
    assert not any(reuse.result_for(loaded.detector) for loaded in load_plugins().detectors)
