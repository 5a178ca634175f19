"""clone_remote on file:// sources built in tmp: one partial clone, then everything offline."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path

import git as gitpython
import pytest

from devops_scan.clients import remote
from devops_scan.clients.base import MAX_FILE_BYTES
from devops_scan.clients.gitref import GitRefClient
from devops_scan.clients.remote import clone_environment, clone_remote
from devops_scan.errors import BadTargetError, UnreadableFile
from devops_scan.model import Capability
from devops_scan.platform.targets import RemoteTarget, parse_target
from tests.testing.repos import commit_all, git, init_repo, write_files

TOKEN = "ghp_T0kenThatMustNeverLeak"
BIG = b"x" * (MAX_FILE_BYTES + 100_000)


def _source(path: Path, allow_filter: bool = True) -> Path:
    """Three commits on pinned dates, a lightweight and an annotated tag, one blob over 1 MiB."""
    init_repo(path)
    write_files(path, {"README.md": "# Hello\n", "src/app.py": "print('hi')\n"})
    commit_all(path, "initial", date="2026-01-05T10:00:00+00:00")
    git(path, "tag", "v0.1.0")
    write_files(path, {".github/workflows/ci.yml": "on: push\n", "assets/big.bin": BIG})
    commit_all(path, "ci and assets", date="2026-01-10T10:00:00+00:00")
    write_files(path, {"CHANGELOG.md": "## 1.0.0\n"})
    commit_all(path, "release", date="2026-01-12T10:00:00+00:00")
    git(path, "tag", "-a", "v1.0.0", "-m", "1.0.0", date="2026-01-12T10:00:00+00:00")
    if allow_filter:
        git(path, "config", "uploadpack.allowFilter", "true")
    return path


def _target(source: Path, platform: str = "github") -> RemoteTarget:
    web_url = f"https://{platform}.com/octo/hello"
    return RemoteTarget(platform, f"{platform}.com", "octo/hello", "https://api.github.com", web_url, source.as_uri())


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return _source(tmp_path / "source")


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    path = tmp_path / "work"
    path.mkdir()
    return path


def test_partial_clone_lists_reads_and_has_history(source, workdir):
    with clone_remote(_target(source), workdir=str(workdir)) as client:
        assert isinstance(client, GitRefClient)
        assert list(client.files) == [".github/workflows/ci.yml", "CHANGELOG.md", "README.md", "assets/big.bin",
                                      "src/app.py"]
        assert client.read_text("README.md").text == "# Hello\n"
        info = client.info
        assert info.head == git(source, "rev-parse", "HEAD")
        assert (info.path, info.url) == ("https://github.com/octo/hello", "https://github.com/octo/hello")
        assert (info.branch, info.default_branch, info.commit_count, info.shallow) == ("main", "main", 3, False)
        assert info.notes == ("partial clone of https://github.com/octo/hello (blobs over 1 MiB left on the server)",)
        assert {Capability.FILES, Capability.HISTORY, Capability.TAGS} <= client.capabilities
        history = client.history()
        assert history is not None
        assert [tag.name for tag in history.tags()] == ["v0.1.0", "v1.0.0"]
        assert len(os.listdir(workdir)) == 1
    assert os.listdir(workdir) == []


def test_mailmap_is_read_from_head_although_nothing_is_checked_out(tmp_path, workdir):
    source = _source(tmp_path / "mapped")
    write_files(source, {".mailmap": "Ada Lovelace <ada@example.com> Ada Tester <ada@example.com>\n"})
    commit_all(source, "mailmap", date="2026-01-13T10:00:00+00:00")
    with clone_remote(_target(source), workdir=str(workdir)) as client:
        history = client.history()
        assert history is not None
        assert history.mailmap(["Ada Tester <ada@example.com>"]) == {
            "Ada Tester <ada@example.com>": "Ada Lovelace <ada@example.com>"}


def test_large_blobs_stay_on_the_server_and_are_never_fetched_later(source, workdir):
    client = clone_remote(_target(source), workdir=str(workdir))
    try:
        shutil.rmtree(source)  # any lazy fetch now would fail loudly instead of silently using the network
        with pytest.raises(UnreadableFile, match="larger than 1 MiB: left on the server"):
            client.read_text("assets/big.bin")
        assert client.read_text("src/app.py").text == "print('hi')\n"
        assert "assets/big.bin" in client.read_warnings()
    finally:
        client.close()


def test_a_server_without_filter_support_gives_a_full_clone_with_a_note(tmp_path, workdir):
    source = _source(tmp_path / "plain", allow_filter=False)
    with clone_remote(_target(source), workdir=str(workdir)) as client:
        note = "full clone of https://github.com/octo/hello: the server does not support partial clone"
        assert client.info.notes == (note,)
        text = client.read_text("assets/big.bin")
        assert text.truncated and len(text.text) == MAX_FILE_BYTES


def test_a_rejected_filter_is_retried_without_it(source, workdir, monkeypatch):
    monkeypatch.setattr(remote, "_FILTER", "no-such-filter:1")
    with clone_remote(_target(source), workdir=str(workdir)) as client:
        note = "full clone of https://github.com/octo/hello: the server refused the partial-clone filter"
        assert client.info.notes == (note,)
        assert client.info.commit_count == 3
    assert os.listdir(workdir) == []


def test_temporary_directory_defaults_to_the_system_one(source, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "system-tmp"))
    (tmp_path / "system-tmp").mkdir()
    client = clone_remote(_target(source))
    assert len(os.listdir(tmp_path / "system-tmp")) == 1
    client.close()
    assert os.listdir(tmp_path / "system-tmp") == []


@pytest.mark.parametrize(("platform", "token", "fragment"), [
    ("github", None, "repository not found or private (set GITHUB_TOKEN)"),
    ("gitlab", None, "repository not found or private (set GITLAB_TOKEN)"),
    ("github", TOKEN, "repository not found, or the token cannot read it (check GITHUB_TOKEN)"),
])
def test_missing_source_is_a_one_line_error_without_the_token(tmp_path, workdir, platform, token, fragment):
    target = _target(tmp_path / "does-not-exist", platform)
    with pytest.raises(BadTargetError) as raised:
        clone_remote(target, token=token, workdir=str(workdir))
    message = str(raised.value)
    assert message == f"could not clone https://{platform}.com/octo/hello: {fragment}"
    assert TOKEN not in message
    assert os.listdir(workdir) == []


def test_an_empty_source_has_nothing_to_scan(tmp_path, workdir):
    source = init_repo(tmp_path / "empty")
    with pytest.raises(BadTargetError, match="has no commits on its default branch: nothing to scan"):
        clone_remote(_target(source), workdir=str(workdir))
    assert os.listdir(workdir) == []


def test_an_unusable_workdir_is_a_bad_target(source, tmp_path):
    with pytest.raises(BadTargetError, match="cannot create a temporary directory in"):
        clone_remote(_target(source), workdir=str(tmp_path / "missing"))


def test_the_token_reaches_neither_argv_nor_any_file(source, workdir, monkeypatch):
    commands: list[list[str]] = []
    execute = gitpython.Git.execute

    def spy(self, command, *args, **kwargs):
        commands.append([str(part) for part in command])
        return execute(self, command, *args, **kwargs)

    monkeypatch.setattr(gitpython.Git, "execute", spy)
    client = clone_remote(_target(source), token=TOKEN, workdir=str(workdir))
    try:
        secrets = [TOKEN.encode(), base64.b64encode(f"x-access-token:{TOKEN}".encode())]
        for folder, _dirs, files in os.walk(workdir):
            for name in files:
                data = Path(folder, name).read_bytes()
                assert not any(secret in data for secret in secrets), os.path.join(folder, name)
        assert TOKEN not in Path(workdir, os.listdir(workdir)[0], "repo", ".git", "config").read_text()
    finally:
        client.close()
    clone = next(command for command in commands if "clone" in command)
    assert "--" in clone and clone[-2] == source.as_uri()
    assert not any(TOKEN in part or "Authorization" in part for command in commands for part in command)


def test_clone_environment_carries_the_token_as_a_header_scoped_to_the_host(monkeypatch):
    monkeypatch.delenv("GIT_CONFIG_COUNT", raising=False)
    env = clone_environment(parse_target("github:octo/hello"), TOKEN)
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_CONFIG_COUNT"] == "1"
    assert env["GIT_CONFIG_KEY_0"] == "http.https://github.com/.extraHeader"
    scheme, encoded = env["GIT_CONFIG_VALUE_0"].removeprefix("Authorization: ").split()
    assert (scheme, base64.b64decode(encoded).decode()) == ("Basic", f"x-access-token:{TOKEN}")
    assert TOKEN not in "".join(env.values())
    # git itself resolves the header for the clone URL from these variables alone
    resolved = subprocess.run(["git", "config", "--get-urlmatch", "http.extraHeader", "https://github.com/octo/hello.git"],
                              env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout
    assert resolved.strip() == env["GIT_CONFIG_VALUE_0"]


def test_clone_environment_for_gitlab_keeps_existing_entries(monkeypatch):
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "core.autocrlf")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "false")
    env = clone_environment(parse_target("gitlab:group/sub/project", gitlab_url="https://gitlab.example.com"), TOKEN)
    assert env["GIT_CONFIG_COUNT"] == "2"
    assert env["GIT_CONFIG_KEY_1"] == "http.https://gitlab.example.com/.extraHeader"
    assert base64.b64decode(env["GIT_CONFIG_VALUE_1"].split()[-1]).decode() == f"oauth2:{TOKEN}"
    assert "GIT_CONFIG_KEY_0" not in env


def test_clone_environment_without_a_token_or_over_ssh_sends_no_header(source):
    assert "GIT_CONFIG_COUNT" not in clone_environment(parse_target("github:octo/hello"), None)
    assert "GIT_CONFIG_COUNT" not in clone_environment(_target(source), TOKEN)


def test_failure_messages_mask_anything_token_like():
    target = parse_target("github:octo/hello")
    encoded = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    message = remote._failure(target, TOKEN, f"fatal: weird {TOKEN} and {encoded}\nsecond line")
    assert message == "could not clone https://github.com/octo/hello: fatal: weird *** and ***"
    assert remote._failure(target, TOKEN, "remote: HTTP Basic: Access denied\nfatal: Authentication failed") == \
        "could not clone https://github.com/octo/hello: the token was refused (check GITHUB_TOKEN)"
