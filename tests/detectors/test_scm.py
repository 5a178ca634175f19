"""SourceControlBasicsDetector (`scm.versioned`, `scm.ignore-file`) on real git repositories."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.clients.base import RepoInfo
from devops_scan.detector import ScanContext
from devops_scan.engine import run_detectors
from devops_scan_detectors.scm import SourceControlBasicsDetector
from tests.testing.fakes import MemoryClient
from tests.testing.repos import commit_all, git, init_repo, write_files

FIXTURE_NAMES = ["ci-polyglot", "python-lib", "lookalikes", "vendored-tests", "docs-only", "rust-inline",
                 "java-maven", "dotnet", "ruby-rspec"]


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_is_a_versioned_repository_with_a_gitignore(fixture_repo, scan, name):
    path = fixture_repo(name)
    head = git(path, "rev-parse", "HEAD")
    report = scan(path)
    versioned = report["practices"]["scm.versioned"]
    assert versioned["outcome"] == "pass"
    assert versioned["reason"] == "git repository with 1 commit(s)"
    assert versioned["evidence"] == [{"path": None, "line": None, "detail": f"HEAD {head[:12]}, 1 commit(s)"}]
    ignore = report["practices"]["scm.ignore-file"]
    assert (ignore["outcome"], ignore["reason"]) == ("pass", "1 .gitignore file(s)")
    assert ignore["evidence"] == [{"path": ".gitignore", "line": None, "detail": ".gitignore"}]


def test_commits_are_counted(repo, scan):
    path = repo({"README.md": "# notes\n", ".gitignore": "*.tmp\n"})
    for day, text in (("16", "one"), ("17", "two")):
        write_files(path, {"NOTES.md": f"{text}\n"})
        commit_all(path, f"notes: {text}", date=f"2026-01-{day}T12:00:00+00:00")
    practice = scan(path)["practices"]["scm.versioned"]
    assert practice["reason"] == "git repository with 3 commit(s)"
    assert practice["evidence"][0]["detail"].endswith(", 3 commit(s)")


IGNORE_CASES = [
    # (files, outcome, reason, evidence paths in order)
    ({"main.go": "package main\n"}, "fail", "no tracked .gitignore", []),
    ({".gitignore": "", "main.go": "package main\n"}, "pass", "1 .gitignore file(s)", [".gitignore"]),
    # No root file, but a folder's own: still a .gitignore keeping junk out.
    ({"web/.gitignore": "node_modules/\n", "web/index.js": ""}, "pass", "1 .gitignore file(s)", ["web/.gitignore"]),
    # Root first, then shallower before deeper, then by path.
    ({"a/b/c/.gitignore": "", "web/.gitignore": "", ".gitignore": "", "api/.gitignore": ""},
     "pass", "4 .gitignore file(s)", [".gitignore", "api/.gitignore", "web/.gitignore", "a/b/c/.gitignore"]),
    # Seven of them: all counted, five shown.
    ({f"pkg{i}/.gitignore": "" for i in range(7)}, "pass", "7 .gitignore file(s)",
     [f"pkg{i}/.gitignore" for i in range(5)]),
    # Look-alikes: other tools' ignore files and a misspelling are not .gitignore.
    ({".dockerignore": "", ".npmignore": "", "gitignore": "", ".gitignore.bak": "", ".GITIGNORE": ""},
     "fail", "no tracked .gitignore", []),
]


@pytest.mark.parametrize(("files", "outcome", "reason", "paths"), IGNORE_CASES,
                         ids=["none", "root", "nested-only", "ordering", "capped", "lookalikes"])
def test_ignore_file(repo, scan, files, outcome, reason, paths):
    practice = scan(repo(files))["practices"]["scm.ignore-file"]
    assert (practice["outcome"], practice["reason"]) == (outcome, reason)
    assert [fact["path"] for fact in practice["evidence"]] == paths


def test_an_untracked_gitignore_does_not_count(repo, scan):
    path = repo({"app.py": "print('hi')\n"})
    (path / ".gitignore").write_text("__pycache__/\n", encoding="utf-8")  # on disk, never added
    practice = scan(path)["practices"]["scm.ignore-file"]
    assert (practice["outcome"], practice["reason"]) == ("fail", "no tracked .gitignore")


def test_a_repository_without_commits(tmp_path, scan):
    path = init_repo(tmp_path / "fresh")
    (path / "app.py").write_text("print('hi')\n", encoding="utf-8")
    report = scan(path)
    assert report["practices"]["scm.versioned"]["outcome"] == "fail"
    assert report["practices"]["scm.versioned"]["reason"] == "the repository has no commits yet"
    assert report["practices"]["scm.versioned"]["evidence"] == []
    assert report["practices"]["scm.ignore-file"]["outcome"] == "fail"


def test_a_staged_gitignore_counts_before_the_first_commit(tmp_path, scan):
    # The index is what git tracks: `git add .gitignore` is enough, committing is scm.versioned's business.
    path = init_repo(tmp_path / "fresh")
    (path / ".gitignore").write_text("*.log\n", encoding="utf-8")
    git(path, "add", ".gitignore")
    report = scan(path)
    assert report["practices"]["scm.versioned"]["outcome"] == "fail"
    assert report["practices"]["scm.ignore-file"]["outcome"] == "pass"


def test_an_older_ref_is_judged_on_its_own_tree(repo, scan):
    path = repo({"README.md": "# tool\n"}, name="tool")
    first = git(path, "rev-parse", "HEAD")
    write_files(path, {".gitignore": "dist/\n"})
    commit_all(path, "ignore build output", date="2026-01-20T12:00:00+00:00")
    old = scan(path, ref=first)
    assert old["practices"]["scm.ignore-file"]["outcome"] == "fail"
    assert old["practices"]["scm.versioned"]["reason"] == "git repository with 1 commit(s)"
    assert old["practices"]["scm.versioned"]["evidence"][0]["detail"] == f"HEAD {first[:12]}, 1 commit(s)"
    new = scan(path)
    assert new["practices"]["scm.ignore-file"]["outcome"] == "pass"
    assert new["practices"]["scm.versioned"]["reason"] == "git repository with 2 commit(s)"


def test_a_shallow_clone_is_still_versioned(repo, scan, tmp_path):
    source = repo({".gitignore": "*.o\n", "main.c": "int main(void) { return 0; }\n"}, name="upstream")
    write_files(source, {"README.md": "# upstream\n"})
    commit_all(source, "readme", date="2026-01-16T12:00:00+00:00")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "--quiet", "--depth", "1", f"file://{source}", str(clone))
    report = scan(clone)
    assert report["repository"]["shallow"] is True
    # scm-basics needs files only, so it still answers (with the commits the clone has).
    assert report["practices"]["scm.versioned"]["outcome"] == "pass"
    assert report["practices"]["scm.ignore-file"]["outcome"] == "pass"


class NoCountClient(MemoryClient):
    """A source that knows HEAD but not how many commits lead to it (RepoInfo allows None)."""

    @property
    def info(self) -> RepoInfo:
        return RepoInfo(path=None, url="https://example.com/o/r", head="0123456789abcdef" * 2 + "01234567",
                        branch="main", default_branch="main", commit_count=None)


def test_an_unknown_commit_count_is_never_printed_as_none():
    result = run_detectors(NoCountClient({".gitignore": ""}), [SourceControlBasicsDetector],
                           ScanContext(as_of=datetime(2026, 2, 1, tzinfo=timezone.utc)))
    finding = result.findings["scm.versioned"]
    assert finding.outcome.value == "pass"
    assert finding.reason == "git repository at 0123456789ab"
    assert [fact.detail for fact in finding.evidence] == ["HEAD 0123456789ab"]


def test_gitignores_of_fixture_trees_do_not_count(repo, scan):
    report = scan(repo({"fixtures/sample/.gitignore": "*.log\n", "vendor/lib/.gitignore": "x\n", "app.py": ""}))
    ignore = report["practices"]["scm.ignore-file"]
    assert (ignore["outcome"], ignore["reason"]) == ("fail", "no tracked .gitignore")
