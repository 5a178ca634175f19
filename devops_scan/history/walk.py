"""One pass over the streamed commits: every history fact in a single walk, nothing kept per commit.

Commits arrive children first (`git log --date-order`). Each commit hands three things down to its
parents through `pending`, which only holds the walk's frontier:
- whether it is reachable from the default branch's tip;
- the earliest release containing it (the smallest release index; releases are sorted by date);
- which default-branch merge brought it in (the oldest first-parent commit it is reachable from).
The default branch's first-parent chain is followed as it streams past, so "changes" (what landed on
the branch, one per merge or direct commit) and merged branches fall out of the same pass.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from devops_scan.history.messages import (GITHUB_WEB_COMMITTER, is_conventional, is_revert, issue_reference,
                                          reverted_commit, review_marker)
from devops_scan.history.records import CommitRecord

WEEK = 7 * 86400
SAMPLE = 5  # shas kept per kind of evidence
SQUASHED_AT_MERGE = 120  # a branch whose first commit is this close to its merge was squashed then
_NONE = 1 << 62  # "no release contains it": larger than any release index


@dataclass(frozen=True)
class WalkPlan:
    """What the walk needs to know before the first commit arrives."""

    tip: str                      # the default branch's tip commit
    as_of: int                    # end of every window (Unix seconds); later commits only pass state on
    since: int                    # start of the history window
    recent_since: int             # start of the "recent changes" window (code review, issue links, branches)
    release_of: dict[str, int]    # commit sha -> index of the earliest release tagged on it
    tag_commits: frozenset[str]   # every tagged commit in the window: walk starting points too


@dataclass
class WalkTotals:
    """Counts and samples from one walk. Lists hold at most SAMPLE shas; arrays hold durations."""

    commits: int = 0                                   # on the default branch, in the window
    merges: int = 0
    weekly: Counter = field(default_factory=Counter)   # weeks before as_of -> commits
    authors: Counter = field(default_factory=Counter)  # (name, email) -> non-merge commits
    conventional: int = 0
    signed: int = 0
    reverts: list[str] = field(default_factory=list)
    revert_count: int = 0
    changes: int = 0                                   # first-parent commits in the recent window
    reviewed: int = 0
    web_committed: int = 0                             # unmarked, committed by GitHub's web UI
    issue_linked: int = 0
    reviewed_sample: list[tuple[str, str]] = field(default_factory=list)
    direct_sample: list[tuple[str, str]] = field(default_factory=list)
    linked_sample: list[tuple[str, str]] = field(default_factory=list)
    branch_ages: array = field(default_factory=lambda: array("q"))  # seconds, merges in the recent window
    censored_branches: int = 0                         # branches older than the window: long, length unknown
    squashed_branches: int = 0                         # squashed at merge time: no age to measure
    long_branches: list[tuple[str, int]] = field(default_factory=list)
    release_leads: array = field(default_factory=lambda: array("q"))    # commit -> first release (seconds)
    on_default: dict[str, bool] = field(default_factory=dict)           # tagged commit -> reachable
    failed_by_revert: list[tuple[int, int, str]] = field(default_factory=list)  # (failed, fixing release, sha)
    first_commit_time: int | None = None
    # Commits git streamed before a child of theirs (committer clocks out of order): what a child
    # would have handed down to them (reachability, release, merge) is lost; reported, not hidden.
    out_of_order: int = 0
    # Parents handed state but never streamed: older than the window, or streamed too early (skew).
    leftovers: tuple[str, ...] = ()


def walk(records: Iterable[CommitRecord], plan: WalkPlan, release_times: list[int]) -> WalkTotals:
    """Fold every record into WalkTotals (see the module docstring for what flows down the graph)."""
    totals = WalkTotals()
    pending: dict[str, list] = {}
    next_main: str | None = plan.tip
    main_index = -1
    merge_at: dict[int, tuple[int, str]] = {}  # recent first-parent merges: index -> (time, sha)
    branch_start: dict[int, int] = {}          # merge index -> earliest author time of its branch
    unmarked: dict[int, tuple[str, str, bool]] = {}  # recent merges without a marker: (sha, subject, web)
    syncs: set[int] = set()                    # merges bringing in other reviewed merges (a branch sync)
    wanted_reverts: dict[str, list[tuple[str, int]]] = {}  # short sha -> [(reverted sha, revert's release)]
    as_of, since, recent = plan.as_of, plan.since, plan.recent_since
    release_of, tag_commits, tip = plan.release_of, plan.tag_commits, plan.tip
    weekly, authors = totals.weekly, totals.authors
    for record in records:
        # One unpacking instead of nine attribute reads: this loop runs once per commit.
        sha, parents, _name, _email, authored, _committer, time, message, _signed = record
        state = pending.pop(sha, None)
        if state is None:
            state = (sha == tip, _NONE, -1)
            if sha != tip and sha not in tag_commits:
                totals.out_of_order += 1
        reachable, label, owner = state
        reachable = reachable or sha == tip  # a tag on a descendant of the tip reached it first
        tagged = release_of.get(sha)
        if tagged is not None and tagged < label:
            label = tagged
        if sha in tag_commits:
            totals.on_default[sha] = reachable
        mainline = sha == next_main
        if mainline:
            main_index += 1
            next_main = parents[0] if parents else None
            owner = -1
        merge = len(parents) > 1
        if reachable and since <= time <= as_of:
            # Counted inline: a call per commit costs a tenth of the whole walk.
            totals.commits += 1
            weekly[(as_of - time) // WEEK] += 1
            totals.first_commit_time = time
            if record.signed:
                totals.signed += 1
            if merge:
                totals.merges += 1
            else:
                authors[(record.author_name, record.author_email)] += 1
                if ":" in message[:64] and is_conventional(message):
                    totals.conventional += 1
                if is_revert(message):
                    totals.revert_count += 1
                    if len(totals.reverts) < SAMPLE:
                        totals.reverts.append(sha)
            if mainline and time >= recent:
                if not _change(totals, record, merge):
                    unmarked[main_index] = (sha, message, record.committer_email == GITHUB_WEB_COMMITTER)
                if merge:
                    merge_at[main_index] = (time, sha)
        if owner >= 0 and owner in merge_at:
            if authored < branch_start.get(owner, _NONE):
                branch_start[owner] = authored
            if owner not in syncs and merge and review_marker(message):
                syncs.add(owner)
        if label != _NONE and not merge and since <= time <= as_of:
            totals.release_leads.append(max(0, release_times[label] - authored))
        if wanted_reverts or "This reverts commit" in message:
            _revert_links(totals, record, label, wanted_reverts)
        for position, parent in enumerate(parents):
            parent_owner = owner if not mainline else (-1 if position == 0 else main_index)
            known = pending.get(parent)
            if known is None:
                pending[parent] = [reachable, label, parent_owner]
                continue
            known[0] = known[0] or reachable
            if label < known[1]:
                known[1] = label
            if parent_owner > known[2]:
                known[2] = parent_owner
    _settle_unmarked(totals, unmarked, syncs)
    _branches(totals, {i: m for i, m in merge_at.items() if i not in syncs}, branch_start, pending, since)
    totals.leftovers = tuple(pending)
    return totals


def _change(totals: WalkTotals, record: CommitRecord, merge: bool) -> bool:
    """One first-parent commit of the default branch in the recent window: how did it land?

    False for a merge without a marker: whether it syncs reviewed work is known only once its
    branch has streamed past (`_settle_unmarked`)."""
    totals.changes += 1
    marker = review_marker(record.message)
    if issue_reference(record.message, marker):
        totals.issue_linked += 1
        _sample(totals.linked_sample, record.sha, record.message)
    if marker:
        totals.reviewed += 1
        _sample(totals.reviewed_sample, record.sha, record.message)
        return True
    if merge:
        return False
    if record.committer_email == GITHUB_WEB_COMMITTER:
        totals.web_committed += 1
    _sample(totals.direct_sample, record.sha, record.message)
    return True


def _settle_unmarked(totals: WalkTotals, unmarked: dict[int, tuple[str, str, bool]], syncs: set[int]) -> None:
    """A merge like "Merge branch 'stable'" that brings in merged pull requests lands reviewed work;
    a merge of an unreviewed branch is a direct change."""
    for index, (sha, message, web) in sorted(unmarked.items()):
        if index in syncs:
            totals.reviewed += 1
            _sample(totals.reviewed_sample, sha, message)
        else:
            totals.web_committed += web
            _sample(totals.direct_sample, sha, message)


def _revert_links(totals: WalkTotals, record: CommitRecord, label: int,
                  wanted: dict[str, list[tuple[str, int]]]) -> None:
    """A revert shipped in a later release than the commit it reverts: that earlier release failed."""
    reverted = reverted_commit(record.message) if "This reverts commit" in record.message else None
    if reverted and label != _NONE:
        wanted.setdefault(reverted[:7], []).append((reverted, label))
    for full, fixed_in in wanted.pop(record.sha[:7], ()):
        if record.sha.startswith(full) and label != _NONE and fixed_in > label:
            totals.failed_by_revert.append((label, fixed_in, record.sha))


def _branches(totals: WalkTotals, merge_at: dict[int, tuple[int, str]], branch_start: dict[int, int],
              pending: dict[str, list], since: int) -> None:
    """Age of each merged branch: from its first commit to the merge. A branch whose commits go back
    past the window start is counted as long (censored) instead of guessing its age."""
    censored = {state[2] for state in pending.values() if state[2] in merge_at}
    for index, (merged, sha) in sorted(merge_at.items()):
        if index in censored:
            totals.censored_branches += 1
            age = merged - since
        elif index in branch_start:
            if merged - branch_start[index] < SQUASHED_AT_MERGE:
                totals.squashed_branches += 1
                continue  # written at merge time (GitLab's squash-and-merge): the branch's age is gone
            age = merged - branch_start[index]
        else:
            continue  # the second parent was already on the branch: nothing was merged in
        totals.branch_ages.append(age)
        if age > WEEK and len(totals.long_branches) < SAMPLE:
            totals.long_branches.append((sha, age))


def _sample(into: list[tuple[str, str]], sha: str, message: str) -> None:
    if len(into) < SAMPLE:
        into.append((sha, message.split("\n", 1)[0][:80]))
