"""Every container fact of the repository, read once per scan: Dockerfiles, Compose files, dev
containers, `.dockerignore` files and platforms that run images (Fly.io, Heroku, Render).

`container_facts(client, context)` is what other detectors reuse; `containers.py` judges.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.containers_compose import (
    COMPOSE_MARKER, DEVCONTAINER_GLOBS, ComposeFile, DevContainer, compose_problem, read_compose, read_devcontainer,
)
from devops_scan_detectors.containers_dockerfile import Dockerfile, dockerfile_role, parse_dockerfile
from devops_scan_detectors.iac_scope import own_infrastructure_file, own_paths
from devops_scan_detectors.iac_yaml import read_text, yaml_paths

_COMPOSE_NAME = re.compile(r"(docker-)?compose[\w.-]*\.ya?ml$|^[\w.-]*compose\.ya?ml$", re.IGNORECASE)
# Platforms that build and run the repository's Dockerfile, each recognised by what its file says.
_PLATFORMS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("fly.toml", re.compile(r"^app\s*=", re.MULTILINE), "Fly.io runs the image"),
    ("heroku.yml", re.compile(r"^build\s*:\s*\n\s+docker\s*:", re.MULTILINE), "Heroku builds and runs the image"),
    ("render.yaml", re.compile(r"^[ \t]+-?\s*(env|runtime)\s*:\s*docker\b", re.MULTILINE), "Render runs the image"),
)


@dataclass(frozen=True)
class ContainerFacts:
    dockerfiles: tuple[Dockerfile, ...]
    # Files named like Dockerfiles that are templates or not Dockerfiles at all (with `problem`).
    not_dockerfiles: tuple[Dockerfile, ...]
    compose_files: tuple[ComposeFile, ...]
    # YAML files named like Compose files whose content is something else: (path, why).
    compose_lookalikes: tuple[tuple[str, str], ...]
    devcontainers: tuple[DevContainer, ...]
    dockerignores: tuple[str, ...]
    # Platforms that run the image (kind `container-runner`), with their rollout and health settings
    # (kinds `rollout`, `interrupting-rollout`, `healthcheck`).
    platforms: tuple[Fact, ...]


def container_facts(client: RepoClient, context: ScanContext) -> ContainerFacts:
    return context.shared("container-facts", lambda: _collect(client, context))


def _collect(client: RepoClient, context: ScanContext) -> ContainerFacts:
    real, other = _dockerfiles(client)
    compose, lookalikes = _compose(client, context)
    devcontainers = []
    for path in own_paths(sorted({p for g in DEVCONTAINER_GLOBS for p in client.files.glob(g)})):
        text = read_text(client, path)
        if text is not None:
            devcontainers.append(read_devcontainer(path, text))
    ignores = tuple(p for p in client.files if p.endswith(".dockerignore") and own_infrastructure_file(p))
    return ContainerFacts(tuple(real), tuple(other), tuple(compose), tuple(lookalikes), tuple(devcontainers),
                          ignores, tuple(_platforms(client)))


def _dockerfiles(client: RepoClient) -> tuple[list[Dockerfile], list[Dockerfile]]:
    real: list[Dockerfile] = []
    other: list[Dockerfile] = []
    for path in client.files:
        role = dockerfile_role(posixpath.basename(path))
        if role is None or not own_infrastructure_file(path):
            continue
        if role == "template":
            other.append(Dockerfile(path, problem="a template (rendered before it is built), not a Dockerfile"))
            continue
        try:
            text = client.read_text(path).text
        except UnreadableFile as error:
            other.append(Dockerfile(path, problem=f"unreadable ({error.reason})"))
            continue
        parsed = parse_dockerfile(path, text)
        (other if parsed.problem else real).append(parsed)
    return real, other


def _compose(client: RepoClient, context: ScanContext) -> tuple[list[ComposeFile], list[tuple[str, str]]]:
    found: list[ComposeFile] = []
    lookalikes: list[tuple[str, str]] = []
    for path in yaml_paths(client, context):
        named = bool(_COMPOSE_NAME.search(posixpath.basename(path)))
        text = read_text(client, path)
        if text is None or not COMPOSE_MARKER.search(text):
            if named and text is not None:
                lookalikes.append((path, "no top-level `services:`"))
            continue
        try:
            document = context.yaml(client, path).first
        except YamlProblem as error:
            if named:
                lookalikes.append((path, f"invalid YAML: {error}"))
            continue
        except UnreadableFile:
            continue
        problem = compose_problem(document)
        if problem is None:
            found.append(read_compose(path, document))
        elif named:
            lookalikes.append((path, problem))
    return found, lookalikes


def _platforms(client: RepoClient) -> list[Fact]:
    found = []
    for name, pattern, what in _PLATFORMS:
        for path in own_paths(client.files.named(name)):
            text = read_text(client, path) or ""
            match = pattern.search(text)
            if match:
                found.append(Fact("container-runner", what, Location(path, text.count("\n", 0, match.start()) + 1),
                                  {"where": "production"}))
                found.extend(_fly_settings(path, text) if name == "fly.toml" else [])
    return found


_FLY_STRATEGY = re.compile(r'^[ \t]*strategy\s*=\s*"(\w+)"', re.MULTILINE)
_FLY_CHECKS = re.compile(r"^[ \t]*\[\[(http_service|services)\.(http_)?checks\]\]", re.MULTILINE)


def _fly_settings(path: str, text: str) -> list[Fact]:
    """Fly.io's rollout strategy (rolling is its default for apps with checks) and its health checks."""
    found = []
    strategy = _FLY_STRATEGY.search(text)
    if strategy and strategy.group(1) in ("rolling", "bluegreen", "canary"):
        found.append(Fact("rollout", f"Fly.io `{strategy.group(1)}` deployment strategy",
                          Location(path, text.count("\n", 0, strategy.start()) + 1)))
    elif strategy and strategy.group(1) == "immediate":
        found.append(Fact("interrupting-rollout", "Fly.io `immediate` strategy replaces every machine at once",
                          Location(path, text.count("\n", 0, strategy.start()) + 1)))
    checks = _FLY_CHECKS.search(text)
    if checks:
        found.append(Fact("healthcheck", "Fly.io service health checks",
                          Location(path, text.count("\n", 0, checks.start()) + 1)))
    return found
