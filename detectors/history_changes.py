"""How changes reach the default branch, from the git history alone: through reviewed pull/merge
requests, on short-lived branches, linked to issues, by more than one person.

These are the local proxies of MATURITY-MODEL.md; a platform scan reads the requests themselves.
Every verdict needs a minimum sample: a quiet repository gets `unknown` with the count, not a verdict.
"""

from __future__ import annotations

from statistics import median

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.history.analysis import HistoryAnalysis, inventory
from devops_scan.history.shared import history_analysis
from devops_scan.model import Capability, Evidence, Fact, Finding, Outcome

MIN_CHANGES = 5          # changes in the recent window before judging how they land
MIN_BRANCHES = 3         # merged branches before judging their age
MIN_COMMITS = 10         # human commits in the year before judging the bus factor
REVIEWED_SHARE = 0.7     # MATURITY-MODEL.md: ≥ 70 % of changes arrive through requests
LINKED_SHARE = 0.5       # ≥ 50 % of changes reference an issue
SHORT_BRANCH_DAYS = 7
DAY = 86400


class ChangeHistoryDetector(Detector):
    id = "change-history"
    title = "How changes land (git history)"
    practices = ("scm.code-review", "scm.short-lived-branches", "report.issue-links", "culture.contributors")
    requires = frozenset({Capability.HISTORY})
    description = (
        "Reads ONE `git log` of the default branch over the last 365 days (see docs/history.md). "
        "`scm.code-review` (local proxy): at least 70 % of the changes that reached the default branch in "
        "the last 90 days (its first-parent commits) were merged through a pull or merge request: GitHub "
        "`Merge pull request #N`, GitLab `See merge request`, Bitbucket, Azure DevOps, bors, a squash "
        "subject ending in `(#N)`, or review trailers (`Reviewed-on:`, `Reviewed-by:`, `PR-URL:`). When "
        "the unmarked changes were mostly committed by GitHub's web UI (rebase merges leave no marker), "
        "the verdict is unknown. `scm.short-lived-branches`: the median age of branches merged in the "
        "last 90 days (first branch commit to merge) is at most 7 days; squash and rebase workflows "
        "leave no branch behind, so with fewer than 3 merged branches it is unknown. "
        "`report.issue-links`: at least 50 % of those changes reference an issue (`#123`, `ABC-123`, "
        "an issue URL, GitLab `group/project#1` or `!1`), not counting the request's own number; below "
        "that it stays unknown, as pull request descriptions (platform) may link them. "
        "`culture.contributors`: the bus factor (fewest authors making half the non-merge commits of "
        "the year, bots and .mailmap aliases accounted for) is at least 2; unknown under 10 commits."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        analysis = history_analysis(client, context)
        totals = analysis.totals
        facts = [Fact("changes", f"{totals.changes} change(s) reached {analysis.rev_name} in the last "
                      f"{analysis.recent_days} days", data={"changes": totals.changes, "reviewed": totals.reviewed,
                                                            "web": totals.web_committed,
                                                            "linked": totals.issue_linked,
                                                            "branch": analysis.rev_name})]
        facts += [Fact("reviewed", f"{sha[:12]} {subject}") for sha, subject in totals.reviewed_sample]
        facts += [Fact("direct", f"{sha[:12]} {subject}") for sha, subject in totals.direct_sample]
        facts += [Fact("linked", f"{sha[:12]} {subject}") for sha, subject in totals.linked_sample]
        facts += [Fact("long-branch", f"merge {sha[:12]}: branch open {age / DAY:.0f} days")
                  for sha, age in totals.long_branches]
        ages = list(totals.branch_ages)
        facts.append(Fact("branches", f"{len(ages)} branch(es) merged in the last {analysis.recent_days} days",
                          data={"count": len(ages), "median": median(ages) if ages else None,
                                "censored": totals.censored_branches}))
        facts += _authors(analysis)
        return Evidence(self.id, tuple(facts), inventory={"history": inventory(analysis)["history"]},
                        warnings=_warnings(analysis))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_code_review(evidence), _branches(evidence), _issue_links(evidence), _contributors(evidence)]


def _authors(analysis: HistoryAnalysis) -> list[Fact]:
    humans = analysis.humans
    commits = sum(author.commits for author in humans)
    summary = Fact("authors", f"{len(humans)} author(s), {commits} non-merge commit(s) in {analysis.window_days} days",
                   data={"authors": len(humans), "commits": commits, "bus_factor": analysis.bus_factor,
                         "bots": len(analysis.authors) - len(humans)})
    top = [Fact("author", f"{author.name}: {author.commits} commit(s) ({author.commits / commits:.0%})")
           for author in humans[:5]] if commits else []
    return [summary, *top]


def _warnings(analysis: HistoryAnalysis) -> tuple[str, ...]:
    skewed = analysis.totals.out_of_order
    if not skewed:
        return ()
    return (f"{skewed} commit(s) came before a child of theirs in git's date order (committer clocks out of "
            "order); branch ages and release containment may miss them",)


def _code_review(evidence: Evidence) -> Finding:
    data = evidence.of_kind("changes")[0].data
    changes, reviewed, branch = data["changes"], data["reviewed"], data["branch"]
    if changes < MIN_CHANGES:
        return Finding("scm.code-review", Outcome.UNKNOWN,
                       f"only {changes} change(s) reached {branch} in the last 90 days; at least {MIN_CHANGES} "
                       "are needed to judge how changes land")
    share = reviewed / changes
    told = f"{reviewed} of {changes} changes to {branch} in the last 90 days ({share:.0%}) were merged through " \
           "a pull or merge request"
    if share >= REVIEWED_SHARE:
        return Finding("scm.code-review", Outcome.PASS, told, evidence.of_kind("reviewed"))
    unmarked = changes - reviewed
    if data["web"] * 2 >= unmarked:
        return Finding("scm.code-review", Outcome.UNKNOWN,
                       f"{told}; {data['web']} of the other {unmarked} were committed by GitHub's web UI, as "
                       "rebase merges are, which leave no marker: scan with a GitHub token to read the pull "
                       "requests", evidence.of_kind("direct"))
    return Finding("scm.code-review", Outcome.FAIL, f"{told}; the other {unmarked} were committed directly",
                   evidence.of_kind("direct"))


def _branches(evidence: Evidence) -> Finding:
    data = evidence.of_kind("branches")[0].data
    if data["count"] < MIN_BRANCHES:
        return Finding("scm.short-lived-branches", Outcome.UNKNOWN,
                       f"{data['count']} merged branch(es) in the last 90 days: squash and rebase merges leave "
                       "no branch in the history; scan with a platform token to measure pull requests")
    days = data["median"] / DAY
    told = f"the median age of the {data['count']} branches merged in the last 90 days is {days:.1f} days"
    if data["censored"]:
        told += f" ({data['censored']} started before the year's history and count as long)"
    if days <= SHORT_BRANCH_DAYS:
        return Finding("scm.short-lived-branches", Outcome.PASS, told, evidence.of_kind("branches"))
    return Finding("scm.short-lived-branches", Outcome.FAIL, told, evidence.of_kind("long-branch"))


def _issue_links(evidence: Evidence) -> Finding:
    data = evidence.of_kind("changes")[0].data
    changes, linked = data["changes"], data["linked"]
    if changes < MIN_CHANGES:
        return Finding("report.issue-links", Outcome.UNKNOWN,
                       f"only {changes} change(s) in the last 90 days; at least {MIN_CHANGES} are needed")
    told = f"{linked} of {changes} changes in the last 90 days ({linked / changes:.0%}) reference an issue"
    if linked / changes >= LINKED_SHARE:
        return Finding("report.issue-links", Outcome.PASS, told, evidence.of_kind("linked"))
    return Finding("report.issue-links", Outcome.UNKNOWN,
                   f"{told} in their commit messages; pull request descriptions and tracker integrations, which "
                   "a local scan cannot read, may link the rest", evidence.of_kind("linked"))


def _contributors(evidence: Evidence) -> Finding:
    data = evidence.of_kind("authors")[0].data
    top = evidence.of_kind("author")
    if data["commits"] < MIN_COMMITS:
        return Finding("culture.contributors", Outcome.UNKNOWN,
                       f"{data['commits']} commit(s) by people in the last year; at least {MIN_COMMITS} are needed "
                       "to judge the bus factor")
    told = f"bus factor {data['bus_factor']}: {data['authors']} author(s) made {data['commits']} commit(s) in the " \
           "last year"
    if data["bots"]:
        told += f" (not counting {data['bots']} bot account(s))"
    outcome = Outcome.PASS if data["bus_factor"] >= 2 else Outcome.FAIL
    return Finding("culture.contributors", outcome, told, top)
