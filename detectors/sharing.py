"""Sharing: what the project's documents tell a newcomer, and the documentation around them.

`ProjectDocsDetector` reads the README, the contribution guide and developer pages as a reader
would (sections, prose, commands shown); `DocumentationDetector` looks for a docs site, a
changelog with entries and architecture decision records.
"""

from __future__ import annotations

import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location
from devops_scan_detectors import doc_commands as commands
from devops_scan_detectors.badges import find_badges
from devops_scan_detectors.doc_sites import adr_facts, changelog_facts, docs_site_facts
from devops_scan_detectors.markdown_sections import Document, Section
from devops_scan_detectors.project_docs import CONTRIBUTING, README, ProjectDoc, project_docs
from devops_scan_detectors.sharing_verdicts import (
    adr_finding, badges_finding, build_documented_finding, changelog_finding, contribution_finding,
    dev_setup_finding, docs_finding, readme_finding)

DEV_TITLE = re.compile(
    r"develop|contribut|getting started|get started|local (setup|development|environment|dev)|setting up|"
    r"\bset ?up\b|hacking|from source|\brun(ning)?\b.{0,30}\blocally\b|dev(elopment)? environment", re.IGNORECASE)
# An "Installation" section is a development setup only when it installs from a checkout.
INSTALL_TITLE = re.compile(r"\binstall", re.IGNORECASE)
BUILD_TITLE = re.compile(r"\bbuild|compil|\btest", re.IGNORECASE)
PROCESS = re.compile(r"pull[- ]requests?|merge[- ]requests?|\b[PM]Rs?\b|\bbranch(es|ing)?\b|\bfork(s|ed|ing)?\b|"
                     r"\b(send|submit|mail)\w* (a |your |the )?patch(es)?\b|git send-email|gerrit", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")
_POINTER_WORDS = 40


class ProjectDocsDetector(Detector):
    id = "project-docs"
    title = "README, contribution guide and developer documentation"
    practices = ("share.readme", "report.badges", "build.documented", "env.dev-setup-documented",
                 "scm.contribution-guide")
    description = (
        "Reads the README (root, `.github/`, `docs/`), CONTRIBUTING (root, `.github/`, `.gitlab/`, `docs/`) and "
        "developer pages (DEVELOPMENT, HACKING, BUILDING, INSTALL, `docs/development.md`, ...) in Markdown, "
        "reStructuredText, AsciiDoc, Org or plain text, as sections with prose and the commands shown in code "
        "blocks and inline code. `share.readme` passes when the README has a description (15+ words of prose) and"
        " sections, code examples or links to fuller documentation, or 100+ words. `report.badges` lists the "
        "README's badges by service and passes with a CI, coverage or quality badge (version, licence and "
        "download badges do not count). `build.documented` passes when the documents show a build, test or "
        "install-from-source command (`make`, `pytest`, `pip install -e .`, `npm ci`, `go build`, `mvn`, `docker "
        "build`...) or a Build/Test section explained in prose; `pip install NAME` alone installs the release and"
        " does not document the build. `env.dev-setup-documented` passes with a development section (Development,"
        " Contributing, Getting started, Local setup, Building, ...) or a contribution/developer page that gives "
        "setup, build, test or run commands. `scm.contribution-guide` passes when CONTRIBUTING (or the README's "
        "Contributing section) explains the branch, fork, pull/merge-request or patch process; a short "
        "CONTRIBUTING that only links to a guide elsewhere is unknown."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        docs = project_docs(client, context)
        facts: list[Fact] = [Fact("unreadable", f"could not be read: {reason}", Location(path))
                             for path, reason in docs.unreadable]
        if docs.readme is not None:
            text = _raw_text(client, docs.readme.path)
            facts.append(_readme_fact(docs.readme.document, text))
            facts.extend(Fact("badge", f"{badge.service} badge", Location(docs.readme.path, badge.line),
                              {"kind": badge.kind, "service": badge.service})
                         for badge in find_badges(text))
        for doc in docs.all():
            facts.extend(_command_facts(doc))
            facts.extend(_dev_section_facts(doc))
            facts.extend(_process_facts(doc, _raw_text(client, doc.path)))
            facts.extend(Fact("build-section", f"section `{s.title}`", Location(doc.path, s.line),
                              {"title": s.title, "words": sum(x.words() for x in doc.document.subtree(i))})
                         for i, s in enumerate(doc.document.sections) if s.level and BUILD_TITLE.search(s.title))
        return Evidence(self.id, tuple(facts))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [readme_finding(evidence), badges_finding(evidence), build_documented_finding(evidence),
                dev_setup_finding(evidence), contribution_finding(evidence)]


class DocumentationDetector(Detector):
    id = "documentation"
    title = "Docs site, changelog and architecture decision records"
    practices = ("share.docs", "share.changelog", "share.adr")
    description = (
        "`share.docs` passes with a documentation generator's configuration, checked by content (MkDocs "
        "`site_name`, a Sphinx `conf.py` setting Sphinx options, Docusaurus, mdBook `[book]`, Antora, Hugo, "
        "Jekyll, Jupyter Book, VitePress, VuePress, Docsify, GitBook, Starlight, Read the Docs, Doxygen) or "
        "a `docs/` (`doc/`, `documentation/`) folder with at least 3 pages. `share.changelog` passes with a "
        "CHANGELOG/CHANGES/HISTORY/NEWS/RELEASE_NOTES file holding version entries (version or date "
        "headings) or release-notes tooling (towncrier, scriv, changesets, release-please, git-cliff, "
        "`.github/release.yml`, changie, reno, semantic-release, standard-version); a changelog that only "
        "links to the hosting platform's releases is unknown. `share.adr` passes with numbered or dated "
        "records in an ADR folder (`adr/`, `adrs/`, `decisions/`, `architecture/decisions/`, the folder "
        "named by adr-tools' `.adr-dir` or log4brains' `adrFolder`)."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = docs_site_facts(client) + changelog_facts(client) + adr_facts(client)
        sites = sorted({(f.data["tool"], f.location.path) for f in facts if f.kind == "docs-site"})
        inventory = {"docs_sites": [{"tool": tool, "path": path} for tool, path in sites]}
        return Evidence(self.id, tuple(facts), inventory)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [docs_finding(evidence), changelog_finding(evidence), adr_finding(evidence)]


def _raw_text(client: RepoClient, path: str) -> str:
    try:
        return client.read_text(path).text
    except UnreadableFile:  # already reported by project_docs, which then leaves the document out
        return ""


def _readme_fact(document: Document, text: str) -> Fact:
    headings = document.headings()
    # The first heading at the top of the file is the project's title, not a section.
    titled = bool(headings) and headings[0].line <= 3
    sections = [h.title for h in headings[1:]] if titled else [h.title for h in headings]
    data = {"words": document.words(), "sections": sections, "code_lines": len(document.code()),
            "links": len(_URL.findall(text))}
    return Fact("readme", "README", Location(document.path), data)


def _command_facts(doc: ProjectDoc) -> list[Fact]:
    facts = []
    for line, text in doc.document.code():
        for kind, command in commands.command_kinds(text):
            facts.append(Fact("doc-command", f"`{command}` ({kind})", Location(doc.path, line),
                              {"kind": kind, "command": command}))
    return facts


def _dev_section_facts(doc: ProjectDoc) -> list[Fact]:
    """Development sections (a whole contribution or developer page counts as one) and their commands."""
    document = doc.document
    indexes = [i for i, s in enumerate(document.sections)
               if s.level and any(p.search(s.title) for p in (DEV_TITLE, BUILD_TITLE, INSTALL_TITLE))]
    spans = [(i, document.subtree(i)) for i in indexes]
    titles = [document.sections[i].title for i in indexes]
    if doc.kind != README and not any(_commands(sections) for _, sections in spans) and document.sections:
        # A contribution or developer page is a development guide as a whole.
        spans, titles = [(0, document.sections)], [""]
    facts = []
    for (index, sections), title in zip(spans, titles, strict=True):
        found = _commands(sections)
        if title and not (DEV_TITLE.search(title) or BUILD_TITLE.search(title)) \
                and not any(kind in (commands.SOURCE_INSTALL, commands.SETUP) for kind, _, _ in found):
            continue  # installing the release is not setting up development
        line = document.sections[index].line if title else 1
        detail = f"section `{title}`" if title else "development guide"
        facts.append(Fact("dev-section", detail, Location(doc.path, line),
                          {"title": title, "commands": found, "words": sum(s.words() for s in sections),
                           "level": document.sections[index].level if title else 0}))
    return facts


def _commands(sections: tuple[Section, ...]) -> list[tuple[str, str, int]]:
    """(kind, command, line) of the setup, build, test and run commands shown (not release installs)."""
    return [(kind, command, line) for s in sections for line, text in s.code
            for kind, command in commands.command_kinds(text) if kind != commands.RELEASE_INSTALL]


def _process_facts(doc: ProjectDoc, text: str) -> list[Fact]:
    """Where a contribution guide (or the README's Contributing section) explains branches and PRs."""
    document = doc.document
    if doc.kind == README:
        spans = [document.subtree(i) for i, s in enumerate(document.sections)
                 if s.level and re.search(r"contribut", s.title, re.IGNORECASE)]
    elif doc.kind == CONTRIBUTING:
        spans = [document.sections]
    else:
        return []
    facts = []
    for sections in spans:
        lines = [item for s in sections for item in ((s.line, s.title),) + s.prose + s.code]
        # A section about the process is the best evidence; otherwise the first sentence that mentions it.
        hit = next(((s.line, s.title) for s in sections if s.level and PROCESS.search(s.title)), None) \
            or next(((n, said) for n, said in lines if PROCESS.search(said)), None)
        words = sum(s.words() for s in sections)
        link = _URL.search(text) if doc.kind == CONTRIBUTING else None
        data = {"doc": doc.kind, "words": words, "link": link.group(0).rstrip(".,;)>") if link else None}
        if hit is not None:
            data["phrase"] = PROCESS.search(hit[1]).group(0)
            said = " ".join(hit[1].split())[:80]
            facts.append(Fact("contribution-process", f"explains `{data['phrase']}`: {said}",
                              Location(doc.path, hit[0]), data))
        else:
            facts.append(Fact("contribution-silent", "says nothing about branches, forks or pull/merge requests",
                              Location(doc.path, sections[0].line if doc.kind == README else None), data))
    return facts
