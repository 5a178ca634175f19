"""Security files: policy, licence, dependency bots, lock files, git hooks and secret-scanning configuration."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors.json_comments import JsonProblem, load_json_with_comments
from devops_scan_detectors.licenses import is_license_file, spdx_id
from devops_scan_detectors.security_files import (
    DependencyUpdatesDetector, GitHooksDetector, LicenseDetector, LockfilesDetector, SecurityPolicyDetector)
from tests.detectors.settings_files_support import evidence, outcome, practice, run_on_files, scan_report

DETECTORS = (SecurityPolicyDetector, LicenseDetector, DependencyUpdatesDetector, LockfilesDetector, GitHooksDetector)
NO_BOT = ("no Dependabot or Renovate configuration (Dependabot security updates switched on in the platform's "
          "settings are not visible to a repository scan)")

FIXTURES = [
    ("lib-python-sphinx", "sec.policy", "pass",
     "security policy in SECURITY.md: security policy (57 words, contact security@ratelimiter.example.org)",
     ["SECURITY.md:1"]),
    ("lib-python-sphinx", "sec.license", "pass", "licence file(s): LICENSE (BSD-3-Clause)",
     ["LICENSE:1", "pyproject.toml:11"]),
    ("lib-python-sphinx", "sec.dependency-updates", "pass", "dependency updates by dependabot (github-actions, pip)",
     [".github/dependabot.yml:3", ".github/dependabot.yml:10"]),
    ("lib-python-sphinx", "sec.lockfiles", "not_applicable",
     "python: optional — libraries declare version ranges and their consumers lock them", ["pyproject.toml"]),
    ("lib-python-sphinx", "sec.secret-scan", "pass", "secret scanning configured: gitleaks",
     [".pre-commit-config.yaml:24"]),
    ("lib-python-sphinx", "test.pre-commit", "pass", ".pre-commit-config.yaml: pre-commit runs 8 hook(s): "
     "trailing-whitespace, end-of-file-fixer, check-toml, detect-private-key, ruff, ruff-format, ...",
     [".pre-commit-config.yaml:6"]),
    ("svc-node-orders", "sec.dependency-updates", "pass", "dependency updates by renovate", ["renovate.json5:1"]),
    ("svc-node-orders", "sec.lockfiles", "pass", "npm: locked (package-lock.json)", ["package-lock.json"]),
    ("svc-node-orders", "test.pre-commit", "pass", ".husky/pre-commit: husky pre-commit hook runs `npx lint-staged`",
     [".husky/pre-commit:1"]),
    ("lib-go-cli", "sec.license", "pass", "licence file(s): LICENSE (Apache-2.0)", ["LICENSE:1"]),
    ("lib-go-cli", "sec.lockfiles", "pass", "go: locked (go.sum)", ["go.sum"]),
    ("lib-go-cli", "sec.secret-scan", "pass", "secret scanning configured: gitleaks", ["lefthook.yml:2"]),
    ("lib-go-cli", "test.pre-commit", "pass", "lefthook.yml: lefthook pre-commit runs gitleaks, gofmt, golangci-lint; "
     "lefthook.yml: lefthook pre-push runs test", ["lefthook.yml:2", "lefthook.yml:15"]),
    # One workspace lock at the root locks all three packages.
    ("lib-js-monorepo", "sec.lockfiles", "pass", "npm: locked (pnpm-lock.yaml)", ["pnpm-lock.yaml"]),
    ("lib-js-monorepo", "sec.license", "pass", "licence file(s): LICENSE (MIT)", ["LICENSE:1"]),
    # The traps: a dependabot.yml with no updates, an empty LICENSE, no lock, a commit-msg hook only.
    ("docs-traps", "sec.dependency-updates", "fail", ".github/dependabot.yml: Dependabot configuration without "
     "`updates:` entries: it opens no version update", [".github/dependabot.yml"]),
    ("docs-traps", "sec.license", "fail", "LICENSE is empty", ["LICENSE"]),
    ("docs-traps", "sec.lockfiles", "fail", "npm: unlocked — package.json declares 1 dependency and has no "
     "package-lock.json, npm-shrinkwrap.json or yarn.lock", ["package.json"]),
    ("docs-traps", "test.pre-commit", "fail",
     "only a commit-msg hook (.husky/commit-msg:1): it checks commit messages, not code", [".husky/commit-msg:1"]),
    # Absent here, but GitHub shows an organisation-wide SECURITY.md on every repository: unknown, not missing.
    ("docs-traps", "sec.policy", "unknown", "no SECURITY file, security.txt, or vulnerability-reporting contact in the "
     "README or contribution guide; one inherited from the organisation's `.github` repository would not be visible "
     "here (scan with a token to read the community profile)", []),
    ("vendored-tests", "sec.lockfiles", "fail", "go: unlocked; npm: unlocked — go.mod declares 1 dependency and has "
     "no go.sum", ["go.mod", "web/package.json"]),
    ("java-maven", "sec.lockfiles", "not_applicable", "maven: exact-versions — pom.xml lists exact versions (no "
     "ranges), which Maven resolves the same way every time", ["pom.xml"]),
]


@pytest.mark.parametrize(("fixture", "practice_id", "expected", "reason", "places"), FIXTURES,
                         ids=[f"{row[0]}-{row[1]}" for row in FIXTURES])
def test_fixture_repositories(fixture_repo, fixture, practice_id, expected, reason, places):
    assert practice(scan_report(fixture_repo(fixture), *DETECTORS), practice_id) == (expected, reason, places)


def test_inventory(fixture_repo):
    inventory = scan_report(fixture_repo("lib-python-sphinx"), *DETECTORS)["inventory"]
    assert inventory["dependency_bots"] == ["dependabot"]
    assert inventory["licenses"] == [{"path": "LICENSE", "spdx": "BSD-3-Clause"},
                                     {"path": "pyproject.toml", "spdx": "BSD-3-Clause"}]
    assert inventory["lockfiles"] == {"python": {"status": "optional", "locks": [], "unlocked": []}}


# --- security policy ----------------------------------------------------------------------------------

POLICY = [
    ({".github/SECURITY.md": "Report vulnerabilities at https://hackerone.com/acme.\n"}, "pass",
     "security policy in .github/SECURITY.md: security policy (3 words, contact https://hackerone.com/acme)"),
    ({"public/.well-known/security.txt": "Contact: mailto:security@acme.example\nExpires: 2026-12-31T00:00:00Z\n"},
     "pass", "security.txt in public/.well-known/security.txt: security.txt with a contact"),
    ({"README.md": "# x\n\n## Security\n\nMail security@acme.example with details.\n"}, "pass",
     "security contact in README.md: how to report a vulnerability: Mail security@acme.example with details."),
    ({"README.md": "# x\n\nFound a vulnerability? Tell us at https://acme.example/disclose\n"}, "pass",
     "security contact in README.md"),
    ({"README.md": "# x\n\nThis tool finds vulnerabilities in your code.\n"}, "unknown", "no SECURITY file"),
    ({"SECURITY.md": ""}, "fail", "SECURITY.md is empty"),
    ({"docs/security.md": "## Security\n\nManifests are scanned with kubescape in CI.\n"}, "fail",
     "docs/security.md says nothing about reporting a vulnerability"),
    # A README section documenting a product's security settings is not a way to report a vulnerability.
    ({"README.adoc": "= Plugin\n\n=== Security Configuration\n\nlink:https://git-scm.com/hooks[Git hooks] run scripts.\n"},
     "unknown", "no SECURITY file"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), POLICY,
                         ids=["github-folder", "security-txt", "readme-section", "readme-sentence", "mention-only",
                              "empty", "hardening-notes", "product-security-settings"])
def test_security_policy(files, expected, reason):
    got, why = outcome(run_on_files(files, SecurityPolicyDetector), "sec.policy")
    assert got == expected
    assert reason in why


# --- licence ----------------------------------------------------------------------------------------------

LICENSE_TEXTS = [
    ("Permission is hereby granted, free of charge, to any person obtaining a copy of this software", "MIT"),
    ("                                 Apache License\n"
     "                           Version 2.0, January 2004", "Apache-2.0"),
    ("GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n... the GNU Lesser General Public License ...", "GPL-3.0"),
    ("GNU GENERAL PUBLIC LICENSE\nVersion 2, June 1991\n... the GNU Library General Public License ...", "GPL-2.0"),
    ("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 2.1, February 1999", "LGPL-2.1"),
    ("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007", "AGPL-3.0"),
    ("Mozilla Public License Version 2.0\n==================================", "MPL-2.0"),
    ("Redistribution and use in source and binary forms, with or without modification, are permitted", "BSD-2-Clause"),
    ("This is free and unencumbered software released into the public domain.", "Unlicense"),
    ("/* SPDX-License-Identifier: EUPL-1.2 */\nEuropean Union Public Licence", "EUPL-1.2"),
    ("All rights reserved. Internal use only.", None),
]


@pytest.mark.parametrize(("text", "identifier"), LICENSE_TEXTS, ids=[str(row[1]) for row in LICENSE_TEXTS])
def test_licence_texts_are_recognised(text, identifier):
    assert spdx_id(text) == identifier


@pytest.mark.parametrize(("path", "is_licence"), [
    ("LICENSE", True), ("LICENSE.md", True), ("licence.txt", True), ("COPYING", True), ("LICENSE-MIT", True),
    ("LICENSES/Apache-2.0.txt", True), ("UNLICENSE", True), ("license.py", False), ("LICENSE.png", False),
    ("licenses.json", False),
])
def test_licence_file_names(path, is_licence):
    assert is_license_file(path) is is_licence


LICENSE_CASES = [
    ({"package.json": '{"name": "x", "license": "ISC"}'}, "pass",
     "package.json declares `ISC` (no licence file carries the text)", ["package.json:1"]),
    ({"Cargo.toml": "[package]\nname = \"x\"\nlicense = \"MIT OR Apache-2.0\"\n"}, "pass",
     "Cargo.toml declares `MIT OR Apache-2.0` (no licence file carries the text)", ["Cargo.toml:3"]),
    ({"LICENSES/MIT.txt": "MIT License text", "README.md": "# x\n"}, "pass", "licence file(s): LICENSES/MIT.txt (MIT)",
     ["LICENSES/MIT.txt:1"]),
    # A licence in a sub-package is that package's, not the repository's.
    ({"packages/a/package.json": '{"name": "a", "license": "MIT"}'}, "fail",
     "no LICENSE/COPYING file at the root and no licence declared in a root package manifest", []),
]


@pytest.mark.parametrize(("files", "expected", "reason", "places"), LICENSE_CASES,
                         ids=["package-json", "cargo", "reuse", "sub-package"])
def test_licence_declarations(files, expected, reason, places):
    result = run_on_files(files, LicenseDetector)
    assert outcome(result, "sec.license") == (expected, reason)
    assert evidence(result, "sec.license") == places


# --- dependency bots --------------------------------------------------------------------------------------

BOTS = [
    ({"renovate.json": '{"extends": ["config:base"]}'}, "pass", "dependency updates by renovate", ["renovate"]),
    ({".github/renovate.json5": "{\n  // off until the migration\n  enabled: false,\n}\n"}, "fail",
     ".github/renovate.json5: Renovate configuration sets `enabled: false`", []),
    ({"package.json": '{"name": "x", "renovate": {"extends": ["config:recommended"]}}'}, "pass",
     "dependency updates by renovate", ["renovate"]),
    ({".gitlab-ci.yml": "include:\n  - project: 'renovate-bot/renovate-runner'\n"
                        "    file: '/templates/renovate.gitlab-ci.yml'\n"},
     "pass", "dependency updates by renovate", ["renovate"]),
    ({".gitlab/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: bundler\n    directory: /\n"},
     "pass", "dependency updates by dependabot (bundler)", ["dependabot"]),
    ({".github/dependabot.yml": "version: 2\nupdates: [\n"}, "unknown", "Dependabot configuration could not be read",
     []),
    ({"renovate.json": "{ not json"}, "unknown", "Renovate configuration could not be read", []),
    ({".pyup.yml": "update: all\n"}, "pass", "dependency updates by pyup", ["pyup"]),
    ({"README.md": "# x\n"}, "fail", NO_BOT, []),
]


@pytest.mark.parametrize(("files", "expected", "reason", "bots"), BOTS,
                         ids=["renovate", "renovate-disabled", "package-json", "gitlab-runner", "dependabot-gitlab",
                              "broken-yaml", "broken-json", "pyup", "none"])
def test_dependency_bots(files, expected, reason, bots):
    result = run_on_files(files, DependencyUpdatesDetector)
    got, why = outcome(result, "sec.dependency-updates")
    assert got == expected
    assert reason in why
    assert result.inventory["dependency_bots"] == bots


# --- lock files --------------------------------------------------------------------------------------------

LOCKS = [
    ("poetry", {"pyproject.toml": "[tool.poetry]\nname = \"app\"\n[tool.poetry.dependencies]\nflask = \"^3\"\n",
                "poetry.lock": "# lock"}, "pass", "python: locked (poetry.lock)"),
    ("pinned-requirements", {"requirements.txt": "flask==3.0.3\ngunicorn==22.0.0  # server\n"}, "pass",
     "python: locked (requirements.txt)"),
    ("library-beside-app-requirements", {"pyproject.toml": "[project]\nname = \"x\"\ndependencies = [\"a\"]\n",
                                         "requirements.txt": "a>=1\n"}, "fail", "requirements.txt pins 0 of 1"),
    ("hashed-requirements", {"requirements.txt": "flask==3.0.3 \\\n    --hash=sha256:abc\n"}, "pass", "python: locked"),
    ("unpinned-requirements", {"requirements.txt": "flask>=3\ngunicorn==22.0.0\n"}, "fail",
     "requirements.txt pins 1 of 2 requirements with `==` and no lock file exists"),
    ("pipenv-without-lock", {"Pipfile": "[packages]\nrequests = \"*\"\n"}, "fail", "Pipfile without Pipfile.lock"),
    # Sphinx's requirements are the docs build, not the project's runtime.
    ("docs-requirements", {"docs/requirements.txt": "sphinx\n"}, "not_applicable", "no dependency manifest"),
    ("cargo-binary", {"Cargo.toml": "[package]\nname = \"t\"\n[dependencies]\nclap = \"4\"\n",
                      "src/main.rs": "fn main(){}"},
     "fail", "Cargo.toml declares 1 dependency and has no Cargo.lock"),
    ("cargo-library", {"Cargo.toml": "[package]\nname = \"t\"\n[dependencies]\nserde = \"1\"\n", "src/lib.rs": ""},
     "not_applicable", "cargo: optional — libraries declare version ranges and their consumers lock them"),
    ("cargo-workspace", {"Cargo.toml": "[workspace]\nmembers = [\"cli\"]\n", "Cargo.lock": "",
                         "cli/Cargo.toml": "[package]\nname = \"cli\"\n[dependencies]\nclap = \"4\"\n"}, "pass",
     "cargo: locked (Cargo.lock)"),
    ("gradle-dynamic", {"build.gradle": "dependencies {\n  implementation 'com.google.guava:guava:33.+'\n}\n"}, "fail",
     "build.gradle:2 uses a version range or dynamic version"),
    ("nuget-lock", {"App/App.csproj": '<Project Sdk="Microsoft.NET.Sdk"><ItemGroup>'
                                      '<PackageReference Include="Serilog" Version="4.0.0" /></ItemGroup></Project>',
                    "App/packages.lock.json": "{}"}, "pass", "dotnet: locked (App/packages.lock.json)"),
    ("composer-project", {"composer.json": '{"name": "a/b", "type": "project", "require": {"slim/slim": "^4"}}',
                          "composer.lock": "{}"}, "pass", "php: locked (composer.lock)"),
    ("swift-package", {"Package.swift": 'let package = Package(dependencies: [.package(url: '
                                        '"https://github.com/apple/swift-log.git", from: "1.5.0")])'},
     "not_applicable", "swift: optional"),
    ("broken-manifest", {"package.json": "{ nope"}, "unknown", "package.json could not be parsed"),
    ("nothing", {"main.sh": "echo hi\n"}, "not_applicable", "no dependency manifest declares dependencies"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in LOCKS], ids=[row[0] for row in LOCKS])
def test_lock_files(files, expected, reason):
    got, why = outcome(run_on_files(files, LockfilesDetector), "sec.lockfiles")
    assert got == expected
    assert reason in why


# --- hooks and secret scanning ------------------------------------------------------------------------

HOOKS = [
    ("pre-commit-without-hooks", {".pre-commit-config.yaml": "repos: []\n"}, "fail",
     ".pre-commit-config.yaml: pre-commit configuration without hooks"),
    ("pre-commit-yml-name", {".pre-commit-config.yml": "repos: []\n"}, "fail", "a `.yml` file is used only with `-c`"),
    ("pre-commit-broken", {".pre-commit-config.yaml": "repos:\n  - repo: x\n   hooks: [\n"}, "unknown",
     "pre-commit configuration could not be read"),
    ("husky-4", {"package.json": '{"husky": {"hooks": {"pre-commit": "lint-staged"}}}'}, "pass",
     "husky pre-commit hook runs `lint-staged`"),
    ("simple-git-hooks", {"package.json": '{"simple-git-hooks": {"pre-push": "npm test"}}'}, "pass",
     "simple-git-hooks pre-push hook runs `npm test`"),
    ("lint-staged-alone", {"package.json": '{"lint-staged": {"*.ts": "eslint"}}'}, "fail",
     "lint-staged is configured but no git hook runs it"),
    ("husky-empty-hook", {".husky/pre-commit": "#!/bin/sh\n. \"$(dirname \"$0\")/_/husky.sh\"\n"}, "fail",
     "husky pre-commit hook runs nothing"),
    ("overcommit", {".overcommit.yml": "PreCommit:\n  RuboCop:\n    enabled: true\n"}, "pass", "overcommit"),
    ("hooks-path", {".githooks/pre-commit": "#!/bin/sh\nmake lint\n",
                    "Makefile": "hooks:\n\tgit config core.hooksPath .githooks\n"}, "pass", "core.hooksPath .githooks"),
    ("hooks-folder-never-installed", {".githooks/pre-commit": "#!/bin/sh\nmake lint\n"}, "fail", "no pre-commit"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in HOOKS], ids=[row[0] for row in HOOKS])
def test_pre_commit_hooks(files, expected, reason):
    got, why = outcome(run_on_files(files, GitHooksDetector), "test.pre-commit")
    assert got == expected
    assert reason in why


SECRETS = [
    ({".gitleaks.toml": "title = \"gitleaks config\"\n[extend]\nuseDefault = true\n"}, "pass", "gitleaks"),
    ({".secrets.baseline": '{"version": "1.5.0", "plugins_used": [], "results": {}}'}, "pass", "detect-secrets"),
    ({".secrets.baseline": "not a baseline"}, "fail", "no gitleaks"),
    ({".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/trufflesecurity/trufflehog\n    rev: v3\n"
                                 "    hooks:\n      - id: trufflehog\n"}, "pass", "trufflehog"),
    ({".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/pre-commit/pre-commit-hooks\n    rev: v4\n"
                                 "    hooks:\n      - id: detect-private-key\n"}, "fail",
     "only pre-commit hook `detect-private-key` (a narrow check, not a secret scanner); no secret scanner is "
     "configured"),
    ({".github/secret_scanning.yml": "paths-ignore:\n  - tests/fixtures/**\n"}, "pass", "GitHub secret scanning"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), SECRETS,
                         ids=["gitleaks", "detect-secrets", "not-a-baseline", "trufflehog-hook", "private-key-only",
                              "github"])
def test_secret_scanning_files(files, expected, reason):
    got, why = outcome(run_on_files(files, GitHooksDetector), "sec.secret-scan")
    assert got == expected
    assert reason in why


# --- properties -------------------------------------------------------------------------------------------

JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=100, deadline=None)
@given(JSONISH, st.sampled_from(["", "// note\n", "/* c */"]), st.booleans())
def test_json_with_comments_reads_what_json_writes(value, comment, trailing_comma):
    import json

    text = comment + json.dumps(value, indent=1)
    if trailing_comma and text.endswith(("]", "}")) and len(text) > len(comment) + 2 and text[-2] != text[-1]:
        text = text[:-1].rstrip() + ",\n" + text[-1]
    assert load_json_with_comments(text) == value


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_json_with_comments_raises_only_json_problem(text):
    try:
        load_json_with_comments(text)
    except JsonProblem:
        pass


MANIFEST_NAMES = ["package.json", "pyproject.toml", "requirements.txt", "setup.cfg", "setup.py", "Pipfile", "go.mod",
                  "Cargo.toml", "Gemfile", "x.gemspec", "composer.json", "pom.xml", "build.gradle", "App.csproj",
                  "mix.exs", "pubspec.yaml", "Package.swift", "gradle/libs.versions.toml", ".github/dependabot.yml",
                  "renovate.json5", ".pre-commit-config.yaml", "lefthook.yml", "LICENSE", "SECURITY.md"]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(MANIFEST_NAMES), st.text(max_size=300))
def test_any_text_in_any_settings_file_gives_findings_not_crashes(name, text):
    result = run_on_files({name: text}, *DETECTORS)
    assert not [w for w in result.warnings if w.startswith("detector ")]
    assert set(result.findings) == {p for d in DETECTORS for p in d.practices}
