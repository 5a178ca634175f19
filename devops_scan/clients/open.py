"""Turn what the user typed (a path, optionally a ref) into the right client, or a clear error."""

from __future__ import annotations

import os

from devops_scan.clients.base import RepoClient
from devops_scan.clients.git import open_git
from devops_scan.clients.gitref import GitRefClient
from devops_scan.clients.local import WorkingTreeClient
from devops_scan.errors import BadTargetError


def open_local(path: str, ref: str | None = None) -> RepoClient:
    """A client for the repository at `path`: its working tree, or the tree of `ref` if given.

    A bare repository has no working tree, so its HEAD is scanned through the git-ref client.
    """
    if not os.path.exists(path):
        raise BadTargetError(f"no such file or directory: {path}")
    if not os.path.isdir(path):
        raise BadTargetError(f"not a directory: {path} (give the folder of a git clone)")
    git = open_git(path)
    if git.bare:
        if git.rev(ref or "HEAD") is None:
            git.close()
            raise BadTargetError(f"bare repository with no commits: {path} (nothing to scan)")
        note = f"bare repository: scanned the tree of {ref or 'HEAD'} without a checkout"
        return GitRefClient(git, ref or "HEAD", path=git.root, notes=(note,))
    notes: tuple[str, ...] = ()
    if os.path.realpath(path) != os.path.realpath(git.root):
        notes = (f"{path} is inside the work tree at {git.root}; scanned the whole repository",)
    if ref is not None:
        return GitRefClient(git, ref, path=os.path.realpath(git.root), notes=notes)
    return WorkingTreeClient(git, git.root, notes=notes)
