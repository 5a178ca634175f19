"""From the security-file detectors' facts to findings, each saying what was found and where."""

from __future__ import annotations

from devops_scan.model import Evidence, Fact, Finding, Outcome

# GitHub shows an organisation's `.github` repository files (SECURITY.md...) on every repository that has
# none of its own: a repository scan cannot see them, so their absence here is unknown, not missing.
_ORG_DEFAULTS = ("; one inherited from the organisation's `.github` repository would not be visible here "
                 "(scan with a token to read the community profile)")


def policy_finding(evidence: Evidence) -> Finding:
    for kind, what in (("policy", "security policy"), ("security-txt", "security.txt"),
                       ("security-contact", "security contact")):
        found = evidence.of_kind(kind)
        if found:
            return Finding("sec.policy", Outcome.PASS, f"{what} in {found[0].location.path}: {found[0].detail}",
                           found[:2])
    empty = evidence.of_kind("policy-empty")
    if empty:
        return Finding("sec.policy", Outcome.FAIL, f"{empty[0].location.path} is empty", empty[:1])
    silent = evidence.of_kind("policy-silent")
    if silent:
        return Finding("sec.policy", Outcome.FAIL, f"{silent[0].location.path} {silent[0].detail}", silent[:1],
                       remediation="Say how to report a vulnerability privately (an e-mail address or the "
                                   "platform's private reporting), what versions get fixes and what to expect.")
    unreadable = evidence.of_kind("policy-unreadable")
    if unreadable:
        return Finding("sec.policy", Outcome.UNKNOWN, f"{unreadable[0].location.path} {unreadable[0].detail}",
                       unreadable[:1])
    return Finding("sec.policy", Outcome.UNKNOWN, "no SECURITY file, security.txt, or vulnerability-reporting "
                   "contact in the README or contribution guide" + _ORG_DEFAULTS)


def license_finding(evidence: Evidence) -> Finding:
    files = evidence.of_kind("license-file")
    declared = evidence.of_kind("license-declared")
    if files:
        names = ", ".join(f"{f.location.path} ({f.data['spdx'] or 'text not recognised'})" for f in files[:4])
        return Finding("sec.license", Outcome.PASS, f"licence file(s): {names}", files[:4] + declared[:2])
    if declared:
        return Finding("sec.license", Outcome.PASS,
                       f"{declared[0].detail} (no licence file carries the text)", declared[:3],
                       remediation="Add the licence text as LICENSE at the root: package registries and "
                                   "readers look for it there.")
    empty = evidence.of_kind("license-empty")
    if empty:
        return Finding("sec.license", Outcome.FAIL, f"{empty[0].location.path} is empty", empty[:1])
    unreadable = evidence.of_kind("license-unreadable")
    if unreadable:
        return Finding("sec.license", Outcome.UNKNOWN, f"{unreadable[0].location.path} {unreadable[0].detail}",
                       unreadable[:1])
    return Finding("sec.license", Outcome.FAIL, "no LICENSE/COPYING file at the root and no licence declared in a "
                   "root package manifest")


def bots_finding(evidence: Evidence) -> Finding:
    bots = evidence.of_kind("bot")
    if bots:
        by_bot: dict[str, list[str]] = {}
        for fact in bots:
            by_bot.setdefault(fact.data["bot"], [])
            if fact.data.get("ecosystem"):
                by_bot[fact.data["bot"]].append(fact.data["ecosystem"])
        parts = [f"{bot} ({', '.join(sorted(set(ecosystems)))})" if ecosystems else bot
                 for bot, ecosystems in sorted(by_bot.items())]
        return Finding("sec.dependency-updates", Outcome.PASS, "dependency updates by " + "; ".join(parts), bots[:6])
    unreadable = evidence.of_kind("bot-unreadable")
    if unreadable:
        return Finding("sec.dependency-updates", Outcome.UNKNOWN, unreadable[0].detail, unreadable[:2])
    inactive = evidence.of_kind("bot-inactive")
    if inactive:
        return Finding("sec.dependency-updates", Outcome.FAIL, f"{inactive[0].location.path}: {inactive[0].detail}",
                       inactive[:2])
    return Finding("sec.dependency-updates", Outcome.FAIL,
                   "no Dependabot or Renovate configuration (Dependabot security updates switched on in the "
                   "platform's settings are not visible to a repository scan)")


def _one_per_place(facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """One fact per location (a workspace's lock file locks every package under it)."""
    first: dict[object, Fact] = {}
    for fact in facts:
        first.setdefault(fact.location, fact)
    return tuple(first.values())


def lockfiles_finding(evidence: Evidence) -> Finding:
    summary = evidence.inventory.get("lockfiles", {})
    unlocked = evidence.of_kind("lock-unlocked")
    locked = _one_per_place(evidence.of_kind("lock-locked"))
    unknown = evidence.of_kind("lock-unknown")
    if not summary:
        return Finding("sec.lockfiles", Outcome.NOT_APPLICABLE, "no dependency manifest declares dependencies")
    statuses = "; ".join(f"{eco}: {entry['status']}" + (f" ({', '.join(entry['locks'][:3])})" if entry["locks"] else "")
                         for eco, entry in summary.items())
    if unlocked:
        return Finding("sec.lockfiles", Outcome.FAIL, f"{statuses} — {unlocked[0].detail}", unlocked[:4] + locked[:2])
    if locked:
        return Finding("sec.lockfiles", Outcome.PASS, statuses,
                       locked[:6] + evidence.of_kind("lock-exact-versions")[:2])
    if unknown:
        return Finding("sec.lockfiles", Outcome.UNKNOWN, f"{statuses} — {unknown[0].detail}", unknown[:3])
    exact = evidence.of_kind("lock-exact-versions")
    if exact:
        # Maven, Gradle and NuGet have no lock file by default: exact versions already resolve reproducibly.
        return Finding("sec.lockfiles", Outcome.NOT_APPLICABLE, f"{statuses} — {exact[0].detail}", exact[:3])
    return Finding("sec.lockfiles", Outcome.NOT_APPLICABLE, f"{statuses} — libraries declare version ranges and "
                   "their consumers lock them", evidence.of_kind("lock-optional")[:3])


def hooks_finding(evidence: Evidence) -> Finding:
    hooks = evidence.of_kind("hook")
    code = [f for f in hooks if f.data.get("stage") in ("pre-commit", "pre-push")]
    if code:
        return Finding("test.pre-commit", Outcome.PASS, "; ".join(f"{f.location.path}: {f.detail}" for f in code[:3]),
                       code[:4])
    if hooks:
        return Finding("test.pre-commit", Outcome.FAIL, f"only a {hooks[0].data['stage']} hook ({hooks[0].location}):"
                       " it checks commit messages, not code", hooks[:2])
    unreadable = evidence.of_kind("hook-unreadable")
    if unreadable:
        return Finding("test.pre-commit", Outcome.UNKNOWN, unreadable[0].detail, unreadable[:1])
    inactive = evidence.of_kind("hook-inactive")
    if inactive:
        return Finding("test.pre-commit", Outcome.FAIL, f"{inactive[0].location.path}: {inactive[0].detail}",
                       inactive[:2])
    staged = evidence.of_kind("lint-staged")
    if staged:
        return Finding("test.pre-commit", Outcome.FAIL, "lint-staged is configured but no git hook runs it",
                       staged[:1], remediation="Install husky (`npx husky init`) and call `npx lint-staged` from "
                                               "`.husky/pre-commit`.")
    return Finding("test.pre-commit", Outcome.FAIL, "no pre-commit, husky, lefthook or other git hook configuration")


def secret_scan_finding(evidence: Evidence) -> Finding:
    found = evidence.of_kind("secret-scan")
    if found:
        tools = sorted({f.data["tool"] for f in found})
        return Finding("sec.secret-scan", Outcome.PASS, f"secret scanning configured: {', '.join(tools)}", found[:4])
    partial = evidence.of_kind("secret-partial")
    if partial:
        return Finding("sec.secret-scan", Outcome.FAIL, f"only {partial[0].detail}; no secret scanner is configured",
                       partial[:2])
    return Finding("sec.secret-scan", Outcome.FAIL, "no gitleaks, trufflehog, detect-secrets or other secret-scanning "
                   "configuration or hook in the repository (GitHub secret scanning switched on in the settings "
                   "is not visible to a repository scan)")
