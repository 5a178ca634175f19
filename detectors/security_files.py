"""Security practices decided by files: security policy, licence, dependency bots, lock files, hooks and
secret-scanning configuration. (Security steps inside CI pipelines are judged by the CI detectors.)"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location
from devops_scan_detectors import git_hooks
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.dependency_bots import bot_facts
from devops_scan_detectors.dependency_manifests import manifests
from devops_scan_detectors.licenses import is_license_file, spdx_id
from devops_scan_detectors.security_file_facts import (
    SPDX_EXPRESSION, contact_facts, declared_license, first_line, license_file_fact, policy_fact)
from devops_scan_detectors.lockfiles import lock_states
from devops_scan_detectors.project_docs import project_docs
from devops_scan_detectors.service_kind import SERVICE, service_kind
from devops_scan_detectors.security_verdicts import (
    bots_finding, hooks_finding, license_finding, lockfiles_finding, policy_finding, secret_scan_finding)

_POLICY_STEM = re.compile(r"^security$", re.IGNORECASE)


class SecurityPolicyDetector(Detector):
    id = "security-policy"
    title = "Security policy or contact"
    practices = ("sec.policy",)
    description = (
        "Passes with a non-empty SECURITY file (`.md`, `.rst`, `.txt`, ...) in the root, `.github/`, `docs/` or "
        "`.gitlab/`, a `.well-known/security.txt` with a `Contact:` field, or a README/CONTRIBUTING that "
        "tells how to report a vulnerability (a `security@` address, a Security section with an e-mail or "
        "link, or a sentence about vulnerabilities with one). A policy inherited from an organisation's "
        "`.github` repository is not in the repository: a fail says so."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts: list[Fact] = []
        for home in ("", ".github", "docs", ".gitlab"):
            for path in client.files.in_folder(home):
                if _POLICY_STEM.match(posixpath.splitext(posixpath.basename(path))[0]) \
                        and posixpath.splitext(path)[1].lower() in ("", ".md", ".rst", ".txt", ".adoc", ".markdown"):
                    facts.append(policy_fact(client, path))
        for path in client.files.glob("**/.well-known/security.txt"):
            line = first_line(client, path, r"^Contact:\s*\S+")
            if line is not None and not not_the_projects_own(path):
                facts.append(Fact("security-txt", "security.txt with a contact", Location(path, line)))
        for doc in project_docs(client, context).all():
            try:
                text = client.read_text(doc.path).text
            except UnreadableFile:
                continue
            facts.extend(contact_facts(doc.document, text))
        return Evidence(self.id, tuple(facts))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [policy_finding(evidence)]


class LicenseDetector(Detector):
    id = "license-files"
    title = "Licence file or declared licence"
    practices = ("sec.license",)
    description = (
        "Passes with a non-empty licence file at the root (LICENSE, LICENCE, COPYING, UNLICENSE, with or "
        "without extension, `LICENSE-MIT`, REUSE's `LICENSES/`), naming its SPDX identifier when the text "
        "is recognised (MIT, Apache-2.0, GPL/LGPL/AGPL, BSD, MPL-2.0, ISC, ...); otherwise with a licence "
        "declared in a root package manifest (package.json, pyproject.toml, setup.cfg, Cargo.toml, "
        "composer.json, a gemspec, pom.xml, a .NET project). Inventory `licenses`: `[{path, spdx}]`."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts: list[Fact] = []
        for path in client.files.in_folder("") + client.files.in_folder("LICENSES"):
            if is_license_file(path):
                facts.append(license_file_fact(client, path))
        for manifest in manifests(client, context).manifests:
            declared = declared_license(manifest.kind, manifest.data) if not manifest.folder else None
            if declared:
                # An SPDX expression as written, or the licence a name like "Apache License, Version 2.0" means.
                identifier = declared if SPDX_EXPRESSION.match(declared) else spdx_id(declared)
                facts.append(Fact("license-declared", f"{manifest.kind} declares `{declared}`",
                                  Location(manifest.path, first_line(client, manifest.path, r"licen[cs]e")),
                                  {"spdx": identifier}))
        inventory = {"licenses": sorted(({"path": f.location.path, "spdx": f.data.get("spdx")}
                                         for f in facts if f.kind in ("license-file", "license-declared")),
                                        key=lambda item: item["path"])}
        return Evidence(self.id, tuple(facts), inventory)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [license_finding(evidence)]


class DependencyUpdatesDetector(Detector):
    id = "dependency-bots"
    title = "Dependency update bots"
    practices = ("sec.dependency-updates",)
    description = (
        "Passes with a Dependabot configuration (`.github/dependabot.yml`, or dependabot-gitlab's "
        "`.gitlab/dependabot.yml`) holding `updates:` entries with a `package-ecosystem` (the ecosystems are "
        "listed), a Renovate configuration (`renovate.json(5)`, `.github/`/`.gitlab/renovate.json(5)`, "
        "`.renovaterc(.json/.json5)`, a `renovate` key in package.json; JSON5 read) not set to "
        "`enabled: false`, Renovate run from CI (renovate-runner, the Renovate image or GitHub action), or "
        "pyup, depfu, Scala Steward, updatecli. Dependabot without updates fails; an unreadable file is "
        "unknown. Inventory `dependency_bots`: the bots configured, sorted."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = bot_facts(client, context)
        bots = sorted({f.data["bot"] for f in facts if f.kind == "bot"})
        return Evidence(self.id, tuple(facts), {"dependency_bots": bots})

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [bots_finding(evidence)]


class LockfilesDetector(Detector):
    id = "lock-files"
    title = "Dependency lock files"
    practices = ("sec.lockfiles",)
    description = (
        "For every dependency manifest of the project (package.json, Python manifests and requirements, go.mod, "
        "Cargo.toml, Gemfile, composer.json, .NET projects, Gradle, Maven, mix.exs, pubspec.yaml) that declares "
        "dependencies, looks for its ecosystem's lock file in its folder or an ancestor (workspaces): "
        "package-lock/yarn/pnpm/bun locks, poetry/uv/Pipfile/pdm/pylock locks or requirements pinned with `==` or"
        " hashes, go.sum, Cargo.lock, Gemfile.lock, composer.lock, packages.lock.json, gradle.lockfile, mix.lock,"
        " pubspec.lock. Libraries may omit a lock (a Python package that does not run as a service, whose "
        "development requirements files set up tooling; a Rust library crate; a gem; a Composer `library`; a "
        "Swift package): reported as optional. Maven, Gradle and NuGet builds listing exact versions count as "
        "reproducible; ranges or dynamic versions without a lock do not. Documentation requirements "
        "(`docs/requirements.txt`) are not the project's runtime. Fails when any manifest is unlocked; not "
        "applicable without manifests or when every one is optional (or exact). Inventory `lockfiles`: "
        "`{ecosystem: {status, locks, unlocked}}`."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        runs_as_service = service_kind(client, context).verdict == SERVICE
        states = lock_states(client, manifests(client, context), runs_as_service)
        facts = tuple(Fact(f"lock-{state.status}", state.detail, Location(state.lock or state.manifest),
                           {"ecosystem": state.ecosystem, "status": state.status}) for state in states)
        inventory: dict[str, dict[str, object]] = {}
        for state in states:
            entry = inventory.setdefault(state.ecosystem, {"statuses": set(), "locks": set(), "unlocked": set()})
            entry["statuses"].add(state.status)
            if state.lock:
                entry["locks"].add(state.lock)
            if state.status == "unlocked":
                entry["unlocked"].add(state.manifest)
        summary = {eco: {"status": _overall(entry["statuses"]), "locks": sorted(entry["locks"]),
                         "unlocked": sorted(entry["unlocked"])} for eco, entry in sorted(inventory.items())}
        return Evidence(self.id, facts, {"lockfiles": summary})

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [lockfiles_finding(evidence)]


class GitHooksDetector(Detector):
    id = "git-hooks"
    title = "Pre-commit hooks and secret-scanning configuration"
    practices = ("test.pre-commit", "sec.secret-scan")
    description = (
        "`test.pre-commit` passes with hooks that check code before a commit or push: pre-commit "
        "(`.pre-commit-config.yaml` with hooks), husky (`.husky/pre-commit` running a command, or husky 4 "
        "in package.json), simple-git-hooks, yorkie, the npm `pre-commit` package, lefthook, overcommit, "
        "CaptainHook, GrumPHP, cargo-husky, or a hooks folder the repository sets as `core.hooksPath`. "
        "A commit-msg hook alone checks messages, not code; lint-staged alone is run by nothing. "
        "`sec.secret-scan` (files only; CI steps are judged by the CI detectors) passes with gitleaks, "
        "detect-secrets (`.secrets.baseline`), trufflehog, talisman, ggshield, secretlint or GitHub secret "
        "scanning configuration, or a secret-scanning pre-commit/husky hook; `detect-private-key` alone is "
        "a narrow check and does not count."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = (git_hooks.pre_commit_facts(client, context) + git_hooks.husky_facts(client)
                 + git_hooks.package_json_hook_facts(client) + git_hooks.other_hook_facts(client, context)
                 + git_hooks.secret_file_facts(client))
        return Evidence(self.id, tuple(facts))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [hooks_finding(evidence), secret_scan_finding(evidence)]


def _overall(statuses: set[str]) -> str:
    if "unlocked" in statuses:
        return "partial" if "locked" in statuses else "unlocked"
    for status in ("locked", "unknown", "exact-versions", "optional"):
        if status in statuses:
            return status
    return "unknown"
