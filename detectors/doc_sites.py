"""Documentation beyond the README: a docs site, a changelog with entries, architecture decision records.

Each finder returns Facts (kind, detail, location, data) and decides by content where a file name
could mislead: a `conf.py` is Sphinx's only when it sets Sphinx options, a CHANGELOG counts only
with version entries, an `adr/` folder only with numbered records.
"""

from __future__ import annotations

import posixpath
import re
from devops_scan.clients.base import RepoClient
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan_detectors.common import first_line_matching, not_the_projects_own
from devops_scan_detectors.markdown_sections import parse_document

DOC_PAGE_EXTENSIONS = frozenset({"md", "markdown", "mdx", "rst", "adoc", "asciidoc", "txt", "ipynb"})
MIN_DOCS_PAGES = 3
_MAX_READS = 40




# (tool, glob, content pattern that proves it) — a file whose content does not match is not reported.
_SITE_TOOLS: tuple[tuple[str, str, str], ...] = (
    ("MkDocs", "**/mkdocs.yml", r"^site_name\s*:"),
    ("MkDocs", "**/mkdocs.yaml", r"^site_name\s*:"),
    ("Sphinx", "**/conf.py", r"^(extensions|html_theme|master_doc|root_doc|source_suffix)\s*=|\bsphinx\b"),
    ("Docusaurus", "**/docusaurus.config.*", r"\b(presets|themeConfig|title)\s*:"),
    ("mdBook", "**/book.toml", r"^\[book\]"),
    ("Antora", "**/antora.yml", r"^name\s*:"),
    ("Antora", "**/antora-playbook.yml", r"^content\s*:"),
    ("Hugo", "**/hugo.toml", r"."),
    ("Hugo", "**/hugo.yaml", r"."),
    ("Hugo", "docs/config.toml", r"^baseURL\s*="),
    ("Hugo", "website/config.toml", r"^baseURL\s*="),
    ("Jekyll", "docs/_config.yml", r"^(theme|remote_theme|title|baseurl|markdown|collections)\s*:"),
    ("Jekyll", "_config.yml", r"^(theme|remote_theme|baseurl|markdown|collections)\s*:"),
    ("Jupyter Book", "**/_toc.yml", r"^(format|root)\s*:"),
    ("VitePress", "**/.vitepress/config.*", r"."),
    ("VuePress", "**/.vuepress/config.*", r"."),
    ("Docsify", "docs/index.html", r"docsify"),
    ("GitBook", ".gitbook.yaml", r"^(root|structure)\s*:"),
    ("Starlight", "**/astro.config.*", r"starlight\("),
    ("Read the Docs", ".readthedocs.yaml", r"^(version|sphinx|mkdocs|build)\s*:"),
    ("Read the Docs", ".readthedocs.yml", r"^(version|sphinx|mkdocs|build)\s*:"),
    ("Read the Docs", "readthedocs.yml", r"^(version|sphinx|mkdocs|build|python)\s*:"),
    ("Doxygen", "**/Doxyfile", r"^\s*(PROJECT_NAME|INPUT)\s*="),
)


def docs_site_facts(client: RepoClient) -> list[Fact]:
    """`docs-site` facts (a generator's configuration) and one `docs-pages` fact per docs folder."""
    facts: list[Fact] = []
    for tool, pattern, proof in _SITE_TOOLS:
        for path in client.files.glob(pattern):
            if not_the_projects_own(path) or path.split("/")[0] in ("node_modules",):
                continue
            line = first_line_matching(client, path, proof)
            if line is not None:
                facts.append(Fact("docs-site", f"{tool} configuration", Location(path, line), {"tool": tool}))
    for folder in ("docs", "doc", "documentation", "website/docs"):
        pages = [p for p in client.files.in_folder(folder, recursive=True)
                 if posixpath.splitext(p)[1].lower().lstrip(".") in DOC_PAGE_EXTENSIONS]
        if pages:
            facts.append(Fact("docs-pages", f"{folder}/ holds {len(pages)} documentation page(s)",
                              Location(folder + "/"), {"pages": len(pages), "folder": folder}))
    return sorted(facts, key=lambda f: (f.kind, f.location.path))


# --- changelog ------------------------------------------------------------------------------------

_CHANGELOG_STEM = re.compile(r"^(changelog|changes|history|news|release[-_]?notes|releases)$", re.IGNORECASE)
_VERSION_TITLE = re.compile(r"(^|[\s\[(v])v?\d+\.\d+(\.\d+)?\b|\bunreleased\b|\b\d{4}-\d{2}-\d{2}\b", re.IGNORECASE)
# `1.2.0 (2024-01-02)`, `- v1.2`, `Version 1.2`, GNU's `* Noteworthy changes in release 1.2`, Debian's `pkg (1.2-1)`.
_VERSION_LINE = re.compile(r"^\s*(?:[-*#=]+\s*)?(?:[\w ]{0,40}?\b(?:version|release)\s+|\S+ \()?"
                           r"\[?v?\d+\.\d+(?:\.\d+)?\b", re.IGNORECASE)
_RELEASES_LINK = re.compile(r"https?://\S+/(releases|tags|changelog)\S*", re.IGNORECASE)

# (tool, glob, content pattern) for release-notes tooling.
_NOTES_TOOLS: tuple[tuple[str, str, str], ...] = (
    ("towncrier", "towncrier.toml", r"^\[tool\.towncrier\]|^\["),
    ("towncrier", "pyproject.toml", r"^\[tool\.towncrier"),
    ("scriv", "pyproject.toml", r"^\[tool\.scriv"),
    ("changesets", ".changeset/config.json", r"\{"),
    ("release-please", "release-please-config.json", r"\{"),
    ("release-please", ".release-please-manifest.json", r"\{"),
    ("git-cliff", "cliff.toml", r"^\[changelog\]"),
    ("GitHub release notes", ".github/release.yml", r"^changelog\s*:"),
    ("GitHub release notes", ".github/release.yaml", r"^changelog\s*:"),
    ("changie", ".changie.yaml", r"^changesDir\s*:"),
    # goreleaser writes a changelog into every release unless `changelog: disable: true`.
    ("goreleaser", ".goreleaser.y*ml", r"^(builds|archives|project_name|includes|changelog)\s*:"),
    ("reno", "releasenotes/notes/*.yaml", r"^(features|fixes|upgrade|prelude|other)\s*:"),
    ("semantic-release", ".releaserc*", r"."),
    ("semantic-release", "release.config.*", r"."),
    ("standard-version", ".versionrc*", r"."),
)


def changelog_facts(client: RepoClient) -> list[Fact]:
    """`changelog` (with entries), `changelog-empty`, `changelog-elsewhere` and `release-notes-tool` facts."""
    facts: list[Fact] = []
    paths = [p for p in client.files if _CHANGELOG_STEM.match(posixpath.splitext(posixpath.basename(p))[0])
             and posixpath.splitext(p)[1].lower().lstrip(".") in DOC_PAGE_EXTENSIONS | {""}
             and not not_the_projects_own(p)]
    for path in sorted(paths, key=lambda p: (p.count("/"), p))[:_MAX_READS]:
        try:
            text = client.read_text(path).text
        except UnreadableFile:
            continue
        facts.append(_changelog_fact(path, text))
    for tool, pattern, proof in _NOTES_TOOLS:
        for path in client.files.glob(pattern)[:1]:
            line = first_line_matching(client, path, proof)
            if tool == "goreleaser":
                if first_line_matching(client, path, r"^changelog:\s*\n\s+disable:\s*true"):
                    continue
                line = first_line_matching(client, path, r"^changelog\s*:") or line  # on by default
            if line is not None:
                facts.append(Fact("release-notes-tool", f"{tool} writes the release notes", Location(path, line),
                                  {"tool": tool}))
    return facts


def _changelog_fact(path: str, text: str) -> Fact:
    document = parse_document(path, text)
    entries = [(s.line, s.title) for s in document.sections if s.level and _VERSION_TITLE.search(s.title)]
    if not entries:
        entries = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1) if _VERSION_LINE.match(line)]
    if entries:
        line, title = entries[0]
        return Fact("changelog", f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}, the first `{title[:60]}`",
                    Location(path, line), {"entries": len(entries)})
    link = _RELEASES_LINK.search(text)
    if link:
        line = text.count("\n", 0, link.start()) + 1
        return Fact("changelog-elsewhere", f"points to {link.group(0)[:100]}", Location(path, line))
    return Fact("changelog-empty", "no version entries", Location(path))


# --- architecture decision records -------------------------------------------------------------------

_ADR_FOLDER_NAMES = frozenset({"adr", "adrs", "decisions", "decision-records", "architecture-decisions",
                               "architecture-decision-records", "architectural-decisions"})
_RECORD_NAME = re.compile(r"^(adr[-_]?)?(\d{1,5}|\d{4}-?\d{2}-?\d{2})[-_. ]", re.IGNORECASE)


def adr_facts(client: RepoClient) -> list[Fact]:
    """`adr-records` (a folder with numbered records), `adr-folder-empty`, and the tool that points there."""
    folders: dict[str, Location] = {}
    for folder in sorted(client.files.folders()):
        if posixpath.basename(folder).lower() in _ADR_FOLDER_NAMES and not not_the_projects_own(folder + "/x"):
            folders.setdefault(folder, Location(folder + "/"))
    for config, pattern in ((".adr-dir", r"^\s*(\S+)"), (".log4brains.yml", r"adrFolder\s*:\s*['\"]?([^'\"\s]+)")):
        if config in client.files:
            folder = _configured_folder(client, config, pattern)
            if folder:
                folders[folder] = Location(config, 1)
    facts: list[Fact] = []
    for folder, where in sorted(folders.items()):
        records = sorted(p for p in client.files.in_folder(folder, recursive=True)
                         if _RECORD_NAME.match(posixpath.basename(p))
                         and posixpath.splitext(p)[1].lower().lstrip(".") in DOC_PAGE_EXTENSIONS)
        if records:
            names = ", ".join(posixpath.basename(p) for p in records[:3]) + (", ..." if len(records) > 3 else "")
            facts.append(Fact("adr-records", f"{len(records)} numbered decision record(s) in {folder}/ ({names})",
                              Location(records[0]), {"records": len(records), "folder": folder}))
        elif where.path != folder + "/" or client.files.in_folder(folder, recursive=True):
            facts.append(Fact("adr-folder-empty", f"{folder}/ holds no numbered decision record", where,
                              {"folder": folder}))
    return facts


def _configured_folder(client: RepoClient, path: str, pattern: str) -> str | None:
    try:
        match = re.search(pattern, client.read_text(path).text, re.MULTILINE)
    except UnreadableFile:
        return None
    return posixpath.normpath(match.group(1)).strip("/") if match else None

