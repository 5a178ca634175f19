"""Turn what the user typed (a path, optionally a ref) into the right client, or a clear error."""

from __future__ import annotations

import os

from devops_scan.clients.base import RepoClient
from devops_scan.clients.git import Git, open_repo
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
    repo = open_repo(path)
    git = Git(repo)
    if repo.bare:
        if git.rev(ref or "HEAD") is None:
            raise BadTargetError(f"bare repository with no commits: {path} (nothing to scan)")
        note = f"bare repository: scanned the tree of {ref or 'HEAD'} without a checkout"
        return GitRefClient(git, ref or "HEAD", path=os.path.realpath(path), notes=(note,))
    root = repo.working_tree_dir
    notes: tuple[str, ...] = ()
    if os.path.realpath(path) != os.path.realpath(root):
        notes = (f"{path} is inside the work tree at {root}; scanned the whole repository",)
    if ref is not None:
        return GitRefClient(git, ref, path=os.path.realpath(root), notes=notes)
    return WorkingTreeClient(git, root, notes=notes)
