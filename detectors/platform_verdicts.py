"""One function per platform practice: PlatformFacts in, one Finding out (the detector is the list)."""

from __future__ import annotations

from devops_scan.model import Fact, Finding, Outcome
from devops_scan.platform.facts import Known, PlatformFacts, Protection, Unknown

MIN_PULLS = 5
REVIEWED_SHARE = 0.7
SHORT_HOURS = 7 * 24


def _requests(facts: PlatformFacts) -> str:
    return "merge requests" if facts.name == "gitlab" else "pull requests"


def _evidence(*lines: str) -> tuple[Fact, ...]:
    return tuple(Fact("platform", line) for line in lines if line)


def _protection(facts: PlatformFacts, practice: str) -> Protection | Finding:
    if isinstance(facts.protection, Unknown):
        return Finding(practice, Outcome.UNKNOWN, facts.protection.reason)
    return facts.protection.value


_SOURCES = {"classic": "classic protection read", "rulesets": "rulesets read",
            "both": "classic protection and rulesets read", "protected_branch": "protected branch rules read"}
_NONE = {"github": "neither classic protection nor a ruleset protects it",
         "gitlab": "no protected branch rule matches it"}


def _decide(practice: str, facts: PlatformFacts, protection: Protection, ok: bool, good: str, bad: str,
            unseen: str = "") -> Finding:
    """Pass, or fail from what the token saw; unknown when the missing rule may be in what it could not see."""
    branch = facts.default_branch or "?"
    unseen = "; ".join(note for note in (protection.partial, unseen) if note)
    origins = _evidence(*protection.origins[:5], unseen)
    if ok:
        return Finding(practice, Outcome.PASS, f"{branch}: {good}", origins)
    if unseen:
        return Finding(practice, Outcome.UNKNOWN, f"{branch}: {bad} in what the token could read; {unseen}", origins)
    read = _NONE.get(facts.name, _NONE["github"]) if protection.source == "none" else \
        _SOURCES.get(protection.source, f"{protection.source} read")
    return Finding(practice, Outcome.FAIL, f"{branch}: {bad} ({read})", origins)


def code_review(facts: PlatformFacts) -> Finding:
    protection = _protection(facts, "scm.code-review")
    if isinstance(protection, Finding):
        return protection
    count = protection.required_approvals
    return _decide("scm.code-review", facts, protection, count >= 1,
                   f"{count} approving review(s) required before merging"
                   + (", code owners' among them" if protection.code_owner_review else ""),
                   "no approving review is required", unseen=protection.approvals_partial)


def protected_trunk(facts: PlatformFacts) -> Finding:
    protection = _protection(facts, "scm.protected-trunk")
    if isinstance(protection, Finding):
        return protection
    missing = [name for name, ok in (("force pushes are allowed", protection.force_push_blocked),
                                     ("deletion is allowed", protection.deletion_blocked),
                                     ("no status check is required", protection.requires_checks)) if not ok]
    return _decide("scm.protected-trunk", facts, protection, not missing,
                   "force pushes and deletion are blocked and status checks are required", "; ".join(missing))


def required_checks(facts: PlatformFacts) -> Finding:
    protection = _protection(facts, "ci.required-checks")
    if isinstance(protection, Finding):
        return protection
    named = ", ".join(protection.required_checks[:6]) or "checks"
    return _decide("ci.required-checks", facts, protection, protection.requires_checks,
                   f"merging waits for {named}" + (" on an up-to-date branch" if protection.strict_checks else ""),
                   "no status check must pass before merging")


def review_depth(facts: PlatformFacts) -> Finding:
    pulls = facts.pull_requests
    if isinstance(pulls, Unknown):
        return Finding("culture.review-depth", Outcome.UNKNOWN, pulls.reason)
    value = pulls.value
    if value.approved_by_other is None:
        why = ("approvals are read through GitHub's GraphQL API, which needs a token"
               if facts.name == "github" and not facts.authenticated else
               f"the approvals of merged {_requests(facts)} could not be read")
        return Finding("culture.review-depth", Outcome.UNKNOWN, why, _evidence(*value.sample))
    if value.merged < MIN_PULLS:
        return Finding("culture.review-depth", Outcome.UNKNOWN,
                       f"{value.merged} merged {_requests(facts)} in the window; at least {MIN_PULLS} are needed")
    share = value.approved_by_other / value.merged
    told = f"{value.approved_by_other} of {value.merged} merged {_requests(facts)} ({share:.0%}) were approved " \
           "by someone other than the author"
    return Finding("culture.review-depth", Outcome.PASS if share >= REVIEWED_SHARE else Outcome.FAIL, told,
                   _evidence(*value.sample))


def short_lived(facts: PlatformFacts) -> Finding:
    pulls = facts.pull_requests
    if isinstance(pulls, Unknown):
        return Finding("scm.short-lived-branches", Outcome.UNKNOWN, pulls.reason)
    value = pulls.value
    if value.merged < MIN_PULLS or value.median_hours_to_merge is None:
        return Finding("scm.short-lived-branches", Outcome.UNKNOWN,
                       f"{value.merged} merged {_requests(facts)} in the window; at least {MIN_PULLS} are needed")
    hours = value.median_hours_to_merge
    told = f"merged {_requests(facts)} were open {hours / 24:.1f} days (median of {value.merged})"
    return Finding("scm.short-lived-branches", Outcome.PASS if hours <= SHORT_HOURS else Outcome.FAIL, told,
                   _evidence(*value.sample))


def deployments_tracked(facts: PlatformFacts) -> Finding:
    deployments = facts.deployments
    if isinstance(deployments, Unknown):
        return Finding("report.deployments-tracked", Outcome.UNKNOWN, deployments.reason)
    value = deployments.value
    if value.total:
        per = ", ".join(f"{env}: {count}" for env, count in value.per_environment.items())
        return Finding("report.deployments-tracked", Outcome.PASS,
                       f"{facts.name} recorded {value.total} deployment(s) in the window ({per})",
                       _evidence(*(f"{env}: latest {date} ({value.latest_state.get(env, '?')})"
                                   for env, date in value.latest.items())))
    return Finding("report.deployments-tracked", Outcome.FAIL, f"{facts.name} recorded no deployment in the window")


def push_button(facts: PlatformFacts) -> Finding:
    environments = facts.environments
    if isinstance(environments, Unknown):
        return Finding("deploy.push-button", Outcome.UNKNOWN, environments.reason)
    gated = [env for env in environments.value if env.required_reviewers]
    if gated:
        return Finding("deploy.push-button", Outcome.PASS,
                       f"deployments to {', '.join(env.name for env in gated)} wait for a reviewer's approval",
                       _evidence(*(f"environment {env.name}: {env.required_reviewers} reviewer rule(s)" for env in gated)))
    if environments.value:
        return Finding("deploy.push-button", Outcome.FAIL,
                       f"no environment ({', '.join(env.name for env in environments.value)}) requires an approval")
    return Finding("deploy.push-button", Outcome.FAIL, f"no deployment environment is defined on {facts.name}")


def _setting(practice: str, settings: list[tuple[str, Known | Unknown]]) -> Finding:
    on = [name for name, fact in settings if isinstance(fact, Known) and fact.value]
    if on:
        return Finding(practice, Outcome.PASS, f"{', '.join(on)} on", _evidence(*on))
    unknown = [fact.reason for _name, fact in settings if isinstance(fact, Unknown)]
    if unknown:
        return Finding(practice, Outcome.UNKNOWN, "; ".join(unknown))
    return Finding(practice, Outcome.FAIL, f"{', '.join(name for name, _ in settings)} off")


def secret_scan(facts: PlatformFacts) -> Finding:
    return _setting("sec.secret-scan", [("secret scanning", facts.security.secret_scanning),
                                        ("push protection", facts.security.push_protection)])


def dependency_scan(facts: PlatformFacts) -> Finding:
    return _setting("sec.dependency-scan", [("Dependabot alerts", facts.security.vulnerability_alerts),
                                            ("Dependabot security updates",
                                             facts.security.dependabot_security_updates)])


def sast(facts: PlatformFacts) -> Finding:
    return _setting("sec.sast", [("code scanning (default setup)", facts.security.code_scanning_default_setup)])


VERDICTS = (code_review, protected_trunk, required_checks, review_depth, short_lived, deployments_tracked,
            push_button, secret_scan, dependency_scan, sast)
