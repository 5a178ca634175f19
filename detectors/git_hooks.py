"""Git hooks that run checks before a commit, and secret-scanning configuration, validated by content.

A `.pre-commit-config.yaml` with no hooks, a husky folder whose only hook lints commit messages, or
a lint-staged configuration nothing invokes do not check code before a commit; they are reported
as what they are.
"""

from __future__ import annotations

import re
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan.yamlsafe import YamlProblem, item_line, key_line
from devops_scan_detectors.json_comments import JsonProblem, load_json_with_comments
from devops_scan_detectors.common import text_or_none as _read, line_matching as _line

CODE_STAGES = ("pre-commit", "pre-push")
SECRET_TOOLS = re.compile(r"gitleaks|detect-secrets|trufflehog|ggshield|talisman|ripsecrets|git-secrets|secretlint|"
                          r"kingfisher|betterleaks", re.IGNORECASE)
# Narrow checks: they catch private keys or AWS keys only, not tokens in general.
PARTIAL_SECRET_HOOKS = frozenset({"detect-private-key", "detect-aws-credentials"})
_LEFTHOOK = ("lefthook.yml", ".lefthook.yml", "lefthook.yaml", ".lefthook.yaml")
# (manager, file, what its content must say for hooks to run before a commit or push)
_OTHER_MANAGERS = (
    ("overcommit", ".overcommit.yml", r"^(PreCommit|PrePush)\s*:"),
    ("CaptainHook", "captainhook.json", r"\"pre-commit\"\s*:\s*\{[^}]*\"enabled\"\s*:\s*true"),
    ("GrumPHP", "grumphp.yml", r"^grumphp\s*:"), ("GrumPHP", "grumphp.yml.dist", r"^grumphp\s*:"),
    ("cargo-husky", "Cargo.toml", r"^cargo-husky\s*="),
    ("lefthook", "lefthook.toml", r"^\[pre-(commit|push)"), ("lefthook", "lefthook.json", r"\"pre-(commit|push)\""),
)
# Where a repository tells contributors to run `git config core.hooksPath`.
_HOOKS_PATH_SETTERS = ("Makefile", "package.json", "README.md", "CONTRIBUTING.md", "justfile", "setup.sh",
                       "script/bootstrap")
# (tool, path, content pattern proving it is that tool's configuration)
_SECRET_FILES = (
    ("gitleaks", ".gitleaks.toml", r"."), ("gitleaks", "gitleaks.toml", r"\[|title|rules"),
    ("gitleaks", ".gitleaksignore", r"."), ("detect-secrets", ".secrets.baseline", r"\"(plugins_used|results)\""),
    ("trufflehog", ".trufflehog.yml", r"."), ("trufflehog", ".trufflehog.yaml", r"."),
    ("trufflehog", "trufflehog.yml", r"detectors|verify|exclude"), ("talisman", ".talismanrc", r"."),
    ("ggshield", ".gitguardian.yaml", r"."), ("ggshield", ".gitguardian.yml", r"."),
    ("secretlint", ".secretlintrc.json", r"rules"), ("secretlint", ".secretlintrc.yml", r"rules"),
    ("secretlint", ".secretlintrc", r"rules"),
    ("GitHub secret scanning", ".github/secret_scanning.yml", r"paths-ignore"),
)






def pre_commit_facts(client: RepoClient, context: ScanContext) -> list[Fact]:
    path = ".pre-commit-config.yaml"
    if path not in client.files:
        if ".pre-commit-config.yml" in client.files:
            return [Fact("hook-inactive", "pre-commit reads `.pre-commit-config.yaml`; a `.yml` file is used only "
                         "with `-c`", Location(".pre-commit-config.yml"), {"manager": "pre-commit"})]
        return []
    try:
        config = context.yaml(client, path).first
    except (UnreadableFile, YamlProblem) as error:
        return [Fact("hook-unreadable", f"pre-commit configuration could not be read: {error}",
                     Location(path, getattr(error, "line", None)), {"manager": "pre-commit"})]
    repos = config.get("repos") if isinstance(config, dict) else None
    hooks: list[tuple[str, str, int | None]] = []
    for index, repo in enumerate(repos if isinstance(repos, list) else []):
        if not isinstance(repo, dict) or not isinstance(repo.get("hooks"), list):
            continue
        for hook_index, hook in enumerate(repo["hooks"]):
            if isinstance(hook, dict) and hook.get("id"):
                hooks.append((str(hook["id"]), str(repo.get("repo", "")),
                              item_line(repo["hooks"], hook_index) or item_line(repos, index)))
    if not hooks:
        line = key_line(config, "repos") if isinstance(config, dict) else None
        return [Fact("hook-inactive", "pre-commit configuration without hooks", Location(path, line),
                     {"manager": "pre-commit"})]
    ids = [hook_id for hook_id, _, _ in hooks]
    facts = [Fact("hook", f"pre-commit runs {len(hooks)} hook(s): {', '.join(ids[:6])}"
                  + (", ..." if len(ids) > 6 else ""), Location(path, hooks[0][2]),
                  {"manager": "pre-commit", "stage": "pre-commit"})]
    for hook_id, repo, line in hooks:
        if SECRET_TOOLS.search(hook_id) or SECRET_TOOLS.search(repo):
            facts.append(Fact("secret-scan", f"pre-commit hook `{hook_id}` scans for secrets", Location(path, line),
                              {"tool": SECRET_TOOLS.search(hook_id + " " + repo).group(0).lower()}))
        elif hook_id in PARTIAL_SECRET_HOOKS:
            facts.append(Fact("secret-partial", f"pre-commit hook `{hook_id}` (a narrow check, not a secret scanner)",
                              Location(path, line)))
    return facts


def husky_facts(client: RepoClient) -> list[Fact]:
    facts = []
    for stage in ("pre-commit", "pre-push", "commit-msg"):
        path = f".husky/{stage}"
        text = _read(client, path)
        if text is None:
            continue
        commands = [(n, line.strip()) for n, line in enumerate(text.splitlines(), 1)
                    if line.strip() and not line.strip().startswith("#") and "husky.sh" not in line]
        if commands:
            facts.append(Fact("hook", f"husky {stage} hook runs `{commands[0][1][:60]}`",
                              Location(path, commands[0][0]), {"manager": "husky", "stage": stage}))
            if SECRET_TOOLS.search(text):
                facts.append(Fact("secret-scan", f"husky {stage} hook scans for secrets",
                                  Location(path, commands[0][0]),
                                  {"tool": SECRET_TOOLS.search(text).group(0).lower()}))
        else:
            facts.append(Fact("hook-inactive", f"husky {stage} hook runs nothing", Location(path),
                              {"manager": "husky"}))
    return facts


def package_json_hook_facts(client: RepoClient) -> list[Fact]:
    """Hooks declared in package.json: husky 4, simple-git-hooks, yorkie, the `pre-commit` package."""
    text = _read(client, "package.json")
    if text is None:
        return []
    try:
        data = load_json_with_comments(text)
    except JsonProblem:
        return []
    if not isinstance(data, dict):
        return []
    facts = []
    husky = data.get("husky")
    tables: list[tuple[str, Any]] = [("husky", husky.get("hooks") if isinstance(husky, dict) else None),
                                     ("simple-git-hooks", data.get("simple-git-hooks")),
                                     ("yorkie", data.get("gitHooks"))]
    for manager, table in tables:
        for stage in CODE_STAGES + ("commit-msg",):
            if isinstance(table, dict) and table.get(stage):
                facts.append(Fact("hook", f"{manager} {stage} hook runs `{str(table[stage])[:60]}`",
                                  Location("package.json", _line(text, rf"[\"']{stage}[\"']\s*:")),
                                  {"manager": manager, "stage": stage}))
    scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
    for name, command in scripts.items():
        # Git's config-based hooks (`git config hook.<name>.event pre-commit`) or a hooks folder.
        if isinstance(command, str) and re.search(r"hook\.\S+\.event\W+pre-(commit|push)|core\.hooksPath", command):
            facts.append(Fact("hook", f"package.json script `{name}` installs a git hook (`{command[:60]}`)",
                              Location("package.json", _line(text, re.escape(f'"{name}"'))),
                              {"manager": "git config", "stage": "pre-commit"}))
    if isinstance(data.get("pre-commit"), (list, str)) and data["pre-commit"]:
        facts.append(Fact("hook", "the `pre-commit` package runs scripts before each commit",
                          Location("package.json", _line(text, r"\"pre-commit\"\s*:")),
                          {"manager": "pre-commit (npm)", "stage": "pre-commit"}))
    if "lint-staged" in data or any(p in client.files for p in (".lintstagedrc", ".lintstagedrc.json",
                                                                 "lint-staged.config.js", ".lintstagedrc.yml")):
        facts.append(Fact("lint-staged", "lint-staged is configured (it runs only when a hook calls it)",
                          Location("package.json", _line(text, r"\"lint-staged\""))))
    return facts


def other_hook_facts(client: RepoClient, context: ScanContext) -> list[Fact]:
    """lefthook, overcommit, CaptainHook, GrumPHP, cargo-husky and hook folders set as core.hooksPath."""
    facts = []
    for path in _LEFTHOOK:
        try:
            config = context.yaml(client, path).first if path in client.files else None
        except (UnreadableFile, YamlProblem):
            config = None
        for stage in CODE_STAGES:
            if isinstance(config, dict) and isinstance(config.get(stage), dict) and any(
                    config[stage].get(k) for k in ("commands", "jobs", "scripts")):
                commands = config[stage].get("commands")
                commands = commands if isinstance(commands, dict) else {}
                runs = " ".join(str(command.get("run", "")) for command in commands.values()
                                if isinstance(command, dict))
                if SECRET_TOOLS.search(runs):
                    facts.append(Fact("secret-scan", f"lefthook {stage} runs {SECRET_TOOLS.search(runs).group(0)}",
                                      Location(path, key_line(config, stage)),
                                      {"tool": SECRET_TOOLS.search(runs).group(0).lower()}))
                names = sorted(str(name) for name in commands)
                what = f"runs {', '.join(names[:5])}" if names else "runs jobs"
                facts.append(Fact("hook", f"lefthook {stage} {what}", Location(path, key_line(config, stage)),
                                  {"manager": "lefthook", "stage": stage}))
    for manager, path, pattern in _OTHER_MANAGERS:
        text = _read(client, path)
        line = _line(text, pattern) if text else None
        if line:
            facts.append(Fact("hook", f"{manager} runs checks before commits", Location(path, line),
                              {"manager": manager, "stage": "pre-commit"}))
    for folder in (".githooks", "githooks", ".hooks", ".git-hooks"):
        hook = f"{folder}/pre-commit"
        if hook in client.files and _hooks_path_set(client, folder):
            facts.append(Fact("hook", f"{hook}, installed with `git config core.hooksPath {folder}`", Location(hook, 1),
                              {"manager": "core.hooksPath", "stage": "pre-commit"}))
    return facts


def _hooks_path_set(client: RepoClient, folder: str) -> bool:
    for path in _HOOKS_PATH_SETTERS:
        text = _read(client, path)
        if text and re.search(r"hooksPath\s*=?\s*\S*" + re.escape(folder), text):
            return True
    return False


def secret_file_facts(client: RepoClient) -> list[Fact]:
    facts = []
    for tool, path, pattern in _SECRET_FILES:
        text = _read(client, path)
        line = _line(text, pattern) if text else None
        if line:
            facts.append(Fact("secret-scan", f"{tool} configuration", Location(path, line), {"tool": tool}))
    return facts
