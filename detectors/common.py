"""Path knowledge the built-in detectors share."""

from __future__ import annotations

# Third-party code committed into the tree: its CI files and tests are someone else's.
VENDORED = frozenset({"node_modules", "vendor", "third_party", "third-party", "thirdparty", "external",
                      "bower_components", ".venv", "venv", "site-packages", "dist", "target"})
# Not `build/`: Go's standard layout keeps packaging sources there (build/package/Dockerfile).
# Trees of sample data for tests (often whole fake projects with CI files and tests of their own).
TEST_DATA = frozenset({"testdata", "test_data", "test-data", "fixtures", "__fixtures__", "__snapshots__"})


def not_the_projects_own(path: str) -> bool:
    """True for files in vendored or test-data folders: evidence about another project, not this one."""
    return any(part in VENDORED or part in TEST_DATA for part in path.split("/")[:-1])
