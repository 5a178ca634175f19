"""Development environment setup automated: one command or one tool brings a workstation up.

Each source is checked by content: a devcontainer must name an image, Dockerfile or compose file;
a compose file needs a top-level `services:` mapping; a flake a dev shell; a Makefile `install`
target counts only when it installs the project's dependencies (not when it copies a build into
/usr/local).
"""

from __future__ import annotations

import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan.yamlsafe import YamlProblem, key_line
from devops_scan_detectors.common import text_or_none as _text, line_matching as _line, not_the_projects_own
from devops_scan_detectors.json_comments import JsonProblem, load_json_with_comments

SETUP_TARGETS = frozenset({"setup", "bootstrap", "dev", "develop", "dev-setup", "devsetup", "setup-dev", "init",
                           "deps", "dependencies", "venv", "virtualenv", "install-dev", "dev-install", "devenv",
                           "environment", "prepare", "local-setup", "setup-local", "dev-env"})
_INSTALLS_DEPENDENCIES = re.compile(r"pip3? install|uv (sync|pip)|poetry install|pipenv (install|sync)|pdm install|"
                                    r"npm (ci|install|i)\b|yarn( install)?\s*$|pnpm install|bun install|bundle install|"
                                    r"go mod download|composer install|mix deps\.get|dotnet restore|cargo fetch",
                                    re.MULTILINE)
_MAKE_TARGET = re.compile(r"^([A-Za-z0-9_./-]+)\s*:(?!=)", re.MULTILINE)
_JUST_RECIPE = re.compile(r"^@?([A-Za-z0-9_-]+)(\s+[^:=\n]*)?:(?!=)", re.MULTILINE)
_COMPOSE = re.compile(r"^(docker-)?compose(\.[\w-]+)*\.ya?ml$")
_PRODUCTION_ONLY = re.compile(r"prod|production|release|deploy", re.IGNORECASE)
# (label, path, content pattern proving it)
_FILES = (
    ("Vagrant machine", "Vagrantfile", r"Vagrant\.configure"),
    ("nix flake dev shell", "flake.nix", r"devShells?\b|mkShell"),
    ("nix-shell environment", "shell.nix", r"mkShell|stdenv|buildInputs|packages"),
    ("Devbox environment", "devbox.json", r"\"packages\""),
    ("devenv environment", "devenv.nix", r"\S"),
    ("direnv loading nix", ".envrc", r"^\s*use (flake|nix|devenv)"),
    ("asdf/mise tool versions", ".tool-versions", r"^[a-z][\w-]*\s+\S"),
    ("mise tools", ".mise.toml", r"^\[tools\]"), ("mise tools", "mise.toml", r"^\[tools\]"),
    ("mise tools", ".config/mise.toml", r"^\[tools\]"), ("rtx tools", ".rtx.toml", r"^\[tools\]"),
    ("Gitpod workspace", ".gitpod.yml", r"^(tasks|image)\s*:"),
    ("Tilt dev environment", "Tiltfile", r"\S"),
    ("Okteto dev environment", "okteto.yml", r"^(dev|deploy|build)\s*:"),
    ("tox dev environment", "tox.ini", r"^\[testenv:(dev|develop|venv|devenv)\]"),
    ("tox dev environment", "pyproject.toml", r"^\[tool\.tox\.env\.(dev|develop|venv|devenv)\]"),
    ("nox dev session", "noxfile.py", r"def (dev|develop|devenv)\(|name=[\"'](dev|develop|devenv)[\"']"),
)
_SCRIPTS = ("script/bootstrap", "script/setup", "bin/setup", "bin/bootstrap", "scripts/setup.sh",
            "scripts/bootstrap.sh", "scripts/dev-setup.sh", "scripts/setup", "scripts/bootstrap", "bootstrap.sh",
            "setup.sh", "dev-setup.sh", "tools/setup.sh")


class DevEnvironmentDetector(Detector):
    id = "dev-environment"
    title = "Automated development environment"
    practices = ("env.dev-setup-automated",)
    description = (
        "Passes with a devcontainer (`.devcontainer/devcontainer.json`, `.devcontainer.json`, or one per "
        "sub-folder) naming an image, Dockerfile or compose file (JSON with comments read); a compose file with "
        "a top-level `services:` mapping (files named for production only do not count); a Vagrantfile; nix "
        "(a flake with a dev shell, shell.nix, devbox.json, devenv.nix, `.envrc` using nix); asdf/mise tool "
        "versions; a Gitpod workspace; a Tiltfile or Okteto manifest; setup targets in a Makefile, justfile "
        "or Taskfile (setup, bootstrap, dev, init, deps, venv... and `install` only when it installs the "
        "project's dependencies); package.json `setup`/`bootstrap` scripts; tox or nox dev environments; or "
        "setup scripts (`script/bootstrap`, `bin/setup`, `scripts/setup.sh`...)."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = _devcontainer_facts(client) + _compose_facts(client, context) + _file_facts(client)
        facts += _task_runner_facts(client, context) + _script_facts(client)
        return Evidence(self.id, tuple(facts))

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        found = evidence.of_kind("dev-setup")
        if found:
            shown = list(dict.fromkeys(f"{f.detail} ({f.location})" for f in found))
            return [Finding("env.dev-setup-automated", Outcome.PASS, "; ".join(shown[:3])
                            + (f" (+{len(shown) - 3} more)" if len(shown) > 3 else ""), found[:5])]
        weak = evidence.of_kind("dev-setup-weak")
        if weak:
            return [Finding("env.dev-setup-automated", Outcome.FAIL, "; ".join(f"{f.location.path}: {f.detail}"
                                                                             for f in weak[:3]), weak[:3])]
        return [Finding("env.dev-setup-automated", Outcome.FAIL, "no devcontainer, compose file, Vagrantfile, nix, "
                        "tool-version manager, setup target or bootstrap script")]






def _devcontainer_facts(client: RepoClient) -> list[Fact]:
    facts = []
    paths = [".devcontainer.json", ".devcontainer/devcontainer.json"]
    paths += client.files.glob(".devcontainer/*/devcontainer.json")
    for path in paths:
        text = _text(client, path)
        if text is None:
            continue
        try:
            config = load_json_with_comments(text)
        except JsonProblem as error:
            facts.append(Fact("dev-setup-weak", f"devcontainer configuration is not valid JSON ({error})",
                              Location(path, error.line)))
            continue
        keys = [k for k in ("image", "build", "dockerFile", "dockerfile", "dockerComposeFile")
                if isinstance(config, dict) and config.get(k)]
        if keys:
            facts.append(Fact("dev-setup", f"devcontainer ({keys[0]})", Location(path, _line(text, rf"\"{keys[0]}\""))))
        else:
            facts.append(Fact("dev-setup-weak", "devcontainer names no image, Dockerfile or compose file",
                              Location(path)))
    return facts


def _compose_facts(client: RepoClient, context: ScanContext) -> list[Fact]:
    facts = []
    for path in client.files:
        name = path.rsplit("/", 1)[-1]
        if not _COMPOSE.match(name) or not_the_projects_own(path):
            continue
        try:
            document = context.yaml(client, path).first
        except (UnreadableFile, YamlProblem):
            continue
        services = document.get("services") if isinstance(document, dict) else None
        if not isinstance(services, dict) or not services:
            continue  # a file named like compose that is something else
        names = ", ".join(str(s) for s in list(services)[:4])
        if _PRODUCTION_ONLY.search(name):
            facts.append(Fact("dev-setup-weak", f"compose file for production only ({names})",
                              Location(path, key_line(document, "services"))))
        else:
            facts.append(Fact("dev-setup", f"docker compose services {names}",
                              Location(path, key_line(document, "services"))))
    return facts


def _file_facts(client: RepoClient) -> list[Fact]:
    facts = []
    for label, path, pattern in _FILES:
        text = _text(client, path)
        line = _line(text, pattern) if text else None
        if line is not None:
            facts.append(Fact("dev-setup", label, Location(path, line)))
        elif text is not None and label == "nix flake dev shell":
            facts.append(Fact("dev-setup-weak", "flake.nix defines no dev shell", Location(path)))
    return facts


def _task_runner_facts(client: RepoClient, context: ScanContext) -> list[Fact]:
    facts = []
    for path in ("Makefile", "makefile", "GNUmakefile"):
        text = _text(client, path)
        recipes = make_recipes(text or "")
        for target, (line, _) in recipes.items():
            if target in SETUP_TARGETS or (target == "install" and _INSTALLS_DEPENDENCIES.search(
                    _recipe_with_prerequisites(recipes, target))):
                facts.append(Fact("dev-setup", f"make {target}", Location(path, line)))
    for path in ("justfile", "Justfile", ".justfile"):
        text = _text(client, path)
        for match in _JUST_RECIPE.finditer(text or ""):
            if match.group(1) in SETUP_TARGETS:
                facts.append(Fact("dev-setup", f"just {match.group(1)}",
                                  Location(path, text.count("\n", 0, match.start()) + 1)))
    for path in ("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml"):
        try:
            document = context.yaml(client, path).first if path in client.files else None
        except (UnreadableFile, YamlProblem):
            document = None
        tasks = document.get("tasks") if isinstance(document, dict) else None
        for name in (tasks if isinstance(tasks, dict) else {}):
            if str(name) in SETUP_TARGETS:
                facts.append(Fact("dev-setup", f"task {name}", Location(path, key_line(tasks, name))))
    text = _text(client, "package.json")
    try:
        scripts = (load_json_with_comments(text) or {}).get("scripts") if text else None
    except (JsonProblem, AttributeError):
        scripts = None
    for name in (scripts if isinstance(scripts, dict) else {}):
        if name in ("setup", "bootstrap", "dev:setup", "setup:dev"):
            line = _line(text, rf"\"{re.escape(name)}\"\s*:")
            facts.append(Fact("dev-setup", f"npm run {name}", Location("package.json", line)))
    return facts


def make_recipes(text: str) -> dict[str, tuple[int, str]]:
    """target -> (line, its prerequisites line and recipe), with simple `$(VAR)` references expanded."""
    variables = dict(re.findall(r"^([A-Za-z_][\w]*)\s*[:?]?=\s*(.*)$", text, re.MULTILINE))
    for _ in range(3):
        text = re.sub(r"\$[({]([A-Za-z_]\w*)[)}]", lambda m: variables.get(m.group(1), m.group(0)), text)
    recipes: dict[str, tuple[int, str]] = {}
    for match in _MAKE_TARGET.finditer(text):
        body = text[match.end():]
        end = re.search(r"\n(?![\t\n])", body)
        line = text.count("\n", 0, match.start()) + 1
        recipes.setdefault(match.group(1), (line, body[:end.start()] if end else body))
    return recipes


def _recipe_with_prerequisites(recipes: dict[str, tuple[int, str]], target: str) -> str:
    """The target's recipe and its direct prerequisites' recipes (`install: $(STAMP)` does the work in STAMP)."""
    _, body = recipes[target]
    prerequisites = body.split("\n", 1)[0].split("|")[0].split()
    return body + "".join(recipes[p][1] for p in prerequisites if p in recipes)


def _script_facts(client: RepoClient) -> list[Fact]:
    return [Fact("dev-setup", "setup script", Location(path, 1)) for path in _SCRIPTS
            if path in client.files and (_text(client, path) or "").strip()]
