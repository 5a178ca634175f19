"""Release practice read from the tags: cut on the default branch, made by automation, signed.

A release is a tag naming a final version (docs/history.md says exactly which names count); the
verdicts look at the releases of the last year, whose commits the history walk has placed on or
off the default branch.
"""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.history.analysis import HistoryAnalysis, inventory
from devops_scan.history.messages import is_bot
from devops_scan.history.releases import YEAR, Release
from devops_scan.history.shared import history_analysis
from devops_scan.model import Capability, Evidence, Fact, Finding, Outcome

ON_TRUNK_SHARE = 0.8   # most releases are tagged on the default branch (a few back-ports are fine)
BOT_SHARE = 0.5
LIMIT = 8


class ReleaseTagsDetector(Detector):
    id = "release-tags"
    title = "Release tags"
    practices = ("scm.release-from-trunk", "scm.automated-tagging", "sec.signed-releases")
    requires = frozenset({Capability.HISTORY, Capability.TAGS})
    description = (
        "Reads every tag with ONE `git for-each-ref` and classifies its name (SemVer, CalVer or other "
        "versions, pre-releases, families such as `chart-1.2.3`, and tags that are not releases: "
        "`2.3.x`, `v4`, `latest`, `CVE-...`). `scm.release-from-trunk` passes when at least 80 % of "
        "the final releases of the last year were tagged on commits reachable from the default "
        "branch, and fails with the off-trunk tags as evidence. `scm.automated-tagging` passes when "
        "at least half of those releases were created by a bot account (the tagger of an annotated tag; "
        "a lightweight tag records no tagger, so only a release commit made by a bot counts); the "
        "`release-automation` detector adds release tools and CI jobs. `sec.signed-releases` passes when the newest release tag carries a "
        "signature (presence only; verification needs the signers' keys); unsigned tags leave it "
        "unknown, as signatures may be attached to platform releases instead."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        analysis = history_analysis(client, context)
        summary = analysis.tags
        recent = [r for r in summary.releases if r.time > analysis.as_of - YEAR]
        on_default = analysis.totals.on_default
        facts = [Fact("releases", f"{len(summary.releases)} release tag(s), {len(recent)} in the last year",
                      data={"all": len(summary.releases), "recent": len(recent), "branch": analysis.rev_name,
                            "tags": len(summary.tags), "non_release": len(summary.non_release)})]
        for release in reversed(recent):
            place = on_default.get(release.tag.commit or "")
            kind = {True: "on-trunk", False: "off-trunk", None: "trunk-unknown"}[place]
            facts.append(Fact(kind, _label(release)))
            facts.append(_creator(release))
        if summary.releases:
            newest = summary.releases[-1]
            facts.append(Fact("newest", _label(newest), data={"signed": newest.tag.signed}))
            facts += [Fact("signed-tag", _label(r)) for r in reversed(summary.releases) if r.tag.signed][:LIMIT]
        return Evidence(self.id, tuple(facts), inventory={"tags": inventory(analysis)["tags"]},
                        warnings=_warnings(analysis))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        counts = evidence.of_kind("releases")[0].data
        return [_from_trunk(evidence, counts), _automated(evidence, counts), _signed(evidence, counts)]


def _creator(release: Release) -> Fact:
    """Who made the tag: the tagger of an annotated tag. A lightweight tag records no one; its commit's
    committer only says something when a bot made the commit (a release tool's release commit)."""
    tag = release.tag
    if is_bot(tag.creator_name, tag.creator_email):
        made = "created by" if tag.annotated else "on a release commit by"
        return Fact("bot-tag", f"{_label(release)} {made} {tag.creator_name}")
    if tag.annotated:
        return Fact("person-tag", f"{_label(release)} created by {tag.creator_name or '?'}")
    return Fact("untold-tag", f"{_label(release)}: a lightweight tag, which does not record who made it")


def _label(release: Release) -> str:
    return f"{release.tag.name} ({(release.tag.commit or '')[:12]})"


def _warnings(analysis: HistoryAnalysis) -> tuple[str, ...]:
    future = analysis.tags.future
    if not future:
        return ()
    return (f"{len(future)} tag(s) dated after the scan's date were left out: {', '.join(future[:5])}",)


def _no_releases(practice: str, counts: dict) -> Finding:
    others = f" ({counts['tags']} tag(s), none naming a release version)" if counts["tags"] else ""
    return Finding(practice, Outcome.FAIL, f"no release tags{others}")


def _from_trunk(evidence: Evidence, counts: dict) -> Finding:
    practice = "scm.release-from-trunk"
    if not counts["all"]:
        return _no_releases(practice, counts)
    on, off = evidence.of_kind("on-trunk"), evidence.of_kind("off-trunk")
    if not on and not off:
        return Finding(practice, Outcome.UNKNOWN, f"no release in the last year to place on or off "
                                                  f"{counts['branch']} ({counts['all']} older release tag(s))")
    told = f"{len(on)} of {len(on) + len(off)} releases of the last year were tagged on {counts['branch']}"
    if len(on) / (len(on) + len(off)) >= ON_TRUNK_SHARE:
        return Finding(practice, Outcome.PASS, told, on[:LIMIT])
    return Finding(practice, Outcome.FAIL, f"{told}; the others are on branches not merged into it", off[:LIMIT])


def _automated(evidence: Evidence, counts: dict) -> Finding:
    practice = "scm.automated-tagging"
    if not counts["all"]:
        return _no_releases(practice, counts)
    bots, people = evidence.of_kind("bot-tag"), evidence.of_kind("person-tag")
    if not bots and not people:
        untold = evidence.of_kind("untold-tag")
        why = "no release in the last year to tell who tags them"
        if untold:
            why = (f"the {len(untold)} release(s) of the last year are lightweight tags, which do not record who "
                   "made them (GitHub releases create such tags)")
        return Finding(practice, Outcome.UNKNOWN, why, untold[:LIMIT])
    told = f"{len(bots)} of {len(bots) + len(people)} releases of the last year were tagged by a bot account"
    if len(bots) / (len(bots) + len(people)) >= BOT_SHARE:
        return Finding(practice, Outcome.PASS, told, bots[:LIMIT])
    return Finding(practice, Outcome.FAIL, f"{told}; the others by people", people[:LIMIT])


def _signed(evidence: Evidence, counts: dict) -> Finding:
    practice = "sec.signed-releases"
    if not counts["all"]:
        return Finding(practice, Outcome.UNKNOWN, "no release tags to sign; releases may be signed elsewhere "
                                                  "(platform release assets, registries)")
    newest = evidence.of_kind("newest")[0]
    signed = evidence.of_kind("signed-tag")
    if newest.data["signed"]:
        return Finding(practice, Outcome.PASS, f"the newest release tag {newest.detail} is signed", signed)
    told = f"the newest release tag {newest.detail} is not signed"
    if signed:
        told += f" ({len(signed)} earlier one(s) are)"
    return Finding(practice, Outcome.UNKNOWN, f"{told}; signatures attached to platform releases are not in "
                                              "the clone", signed)
