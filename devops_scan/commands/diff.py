"""`devops-scan diff`: what a change does to a repository's maturity, from two refs of one clone.

Both refs are scanned through the git-ref client (`ls-tree` + `cat-file --batch`), so the work tree
is never checked out or touched, and with the same as-of moment, so the history windows match and
only the change itself can move a verdict.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from devops_scan.commands import colour_wanted
from devops_scan.commands.scan import write
from devops_scan.errors import EXIT_BELOW_THRESHOLD, EXIT_OK, BadTargetError, ScanError

# The one "the policy failed" exit code, shared with `scan --fail-under`.
EXIT_REGRESSED = EXIT_BELOW_THRESHOLD


@dataclass(frozen=True)
class Sides:
    """The two refs as given and the commits they resolve to."""

    base: str
    head: str
    base_commit: str
    head_commit: str
    current_branch: str | None


def run_diff(path: str, *, base: str, head: str = "HEAD", fmt: str = "table", output: str | None = None,
             fail_on_regression: str | None = None, model_path: str | None = None,
             as_of: datetime | None = None) -> int:
    """Scan `base` and `head` of the clone at `path`, write the delta in `fmt`, and return the exit
    code: 1 when `fail_on_regression` is set and something it names regressed."""
    from devops_scan.diff import compare
    from devops_scan.scoring.loader import load_model

    model = load_model(model_path)
    watched = parse_watched(fail_on_regression, set(model.practices))
    sides = resolve(path, base, head)
    moment = (as_of or datetime.now(timezone.utc)).replace(microsecond=0)
    base_report, head_report = scan_both(path, model, sides, moment)
    delta = compare(base_report, head_report)
    write(render_delta(delta, head_report, fmt, color=colour_wanted(output)), output)
    if watched is None:
        return EXIT_OK
    reason = regression_reason(delta, watched)
    if reason:
        print(f"devops-scan: {reason}", file=sys.stderr)
        return EXIT_REGRESSED
    return EXIT_OK


def parse_watched(value: str | None, known: set[str]) -> tuple[str, ...] | None:
    """None: no check; (): any area whose level dropped; else the practice ids of a comma list."""
    if value is None:
        return None
    ids = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    unknown = [pid for pid in ids if pid not in known]
    if unknown:
        # The option's value is optional, so `--fail-on-regression PATH` reads PATH as the list.
        hint = " (put PATH before --fail-on-regression)" if any(os.path.exists(pid) for pid in unknown) else ""
        raise ScanError(f"--fail-on-regression: unknown practice {', '.join(map(repr, unknown))}{hint}; "
                        "practice ids are listed in docs/reference/practices.md")
    return ids


def resolve(path: str, base: str, head: str) -> Sides:
    """Both refs as commits, or a one-line error naming the ref that is not one."""
    from devops_scan.clients.git import open_git

    if not os.path.exists(path):
        raise BadTargetError(f"no such file or directory: {path} (diff compares two refs of a local clone)")
    if not os.path.isdir(path):
        raise BadTargetError(f"not a directory: {path} (give the folder of a git clone)")
    git = open_git(path)
    try:
        commits = {}
        for option, ref in (("--base", base), ("--head", head)):
            commit = git.rev(ref)
            if commit is None:
                # CI checkouts are often shallow and single-branch: the base is then simply not fetched.
                hint = (" (the clone is shallow: fetch the ref, e.g. `git fetch origin main`, or check out "
                        "with `fetch-depth: 0`)") if git.is_shallow() else ""
                raise BadTargetError(f"{option} {ref}: not a commit in this repository{hint}")
            commits[option] = commit
        branch = git.current_branch()
    finally:
        git.close()
    return Sides(base, head, commits["--base"], commits["--head"], branch)


def scan_both(path: str, model: Any, sides: Sides, moment: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The base and head reports. When both refs are the same commit, the head report is the base
    report under the head's name: same tree, same history, same as-of, so the same verdicts.

    Otherwise the head scan is incremental (devops_scan/incremental.py): a detector that needs only
    files, and read none of the files the change touched, keeps its base results; history-based
    detectors always run again, since the commits differ.
    """
    from devops_scan import scan as scanning
    from devops_scan.incremental import Recording, Reuse

    recording = Recording()
    base_report = scanning.scan_path(path, model, as_of=moment, ref=sides.base, session=recording)
    if sides.head_commit == sides.base_commit:
        branch = sides.head if sides.head != "HEAD" else sides.current_branch
        repository = {**base_report["repository"], "ref": sides.head, "branch": branch}
        return base_report, {**base_report, "repository": repository}
    changed, same_listing = changed_paths(path, sides)
    reuse = Reuse(recording, frozenset(changed), same_listing)
    return base_report, scanning.scan_path(path, model, as_of=moment, ref=sides.head, session=reuse)


# Files that configure the scan itself: a change to one re-decides everything.
SCAN_CONFIG = frozenset({".devops-scan.yml", ".devops-scan.yaml", "pyproject.toml"})


def changed_paths(path: str, sides: Sides) -> tuple[set[str], bool]:
    """(paths whose content differs, whether the two trees list the same paths) from ONE `git diff`."""
    from devops_scan.clients.git import open_git

    runner = open_git(path)
    try:
        output = runner.run("diff", "--name-status", "-z", "--no-renames", "--no-ext-diff", sides.base_commit,
                            sides.head_commit)
    finally:
        runner.close()
    fields = output.decode("utf-8", "surrogateescape").split("\0")
    changed, same_listing = set(), True
    for status, name in zip(fields[0::2], fields[1::2]):
        changed.add(name)
        same_listing = same_listing and status.startswith(("M", "T"))
    if changed & SCAN_CONFIG:
        same_listing = False  # excludes and not-applicable declarations may change every verdict
    return changed, same_listing


def render_delta(delta: dict[str, Any], head_report: dict[str, Any], fmt: str, color: bool = False) -> str:
    if fmt == "json":
        from devops_scan.render.json import render

        return render(delta)
    if fmt == "markdown":
        from devops_scan.render.comment import render_comment

        return render_comment(delta, head_report).rstrip("\n") + "\n"
    if fmt == "table":
        from devops_scan.render.diff_table import render_diff

        return render_diff(delta, color=color)
    raise ScanError(f"unknown format {fmt!r}; choose from table, json, markdown")


def regression_reason(delta: dict[str, Any], watched: tuple[str, ...]) -> str | None:
    """One line naming what regressed, or None (uses devops_scan.diff.regressions)."""
    from devops_scan.diff import regressions
    from devops_scan.render.summary import level_title

    found = set(regressions(delta, watched))
    if not found:
        return None
    if watched:
        moves = [f"{p['id']} {p['before']} → {p['after']}" for p in delta["practices"] if p["id"] in found]
        return f"practice(s) regressed: {', '.join(moves)} (--fail-on-regression {','.join(watched)})"
    moves = [f"{a['title']} {level_title(a['before'])} → {level_title(a['after'])}"
             for a in delta["areas"] if a["id"] in found]
    return f"area level(s) dropped: {', '.join(moves)} (--fail-on-regression)"
