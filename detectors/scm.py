"""Source-control basics: the code is versioned (commits exist) and a .gitignore keeps junk out."""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors.common import not_the_projects_own


class SourceControlBasicsDetector(Detector):
    id = "scm-basics"
    title = "Version control basics"
    practices = ("scm.versioned", "scm.ignore-file")
    description = (
        "`scm.versioned` passes when the repository has at least one commit (the HEAD commit and "
        "the commit count are the evidence). `scm.ignore-file` passes when a tracked `.gitignore` "
        "exists, at the root or in a folder (not in vendored or test-data trees)."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        info = client.info
        facts = []
        if info.head:
            # A client may not know the count (RepoInfo.commit_count is optional): never print "None".
            count = "" if info.commit_count is None else f", {info.commit_count} commit(s)"
            if info.shallow and info.commit_count is not None:
                count += " in a shallow clone"
            facts.append(Fact("head", f"HEAD {info.head[:12]}{count}",
                              data={"head": info.head, "commits": info.commit_count, "shallow": info.shallow}))
        facts.extend(Fact("ignore-file", ".gitignore", Location(path)) for path in client.files.named(".gitignore")
                     if not not_the_projects_own(path))
        return Evidence(self.id, tuple(facts))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        head = evidence.of_kind("head")
        ignores = sorted(evidence.of_kind("ignore-file"), key=lambda f: (f.location.path.count("/"), f.location.path))
        return [
            Finding("scm.versioned", Outcome.PASS, _versioned_reason(head[0]), head)
            if head else Finding("scm.versioned", Outcome.FAIL, "the repository has no commits yet"),
            Finding("scm.ignore-file", Outcome.PASS, f"{len(ignores)} .gitignore file(s)", tuple(ignores[:5]))
            if ignores else Finding("scm.ignore-file", Outcome.FAIL, "no tracked .gitignore"),
        ]


def _versioned_reason(head: Fact) -> str:
    commits = head.data["commits"]
    if commits is None:
        return f"git repository at {head.data['head'][:12]}"
    if head.data.get("shallow"):
        return f"git repository (shallow clone: {commits} commit(s) fetched, the full count is unknown)"
    return f"git repository with {commits} commit(s)"
