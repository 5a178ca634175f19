"""The project every Action test scans: a real repository whose pull request adds CI and code owners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.action.github_fake import BASE_FILES, DEPLOY
from tests.testing.repos import commit_all, git, make_repo, write_files


@pytest.fixture
def project(tmp_path: Path) -> dict[str, Any]:
    """A clone whose pull request adds a workflow with a deploy job and CODEOWNERS: Build & test
    goes from Base to Beginner."""
    path = make_repo(tmp_path / "work" / "app", BASE_FILES)
    base = git(path, "rev-parse", "HEAD")
    write_files(path, {".github/workflows/ci.yml": DEPLOY, "CODEOWNERS": "* @octo-org/devs\n"})
    head = commit_all(path, "Add CI with a deploy job, and code owners")
    return {"path": path, "base": base, "head": head, "tmp": tmp_path}
