"""Path knowledge the built-in detectors share."""

from __future__ import annotations

import re

from devops_scan.clients.base import RepoClient
from devops_scan.errors import UnreadableFile

# Third-party code committed into the tree: its CI files and tests are someone else's.
VENDORED = frozenset({"node_modules", "vendor", "third_party", "third-party", "thirdparty", "external",
                      "bower_components", ".venv", "venv", "site-packages", "dist", "target"})
# Not `build/`: Go's standard layout keeps packaging sources there (build/package/Dockerfile).
# Trees of sample data for tests (often whole fake projects with CI files and tests of their own).
TEST_DATA = frozenset({"testdata", "test_data", "test-data", "fixtures", "__fixtures__", "__snapshots__"})


def not_the_projects_own(path: str) -> bool:
    """True for files in vendored or test-data folders: evidence about another project, not this one."""
    return any(part in VENDORED or part in TEST_DATA for part in path.split("/")[:-1])


def text_or_none(client: RepoClient, path: str) -> str | None:
    """A tracked file's text, or None when it is not tracked or cannot be read (the client reports why)."""
    if path not in client.files:
        return None
    try:
        return client.read_text(path).text
    except UnreadableFile:
        return None


def line_matching(text: str, pattern: str | re.Pattern[str], start: int = 0) -> int | None:
    """1-based line of the first match of `pattern` (multi-line mode) at or after offset `start`, or None."""
    regex = re.compile(pattern, re.MULTILINE) if isinstance(pattern, str) else pattern
    match = regex.search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None


def first_line_matching(client: RepoClient, path: str, pattern: str | re.Pattern[str]) -> int | None:
    """1-based line of the first match of `pattern` in `path`; None if none matches or it cannot be read."""
    text = text_or_none(client, path)
    return None if text is None else line_matching(text, pattern)
