"""Real git repositories built in tmp dirs, with pinned authors and dates (pre-commit style)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
PINNED_DATE = "2026-01-15T12:00:00+00:00"
_ENV = {
    "GIT_AUTHOR_NAME": "Ada Tester",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada Tester",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(repo: Path, *args: str, date: str = PINNED_DATE) -> str:
    env = {**os.environ, **_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


def init_repo(path: Path, branch: str = "main") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "--quiet", f"--initial-branch={branch}")
    return path


def write_files(repo: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def commit_all(repo: Path, message: str = "commit", date: str = PINNED_DATE) -> str:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD")


def make_repo(path: Path, files: dict[str, str | bytes] | None = None, message: str = "initial") -> Path:
    """A repository with one commit holding `files`."""
    init_repo(path)
    write_files(path, files or {})
    commit_all(path, message)
    return path


def repo_from_fixture(name: str, path: Path) -> Path:
    """A repository with one commit holding the tree `fixtures/repos/NAME`."""
    source = FIXTURES / "repos" / name
    if not source.is_dir():
        raise FileNotFoundError(f"no fixture tree {source}")
    init_repo(path)
    shutil.copytree(source, path, dirs_exist_ok=True)
    commit_all(path, f"import {name}")
    return path
