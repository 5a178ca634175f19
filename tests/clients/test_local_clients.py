"""The working-tree and git-ref clients on real repositories, including every bad input."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from devops_scan.clients.base import MAX_FILE_BYTES
from devops_scan.clients.open import open_local as _open_local
from devops_scan.errors import BadTargetError, UnreadableFile
from devops_scan.model import Capability
from tests.testing.repos import commit_all, git, init_repo, make_repo, write_files

_OPENED = []


def open_local(*args, **kwargs):
    """open_local, remembering the client so its git processes are stopped after the test."""
    client = _open_local(*args, **kwargs)
    _OPENED.append(client)
    return client


@pytest.fixture(autouse=True)
def _close_clients():
    yield
    while _OPENED:
        _OPENED.pop().close()


def test_working_tree_lists_tracked_files_once_and_ignores_untracked(tmp_path):
    path = make_repo(tmp_path / "r", {"a.py": "x = 1\n", "docs/guide.md": "# Guide\n", ".gitignore": "*.log\n"})
    (path / "untracked.py").write_text("y = 2\n")
    client = open_local(str(path))
    assert list(client.files) == [".gitignore", "a.py", "docs/guide.md"]
    assert client.files.with_extension("md") == ["docs/guide.md"]
    assert client.files.named("guide.md") == ["docs/guide.md"]
    assert client.files.in_folder("docs") == ["docs/guide.md"]
    assert client.read_text("a.py").text == "x = 1\n"


def test_working_tree_reads_uncommitted_edits_of_tracked_files(tmp_path):
    path = make_repo(tmp_path / "r", {"a.py": "old\n"})
    (path / "a.py").write_text("new\n")
    assert open_local(str(path)).read_text("a.py").text == "new\n"


def test_repository_info_head_branch_and_commit_count(tmp_path):
    path = make_repo(tmp_path / "r", {"a": "1"})
    write_files(path, {"b": "2"})
    head = commit_all(path, "second")
    info = open_local(str(path)).info
    assert (info.head, info.branch, info.default_branch, info.commit_count) == (head, "main", "main", 2)
    assert not info.shallow and not info.bare


def test_default_branch_comes_from_origin_head(tmp_path):
    upstream = make_repo(tmp_path / "upstream", {"a": "1"})
    git(upstream, "branch", "-m", "trunk")
    subprocess.run(["git", "clone", "-q", str(upstream), str(tmp_path / "clone")], check=True)
    git(tmp_path / "clone", "checkout", "-q", "-b", "feature")
    info = open_local(str(tmp_path / "clone")).info
    assert (info.branch, info.default_branch) == ("feature", "trunk")


def test_detached_head_is_scanned_with_no_branch(tmp_path):
    path = make_repo(tmp_path / "r", {"a": "1"})
    git(path, "checkout", "-q", "--detach")
    info = open_local(str(path)).info
    assert info.branch is None
    assert info.default_branch == "main"


def test_git_ref_client_reads_a_ref_without_checkout(tmp_path):
    path = make_repo(tmp_path / "r", {"ci.yml": "base version\n"})
    base = git(path, "rev-parse", "HEAD")
    write_files(path, {"ci.yml": "head version\n", "new.txt": "n"})
    commit_all(path, "head")
    client = open_local(str(path), ref=base)
    assert list(client.files) == ["ci.yml"]
    assert client.read_text("ci.yml").text == "base version\n"
    assert client.info.head == base and client.info.ref == base


def test_git_ref_client_caps_large_blobs_and_keeps_reading_after(tmp_path):
    big = "x" * (MAX_FILE_BYTES + 10)
    path = make_repo(tmp_path / "r", {"big.txt": big, "small.txt": "small\n"})
    client = open_local(str(path), ref="HEAD")
    text = client.read_text("big.txt")
    assert text.truncated and len(text.text) == MAX_FILE_BYTES
    # The cat-file process was drained: the next blob reads correctly.
    assert client.read_text("small.txt").text == "small\n"
    assert "big.txt" in client.read_warnings()


def test_unknown_ref_is_a_clear_error(tmp_path):
    path = make_repo(tmp_path / "r", {"a": "1"})
    with pytest.raises(BadTargetError, match="not a commit in this repository: nope"):
        open_local(str(path), ref="nope")


# --- bad input -----------------------------------------------------------------------------


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(BadTargetError, match="no such file or directory"):
        open_local(str(tmp_path / "absent"))


def test_a_file_is_not_a_directory(tmp_path):
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(BadTargetError, match="not a directory"):
        open_local(str(tmp_path / "file.txt"))


def test_not_a_git_repository(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(BadTargetError, match="not a git repository"):
        open_local(str(tmp_path / "plain"))


def test_repository_without_commits_lists_staged_files_and_has_no_history(tmp_path):
    path = init_repo(tmp_path / "empty")
    write_files(path, {"a.py": "x\n"})
    git(path, "add", "a.py")
    client = open_local(str(path))
    assert list(client.files) == ["a.py"]
    assert client.info.head is None and client.info.commit_count == 0
    assert Capability.HISTORY not in client.capabilities
    assert "no commits" in client.missing_capability_reasons()[Capability.HISTORY]


def test_bare_repository_scans_head_through_the_git_ref_client(tmp_path):
    path = make_repo(tmp_path / "r", {"a.py": "x\n"})
    subprocess.run(["git", "clone", "-q", "--bare", str(path), str(tmp_path / "bare.git")], check=True)
    client = open_local(str(tmp_path / "bare.git"))
    assert client.info.bare
    assert list(client.files) == ["a.py"]
    assert any("bare repository" in note for note in client.info.notes)


def test_empty_bare_repository_is_a_clear_error(tmp_path):
    subprocess.run(["git", "init", "-q", "--bare", str(tmp_path / "bare.git")], check=True)
    with pytest.raises(BadTargetError, match="bare repository with no commits"):
        open_local(str(tmp_path / "bare.git"))


def test_shallow_clone_has_files_but_no_history(tmp_path):
    path = make_repo(tmp_path / "r", {"a": "1"})
    write_files(path, {"b": "2"})
    commit_all(path, "second")
    subprocess.run(["git", "clone", "-q", "--depth=1", f"file://{path}", str(tmp_path / "shallow")], check=True)
    client = open_local(str(tmp_path / "shallow"))
    assert client.info.shallow
    assert list(client.files) == ["a", "b"]
    assert Capability.HISTORY not in client.capabilities
    assert "shallow clone" in client.missing_capability_reasons()[Capability.HISTORY]


def test_subdirectory_scans_the_whole_work_tree_and_says_so(tmp_path):
    path = make_repo(tmp_path / "r", {"sub/a.py": "x\n", "b.py": "y\n"})
    client = open_local(str(path / "sub"))
    assert list(client.files) == ["b.py", "sub/a.py"]
    assert "inside the work tree" in client.info.notes[0]


def test_non_utf8_file_is_read_with_replacements_and_reported(tmp_path):
    path = make_repo(tmp_path / "r", {"latin1.txt": "café".encode("latin-1")})
    client = open_local(str(path))
    text = client.read_text("latin1.txt")
    assert text.lossy and text.text == "caf\ufffd"
    assert client.read_warnings() == {"latin1.txt": "not UTF-8; read with replacement characters"}


def test_binary_file_is_unreadable_with_a_reason(tmp_path):
    path = make_repo(tmp_path / "r", {"image.yml": b"\x89PNG\r\n\x1a\n\x00\x00\x00"})
    client = open_local(str(path))
    with pytest.raises(UnreadableFile, match="binary"):
        client.read_text("image.yml")


def test_symlink_out_of_the_repository_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n")
    path = init_repo(tmp_path / "r")
    os.symlink(secret, path / "link.yml")
    os.symlink("../secret.txt", path / "relative.yml")
    commit_all(path)
    for client in (open_local(str(path)), open_local(str(path), ref="HEAD")):
        for name in ("link.yml", "relative.yml"):
            with pytest.raises(UnreadableFile, match="outside the repository"):
                client.read_text(name)


def test_symlink_inside_the_repository_is_followed(tmp_path):
    path = make_repo(tmp_path / "r", {"real/config.yml": "a: 1\n"})
    os.symlink("real/config.yml", path / "alias.yml")
    commit_all(path)
    for client in (open_local(str(path)), open_local(str(path), ref="HEAD")):
        assert client.read_text("alias.yml").text == "a: 1\n"


def test_unreadable_files_become_warnings_not_crashes(tmp_path, monkeypatch):
    path = make_repo(tmp_path / "r", {"gone.txt": "x", "locked.txt": "y", "dir.txt": "z"})
    (path / "gone.txt").unlink()
    (path / "dir.txt").unlink()
    (path / "dir.txt").mkdir()
    client = open_local(str(path))
    real_open = open

    def deny(file, *args, **kwargs):  # tests run as root in CI, where chmod 000 does not deny reads
        if str(file).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    for name in ("gone.txt", "locked.txt", "dir.txt"):
        with pytest.raises(UnreadableFile):
            client.read_text(name)
    assert client.read_warnings() == {
        "dir.txt": "a directory in the working tree, not a file",
        "gone.txt": "tracked but missing from the working tree",
        "locked.txt": "permission denied",
    }


def test_contents_are_read_once_per_scan(tmp_path, monkeypatch):
    path = make_repo(tmp_path / "r", {"a.txt": "x"})
    client = open_local(str(path))
    calls = []
    original = client._read_bytes
    monkeypatch.setattr(client, "_read_bytes", lambda p, limit: calls.append(p) or original(p, limit))
    for _ in range(3):
        client.read_text("a.txt")
    assert calls == ["a.txt"]


def test_repository_config_cannot_make_git_execute_programs(tmp_path):
    path = make_repo(tmp_path / "r", {"a": "1"})
    marker = tmp_path / "pwned"
    git(path, "config", "core.fsmonitor", f"touch {marker}; false")
    open_local(str(path))
    assert not marker.exists()


def test_submodules_are_not_listed_as_files(tmp_path):
    sub = make_repo(tmp_path / "sub", {"inner.py": "x"})
    path = make_repo(tmp_path / "r", {"a": "1"})
    subprocess.run(["git", "-C", str(path), "-c", "protocol.file.allow=always", "submodule", "add", "-q",
                    str(sub), "vendored"], check=True, capture_output=True)
    commit_all(path, "add submodule")
    assert ".gitmodules" in open_local(str(path)).files
    assert "vendored" not in open_local(str(path)).files
    assert "vendored" not in open_local(str(path), ref="HEAD").files


def test_paths_are_posix_and_unicode(tmp_path):
    path = make_repo(tmp_path / "r", {"docs/résumé.md": "# CV\n", "dir with space/x.py": "1"})
    assert sorted(open_local(str(path)).files) == ["dir with space/x.py", "docs/résumé.md"]


def test_file_index_glob_semantics():
    from devops_scan.clients.fileindex import FileIndex

    index = FileIndex([".github/workflows/ci.yml", ".github/workflows/sub/x.yml", "a/b/Jenkinsfile", "Jenkinsfile"])
    assert index.glob(".github/workflows/*.yml") == [".github/workflows/ci.yml"]
    assert index.glob("**/Jenkinsfile") == ["Jenkinsfile", "a/b/Jenkinsfile"]
    assert index.has_folder("a/b") and index.has_folder("a") and not index.has_folder("b")
    assert Path(".github/workflows/ci.yml").as_posix() in index


def test_bare_repository_without_a_config_file_is_still_bare(tmp_path):
    # Mirrors and some hosting exports have no `config`; GitPython then takes the parent for a work tree.
    path = make_repo(tmp_path / "r", {"a.py": "x\n"})
    subprocess.run(["git", "clone", "-q", "--bare", str(path), str(tmp_path / "mirror" / "repo")], check=True)
    (tmp_path / "mirror" / "repo" / "config").unlink()
    client = open_local(str(tmp_path / "mirror" / "repo"))
    assert client.info.bare and list(client.files) == ["a.py"]


def test_an_empty_index_under_a_non_empty_head_is_reported(tmp_path):
    path = make_repo(tmp_path / "r", {"a.py": "x\n"})
    git(path, "rm", "-r", "-q", "--cached", ".")
    client = open_local(str(path))
    assert list(client.files) == []
    assert any("checkout may have failed" in note for note in client.info.notes)
