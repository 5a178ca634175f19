"""Source-control basics: the code is versioned (commits exist) and a .gitignore keeps junk out."""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome


class SourceControlBasicsDetector(Detector):
    id = "scm-basics"
    title = "Version control basics"
    practices = ("scm.versioned", "scm.ignore-file")
    description = (
        "`scm.versioned` passes when the repository has at least one commit (the HEAD commit and "
        "the commit count are the evidence). `scm.ignore-file` passes when a tracked `.gitignore` "
        "exists, at the root or in a folder."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        info = client.info
        facts = []
        if info.head:
            facts.append(Fact("head", f"HEAD {info.head[:12]}, {info.commit_count} commit(s)",
                              data={"head": info.head, "commits": info.commit_count}))
        facts.extend(Fact("ignore-file", ".gitignore", Location(path)) for path in client.files.named(".gitignore"))
        return Evidence(self.id, tuple(facts))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        head = evidence.of_kind("head")
        ignores = sorted(evidence.of_kind("ignore-file"), key=lambda f: (f.location.path.count("/"), f.location.path))
        return [
            Finding("scm.versioned", Outcome.PASS, f"git repository with {head[0].data['commits']} commit(s)", head)
            if head else Finding("scm.versioned", Outcome.FAIL, "the repository has no commits yet"),
            Finding("scm.ignore-file", Outcome.PASS, f"{len(ignores)} .gitignore file(s)", tuple(ignores[:5]))
            if ignores else Finding("scm.ignore-file", Outcome.FAIL, "no tracked .gitignore"),
        ]
