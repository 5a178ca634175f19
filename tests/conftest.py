from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

import pytest

from devops_scan.scan import scan_path
from devops_scan.scoring.loader import load_model
from tests.testing.repos import make_repo, repo_from_fixture

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def default_model():
    return load_model()


@pytest.fixture
def repo(tmp_path: Path) -> Callable[..., Path]:
    """Build a one-commit repository from a dict of files: repo({"a.py": "..."})."""

    def build(files: dict[str, str | bytes] | None = None, name: str = "repo") -> Path:
        return make_repo(tmp_path / name, files)

    return build


@pytest.fixture
def fixture_repo(tmp_path: Path) -> Callable[[str], Path]:
    """Build a one-commit repository from fixtures/repos/NAME."""

    def build(name: str) -> Path:
        return repo_from_fixture(name, tmp_path / name)

    return build


@pytest.fixture
def scan(default_model) -> Callable[..., dict[str, Any]]:
    """Scan a path with the default model at a pinned date; returns the report dict."""

    def run(path: Path, **kwargs: Any) -> dict[str, Any]:
        return scan_path(str(path), default_model, as_of=AS_OF, **kwargs)

    return run
