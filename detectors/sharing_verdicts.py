"""From the sharing detectors' facts to findings: one function per practice, each saying what was found."""

from __future__ import annotations

from devops_scan.model import Evidence, Fact, Finding, Outcome
from devops_scan_detectors import doc_commands as commands
from devops_scan_detectors.badges import HEALTH_KINDS
from devops_scan_detectors.doc_sites import MIN_DOCS_PAGES

MIN_DESCRIPTION_WORDS = 15
SUBSTANTIAL_WORDS = 100
_SHOWN = 5


def _names(items: list[str], limit: int = 5, sep: str = ", ") -> str:
    shown = sep.join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _no_readme(practice: str, evidence: Evidence, what: str) -> Finding:
    unreadable = evidence.of_kind("unreadable")
    if unreadable:
        return Finding(practice, Outcome.UNKNOWN, f"the README could not be read, so {what} is unknown", unreadable)
    return Finding(practice, Outcome.FAIL, "no README in the root, .github/ or docs/")


def readme_finding(evidence: Evidence) -> Finding:
    readmes = evidence.of_kind("readme")
    if not readmes:
        return _no_readme("share.readme", evidence, "its substance")
    readme = readmes[0]
    words, sections, code = readme.data["words"], readme.data["sections"], readme.data["code_lines"]
    links = readme.data["links"]
    found = [f"{words} words of prose",
             f"{len(sections)} section(s)" + (f" ({_names(sections, sep='; ')})" if sections else ""),
             "code examples" if code else "no code example"] + ([f"{links} link(s)"] if links else [])
    description = words >= MIN_DESCRIPTION_WORDS
    # A description that links to fuller documentation is a README doing its job.
    if (description and (sections or code or links)) or words >= SUBSTANTIAL_WORDS:
        return Finding("share.readme", Outcome.PASS, f"{readme.location.path}: " + ", ".join(found), (readme,))
    if not words and not sections and not code:
        return Finding("share.readme", Outcome.FAIL, f"{readme.location.path} is only a title", (readme,),
                       remediation="Describe what the project does and for whom, then add Installation, "
                       "Usage (with an example) and Development sections.")
    missing = "a description of at least 15 words" if not description else "sections, a usage example or links"
    return Finding("share.readme", Outcome.FAIL,
                   f"{readme.location.path} has little substance: " + ", ".join(found) + f"; it lacks {missing}",
                   (readme,), remediation="Describe what the project does and for whom, then add Installation, "
                   "Usage (with an example) and Development sections.")


def badges_finding(evidence: Evidence) -> Finding:
    if not evidence.of_kind("readme"):
        return _no_readme("report.badges", evidence, "which badges it shows")
    badges = evidence.of_kind("badge")
    health = [b for b in badges if b.data["kind"] in HEALTH_KINDS]
    if health:
        kinds = {}
        for badge in health:
            kinds.setdefault(badge.data["kind"], []).append(badge.data["service"])
        labels = {"ci": "CI", "coverage": "coverage", "quality": "quality"}
        parts = [f"{labels[kind]} ({', '.join(dict.fromkeys(services))})" for kind, services in sorted(kinds.items())]
        return Finding("report.badges", Outcome.PASS, "README shows " + " and ".join(parts) + " badges",
                       tuple(health[:10]))
    if badges:
        services = list(dict.fromkeys(b.data["service"] for b in badges))
        return Finding("report.badges", Outcome.FAIL,
                       f"README shows {len(badges)} badge(s) ({_names(services)}) but none for CI, coverage or "
                       "quality", tuple(badges[:10]))
    return Finding("report.badges", Outcome.FAIL, "README shows no badges")


def _command_summary(facts: list[Fact]) -> str:
    by_kind: dict[str, str] = {}
    for fact in facts:
        by_kind.setdefault(fact.data["kind"], fact.data["command"])
    return ", ".join(f"{kind} (`{command}`)" for kind, command in by_kind.items())


def build_documented_finding(evidence: Evidence) -> Finding:
    shown = [f for f in evidence.of_kind("doc-command")
             if f.data["kind"] in (commands.BUILD, commands.TEST, commands.SOURCE_INSTALL, commands.RUN)]
    if shown:
        docs = sorted({f.location.path for f in shown})
        verb = "shows" if len(docs) == 1 else "show"
        return Finding("build.documented", Outcome.PASS,
                       f"{' and '.join(docs)} {verb} how to {_command_summary(shown)}", tuple(shown[:_SHOWN]))
    explained = [f for f in evidence.of_kind("build-section") if f.data["words"] >= MIN_DESCRIPTION_WORDS]
    if explained:
        return Finding("build.documented", Outcome.PASS,
                       f"{explained[0].location.path} section `{explained[0].data['title']}` explains the build in "
                       "prose (no command shown)",
                       (explained[0],))
    if not evidence.of_kind("readme") and not evidence.of_kind("dev-section"):
        return _no_readme("build.documented", evidence, "whether it documents the build")
    releases = [f for f in evidence.of_kind("doc-command") if f.data["kind"] == commands.RELEASE_INSTALL]
    if releases:
        return Finding("build.documented", Outcome.FAIL,
                       "the documents only show how to install the released software "
                       f"(`{releases[0].data['command']}`), not how to build or test it", tuple(releases[:3]))
    return Finding("build.documented", Outcome.FAIL,
                   "the README and contribution documents show no build, test or install-from-source command")


def dev_setup_finding(evidence: Evidence) -> Finding:
    sections = evidence.of_kind("dev-section")
    with_commands = [f for f in sections if f.data["commands"]]
    if with_commands:
        # The most specific section ("Development setup" rather than the guide's title).
        best = max(with_commands, key=lambda f: f.data["level"])
        shown = ", ".join(f"`{command}`" for _, command, _ in best.data["commands"][:3])
        where = f"{best.location.path} section `{best.data['title']}`" if best.data["title"] else best.location.path
        return Finding("env.dev-setup-documented", Outcome.PASS, f"{where} gives commands ({shown})",
                       tuple(with_commands[:3]))
    if sections:
        names = _names([f"section `{f.data['title']}` ({f.location})" if f.data["title"] else f.location.path
                        for f in sections], 3)
        return Finding("env.dev-setup-documented", Outcome.FAIL,
                       f"{names}: no setup, build, test or run command shown", tuple(sections[:3]))
    if not evidence.of_kind("readme"):
        return _no_readme("env.dev-setup-documented", evidence, "the development setup")
    return Finding("env.dev-setup-documented", Outcome.FAIL,
                   "no development setup section (Development, Contributing, Getting started, Local setup...) in "
                   "the README and no contribution or developer guide")


def contribution_finding(evidence: Evidence) -> Finding:
    process = evidence.of_kind("contribution-process")
    guides = [f for f in process if f.data["doc"] == "contributing"]
    if guides or process:
        best = (guides or process)[0]
        where = "CONTRIBUTING" if guides else "the README's Contributing section"
        return Finding("scm.contribution-guide", Outcome.PASS,
                       f"{where} explains the contribution process ({best.location}: `{best.data['phrase']}`)",
                       (best,))
    silent = [f for f in evidence.of_kind("contribution-silent") if f.data["doc"] == "contributing"]
    pointers = [f for f in silent if f.data["link"] and f.data["words"] < 40]
    if pointers:
        return Finding("scm.contribution-guide", Outcome.UNKNOWN,
                       f"{pointers[0].location.path} points to a guide outside the repository "
                       f"({pointers[0].data['link']}); its content cannot be read by a repository scan", (pointers[0],))
    if silent:
        return Finding("scm.contribution-guide", Outcome.FAIL,
                       f"{silent[0].location.path} says nothing about branches, forks or pull/merge requests",
                       tuple(silent[:2]))
    return Finding("scm.contribution-guide", Outcome.FAIL, "no CONTRIBUTING file in the root, .github/ or docs/")


def docs_finding(evidence: Evidence) -> Finding:
    sites = evidence.of_kind("docs-site")
    pages = evidence.of_kind("docs-pages")
    enough = [f for f in pages if f.data["pages"] >= MIN_DOCS_PAGES]
    if sites:
        tools = list(dict.fromkeys(f.data["tool"] for f in sites))
        return Finding("share.docs", Outcome.PASS, f"documentation site configured: {_names(tools)}",
                       tuple(sites[:5]) + tuple(enough[:1]))
    if enough:
        return Finding("share.docs", Outcome.PASS, f"{enough[0].detail}", tuple(enough[:2]))
    if pages:
        return Finding("share.docs", Outcome.FAIL,
                       f"{pages[0].detail} and no site generator is configured (at least {MIN_DOCS_PAGES} pages "
                       "make a documentation folder)", tuple(pages))
    return Finding("share.docs", Outcome.FAIL, "no documentation site configuration and no docs/ folder")


def changelog_finding(evidence: Evidence) -> Finding:
    logs = evidence.of_kind("changelog")
    tools = evidence.of_kind("release-notes-tool")
    if logs or tools:
        parts = [f"{f.location.path}: {f.detail}" for f in logs[:2]] + [f.detail for f in tools[:2]]
        return Finding("share.changelog", Outcome.PASS, "; ".join(parts), tuple(logs[:2]) + tuple(tools[:2]))
    elsewhere = evidence.of_kind("changelog-elsewhere")
    if elsewhere:
        return Finding("share.changelog", Outcome.UNKNOWN,
                       f"{elsewhere[0].location.path} {elsewhere[0].detail}: the release notes live on the hosting "
                       "platform, which a repository scan does not read", elsewhere[:1])
    empty = evidence.of_kind("changelog-empty")
    if empty:
        return Finding("share.changelog", Outcome.FAIL, f"{empty[0].location.path} has no version entries", empty[:1])
    return Finding("share.changelog", Outcome.FAIL, "no CHANGELOG, CHANGES, HISTORY or NEWS file and no "
                   "release-notes tooling")


def adr_finding(evidence: Evidence) -> Finding:
    records = evidence.of_kind("adr-records")
    if records:
        return Finding("share.adr", Outcome.PASS, "; ".join(f.detail for f in records[:2]), tuple(records[:3]))
    empty = evidence.of_kind("adr-folder-empty")
    if empty:
        return Finding("share.adr", Outcome.FAIL, "; ".join(f.detail for f in empty[:2]), tuple(empty[:2]))
    return Finding("share.adr", Outcome.FAIL, "no architecture decision records (no adr/, decisions/ or "
                   "architecture/decisions/ folder with numbered records)")
