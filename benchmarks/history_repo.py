"""The synthetic history `history_vs_git.py` measures: built with `git fast-import`, seed 42.

Merged pull requests, squash and direct commits, reverts of real commits, a dependency bot, release
tags of two families (some by a bot), pre-releases, moving tags and a release branch: what the
history analysis reads, at any size, always the same for the same parameters.
"""

from __future__ import annotations

import itertools
import random
import subprocess
import time
from collections import deque
from pathlib import Path

from scan_vs_git import AUTHORS, SAFE, cached_repo, content, mark_built, synthetic_paths

GENERATOR = 1  # bump when the generated repository changes, so kept repositories are rebuilt
START = 1672531200      # 2023-01-01 UTC: the first commit
AS_OF = 1767225600      # 2026-01-01 UTC: the analysis' as_of; the last change lands late on 2025-12-31
WINDOW = 365 * 86400    # devops_scan.history.analysis.WINDOW_DAYS
LAST = AS_OF - 3600     # the last change's time before jitter (at most 30 min)
HUMANS = (*AUTHORS, "Kofi Mensah <kofi@example.org>", "Mei Chen <mei.chen@example.org>")
HUMAN_WEIGHTS = (30, 25, 15, 12, 10, 8)
BOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
RELEASE_BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
WEB = "GitHub <noreply@github.com>"  # committer of squash merges made in GitHub's web UI
NON_RELEASE = ("latest", "2.3.x", "v1.x", "stable")  # moving names and branch markers: never releases
TYPES = ("feat", "fix", "fix", "docs", "refactor", "test", "chore", "perf", "ci", "build")
SCOPES = ("", "", "(api)", "(cli)", "(db)", "(ui)")
VERBS = ("add", "handle", "update", "remove", "simplify", "document", "speed up", "rename")
NOUNS = ("retry logic", "the parser", "pagination", "config loading", "error messages", "the cache",
         "logging", "timeouts", "the login form", "metrics")
PACKAGES = ("lodash", "requests", "golang.org/x/net", "jackson-databind", "urllib3", "express", "pyyaml")


def subject(rng: random.Random) -> str:
    """A change's title: ~40% Conventional Commits, ~15% led by a tracker key (ABC-42), the rest plain."""
    what = f"{rng.choice(VERBS)} {rng.choice(NOUNS)}"
    roll = rng.random()
    if roll < 0.4:
        return f"{rng.choice(TYPES)}{rng.choice(SCOPES)}: {what}"
    if roll < 0.55:
        return f"ABC-{rng.randrange(1, 5000)} {what.capitalize()}"
    return what.capitalize()


def message(rng: random.Random, title: str) -> str:
    """`title`, and for one in five a body closing an issue (`Fixes #123`)."""
    return f"{title}\n\nFixes #{rng.randrange(1, 9000)}\n" if rng.random() < 0.2 else f"{title}\n"


def bump(rng: random.Random) -> str:
    """A dependabot title."""
    minor, patch = rng.randrange(1, 30), rng.randrange(0, 20)
    return f"build(deps): bump {rng.choice(PACKAGES)} from 1.{minor}.{patch} to 1.{minor}.{patch + 1}"


def plan_changes(rng: random.Random, commits: int) -> list[tuple[str, int]]:
    """(kind, branch commits) of every change after the initial import, adding up to `commits - 1` commits.

    ~62% pull requests merged with a merge commit (1-4 branch commits + the merge), ~20% squash merges,
    ~17% direct pushes, ~1% reverts pushed directly; the last change is trimmed to fit exactly.
    """
    kinds: list[tuple[str, int]] = []
    left = commits - 1
    while left > 0:
        roll = rng.random()
        if roll < 0.62 and left >= 2:
            size = min(rng.randint(1, 4), left - 1)
            kinds.append(("pr", size))
            left -= size + 1
            continue
        kinds.append(("squash" if roll < 0.82 else "direct" if roll < 0.99 else "revert", 0))
        left -= 1
    return kinds


class Stream:
    """Writes commits to a running `git fast-import`, which answers `get-mark` with a commit's sha."""

    def __init__(self, importer: subprocess.Popen, paths: list[str], rng: random.Random) -> None:
        self.out, self.answers = importer.stdin, importer.stdout
        self.paths, self.rng = paths, rng
        self.revs = dict.fromkeys(paths, 0)
        self.mark = 0
        self.branch_commits = 0  # on release branches, outside `main`

    def commit(self, ref: str, author: str, authored: int, committer: str, committed: int, text: str,
               changed: list[str], parents: tuple[str, ...] = ()) -> int:
        """One commit on `ref` (after `parents`: `from :1`, `merge :2`); returns its mark."""
        self.mark += 1
        data = text.encode()
        self.out.write(f"commit {ref}\nmark :{self.mark}\nauthor {author} {authored} +0000\n"
                       f"committer {committer} {committed} +0000\ndata {len(data)}\n".encode() + data
                       + b"".join(f"{parent}\n".encode() for parent in parents))
        for path in changed:
            blob = content(path, self.revs[path])
            self.out.write(f"M 100644 inline {path}\ndata {len(blob)}\n".encode() + blob + b"\n")
        self.out.write(b"\n")
        return self.mark

    def edit(self) -> list[str]:
        """One or two files, each one revision further."""
        changed = self.rng.sample(self.paths, self.rng.choice((1, 1, 2)))
        for path in changed:
            self.revs[path] += 1
        return changed

    def sha(self, mark: int) -> str:
        """The sha fast-import gave `mark` (a round trip: everything written so far is imported first)."""
        self.out.write(f"get-mark :{mark}\n".encode())
        self.out.flush()
        return self.answers.readline().decode().strip()


def write_history(stream: Stream, commits: int) -> tuple[list[int], list[int]]:
    """Every commit of `main`, oldest first; returns the mark and committer time of each first-parent commit."""
    rng = stream.rng
    kinds = plan_changes(rng, commits)
    gap = (LAST - START) // max(1, len(kinds))

    def human() -> str:
        return rng.choices(HUMANS, HUMAN_WEIGHTS)[0]
    marks = [stream.commit("refs/heads/main", HUMANS[0], START, HUMANS[0], START, "Initial import\n", stream.paths)]
    times = [START]
    revertable: deque[tuple[int, str]] = deque(maxlen=50)  # recent non-merge commits of main (mark, subject)
    number = 0  # pull request numbers
    for index, (kind, size) in enumerate(kinds, start=1):
        when = START + index * gap + rng.randrange(max(1, min(1800, gap // 2)))
        if kind == "revert" and not revertable:
            kind = "direct"
        if kind == "pr":
            number += 1
            # Forked from main a little while ago (often ~20 changes back, sometimes far): branches overlap.
            fork = index - 1 - min(index - 1, int(rng.expovariate(1 / 20)))
            stamps = sorted(rng.randrange(times[fork] + 1, max(times[fork] + 2, when)) for _ in range(size))
            by_bot = size == 1 and rng.random() < 0.1
            branch = f"dependabot/npm_and_yarn/pkg-{number}" if by_bot else f"branch-{number}"
            tip, touched = None, []
            for stamp in stamps:
                author = BOT if by_bot else human()
                changed = stream.edit()
                touched += changed
                tip = stream.commit("refs/heads/topic", author, stamp, author, stamp,
                                    message(rng, bump(rng) if by_bot else subject(rng)), changed,
                                    () if tip else (f"from :{marks[fork]}",))
            merger = human()
            text = f"Merge pull request #{number} from org/{branch}\n\n{subject(rng)}\n"
            mark = stream.commit("refs/heads/main", merger, when, merger, when, text, list(dict.fromkeys(touched)),
                                 (f"merge :{tip}",))
        elif kind == "squash":
            number += 1
            author = BOT if rng.random() < 0.1 else human()
            title = f"{bump(rng) if author == BOT else subject(rng)} (#{number})"
            mark = stream.commit("refs/heads/main", author, when - rng.randrange(3600, 3 * 86400), WEB, when,
                                 message(rng, title), stream.edit())
            revertable.append((mark, title))
        elif kind == "direct":
            author, title = human(), subject(rng)
            mark = stream.commit("refs/heads/main", author, when, author, when, message(rng, title), stream.edit())
            revertable.append((mark, title))
        else:  # a `git revert` of a recent commit, pushed directly, with the reverted commit's real sha
            reverted, title = rng.choice(revertable)
            author = human()
            text = f'Revert "{title}"\n\nThis reverts commit {stream.sha(reverted)}.\n'
            mark = stream.commit("refs/heads/main", author, when, author, when, text, stream.edit())
        marks.append(mark)
        times.append(when)
    return marks, times


def tag_plan(rng: random.Random, tags: int, changes: int) -> tuple[list[tuple[str, int, bool]], list[str], int]:
    """([(name, change index on main, annotated)], release-branch tag names, change index they branch from).

    `tags` in all: 4 non-release names (at 20+ tags), 1% patch releases on a release branch, and
    evenly spaced events on main: every 9th a `chart-X.Y.Z` (lightweight), every 12th a `vX.Y.0-rc.1`
    before its minor release, the rest `vX.Y.Z` releases (2/3 annotated) bumping patch, minor or major.
    """
    fixed = min(len(NON_RELEASE), tags // 5)
    on_branch = max(1, tags // 100) if tags >= 20 else 0
    events = tags - fixed - on_branch
    plan: list[tuple[str, int, bool]] = []
    version, chart, rc_pending, count = [0, 1, 0], [1, 0, 0], False, 0
    releases: list[tuple[int, int, tuple[int, ...], str]] = []  # (change, plan index, version, bump)
    for event in range(events):
        where = min(changes - 1, max(1, (event + 1) * changes // (events + 1)))
        if event % 9 == 4:
            chart = [chart[0], chart[1], chart[2] + 1] if rng.random() < 0.8 else [chart[0], chart[1] + 1, 0]
            plan.append((f"chart-{chart[0]}.{chart[1]}.{chart[2]}", where, False))
            continue
        if event % 12 == 7 and not rc_pending:
            plan.append((f"v{version[0]}.{version[1] + 1}.0-rc.1", where, True))
            rc_pending = True
            continue
        roll, kind = rng.random(), "patch"
        if count and (rc_pending or 0.02 <= roll < 0.15):
            version, kind = [version[0], version[1] + 1, 0], "minor"
        elif count and roll < 0.02:
            version, kind = [version[0] + 1, 0, 0], "major"
        elif count:
            version[2] += 1
        rc_pending = False
        releases.append((where, len(plan), tuple(version), kind))
        plan.append((f"v{version[0]}.{version[1]}.{version[2]}", where, count % 3 != 0))
        count += 1
    for name, share in zip(NON_RELEASE[:fixed], (1.0, 0.5, 0.4, 0.9)):
        plan.append((name, min(changes - 1, int(share * changes)), name == "2.3.x"))
    # The release branch: patch releases of a version main has moved past (the next release on main
    # bumped minor or major), so its names never collide with main's.
    bases = [(where, v) for (where, _, v, _), nxt in itertools.pairwise(releases)
             if nxt[3] != "patch" and where <= 0.7 * changes]
    if releases and not bases:  # nothing moved past yet: patch the newest release, which main never passes
        bases = [(releases[-1][0], releases[-1][2])]
    branch_names, base = [], 0
    if on_branch and bases:
        base, (major, minor, patch) = bases[-1]
        branch_names = [f"v{major}.{minor}.{patch + k}" for k in range(1, on_branch + 1)]
    return plan, branch_names, base


def fast_import(stream: Stream, commits: int, tags: int) -> None:
    """main's history, the release branch, then every tag."""
    rng = stream.rng
    marks, times = write_history(stream, commits)
    plan, branch_names, base = tag_plan(rng, tags, len(marks))
    names = [name for name, _, _ in plan] + branch_names
    if len(set(names)) != len(names) or len(names) != tags:
        raise RuntimeError(f"tag plan gave {len(names)} tags ({len(set(names))} distinct), expected {tags}")
    out = stream.out

    def tag(name: str, mark: int, stamp: int, annotated: bool, tagger: str = HUMANS[0]) -> None:
        if annotated:
            note = f"Release {name}\n".encode()
            out.write(f"tag {name}\nfrom :{mark}\ntagger {tagger} {stamp} +0000\ndata {len(note)}\n".encode() + note)
        else:
            out.write(f"reset refs/tags/{name}\nfrom :{mark}\n\n".encode())
    if branch_names:  # one backport commit per patch release, dated inside the analysis window
        ref = "refs/heads/release/" + branch_names[0][1:].rsplit(".", 1)[0]
        low = max(times[base] + 86400, AS_OF - WINDOW + 20 * 86400)
        high = AS_OF - 3 * 86400
        parent = marks[base]
        for k, name in enumerate(branch_names, start=1):
            stamp = low + k * (high - low) // (len(branch_names) + 1)
            author = rng.choices(HUMANS, HUMAN_WEIGHTS)[0]
            parent = stream.commit(ref, author, stamp - 600, author, stamp - 600, message(rng, f"fix: backport {k}"),
                                   stream.edit(), (f"from :{parent}",))
            stream.branch_commits += 1
            tag(name, parent, stamp, True)
    for name, where, annotated in plan:
        tag(name, marks[where], times[where] + rng.randrange(60, 1700), annotated,
            RELEASE_BOT if rng.random() < 0.2 else HUMANS[0])
    out.write(b"done\n")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *SAFE, *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def build_repo(work: Path, files: int, commits: int, tags: int, rebuild: bool) -> Path:
    """The repository for these parameters, reused when a marker says it was built with them."""
    params = {"files": files, "commits": commits, "tags": tags, "generator": GENERATOR}
    home = work / f"history-f{files}-c{commits}-t{tags}"
    started = time.perf_counter()
    streams: list[Stream] = []

    def fill(importer: subprocess.Popen) -> None:
        streams.append(Stream(importer, synthetic_paths(files), random.Random(42)))  # fixed seed: same repo
        fast_import(streams[0], commits, tags)

    repo, reused = cached_repo(home, params, rebuild, fill)
    if reused:
        return repo
    git(repo, "update-ref", "-d", "refs/heads/topic")  # merged branches are deleted, as GitHub offers
    on_main, built_tags = int(git(repo, "rev-list", "--count", "main")), len(git(repo, "tag").split())
    if on_main != commits or built_tags != tags:
        raise RuntimeError(f"built {on_main} commits on main and {built_tags} tags, expected {commits} and {tags}")
    mark_built(home, params)
    print(f"built {repo} in {time.perf_counter() - started:.1f}s ({streams[0].branch_commits} more commits "
          f"on a release branch)")
    return repo
