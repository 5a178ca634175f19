"""The situations a CI pipeline can start in, and the Triggers that those where a job runs add up to.

GitHub `if:` expressions and GitLab `rules:`/`only:` are conditions over the event and the ref. Rather
than solve them, a parser evaluates a job's condition in each situation that can occur — a push to the
default branch, to a branch the file names, to a branch it never names, a tag, a pull request... — and
keeps those where it holds. A condition that depends on something the file cannot tell (a variable set
in the project's settings, the commit message) counts as possibly true: a job that may run is never
reported as a job that cannot.

Refs the evaluators cannot spell out are `Opaque`: "a branch the file never names" is assumed to differ
from every branch name the file writes (those are tried separately), which is what lets
`if: github.ref == 'refs/heads/main'` narrow a job to `main`. The default branch compares as its real
name when the scan knows it (`client.info.default_branch`), and is otherwise assumed distinct too; in
Triggers it is the DEFAULT_BRANCH pattern unless the file names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from devops_scan.model import Location
# DEFAULT_BRANCH names "the repository's default branch, whatever it is called" in branch lists
# (GitLab's `$CI_DEFAULT_BRANCH`, GitHub's `github.event.repository.default_branch`).
from devops_scan_detectors.cimodel import DEFAULT_BRANCH, PUSH, Triggers

# A branch the file never names (a feature branch).
UNNAMED_BRANCH = "\x00unnamed"


@dataclass(frozen=True)
class Opaque:
    """A string only partly known: its known `prefix` (`refs/heads/`) and which unknown it stands for.

    `ident` "default", "unnamed" and "pr" (`N/merge`) are assumed distinct from every name the file
    writes; a "tag" is assumed to differ from every name compared with `==` (`only: [main]` is about
    branches, not a tag called main) but may match any pattern; other idents (a merge request's target
    branch) may equal anything that fits their prefix.
    """

    prefix: str
    ident: str

    @property
    def distinct(self) -> bool:
        """Differs from every pattern (prefix, regex) the file does not spell out to match it."""
        return self.ident in ("default", "unnamed", "pr")

    @property
    def distinct_name(self) -> bool:
        """Differs from every name the file compares it with."""
        return self.distinct or self.ident == "tag"


class _Unknown:
    """A value the file cannot tell (a variable set outside it); compares as 'maybe'."""

    def __repr__(self) -> str:
        return "UNKNOWN"


# Three-valued results are True, False, or None for "cannot tell".
UNKNOWN = _Unknown()


def branch_value(branch: str, default: str | None = None) -> str | Opaque:
    """The name of a branch situation as expressions see it; `default` is the repository's default
    branch when the scan knows it (then "the default branch" compares as that name)."""
    if branch == DEFAULT_BRANCH:
        return default if default else Opaque("", "default")
    if branch == UNNAMED_BRANCH:
        return Opaque("", "unnamed")
    return branch


def with_prefix(prefix: str, value: object) -> object:
    """`refs/heads/` + a branch value."""
    if isinstance(value, str):
        return prefix + value
    if isinstance(value, Opaque):
        return Opaque(prefix + value.prefix, value.ident)
    return value


def equals(left: object, right: object, ignore_case: bool = False) -> bool | None:
    if left is UNKNOWN or right is UNKNOWN:
        return None
    if isinstance(left, Opaque) and isinstance(right, Opaque):
        if left.ident == right.ident:
            return left.prefix == right.prefix
        return False if left.distinct_name and right.distinct_name else None
    if isinstance(right, Opaque):
        left, right = right, left
    if isinstance(left, Opaque):
        if not isinstance(right, str):
            return False
        text, prefix = (right.lower(), left.prefix.lower()) if ignore_case else (right, left.prefix)
        if not text.startswith(prefix):
            return False
        return False if left.distinct_name else None
    if ignore_case and isinstance(left, str) and isinstance(right, str):
        return left.lower() == right.lower()
    return left == right


def starts_with(value: object, prefix: object, ignore_case: bool = False) -> bool | None:
    if not isinstance(prefix, str) or value is UNKNOWN:
        return None
    if value is None:
        return False
    if isinstance(value, Opaque):
        known, wanted = (value.prefix.lower(), prefix.lower()) if ignore_case else (value.prefix, prefix)
        if known.startswith(wanted):
            return True
        if not wanted.startswith(known):
            return False
        return False if value.distinct else None
    text = str(value)
    return text.lower().startswith(prefix.lower()) if ignore_case else text.startswith(prefix)


def regex_matches(value: object, pattern: str, flags: int = 0) -> bool | None:
    try:
        regex = re.compile(pattern, flags)
    except (re.error, RecursionError, OverflowError):
        return None
    if value is UNKNOWN:
        return None
    if value is None:
        value = ""  # GitLab matches an unset variable as the empty string
    if isinstance(value, Opaque):
        if regex.search(value.prefix + "\x00") and regex.search(value.prefix + "x-y/z.1"):
            return True  # a pattern that matches whatever follows the known prefix
        return False if value.distinct else None
    return regex.search(str(value)) is not None


@dataclass(frozen=True)
class Situation:
    """One way a pipeline can start: the normalised event, the system's own word for it, the branch."""

    event: str
    source: str
    # For branch pipelines: a name the file writes, DEFAULT_BRANCH or UNNAMED_BRANCH; None otherwise.
    branch: str | None = None


def push_situations(names: Iterable[str], default: str | None = None, source: str = "push") -> list[Situation]:
    """A push to the default branch, to each named branch, and to a branch the file never names. When
    the file names the default branch (`main`), that name stands for it."""
    named = sorted(set(names) - {DEFAULT_BRANCH})
    branches = ([] if default in named else [DEFAULT_BRANCH]) + named + [UNNAMED_BRANCH]
    return [Situation(PUSH, source, branch) for branch in branches]


def triggers_where(runs: Sequence[Situation], tried: Sequence[Situation], location: Location | None) -> Triggers:
    """Triggers covering exactly the situations in `runs`, out of the `tried` ones."""
    events = {situation.event for situation in runs}
    pushed = {s.branch for s in runs if s.event == PUSH and s.branch is not None}
    tried_branches = {s.branch for s in tried if s.event == PUSH and s.branch is not None}
    if not pushed:
        return Triggers(frozenset(events), None, (), location)
    if UNNAMED_BRANCH in pushed:
        # Runs on branches the file never names: every branch except those tried without success.
        ignored = tuple(sorted(b for b in tried_branches - pushed if b != UNNAMED_BRANCH))
        return Triggers(frozenset(events), None, ignored, location)
    return Triggers(frozenset(events), tuple(sorted(pushed)), (), location)
