"""Tags read as releases: which tags name a release, of which family, when, and by whom.

A *release* is a tag whose name carries a final version (tagnames.py), that names a commit and is
dated at or before `--as-of`. Pre-releases (rc, beta...) are counted but do not ship to users, so
they are not releases for the delivery metrics. A *family* is the name before the version
(`chart-1.2.3` → `chart`): monorepos and chart repositories release each component on its own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from devops_scan.history.messages import is_bot
from devops_scan.history.records import TagRecord
from devops_scan.history.tagnames import TagName, classify_tag

YEAR = 365 * 86400
WEEK = 7 * 86400
RECENT = 90 * 86400  # the window of the per-family release rate, as for deployment frequency
NON_RELEASE_SAMPLE = 20


@dataclass(frozen=True)
class Release:
    tag: TagRecord
    name: TagName
    time: int


@dataclass(frozen=True)
class TagSummary:
    """Every tag classified. `releases` are sorted by (time, name): a release's index is its rank."""

    tags: tuple[TagRecord, ...]
    names: dict[str, TagName]
    releases: tuple[Release, ...]
    prereleases: int
    non_release: tuple[tuple[str, str], ...]   # (name, why it is not a release)
    future: tuple[str, ...]                      # dated after --as-of: left out of every measure
    bot_created: tuple[TagRecord, ...]

    def families(self) -> dict[str, list[Release]]:
        grouped: dict[str, list[Release]] = defaultdict(list)
        for release in self.releases:
            grouped[release.name.family].append(release)
        return dict(sorted(grouped.items()))


def summarise_tags(tags: list[TagRecord], as_of: int) -> TagSummary:
    """Classify every tag once; the expensive part for 100,000 tags is the name parsing."""
    names: dict[str, TagName] = {}
    releases: list[Release] = []
    non_release: list[tuple[str, str]] = []
    future: list[str] = []
    prereleases = 0
    for tag in tags:
        name = names[tag.name] = classify_tag(tag.name)
        if tag.commit is None:
            non_release.append((tag.name, f"points at a {tag.object_type}, not a commit"))
        elif not name.release:
            non_release.append((tag.name, name.non_release_reason or "not a version"))
        elif tag.date is None:
            non_release.append((tag.name, "has no date"))
        elif tag.date > as_of:
            future.append(tag.name)
        elif name.prerelease:
            prereleases += 1
        else:
            releases.append(Release(tag, name, tag.date))
    releases.sort(key=lambda release: (release.time, release.tag.name))
    bots = tuple(tag for tag in tags if tag.commit and is_bot(tag.creator_name, tag.creator_email))
    return TagSummary(tuple(tags), names, tuple(releases), prereleases, tuple(non_release), tuple(future), bots)


def release_index(summary: TagSummary) -> dict[str, int]:
    """commit sha -> index of the earliest release tagged on it."""
    earliest: dict[str, int] = {}
    for index, release in enumerate(summary.releases):
        earliest.setdefault(release.tag.commit or "", index)
    return earliest


def tags_inventory(summary: TagSummary, as_of: int, on_default: dict[str, bool]) -> dict:
    """The `tags` inventory key (docs/report-json.md)."""
    tags = summary.tags
    families = []
    for family, releases in summary.families().items():
        newest = releases[-1]
        recent = sum(1 for r in releases if r.time > as_of - RECENT)
        families.append({"prefix": family, "count": len(releases), "newest": _named(newest, as_of),
                         "per_year": sum(1 for r in releases if r.time > as_of - YEAR),
                         "per_week": round(recent / (RECENT / WEEK), 3)})
    schemes = [summary.names[r.tag.name].scheme for r in summary.releases]
    return {
        "count": len(tags),
        "annotated": sum(1 for t in tags if t.annotated),
        "lightweight": sum(1 for t in tags if not t.annotated),
        "signed": sum(1 for t in tags if t.signed),
        "releases": len(summary.releases),
        "prereleases": summary.prereleases,
        "semver": schemes.count("semver"),
        "calver": schemes.count("calver"),
        "families": families,
        "newest": _named(summary.releases[-1], as_of) if summary.releases else None,
        "on_default_branch": sum(1 for r in summary.releases if on_default.get(r.tag.commit or "") is True),
        "off_default_branch": sum(1 for r in summary.releases if on_default.get(r.tag.commit or "") is False),
        "by_bot": len(summary.bot_created),
        "future": list(summary.future),
        "non_release": [{"name": n, "reason": why} for n, why in summary.non_release[:NON_RELEASE_SAMPLE]],
        "non_release_count": len(summary.non_release),
    }


def _named(release: Release, as_of: int) -> dict:
    from datetime import datetime, timezone

    return {"name": release.tag.name,
            "date": datetime.fromtimestamp(release.time, timezone.utc).isoformat().replace("+00:00", "Z"),
            "age_days": round((as_of - release.time) / 86400, 1)}
