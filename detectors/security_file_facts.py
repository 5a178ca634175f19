"""Facts about security files: a security policy or contact, a licence file or declared licence.

Shared by the security detectors; each function reads one file (or one document) and says what it
holds, by content: a SECURITY page that never says how to report a vulnerability is not a policy.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from devops_scan.clients.base import RepoClient
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan_detectors.licenses import spdx_id
from devops_scan_detectors.markdown_sections import Document

SPDX_EXPRESSION = re.compile(r"^\(?[A-Za-z0-9.+-]+\)?( (AND|OR|WITH) \(?[A-Za-z0-9.+-]+\)?)*$")
_CONTACT = re.compile(r"security@[\w.-]+|mailto:\S*security|\bsecurity advisor(y|ies)\b|/security/advisories",
                      re.IGNORECASE)
_VULNERABILITY = re.compile(r"vulnerabilit|security (issue|problem|bug|report|disclosure)|responsible disclosure",
                            re.IGNORECASE)
_REPORTING = re.compile(r"\breport(ing)?\b.{0,60}\b(security|issue|problem|bug)|disclos", re.IGNORECASE)
_REACHABLE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://[^\s)>\]]+")


def first_line(client: RepoClient, path: str, pattern: str) -> int | None:
    """1-based line of the first (case-insensitive) match in `path`, None when none or unreadable."""
    try:
        text = client.read_text(path).text
    except UnreadableFile:
        return None
    match = re.search(pattern, text, re.MULTILINE | re.IGNORECASE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def policy_fact(client: RepoClient, path: str) -> Fact:
    """A SECURITY file: a policy only when it tells how to report a vulnerability."""
    try:
        text = client.read_text(path).text
    except UnreadableFile as error:
        return Fact("policy-unreadable", f"could not be read: {error.reason}", Location(path))
    words = len(re.findall(r"[^\W\d_]{2,}", _REACHABLE.sub(" ", text)))
    if not words:
        return Fact("policy-empty", "the file is empty", Location(path))
    if not (_CONTACT.search(text) or _VULNERABILITY.search(text) or _REPORTING.search(text)):
        # A page about hardening or scanning is not a policy for reporting vulnerabilities.
        return Fact("policy-silent", "says nothing about reporting a vulnerability", Location(path))
    contact = _REACHABLE.search(text)
    detail = f"security policy ({words} words" + (f", contact {contact.group(0).rstrip('.,;:')[:60]})"
                                                  if contact else ")")
    return Fact("policy", detail, Location(path, 1))


def contact_facts(document: Document, text: str) -> list[Fact]:
    """A line telling how to report a vulnerability, read from the raw text (prose drops the links)."""
    starts = [(section.line, section.title) for section in document.sections]
    for number, line in enumerate(text.splitlines(), 1):
        title = next((t for start, t in reversed(starts) if start <= number), "")
        # A section about reporting ("Security", "Reporting a vulnerability", "Security policy"), not
        # any section with the word in it ("Security Configuration" documents a product feature).
        titled = re.search(r"vulnerab|disclos|report|^\W*security\W*$|security\s+(polic|contact|issue|report|advisor)",
                           title, re.IGNORECASE)
        if _CONTACT.search(line) or ((titled or _VULNERABILITY.search(line)) and _REACHABLE.search(line)):
            return [Fact("security-contact", f"how to report a vulnerability: {' '.join(line.split())[:80]}",
                         Location(document.path, number))]
    return []


def declared_license(kind: str, data: Mapping[str, Any]) -> str | None:
    """The licence a package manifest declares (its `license` field or equivalent), as written."""
    value = None
    if kind in ("package.json", "composer.json"):
        value = data.get("license")
    elif kind == "pyproject.toml":
        poetry = (data.get("tool") or {}).get("poetry") or {}
        value = (data.get("project") or {}).get("license") or poetry.get("license")
        if isinstance(value, dict):
            value = value.get("text") or (f"see {value['file']}" if value.get("file") else None)
    elif kind == "Cargo.toml":
        package = data.get("package") or {}
        value = package.get("license") or (f"see {package['license-file']}" if package.get("license-file") else None)
    elif kind == "setup.cfg":
        value = (data.get("metadata") or {}).get("license")
    elif kind == "gemspec":
        value = data.get("license")
    elif kind == "pom.xml":
        value = ", ".join(data.get("licenses") or []) or None
    elif kind == "msbuild":
        value = data.get("PackageLicenseExpression")
    if isinstance(value, list):
        value = " OR ".join(str(v) for v in value)
    return str(value).strip()[:80] if value and str(value).strip() else None


def license_file_fact(client: RepoClient, path: str) -> Fact:
    """A licence file with the SPDX identifier of its text when recognised."""
    try:
        text = client.read_text(path).text
    except UnreadableFile as error:
        return Fact("license-unreadable", f"could not be read: {error.reason}", Location(path))
    if not text.strip():
        return Fact("license-empty", "the licence file is empty", Location(path))
    identifier = spdx_id(text, path)
    return Fact("license-file", f"licence text ({identifier})" if identifier else "licence text (not recognised)",
                Location(path, 1), {"spdx": identifier})
