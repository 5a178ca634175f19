"""The four delivery metrics in the DORA sense, from releases (tags) and the walk's totals.

Bands follow the software delivery performance clusters of the Accelerate State of DevOps Report
2023 (DORA): deployment frequency elite ≥ daily, high ≥ weekly, medium ≥ monthly; lead time elite
< 1 day, high < 1 week, medium < 1 month; change failure rate elite ≤ 5 %, high ≤ 10 %, medium
≤ 15 %; failed-deployment recovery time elite < 1 hour, high < 1 day, medium < 1 week. Each metric
says how it was measured and on how many samples; too few samples give no value, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Sequence

from devops_scan.history.releases import Release
from devops_scan.history.tagnames import bump_kind

DAY, HOUR = 86400, 3600
FIX_WINDOW = 72 * HOUR
MIN_RELEASES = 5       # change failure rate over fewer releases is noise
MIN_COMMITS = 5        # lead time over fewer released commits is noise
MIN_SPAN = 28 * DAY    # a deployment frequency needs a month of history at least


@dataclass(frozen=True)
class Metric:
    """One measured metric. `value` is None when it could not be measured; `reason` then says why."""

    key: str
    value: float | None
    unit: str
    band: str | None
    sample: int
    method: str
    reason: str = ""
    evidence: tuple[str, ...] = ()
    # Nothing to measure rather than too little to measure (time to restore with no failure).
    not_applicable: bool = False

    def to_json(self) -> dict:
        value = None if self.value is None else round(self.value, 3)
        return {"value": value, "unit": self.unit, "band": self.band, "sample": self.sample, "method": self.method,
                **({"reason": self.reason} if self.reason else {})}


def band(value: float, limits: tuple[float, float, float], higher_is_better: bool) -> str:
    """elite / high / medium / low for `value` against the elite, high and medium limits."""
    for name, limit in zip(("elite", "high", "medium"), limits):
        if (value >= limit) if higher_is_better else (value < limit):
            return name
    return "low"


def deploy_frequency(events: Sequence[int], as_of: int, window: int, history_start: int | None,
                     method: str) -> Metric:
    """Deployments per week over the last `window` seconds (or the history's own span, if shorter)."""
    span = min(window, as_of - history_start) if history_start is not None else window
    if span < MIN_SPAN:
        return Metric("deploy_frequency", None, "per week", None, len(events), method,
                      f"only {span // DAY} day(s) of history; at least {MIN_SPAN // DAY} are needed")
    counted = [t for t in events if as_of - span < t <= as_of]
    per_week = len(counted) / (span / (7 * DAY))
    return Metric("deploy_frequency", per_week, "per week", band(per_week, (7.0, 1.0, 12 / 52), True),
                  len(counted), method)


def lead_time(leads: Sequence[int], method: str) -> Metric:
    """The median of commit → deployment durations (seconds), in hours."""
    if len(leads) < MIN_COMMITS:
        return Metric("lead_time", None, "hours", None, len(leads), method,
                      f"{len(leads)} released commit(s) in the window; at least {MIN_COMMITS} are needed")
    hours = median(leads) / HOUR
    return Metric("lead_time", hours, "hours", band(hours, (24.0, 7 * 24.0, 30 * 24.0), False), len(leads), method)


@dataclass(frozen=True)
class Failure:
    release: Release
    fixed_by: Release
    why: str


def failures(releases: Sequence[Release], since: int, as_of: int, reverted: Sequence[tuple[int, int, str]]
             ) -> tuple[list[Release], list[Failure]]:
    """(releases that can be judged, the ones that failed): a release fails when the next release of
    its family is a patch within 72 hours, or a later release reverts a commit it shipped.

    A family that usually releases more often than every 72 hours (release on every merge) would
    have every release "followed by a quick patch": there only reverts mark a failure."""
    judged: list[Release] = []
    failed: dict[int, Failure] = {}
    by_family: dict[str, list[int]] = {}
    for index, release in enumerate(releases):
        by_family.setdefault(release.name.family, []).append(index)
    for indexes in by_family.values():
        gaps = [releases[b].time - releases[a].time for a, b in zip(indexes, indexes[1:])]
        quick_patches_mean_failure = not gaps or median(gaps) >= FIX_WINDOW
        for position, index in enumerate(indexes):
            release = releases[index]
            if release.time < since or (release.time > as_of - FIX_WINDOW and position == len(indexes) - 1):
                continue  # outside the window, or too recent to know whether a fix follows
            judged.append(release)
            if quick_patches_mean_failure and position + 1 < len(indexes):
                following = releases[indexes[position + 1]]
                if following.time - release.time <= FIX_WINDOW and bump_kind(release.name, following.name) == "patch":
                    failed[index] = Failure(release, following, f"{following.tag.name} followed within "
                                                                f"{_duration(following.time - release.time)}")
    for failed_index, fixed_index, sha in reverted:
        release = releases[failed_index]
        if since <= release.time <= as_of and failed_index not in failed:
            failed[failed_index] = Failure(release, releases[fixed_index],
                                           f"{releases[fixed_index].tag.name} reverts {sha[:12]}")
    judged.sort(key=lambda r: (r.time, r.tag.name))
    return judged, [failed[i] for i in sorted(failed)]


def change_failure_rate(judged: Sequence[Release], failed: Sequence[Failure], method: str) -> Metric:
    if len(judged) < MIN_RELEASES:
        return Metric("change_failure_rate", None, "ratio", None, len(judged), method,
                      f"{len(judged)} release(s) in the window; at least {MIN_RELEASES} are needed")
    rate = len(failed) / len(judged)
    return Metric("change_failure_rate", rate, "ratio", band(rate, (0.0501, 0.1001, 0.1501), False),
                  len(judged), method, evidence=tuple(f"{f.release.tag.name}: {f.why}" for f in failed))


def time_to_restore(judged: Sequence[Release], failed: Sequence[Failure], method: str) -> Metric:
    if not failed and len(judged) < MIN_RELEASES:
        return Metric("time_to_restore", None, "hours", None, 0, method,
                      f"{len(judged)} release(s) in the window; at least {MIN_RELEASES} are needed")
    if not failed:
        return Metric("time_to_restore", None, "hours", None, 0, method,
                      f"no failed release among the {len(judged)} of the window", not_applicable=True)
    hours = median(f.fixed_by.time - f.release.time for f in failed) / HOUR
    return Metric("time_to_restore", hours, "hours", band(hours, (1.0, 24.0, 7 * 24.0), False), len(failed), method,
                  evidence=tuple(f"{f.release.tag.name} → {f.fixed_by.tag.name}" for f in failed))


def _duration(seconds: int) -> str:
    return f"{seconds / HOUR:.0f} h" if seconds < 2 * DAY else f"{seconds / DAY:.1f} days"
