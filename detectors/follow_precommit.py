"""`pre-commit run` → the hooks of `.pre-commit-config.yaml`, each as the command it amounts to.

Hooks from well-known hook repositories are known by id (`terraform_validate`, `ruff`, `gitleaks`...);
`repo: local` hooks run their `entry:`, followed like any command. Unknown ids run nothing we know.
"""

from __future__ import annotations

import posixpath

from devops_scan.model import Location
from devops_scan.yamlsafe import key_line
from devops_scan_detectors.follow import Follower, Link, Resolution
from devops_scan_detectors.shell import Command
from devops_scan_detectors.wrappers import program

CONFIGS = (".pre-commit-config.yaml", ".pre-commit-config.yml")

# Hook id → the command it runs, written so the command classifier knows it.
HOOK_COMMANDS = {
    # antonbabenko/pre-commit-terraform
    "terraform_fmt": "terraform fmt -check", "terraform_validate": "terraform validate",
    "terraform_tflint": "tflint", "terraform_checkov": "checkov -d .", "terraform_trivy": "trivy config .",
    "terraform_tfsec": "tfsec .", "terrascan": "terrascan scan", "tofu_fmt": "tofu fmt -check",
    "tofu_validate": "tofu validate",
    # Python
    "ruff": "ruff check .", "ruff-check": "ruff check .", "ruff-format": "ruff format --check .",
    "black": "black --check .", "flake8": "flake8", "isort": "isort --check .", "mypy": "mypy .",
    "pylint": "pylint", "bandit": "bandit -r .", "pyright": "pyright",
    # JavaScript and friends
    "eslint": "eslint .", "prettier": "prettier --check .", "stylelint": "stylelint",
    # Go, shell, containers, YAML, docs, CI
    "golangci-lint": "golangci-lint run", "go-fmt": "gofmt -l .", "go-vet": "go vet ./...",
    "shellcheck": "shellcheck", "hadolint": "hadolint Dockerfile", "hadolint-docker": "hadolint Dockerfile",
    "yamllint": "yamllint .", "markdownlint": "markdownlint .", "markdownlint-cli2": "markdownlint .",
    "actionlint": "actionlint", "zizmor": "zizmor .", "helmlint": "helm lint", "kubeconform": "kubeconform",
    "checkov": "checkov -d .", "tflint": "tflint", "cfn-lint": "cfn-lint", "ansible-lint": "ansible-lint",
    "rubocop": "rubocop", "clippy": "cargo clippy", "fmt": "cargo fmt --check",
    # Secrets
    "gitleaks": "gitleaks detect", "detect-secrets": "detect-secrets scan", "trufflehog": "trufflehog git file://.",
    "ggshield": "ggshield secret scan pre-commit", "detect-private-key": "detect-secrets scan",
}


def resolve_pre_commit(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    if program(command.argv[0]) not in ("pre-commit", "prek"):
        return None
    args = list(command.argv[1:])
    operands = [word for word in args if not word.startswith("-")]
    if operands and operands[0] != "run":
        return None  # install, autoupdate, gc...: nothing is checked
    given = next((args[i + 1] for i, word in enumerate(args[:-1]) if word in ("-c", "--config")), None)
    path = follower.repo_path(cwd, given) if given else follower.find_up(cwd, *CONFIGS)
    if path is None or not follower.exists(path):
        return Resolution(("pre-commit", cwd), note="no .pre-commit-config.yaml in the repository for it",
                          classify_too=True)
    try:
        document = follower.context.yaml(follower.client, path).first
    except Exception:  # noqa: BLE001 - unreadable or invalid YAML: say so
        return Resolution(("pre-commit", path), note=f"{path} could not be read as YAML", classify_too=True)
    selected = operands[1:2]  # `pre-commit run HOOK-ID`
    links = [link for link in _hook_links(document, path) if not selected or link.label == selected[0]]
    return Resolution(("pre-commit", path, *selected), tuple(links), classify_too=True)


def _hook_links(document: object, path: str) -> list[Link]:
    repos = document.get("repos") if isinstance(document, dict) else None
    folder = posixpath.dirname(path)
    links: list[Link] = []
    for repo in repos if isinstance(repos, list) else []:
        hooks = repo.get("hooks") if isinstance(repo, dict) else None
        for hook in hooks if isinstance(hooks, list) else []:
            if not isinstance(hook, dict) or not isinstance(hook.get("id"), str):
                continue
            hook_id = hook["id"]
            local = repo.get("repo") == "local" and isinstance(hook.get("entry"), str)
            text = hook["entry"] if local else HOOK_COMMANDS.get(hook_id)
            if text is None:
                continue
            extra = hook.get("args") if isinstance(hook.get("args"), list) else []
            text = " ".join([text, *(str(arg) for arg in extra)]) if local else text
            links.append(Link(text, Location(path, key_line(hook, "id")), folder, label=hook_id))
    return links
