#!/usr/bin/env python3
"""Does the whole history analysis cost at most 1.5x a bare `git log` over the same window?

Builds a synthetic repository with `git fast-import` (merged pull requests, squash and direct commits,
reverts, a bot, release tags of two families, a release branch), then times `analyse()` in a fresh
Python process against `git log --format=%H%x00%at%x00%ae%x00%s --since=<window start> main`.
Timings are reported, never asserted: the exit status is non-zero only when something fails or the
analysis does not see the repository as built.

    python benchmarks/history_vs_git.py [--commits N] [--files N] [--tags N] [--runs N] [--work DIR]
                                        [--keep] [--rebuild] [--scaling] [--profile]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import deque
from datetime import datetime, timezone
from pathlib import Path

from scan_vs_git import (
    AUTHORS,
    SAFE,
    content,
    measure,
    peak_rss,
    spawn,
    synthetic_paths,
)

GENERATOR = 1  # bump when the generated repository changes, so kept repositories are rebuilt
START = 1672531200      # 2023-01-01 UTC: the first commit
AS_OF = 1767225600      # 2026-01-01 UTC: the analysis' as_of; the last change lands late on 2025-12-31
LAST = AS_OF - 3600     # the last change's time before jitter (at most 30 min)
WINDOW = 365 * 86400    # devops_scan.history.analysis.WINDOW_DAYS
BUDGET = 1.5            # the budget: analysis / bare git log
LOG_FORMAT = "--format=%H%x00%at%x00%ae%x00%s"
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
    marker, repo = home / "params.json", home / "repo"
    if not rebuild and marker.exists() and json.loads(marker.read_text()) == params:
        print(f"reusing {repo}")
        return repo
    shutil.rmtree(home, ignore_errors=True)
    repo.mkdir(parents=True)
    started = time.perf_counter()
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    importer = subprocess.Popen(["git", "-C", str(repo), "fast-import", "--quiet", "--done"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    stream = Stream(importer, synthetic_paths(files), random.Random(42))  # fixed seed: same parameters, same repo
    fast_import(stream, commits, tags)
    importer.stdin.close()
    if importer.wait():
        raise RuntimeError("git fast-import failed")
    git(repo, "update-ref", "-d", "refs/heads/topic")  # merged branches are deleted, as GitHub offers
    git(repo, "reset", "-q", "--hard")  # check out the tree
    on_main, built_tags = int(git(repo, "rev-list", "--count", "main")), len(git(repo, "tag").split())
    if on_main != commits or built_tags != tags:
        raise RuntimeError(f"built {on_main} commits on main and {built_tags} tags, expected {commits} and {tags}")
    marker.write_text(json.dumps(params))  # written last: a half-built repository is never reused
    print(f"built {repo} in {time.perf_counter() - started:.1f}s ({stream.branch_commits} more commits "
          f"on a release branch)")
    return repo


def git_moment(seconds: int) -> str:
    """A date as the history source passes it to `git log --since` (gitsource.py)."""
    return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%d %H:%M:%S +0000")


def high_water() -> float | None:
    """This process' own peak RSS in MB (VmHWM: per address space, so not inherited like ru_maxrss)."""
    try:
        with open("/proc/self/status") as status:
            return next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None


def analyse_once(repo: str, mode: str) -> dict:
    """In this (fresh) process: open the client, run analyse() once; mode `time`, `trace` or `profile`."""
    import cProfile
    import io
    import pstats
    import tracemalloc

    from devops_scan.clients.git import Git
    from devops_scan.clients.open import open_local
    from devops_scan.history.analysis import analyse, inventory

    as_of = datetime.fromtimestamp(AS_OF, timezone.utc)
    profiler, peak = cProfile.Profile(), None
    with open_local(repo) as client:
        source = client.history()
        if source is None:
            raise RuntimeError(f"the client of {repo} reads no history")
        before, calls = high_water(), []
        if mode == "trace":  # untimed: also record the git commands analyse() runs, for replay()
            run, stream = Git.run, Git.stream

            def recorded_run(self: Git, *args: str, check: bool = True) -> bytes:
                calls.append((args, None))
                return run(self, *args, check=check)

            def recorded_stream(self: Git, *args: str, stdin: bytes | None = None):
                calls.append((args, stdin.decode("latin-1") if stdin else None))
                return stream(self, *args, stdin=stdin)
            Git.run, Git.stream = recorded_run, recorded_stream
            tracemalloc.start()
        elif mode == "profile":
            profiler.enable()
        started = time.perf_counter()
        result = analyse(source, as_of)
        seconds = time.perf_counter() - started
        if mode == "trace":
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            Git.run, Git.stream = run, stream
        profiler.disable()
        after = high_water()
    report = inventory(result)
    profile = io.StringIO()
    if mode == "profile":
        pstats.Stats(profiler, stream=profile).sort_stats("tottime").print_stats(15)
    tags = {key: value for key, value in report["tags"].items() if key not in ("non_release", "families")}
    tags["families"] = {family["prefix"]: family["count"] for family in report["tags"]["families"]}
    return {"seconds": seconds, "tracemalloc_peak": peak, "hwm": (before, after), "git": calls,
            "history": report["history"], "tags": tags,
            "dora": {key: metric.get("value") for key, metric in report["dora"].items()},
            "out_of_order": result.totals.out_of_order, "profile": profile.getvalue()}


def run_analysis(repo: Path, mode: str) -> tuple[float, dict]:
    """(process wall seconds, what analyse_once printed) of one fresh Python process."""
    wall, out = spawn(analysis_command(repo, mode))
    return wall, json.loads(out)


def analysis_command(repo: Path, mode: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--analyse", str(repo), "--mode", mode]


def replay(repo: Path, calls: list[list]) -> list[float]:
    """Seconds of each git command analyse() ran (recorded by analyse_once), run again one subprocess each
    with the same arguments, `-c` flags and stdin, output read through a pipe."""
    return [spawn(["git", "-C", str(repo), *SAFE, *args], stdin.encode("latin-1") if stdin else None)[0]
            for args, stdin in calls]


def study(repo: Path, commits: int, tags: int, runs: int, scratch: Path) -> dict:
    """Sanity checks, then the baseline and the analysis timed, with memory; raises if the analysis is wrong."""
    moment = git_moment(AS_OF - WINDOW)
    window = int(git(repo, "rev-list", "--count", f"--since={moment}", "main"))
    merges = int(git(repo, "rev-list", "--count", "--merges", f"--since={moment}", "main"))
    if int(git(repo, "rev-list", "--count", "main")) != commits:
        raise RuntimeError(f"main does not hold {commits} commits")
    log = ["git", "-C", str(repo), *SAFE, "log", LOG_FORMAT, f"--since={moment}", "main"]
    lines = spawn(log)[1].count(b"\n")
    if lines != window:
        raise RuntimeError(f"the baseline git log printed {lines} commits, rev-list counts {window}")
    traced = run_analysis(repo, "trace")[1]  # a separate run: tracemalloc slows what it watches
    seen = traced["history"]["commits"], traced["tags"]["count"]
    if seen != (window, tags):
        raise RuntimeError(f"the analysis counted {seen[0]} commits in the window and {seen[1]} tags; git counts "
                           f"{window} commits, the build made {tags} tags")
    # One round = baseline, analysis, replay, back to back: a load change on the machine hits all three.
    calls, rounds = traced["git"], []

    def one_round() -> float:
        baseline = spawn(log)[0]
        wall, report = run_analysis(repo, "time")
        rounds.append((baseline, report["seconds"], wall, replay(repo, calls), report["hwm"]))
        return report["seconds"] / baseline
    ratio = measure(one_round, runs)
    timed = rounds[1:]  # measure() ran one untimed warm-up round first

    def best_median(values: list[float]) -> tuple[float, float]:
        return min(values), statistics.median(values)
    per_call = [row[3] for row in timed]
    names = [" ".join(arg for arg in args[:3] if not arg.startswith("--format"))[:34] for args, _ in calls]
    return {"own_git": best_median([sum(times) for times in per_call]),
            "own_git_each": [(name, statistics.median(times)) for name, times in zip(names, zip(*per_call))],
            "commits": commits, "window": window, "merges": merges, "ratio": ratio,
            "baseline": best_median([row[0] for row in timed]), "analysis": best_median([row[1] for row in timed]),
            "wall": statistics.median(row[2] for row in timed), "baseline_rss": peak_rss(log, scratch),
            "analysis_rss": peak_rss(analysis_command(repo, "time"), scratch),
            "hwm": rounds[-1][4], "tracemalloc": traced["tracemalloc_peak"], "report": traced}


def main() -> int:
    """Build or reuse the repository, measure, print the results; errors raise (exit 1)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for name, default in (("commits", 100000), ("files", 5000), ("tags", 1000), ("runs", 5)):
        parser.add_argument(f"--{name}", type=int, default=default, help=f"default {default}")
    parser.add_argument("--work", type=Path, default=Path(__file__).resolve().parent / ".work")
    parser.add_argument("--keep", action="store_true", help="keep the repository for the next run to reuse")
    parser.add_argument("--rebuild", action="store_true", help="rebuild even if a matching repository exists")
    parser.add_argument("--scaling", action="store_true",
                        help="also measure a repository with a quarter of the commits: does memory grow?")
    parser.add_argument("--profile", action="store_true", help="print analyse()'s top 15 functions by own time")
    parser.add_argument("--analyse", metavar="REPO", help=argparse.SUPPRESS)  # the measured child process
    parser.add_argument("--mode", default="time", choices=("time", "trace", "profile"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyse:
        print(json.dumps(analyse_once(args.analyse, args.mode)))
        return 0
    args.work = args.work.resolve()
    if args.files < 9 or args.commits < 10 or args.tags < 0 or args.runs < 1:
        parser.error("need --files >= 9, --commits >= 10, --tags >= 0, --runs >= 1")
    sizes = [args.commits // 4, args.commits] if args.scaling else [args.commits]
    results, built = [], []
    try:
        for commits in sizes:
            repo = build_repo(args.work, args.files, commits, args.tags, args.rebuild)
            built.append(repo)
            results.append(study(repo, commits, args.tags, args.runs, args.work))
        profile = run_analysis(built[-1], "profile")[1]["profile"] if args.profile else ""
    finally:
        if not args.keep:
            for repo in built:
                shutil.rmtree(repo.parent, ignore_errors=True)
    result = results[-1]
    report = result["report"]
    history, tags = report["history"], report["tags"]
    print(f"\nrepository: {args.files} files, {args.commits} commits on main, {args.tags} tags; window "
          f"{git_moment(AS_OF - WINDOW)} .. as_of {git_moment(AS_OF)}: {result['window']} commits "
          f"({result['merges']} merges per git); runs={args.runs}")
    print(f"analysis sees: {history['commits']} commits, {history['merges']} merges, {history['authors']} authors "
          f"+ {history['bots']} bots (bus factor {history['bus_factor']}), conventional "
          f"{history['conventional_ratio']}, reverts {history['reverts']}, {history['changes']} changes in "
          f"{history['recent_days']} days (pr_merge_ratio {history['pr_merge_ratio']}, issue_ref_ratio "
          f"{history['issue_ref_ratio']}, {history['merged_branches']} branches, median age "
          f"{history['branch_age_median_days']} d), {report['out_of_order']} out of order")
    print(f"tags: {tags['count']} ({tags['annotated']} annotated), {tags['releases']} releases "
          f"{tags['families']}, {tags['prereleases']} pre-releases, {tags['non_release_count']} non-release, "
          f"{tags['off_default_branch']} releases off main, {tags['by_bot']} by a bot; dora {report['dora']}")
    print(f"\n{'measurement':<44} {'best':>9} {'median':>9} {'peak RSS':>10}")
    print(f"{'git log ' + LOG_FORMAT[9:] + ' (baseline)':<44} {result['baseline'][0] * 1000:>7.0f}ms "
          f"{result['baseline'][1] * 1000:>7.0f}ms {result['baseline_rss']:>10}")
    print(f"{'analyse() in a fresh process':<44} {result['analysis'][0] * 1000:>7.0f}ms "
          f"{result['analysis'][1] * 1000:>7.0f}ms {'-':>10}")
    replayed = f"  its {len(result['own_git_each'])} git commands alone, replayed"
    print(f"{replayed:<44} "
          f"{result['own_git'][0] * 1000:>7.0f}ms {result['own_git'][1] * 1000:>7.0f}ms {'-':>10}")
    print(f"{'  the whole process (start, imports, open)':<44} {'':>9} {result['wall'] * 1000:>7.0f}ms "
          f"{result['analysis_rss']:>10}")
    best, ratio = result["ratio"]
    print(f"\nratio analyse / git log: {ratio:.2f}x (median of {args.runs} rounds), budget {BUDGET}x: "
          f"{'within budget' if ratio <= BUDGET else 'OVER budget'} (best round {best:.2f}x, medians "
          f"{result['analysis'][1] / result['baseline'][1]:.2f}x)")
    before, after = result["hwm"]  # from a timed run: tracemalloc's own bookkeeping would inflate it
    print(f"tracemalloc peak during analyse(): {result['tracemalloc'] / 2**20:.2f} MB; the Python process' own "
          f"peak RSS (VmHWM) {after:.1f}MB, {before:.1f}MB before analyse() (the whole process' peak RSS above "
          f"includes its git children)" if after else "")
    print("git commands analyse() runs, replayed (medians): "
          + "; ".join(f"git {name}: {seconds * 1000:.0f}ms" for name, seconds in result["own_git_each"]))
    if args.scaling:
        print(f"\n{'commits':>8} {'window':>7} {'git log':>8} {'analyse':>8} {'ratio':>6} {'tracemalloc':>12} "
              f"{'VmHWM':>14} {'peak RSS':>9}")
        for row in results:
            print(f"{row['commits']:>8} {row['window']:>7} {row['baseline'][1] * 1000:>6.0f}ms "
                  f"{row['analysis'][1] * 1000:>6.0f}ms {row['ratio'][1]:>5.2f}x "
                  f"{row['tracemalloc'] / 2**20:>9.2f} MB {row['hwm'][0]:>5.1f}->{row['hwm'][1]:.1f}MB "
                  f"{row['analysis_rss']:>9}")
    if profile:
        print("\nanalyse(), top 15 by own time (cProfile):\n" + profile)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        print(f"history_vs_git: error: {error}", file=sys.stderr)
        sys.exit(1)
