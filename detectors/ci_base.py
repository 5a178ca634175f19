"""Shared collect/decide logic for the detectors that read what CI jobs do."""

from __future__ import annotations

from typing import Callable, Iterable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Outcome
from devops_scan_detectors.ci_views import activity_facts, job_views

EVIDENCE_LIMIT = 8


class CIDetector(Detector):
    """collect(): the activities of every CI job as facts, plus a `ci-pipelines` summary fact."""

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        views, problems = job_views(client, context)
        pipelines = sorted({view.pipeline.path for view in views})
        summary = Fact("ci-pipelines", f"{len(pipelines)} CI file(s) analysed", None,
                       {"files": len(pipelines), "problems": len(problems)})
        facts = (summary, *activity_facts(views, client.info.default_branch))
        facts += tuple(self.extra_facts(client, context, views))
        return Evidence(self.id, facts, inventory=self.inventory(facts),
                        warnings=tuple(problems) if self._reports_problems else ())

    # Only one CI detector reports parser problems, so the warnings are not repeated per detector.
    _reports_problems = False

    def extra_facts(self, client: RepoClient, context: ScanContext, views: tuple) -> Iterable[Fact]:
        """Facts beyond job activities (file checks, relations between jobs); none by default."""
        return ()

    def inventory(self, facts: tuple[Fact, ...]) -> dict:
        """Keys this detector adds to the report's inventory; none by default."""
        return {}


def of_kinds(evidence: Evidence, kinds: Iterable[str], prefix: str = "ci:") -> list[Fact]:
    wanted = {prefix + kind for kind in kinds}
    return [fact for fact in evidence.facts if fact.kind in wanted]


def tools(facts: Iterable[Fact]) -> str:
    return ", ".join(sorted({fact.data.get("tool", "?") for fact in facts}))


def decide(evidence: Evidence, practice: str, kinds: Iterable[str], doing: str,
           keep: Callable[[Fact], bool] = lambda fact: True, remediation: str | None = None) -> Finding:
    """Pass when a runnable job does one of `kinds` (and `keep` accepts it); otherwise say why not.

    `doing` completes "a CI job ..." ("runs the tests"). Not found but some job runs steps defined
    outside the repository → unknown, because those steps may well do it.
    """
    kinds = tuple(kinds)
    # One step doing two of the kinds (a release action both tags and releases) is shown once.
    found = list({(fact.location, fact.detail): fact for fact in of_kinds(evidence, kinds) if keep(fact)}.values())
    if found:
        jobs = len({(f.data["pipeline"], f.data["job"]) for f in found})
        return Finding(practice, Outcome.PASS, f"a CI job {doing}: {tools(found)} in {jobs} job(s)",
                       tuple(found[:EVIDENCE_LIMIT]))
    return missing(evidence, practice, kinds, doing, keep, remediation)


def missing(evidence: Evidence, practice: str, kinds: tuple[str, ...], doing: str,
            keep: Callable[[Fact], bool] = lambda fact: True, remediation: str | None = None) -> Finding:
    summary = evidence.of_kind("ci-pipelines")
    if not summary or summary[0].data["files"] == 0:
        return Finding(practice, Outcome.FAIL, f"no CI pipeline, so no job {doing}", remediation=remediation)
    external = evidence.of_kind("ci-external")
    if external:
        named = "; ".join(dict.fromkeys(fact.detail.removesuffix(", defined outside the repository")
                                        for fact in external))
        return Finding(practice, Outcome.UNKNOWN,
                       f"no job read here {doing}, but {len(external)} job(s) run steps defined outside the "
                       f"repository that may ({_shorten(named)})", tuple(external[:EVIDENCE_LIMIT]))
    off = [fact for fact in of_kinds(evidence, kinds, prefix="ci-off:") if keep(fact)]
    if off:
        return Finding(practice, Outcome.FAIL, f"no runnable CI job {doing}; the job(s) that would can never run",
                       tuple(off[:EVIDENCE_LIMIT]), remediation=remediation)
    unfollowed = evidence.of_kind("ci-unfollowed")
    if unfollowed:
        # Commands that could not be followed (a script downloaded at run time, a program in a variable)
        # are named, so a reader can check them: the verdict rests on everything that could be read.
        return Finding(practice, Outcome.FAIL,
                       f"no CI job {doing} (read {summary[0].data['files']} CI file(s); "
                       f"{len(unfollowed)} command(s) could not be followed)", tuple(unfollowed[:3]),
                       remediation=remediation)
    return Finding(practice, Outcome.FAIL,
                   f"no CI job {doing} (read {summary[0].data['files']} CI file(s))", remediation=remediation)


def flag(fact: Fact, name: str) -> bool:
    return fact.data.get(name) == "true"



def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
