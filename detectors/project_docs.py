"""The project's human documents: README, contribution guide and developer pages, parsed once per scan.

Where a reader (or GitHub, GitLab) finds them: the root, `.github/`, `.gitlab/`, `docs/` and `doc/`
(and one folder deeper under `docs/` for developer pages). Vendored and test-data trees are not
the project's own.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan_detectors.markdown_sections import Document, parse_document

README = "readme"
CONTRIBUTING = "contributing"
DEVELOPER = "developer"

_DOC_EXTENSIONS = frozenset({"", "md", "markdown", "mdown", "mkd", "mdx", "rst", "txt", "adoc", "asciidoc", "org"})
_HOMES = ("", ".github", ".gitlab", "docs", "doc")
# GitHub shows the first README of .github/, the root, docs/; the root is what most readers open.
_README_ORDER = ("", ".github", "docs", "doc", ".gitlab")
_DEVELOPER_STEMS = re.compile(
    r"^(development|developing|develop|developer[-_ ]?guide|hacking|building|build|install|installation|setup|"
    r"getting[-_ ]?started|dev[-_ ]?setup|local[-_ ]?(development|setup)|testing|contribute|contributing)$",
    re.IGNORECASE)
_MAX_DEVELOPER_PAGES = 20


@dataclass(frozen=True)
class ProjectDoc:
    kind: str
    document: Document

    @property
    def path(self) -> str:
        return self.document.path


@dataclass(frozen=True)
class ProjectDocs:
    readme: ProjectDoc | None
    contributing: tuple[ProjectDoc, ...]
    developer: tuple[ProjectDoc, ...]
    # Files that are there but could not be read: (path, reason).
    unreadable: tuple[tuple[str, str], ...] = ()

    def all(self) -> tuple[ProjectDoc, ...]:
        return ((self.readme,) if self.readme else ()) + self.contributing + self.developer


def project_docs(client: RepoClient, context: ScanContext) -> ProjectDocs:
    """The README, contribution guides and developer pages of the repository, parsed once per scan."""
    return context.shared("project-docs", lambda: _find(client))


def _stem_and_ext(path: str) -> tuple[str, str]:
    stem, ext = posixpath.splitext(posixpath.basename(path))
    return stem, ext.lower().lstrip(".")


def _is_doc(path: str, stem_pattern: re.Pattern[str]) -> bool:
    stem, ext = _stem_and_ext(path)
    return ext in _DOC_EXTENSIONS and bool(stem_pattern.match(stem))


def _in_home(path: str) -> bool:
    return posixpath.dirname(path) in _HOMES


def _find(client: RepoClient) -> ProjectDocs:
    unreadable: list[tuple[str, str]] = []

    def load(kind: str, path: str) -> ProjectDoc | None:
        try:
            text = client.read_text(path).text
        except UnreadableFile as error:
            unreadable.append((path, error.reason))
            return None
        return ProjectDoc(kind, parse_document(path, text))

    readmes = [p for p in client.files if _in_home(p) and _is_doc(p, re.compile(r"^readme$", re.IGNORECASE))]
    readme = None
    for path in sorted(readmes, key=_readme_rank):
        readme = load(README, path)
        if readme is not None:
            break
    contributing_paths = sorted(
        (p for p in client.files if _in_home(p) and _is_doc(p, re.compile(r"^contributing$", re.IGNORECASE))),
        key=_home_rank)
    contributing = tuple(doc for doc in (load(CONTRIBUTING, p) for p in contributing_paths) if doc)
    developer_paths = sorted(
        (p for p in client.files if _developer_page(p) and p not in contributing_paths), key=_home_rank)
    developer = tuple(doc for doc in (load(DEVELOPER, p) for p in developer_paths[:_MAX_DEVELOPER_PAGES]) if doc)
    return ProjectDocs(readme, contributing, developer, tuple(unreadable))


def _developer_page(path: str) -> bool:
    folder = posixpath.dirname(path)
    deep_docs = folder.count("/") == 1 and folder.split("/")[0] in ("docs", "doc")
    if not (_in_home(path) or deep_docs) or not _is_doc(path, _DEVELOPER_STEMS):
        return False
    stem, ext = _stem_and_ext(path)
    # A root `install`/`build`/`setup` without an extension is a script, not a page.
    return bool(ext) or stem.isupper()


def _readme_rank(path: str) -> tuple[int, int, str]:
    stem, ext = _stem_and_ext(path)
    # README.md before README.txt or a bare README in the same folder.
    preferred_ext = 0 if ext in ("md", "markdown", "rst", "adoc", "org") else 1
    return _README_ORDER.index(posixpath.dirname(path)), preferred_ext, path


def _home_rank(path: str) -> tuple[int, str]:
    folder = posixpath.dirname(path)
    return (_HOMES.index(folder) if folder in _HOMES else len(_HOMES)), path
