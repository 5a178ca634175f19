"""A client over a git working tree: tracked files as they are on disk, plus the repository's git."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Iterable, Mapping

from devops_scan.clients.base import RepoClient, RepoInfo
from devops_scan.clients.git import Git, parse_listing
from devops_scan.errors import UnreadableFile
from devops_scan.model import Capability

if TYPE_CHECKING:
    from devops_scan.history.gitsource import GitHistory

PLATFORM_REASON = (
    "hosting-platform settings (branch protection, reviews, CI runs) are not in the clone, and this scan "
    "did not read the platform (set GITHUB_TOKEN or GITLAB_TOKEN, or pass --platform github|gitlab)"
)


def history_capabilities(git: Git, head: str | None) -> tuple[frozenset[Capability], dict[Capability, str]]:
    """FILES always; HISTORY and TAGS only when there is a full history to read."""
    capabilities = {Capability.FILES}
    missing = {
        Capability.PLATFORM_SETTINGS: PLATFORM_REASON,
        Capability.CI_RUNS: PLATFORM_REASON,
        Capability.REVIEWS: PLATFORM_REASON,
    }
    if head is None:
        missing[Capability.HISTORY] = "the repository has no commits yet"
        missing[Capability.TAGS] = "the repository has no commits yet"
    elif git.is_shallow():
        reason = "shallow clone: history is truncated (run `git fetch --unshallow`, or use fetch-depth: 0 in CI)"
        missing[Capability.HISTORY] = reason
        missing[Capability.TAGS] = reason
    else:
        capabilities |= {Capability.HISTORY, Capability.TAGS}
    return frozenset(capabilities), missing


class WorkingTreeClient(RepoClient):
    """Tracked files from ONE `git ls-files`, read from the working tree (uncommitted edits included)."""

    def __init__(self, git: Git, root: str, notes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._git = git
        self._root = os.path.realpath(root)
        self._entries = parse_listing(git.run("ls-files", "-z", "--stage"))
        head = git.rev("HEAD")
        self._capabilities, self._missing = history_capabilities(git, head)
        if head is None:
            notes += ("the repository has no commits yet: scanned the files staged in the index",)
        elif not self._entries and git.text("ls-tree", "--name-only", "HEAD", check=False):
            # An empty index under a non-empty HEAD is a checkout that failed (or `git rm -r --cached .`).
            notes += ("the index lists no files although HEAD has some: the checkout may have failed "
                      "(see `git status`); scan HEAD with `--ref HEAD` to read the committed tree",)
        elif Capability.HISTORY not in self._capabilities:
            notes += (self._missing[Capability.HISTORY] + "; history-based practices are unknown",)
        self._info = RepoInfo(
            path=self._root,
            url=None,
            head=head,
            branch=git.current_branch(),
            default_branch=git.default_branch(),
            commit_count=git.commit_count("HEAD") if head else 0,
            shallow=head is not None and Capability.HISTORY not in self._capabilities,
            notes=notes,
        )

    @property
    def info(self) -> RepoInfo:
        return self._info

    def _tracked_paths(self) -> Iterable[str]:
        return self._entries

    @property
    def capabilities(self) -> frozenset[Capability]:
        return self._capabilities

    def missing_capability_reasons(self) -> Mapping[Capability, str]:
        return self._missing

    def history(self) -> "GitHistory | None":
        if Capability.HISTORY not in self._capabilities:
            return None
        return self._git.history(None, self._info.default_branch)

    def close(self) -> None:
        self._git.close()

    def _read_bytes(self, path: str, limit: int) -> bytes:
        full = os.path.join(self._root, *path.split("/"))
        real = os.path.realpath(full)
        if os.path.commonpath([self._root, real]) != self._root:
            raise UnreadableFile(path, "symlink to outside the repository, not followed")
        try:
            with open(real, "rb") as handle:
                return handle.read(limit)
        except FileNotFoundError:
            reason = "dangling symlink" if os.path.islink(full) else "tracked but missing from the working tree"
            raise UnreadableFile(path, reason) from None
        except IsADirectoryError:
            raise UnreadableFile(path, "a directory in the working tree, not a file") from None
        except PermissionError:
            raise UnreadableFile(path, "permission denied") from None
        except OSError as error:
            raise UnreadableFile(path, error.strerror or str(error)) from None
