"""Dependency update bots, validated by content: Dependabot, Renovate, and the smaller ones.

A `dependabot.yml` without `updates:` entries opens no pull request; a Renovate config with
`"enabled": false` is switched off. Both are reported as what they are, not as configured bots.
"""

from __future__ import annotations

import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan.yamlsafe import YamlProblem, item_line, key_line
from devops_scan_detectors.json_comments import JsonProblem, load_json_with_comments

DEPENDABOT_PATHS = (".github/dependabot.yml", ".github/dependabot.yaml",
                    # dependabot-gitlab, the self-hosted Dependabot for GitLab, reads this one.
                    ".gitlab/dependabot.yml", ".gitlab/dependabot.yaml")
RENOVATE_PATHS = ("renovate.json", "renovate.json5", ".github/renovate.json", ".github/renovate.json5",
                  ".gitlab/renovate.json", ".gitlab/renovate.json5", ".renovaterc", ".renovaterc.json",
                  ".renovaterc.json5")
# Self-hosted Renovate run from CI (GitLab's renovate-runner, the GitHub action).
_RENOVATE_RUNNER = re.compile(r"renovate-bot/renovate-runner|renovatebot/github-action|image:\s*['\"]?"
                              r"(docker\.io/)?renovate/renovate|ghcr\.io/renovatebot/renovate")
_CI_FILES = (".gitlab-ci.yml", ".gitlab-ci.yaml")
# (bot id, path, what a valid file must contain)
_OTHER_BOTS = (("pyup", ".pyup.yml", r"."), ("depfu", ".depfu.yml", r"."),
               ("scala-steward", ".scala-steward.conf", r"."),
               ("updatecli", "updatecli.yaml", r"^\s*(sources|targets):"))


def dependabot_facts(client: RepoClient, context: ScanContext, path: str) -> list[Fact]:
    try:
        config = context.yaml(client, path).first
    except (UnreadableFile, YamlProblem) as error:
        line = getattr(error, "line", None)
        return [Fact("bot-unreadable", f"Dependabot configuration could not be read: {error}", Location(path, line),
                     {"bot": "dependabot"})]
    updates = config.get("updates") if isinstance(config, dict) else None
    entries = [(i, u) for i, u in enumerate(updates) if isinstance(u, dict) and u.get("package-ecosystem")] \
        if isinstance(updates, list) else []
    if not entries:
        line = key_line(config, "updates") if isinstance(config, dict) else None
        return [Fact("bot-inactive", "Dependabot configuration without `updates:` entries: it opens no version "
                     "update", Location(path, line), {"bot": "dependabot"})]
    facts = []
    for index, entry in entries:
        ecosystem = str(entry["package-ecosystem"])
        directory = entry.get("directory") or ", ".join(str(d) for d in entry.get("directories") or []) or "/"
        schedule = entry.get("schedule", {}).get("interval") if isinstance(entry.get("schedule"), dict) else None
        detail = f"Dependabot updates {ecosystem} in {directory}" + (f" {schedule}" if schedule else "")
        facts.append(Fact("bot", detail, Location(path, item_line(updates, index)),
                          {"bot": "dependabot", "ecosystem": ecosystem}))
    return facts


def renovate_facts(client: RepoClient, path: str) -> list[Fact]:
    try:
        text = client.read_text(path).text
        config = load_json_with_comments(text)
    except (UnreadableFile, JsonProblem) as error:
        return [Fact("bot-unreadable", f"Renovate configuration could not be read: {error}",
                     Location(path, getattr(error, "line", None)), {"bot": "renovate"})]
    if path.endswith("package.json"):
        config = config.get("renovate") if isinstance(config, dict) else None
        if config is None:
            return []
        line = _line_of(text, r"\"renovate\"\s*:")
    else:
        line = 1
    return [_renovate_fact(config, path, line, text)]


def _renovate_fact(config: object, path: str, line: int | None, text: str) -> Fact:
    if not isinstance(config, dict):
        return Fact("bot-unreadable", "Renovate configuration is not a JSON object", Location(path, line),
                    {"bot": "renovate"})
    if config.get("enabled") is False:
        return Fact("bot-inactive", "Renovate configuration sets `enabled: false`",
                    Location(path, _line_of(text, r"[\"']?enabled[\"']?\s*:") or line), {"bot": "renovate"})
    extends = config.get("extends")
    presets = [str(p) for p in extends] if isinstance(extends, list) else ([str(extends)] if extends else [])
    detail = "Renovate configuration" + (f" extending {', '.join(presets[:3])}" if presets else "")
    return Fact("bot", detail, Location(path, line), {"bot": "renovate"})


def bot_facts(client: RepoClient, context: ScanContext) -> list[Fact]:
    """Every dependency bot configuration of the repository, valid or not."""
    facts: list[Fact] = []
    for path in DEPENDABOT_PATHS:
        if path in client.files:
            facts.extend(dependabot_facts(client, context, path))
    for path in RENOVATE_PATHS:
        if path in client.files:
            facts.extend(renovate_facts(client, path))
    if "package.json" in client.files:
        facts.extend(renovate_facts(client, "package.json"))
    for path in _CI_FILES + tuple(client.files.glob(".github/workflows/*.y*ml")):
        line = _file_line(client, path, _RENOVATE_RUNNER)
        if line is not None:
            facts.append(Fact("bot", "Renovate runs from CI (self-hosted)", Location(path, line), {"bot": "renovate"}))
    for bot, path, pattern in _OTHER_BOTS:
        line = _file_line(client, path, re.compile(pattern, re.MULTILINE)) if path in client.files else None
        if line is not None:
            facts.append(Fact("bot", f"{bot} configuration", Location(path, line), {"bot": bot}))
    return facts


def _line_of(text: str, pattern: str) -> int | None:
    match = re.search(pattern, text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _file_line(client: RepoClient, path: str, pattern: re.Pattern[str]) -> int | None:
    if path not in client.files:
        return None
    try:
        text = client.read_text(path).text
    except UnreadableFile:
        return None
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None
