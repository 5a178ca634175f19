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
import json
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from history_repo import AS_OF, WINDOW, build_repo, git
from scan_vs_git import SAFE, measure, peak_rss, spawn

BUDGET = 1.5            # the budget: analysis / bare git log
LOG_FORMAT = "--format=%H%x00%at%x00%ae%x00%s"


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
