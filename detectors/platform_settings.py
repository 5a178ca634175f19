"""Practices only the hosting platform can settle: protection of the default branch, required
reviews and checks, review depth, deployments, environment approvals, security settings.

Each verdict reads devops_scan.platform.facts. A fact the token could not see is `unknown` with the
reason the platform client gave (which permission is missing); a fact it saw decides.
"""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Capability, Evidence, Fact, Finding, Outcome
from devops_scan.platform.facts import PlatformFacts
from devops_scan.platform.inventory import platform_inventory


class PlatformSettingsDetector(Detector):
    id = "platform-settings"
    title = "Hosting platform settings and activity"
    practices = ("scm.code-review", "scm.protected-trunk", "ci.required-checks", "culture.review-depth",
                 "scm.short-lived-branches", "report.deployments-tracked", "deploy.push-button",
                 "sec.secret-scan", "sec.dependency-scan", "sec.sast")
    requires = frozenset({Capability.PLATFORM_SETTINGS})
    description = (
        "Reads the hosting platform (docs/platforms.md): the default branch's protection, merging GitHub's "
        "classic branch protection and rulesets (GitLab: protected branches and approval rules); merged "
        "pull requests with their approvals; environments and deployments; security settings. "
        "`scm.code-review` passes when at least one approving review is required; `scm.protected-trunk` "
        "when force pushes and deletion are blocked and status checks are required; `ci.required-checks` "
        "when status checks must pass; `culture.review-depth` when at least 70 % of the merged pull "
        "requests were approved by someone other than the author; `scm.short-lived-branches` when they "
        "merge within 7 days (median); `report.deployments-tracked` when deployments were recorded in the "
        "year; `deploy.push-button` when an environment waits for a reviewer's approval; the security "
        "practices when secret scanning, Dependabot alerts or updates, or code scanning's default setup "
        "are on. What the token cannot see is unknown, with the permission that would show it."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = client.platform()
        if facts is None:
            why = client.missing_capability_reasons().get(Capability.PLATFORM_SETTINGS, "the platform was not read")
            return Evidence(self.id, (Fact("platform-unread", why),))
        warnings = (f"{facts.full_name} is archived on {facts.name}: read-only, its settings and activity are "
                    "those it had when it was archived",) if facts.archived else ()
        return Evidence(self.id, (Fact("platform", f"{facts.name} {facts.full_name}", None, {"facts": facts}),),
                        inventory={"platform": platform_inventory(facts)}, warnings=warnings)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        unread = evidence.of_kind("platform-unread")
        if unread:
            return [Finding(p, Outcome.UNKNOWN, unread[0].detail) for p in self.practices]
        facts: PlatformFacts = evidence.of_kind("platform")[0].data["facts"]
        from devops_scan_detectors.platform_verdicts import VERDICTS

        return [verdict(facts) for verdict in VERDICTS]
