"""Culture files: CODEOWNERS with real rules, a code of conduct, issue and pull/merge request templates.

A file existing is not enough: a CODEOWNERS of comments assigns nobody, an issue-template folder
holding only `config.yml` offers no template. Files inherited from an organisation's `.github`
repository are not in the repository, so a fail says that a local scan cannot see them.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.common import text_or_none as _read

# GitHub reads .github/, the root, docs/ (first found wins); GitLab the root, docs/, .gitlab/.
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS")
_OWNER = re.compile(r"^(@@?[\w.-]+(/[\w.-]+)*|[^@\s]+@[^@\s]+\.[^@\s]+)$")
_SECTION = re.compile(r"^\^?\[([^\]]+)\](\[\d+\])?\s*(.*)$")
_CONDUCT_STEM = re.compile(r"^(code[-_ ]of[-_ ]conduct|conduct)$", re.IGNORECASE)
_HOMES = ("", ".github", "docs", ".gitlab")
_DOC_EXTENSIONS = ("", ".md", ".markdown", ".rst", ".txt", ".adoc")
_ORG_DEFAULTS = ("; files inherited from the organisation's `.github` repository are not visible to a repository "
                 "scan")
_WORD = re.compile(r"[^\W\d_]{2,}")

# (kind, glob): issue templates, pull/merge request templates (GitHub, GitLab, Gitea/Forgejo).
_TEMPLATES = (
    ("issue", ".github/ISSUE_TEMPLATE/*"), ("issue", ".github/ISSUE_TEMPLATE.md"),
    ("issue", ".github/issue_template.md"), ("issue", "ISSUE_TEMPLATE.md"), ("issue", "docs/ISSUE_TEMPLATE.md"),
    ("issue", ".gitlab/issue_templates/*.md"), ("issue", ".gitea/ISSUE_TEMPLATE/*"),
    ("issue", ".gitea/issue_template/*"), ("issue", ".forgejo/issue_template/*"),
    ("pull request", ".github/pull_request_template.md"), ("pull request", ".github/PULL_REQUEST_TEMPLATE.md"),
    ("pull request", ".github/PULL_REQUEST_TEMPLATE/*.md"), ("pull request", ".github/pull_request_template/*.md"),
    ("pull request", "pull_request_template.md"), ("pull request", "PULL_REQUEST_TEMPLATE.md"),
    ("pull request", "docs/pull_request_template.md"), ("pull request", "docs/PULL_REQUEST_TEMPLATE.md"),
    ("merge request", ".gitlab/merge_request_templates/*.md"), ("pull request", ".gitea/pull_request_template.md"),
)


def codeowners_rules(text: str) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(rules that assign owners, lines that do not) as (line, text); GitLab sections' default owners count."""
    rules: list[tuple[int, str]] = []
    ownerless: list[tuple[int, str]] = []
    section_owners = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = re.sub(r"\s+#.*$", "", raw).strip()
        if not line or line.startswith("#"):
            continue
        section = _SECTION.match(line)
        if section:
            section_owners = any(_OWNER.match(token) for token in section.group(3).split())
            continue
        # A pattern may contain escaped spaces (`docs/my\ file.md`).
        tokens = re.split(r"(?<!\\)\s+", line)
        owners = [token for token in tokens[1:] if _OWNER.match(token)]
        if owners or (section_owners and len(tokens) == 1):
            rules.append((number, line))
        else:
            ownerless.append((number, line))
    return rules, ownerless


class CommunityFilesDetector(Detector):
    id = "community-files"
    title = "Code owners, code of conduct, issue and pull request templates"
    practices = ("scm.codeowners", "culture.code-of-conduct", "culture.templates")
    description = (
        "`scm.codeowners` reads CODEOWNERS in `.github/`, the root, `docs/` or `.gitlab/` and passes when "
        "at least one line assigns an owner (`@user`, `@org/team`, an e-mail, or a GitLab section's default "
        "owners); an empty or comment-only file, or rules without owners, fail with that reason. "
        "`culture.code-of-conduct` passes with a non-empty CODE_OF_CONDUCT (or CONDUCT) file in the root, "
        "`.github/`, `docs/` or `.gitlab/`. `culture.templates` passes with issue templates (Markdown, or "
        "issue forms with a `body:`; `config.yml` alone is not a template) or pull/merge request templates "
        "(GitHub, GitLab, Gitea/Forgejo locations). Community files inherited from an organisation's "
        "`.github` repository are not in the repository: a fail says so."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts: list[Fact] = []
        for path in CODEOWNERS_PATHS:
            if path in client.files:
                facts.append(_codeowners_fact(client, path))
        for path in sorted(p for home in _HOMES for p in client.files.in_folder(home)):
            stem, ext = posixpath.splitext(posixpath.basename(path))
            if _CONDUCT_STEM.match(stem) and ext.lower() in _DOC_EXTENSIONS:
                facts.append(_conduct_fact(client, path))
        for kind, pattern in _TEMPLATES:
            for path in client.files.glob(pattern):
                fact = _template_fact(client, context, kind, path)
                if fact is not None:
                    facts.append(fact)
        return Evidence(self.id, tuple(facts))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [_codeowners_finding(evidence), _conduct_finding(evidence), _templates_finding(evidence)]




def _codeowners_fact(client: RepoClient, path: str) -> Fact:
    text = _read(client, path)
    if text is None:
        return Fact("codeowners-unreadable", "CODEOWNERS could not be read", Location(path))
    rules, ownerless = codeowners_rules(text)
    if rules:
        line, first = rules[0]
        extra = f"; {len(ownerless)} line(s) name no valid owner" if ownerless else ""
        return Fact("codeowners", f"{len(rules)} ownership rule(s), the first `{' '.join(first.split())[:80]}`{extra}",
                    Location(path, line), {"rules": len(rules)})
    if ownerless:
        line, first = ownerless[0]
        return Fact("codeowners-ownerless", f"{len(ownerless)} rule(s) but none names a valid owner (`{first[:60]}`)",
                    Location(path, line))
    return Fact("codeowners-empty", "no rule: the file is empty or only comments", Location(path))


def _conduct_fact(client: RepoClient, path: str) -> Fact:
    text = _read(client, path)
    if text is None:
        return Fact("conduct-unreadable", "could not be read", Location(path))
    words = len(_WORD.findall(text))
    if words == 0:
        return Fact("conduct-empty", "the file is empty", Location(path))
    return Fact("conduct", f"code of conduct ({words} words)", Location(path, 1))


def _template_fact(client: RepoClient, context: ScanContext, kind: str, path: str) -> Fact | None:
    name = posixpath.basename(path).lower()
    ext = posixpath.splitext(name)[1]
    if ext in (".yml", ".yaml"):
        if name in ("config.yml", "config.yaml"):
            return Fact("template-invalid", "chooser settings (blank issues, contact links), not a template",
                        Location(path))
        try:
            form = context.yaml(client, path).first
        except (UnreadableFile, YamlProblem) as error:
            return Fact("template-invalid", f"{kind} form not readable: {error}", Location(path))
        body = form.get("body") if isinstance(form, dict) else None
        if isinstance(body, list) and body:
            return Fact("template", f"{kind} form with {len(body)} field(s)", Location(path, 1), {"kind": kind})
        return Fact("template-invalid", f"{kind} form without `body:` fields", Location(path))
    if ext not in (".md", ".markdown", ".txt", ""):
        return None
    text = _read(client, path)
    if text is None or not _WORD.search(text):
        return Fact("template-invalid", f"empty {kind} template", Location(path))
    return Fact("template", f"{kind} template", Location(path, 1), {"kind": kind})


def _codeowners_finding(evidence: Evidence) -> Finding:
    valid = evidence.of_kind("codeowners")
    if valid:
        return Finding("scm.codeowners", Outcome.PASS, f"{valid[0].location.path}: {valid[0].detail}", valid[:2])
    broken = evidence.of_kind("codeowners-ownerless") + evidence.of_kind("codeowners-empty")
    if broken:
        return Finding("scm.codeowners", Outcome.FAIL, f"{broken[0].location.path}: {broken[0].detail}", broken[:2],
                       remediation="Add rules that name owners, e.g. `* @my-org/maintainers` or "
                                   "`/deploy/ @my-org/platform`.")
    unreadable = evidence.of_kind("codeowners-unreadable")
    if unreadable:
        return Finding("scm.codeowners", Outcome.UNKNOWN, f"{unreadable[0].location.path} could not be read",
                       unreadable)
    return Finding("scm.codeowners", Outcome.FAIL, "no CODEOWNERS in .github/, the root, docs/ or .gitlab/")


def _conduct_finding(evidence: Evidence) -> Finding:
    found = evidence.of_kind("conduct")
    if found:
        return Finding("culture.code-of-conduct", Outcome.PASS, f"{found[0].location.path}: {found[0].detail}",
                       found[:1])
    empty = evidence.of_kind("conduct-empty")
    if empty:
        return Finding("culture.code-of-conduct", Outcome.FAIL, f"{empty[0].location.path} is empty", empty[:1])
    if evidence.of_kind("conduct-unreadable"):
        return Finding("culture.code-of-conduct", Outcome.UNKNOWN, "the code of conduct could not be read",
                       evidence.of_kind("conduct-unreadable")[:1])
    return Finding("culture.code-of-conduct", Outcome.UNKNOWN,
                   "no CODE_OF_CONDUCT file in the root, .github/, docs/ or .gitlab/" + _ORG_DEFAULTS)


def _templates_finding(evidence: Evidence) -> Finding:
    templates = evidence.of_kind("template")
    invalid = evidence.of_kind("template-invalid")
    if templates:
        kinds = sorted({f.data["kind"] for f in templates})
        counts = ", ".join(f"{sum(f.data['kind'] == k for f in templates)} {k} template(s)" for k in kinds)
        return Finding("culture.templates", Outcome.PASS, counts, templates[:6])
    if invalid:
        return Finding("culture.templates", Outcome.FAIL,
                       f"template files hold no usable template: {invalid[0].location.path} ({invalid[0].detail})",
                       invalid[:3])
    return Finding("culture.templates", Outcome.UNKNOWN, "no issue or pull/merge request templates" + _ORG_DEFAULTS)
