"""What a history source yields: one record per tag, one per commit. Plain values, no git objects.

Commits are streamed and never kept (DESIGN.md: no per-commit objects held), so a CommitRecord is
a NamedTuple: cheap to build for 100,000 commits and gone once the walk has folded it in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class TagRecord:
    """One tag from `refs/tags`.

    `commit` is the commit the tag finally names (None when it names a tree or a blob), `date` the
    tagger's date for an annotated tag and the commit's date for a lightweight one (Unix seconds).
    `creator` is the tagger of an annotated tag, the committer of a lightweight tag's commit.
    """

    name: str
    commit: str | None
    object_type: str
    annotated: bool
    signed: bool
    date: int | None
    creator_name: str = ""
    creator_email: str = ""


class CommitRecord(NamedTuple):
    """One commit as `git log` streams it, newest first, every child before its parents."""

    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_time: int
    committer_email: str
    committer_time: int
    message: str
    signed: bool
