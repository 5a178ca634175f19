"""A client over one git ref of a repository: `ls-tree` once, blobs through `cat-file --batch`.

It scans a pull request's base (or a bare mirror) without a second checkout.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Iterable, Mapping

from devops_scan.clients.base import RepoClient, RepoInfo
from devops_scan.clients.git import Git, TreeEntry, parse_listing
from devops_scan.clients.local import history_capabilities
from devops_scan.errors import BadTargetError, UnreadableFile
from devops_scan.model import Capability

if TYPE_CHECKING:
    from devops_scan.history.gitsource import GitHistory

_MAX_SYMLINK_HOPS = 8
_DRAIN_CHUNK = 64 * 1024


class GitRefClient(RepoClient):
    """Files of the tree at `ref`; symlinks resolved inside that tree only."""

    def __init__(self, git: Git, ref: str, path: str | None = None, notes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._git = git
        commit = git.rev(ref)
        if commit is None:
            raise BadTargetError(f"not a commit in this repository: {ref}")
        self._entries = parse_listing(git.run("ls-tree", "-r", "-z", "-l", "--full-tree", commit))
        self._capabilities, self._missing = history_capabilities(git, commit)
        if Capability.HISTORY not in self._capabilities:
            notes += (self._missing[Capability.HISTORY] + "; history-based practices are unknown",)
        self._info = RepoInfo(
            path=path,
            url=None,
            head=commit,
            branch=ref if ref != "HEAD" else git.current_branch(),
            default_branch=git.default_branch(),
            commit_count=git.commit_count(commit),
            shallow=Capability.HISTORY not in self._capabilities,
            bare=git.bare,
            ref=ref,
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
        return self._git.history(self._info.ref, self._info.default_branch, name=self._info.branch)

    def close(self) -> None:
        self._git.close()

    def _read_bytes(self, path: str, limit: int) -> bytes:
        entry = self._resolve(path)
        _sha, _type, size, stream = self._git.runner.stream_object_data(entry.sha)
        data = stream.read(min(size, limit))
        remaining = size - len(data)
        while remaining > 0:  # the persistent cat-file process must be drained before reuse
            remaining -= len(stream.read(min(remaining, _DRAIN_CHUNK)))
        return data

    def _resolve(self, path: str) -> TreeEntry:
        """Follow symlinks within the tree; a target outside the tree is never read."""
        entry = self._entries[path]
        for _ in range(_MAX_SYMLINK_HOPS):
            if not entry.is_symlink:
                return entry
            target = self._git.runner.get_object_data(entry.sha)[3].decode("utf-8", "surrogateescape")
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            if target.startswith("/") or joined == ".." or joined.startswith("../"):
                raise UnreadableFile(path, "symlink to outside the repository, not followed")
            if joined not in self._entries:
                raise UnreadableFile(path, "symlink to a missing file or to a folder")
            path, entry = joined, self._entries[joined]
        raise UnreadableFile(path, "symlink loop")
