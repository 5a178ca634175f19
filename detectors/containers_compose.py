"""Compose files and dev containers, decided by what the files say.

A Compose file is any YAML file whose top level is Compose's (`services:` a mapping of services,
each with Compose keys, beside only `version`/`name`/`networks`/`volumes`/`configs`/`secrets`/
`include`/`x-*`), whatever its name: a `docker-compose.yml` that holds Ansible variables is not
one, a `deploy/stack.yml` with services is. Dev containers are `devcontainer.json` (JSON with
comments and trailing commas, as VS Code writes it).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from devops_scan.yamlsafe import key_line
from devops_scan_detectors.json_comments import JsonProblem, load_json_with_comments

TOP_LEVEL_KEYS = frozenset({"version", "name", "services", "networks", "volumes", "configs", "secrets", "include"})
SERVICE_KEYS = frozenset({
    "image", "build", "command", "entrypoint", "ports", "expose", "volumes", "environment", "env_file",
    "depends_on", "extends", "container_name", "networks", "deploy", "healthcheck", "restart", "profiles",
    "labels", "working_dir", "user", "logging", "hostname", "secrets", "configs", "cap_add", "cap_drop",
    "ulimits", "tmpfs", "stdin_open", "tty", "privileged", "platform", "init", "links", "extra_hosts",
    "network_mode", "pull_policy", "develop", "stop_grace_period", "shm_size", "sysctls", "devices", "dns",
    "security_opt", "mem_limit", "cpus", "scale", "attach", "post_start", "pre_stop", "models", "provider",
})
_SWARM_KEYS = frozenset({"replicas", "update_config", "rollback_config", "placement", "mode"})
# Cheap pre-check before parsing: a top-level `services:` key.
COMPOSE_MARKER = re.compile(r"^services\s*:", re.MULTILINE)


@dataclass(frozen=True)
class ComposeService:
    name: str
    line: int | None
    image: str | None
    # The build context when the service builds an image from this repository.
    build: str | None
    healthcheck_line: int | None = None
    healthcheck_disabled: bool = False
    # Swarm rolling-update order (`deploy.update_config.order`), e.g. start-first.
    update_order: str | None = None
    # `deploy:` with replicas, placement or update settings: a Swarm stack service (production), not
    # only resource limits for `docker compose up`.
    swarm: bool = False

    @property
    def has_healthcheck(self) -> bool:
        return self.healthcheck_line is not None and not self.healthcheck_disabled


@dataclass(frozen=True)
class ComposeFile:
    path: str
    line: int | None
    services: tuple[ComposeService, ...]

    @property
    def builds_here(self) -> tuple[ComposeService, ...]:
        return tuple(service for service in self.services if service.build is not None)


def compose_problem(document: Any) -> str | None:
    """Why a parsed YAML document is not a Compose file, or None when it is one."""
    if not isinstance(document, dict):
        return "not a YAML mapping"
    services = document.get("services")
    if not isinstance(services, dict) or not services:
        return "`services:` is not a mapping of services"
    foreign = sorted(str(key) for key in document if key not in TOP_LEVEL_KEYS and not str(key).startswith("x-"))
    if foreign:
        return f"top-level keys Compose does not have: {', '.join(foreign[:3])}"
    for name, service in services.items():
        if not isinstance(service, dict) or not service:
            return f"service `{name}` is not a mapping"
        unknown = [str(key) for key in service if key not in SERVICE_KEYS and not str(key).startswith("x-")]
        if unknown:
            return f"service `{name}` has keys Compose does not have: {', '.join(sorted(unknown)[:3])}"
    if not any(isinstance(s, dict) and ({"image", "build", "extends"} & s.keys()) for s in services.values()):
        return "no service has an `image`, `build` or `extends`"
    return None


def read_compose(path: str, document: dict[str, Any]) -> ComposeFile:
    """A Compose file's services; `document` passed compose_problem()."""
    services = document["services"]
    found = []
    for name, service in services.items():
        build = service.get("build")
        context = build if isinstance(build, str) else (build.get("context", ".") if isinstance(build, dict) else None)
        health = service.get("healthcheck")
        deploy = service.get("deploy")
        update = deploy.get("update_config") if isinstance(deploy, dict) else None
        found.append(ComposeService(
            str(name), key_line(services, name),
            str(service["image"]) if service.get("image") is not None else None,
            None if context is None else str(context),
            healthcheck_line=key_line(service, "healthcheck") if health is not None else None,
            healthcheck_disabled=isinstance(health, dict) and (health.get("disable") is True
                                                               or _test_is_none(health.get("test"))),
            update_order=str(update["order"]) if isinstance(update, dict) and update.get("order") else None,
            swarm=isinstance(deploy, dict) and bool(_SWARM_KEYS & deploy.keys()),
        ))
    return ComposeFile(path, key_line(document, "services"), tuple(sorted(found, key=lambda s: s.name)))


def _test_is_none(test: Any) -> bool:
    return test == "NONE" or (isinstance(test, list) and bool(test) and test[0] == "NONE")


# --- dev containers --------------------------------------------------------------------------------------

DEVCONTAINER_GLOBS = (".devcontainer/devcontainer.json", ".devcontainer.json", ".devcontainer/*/devcontainer.json")


@dataclass(frozen=True)
class DevContainer:
    path: str
    # What it starts: "image <name>", "Dockerfile <path>", "compose <paths>"; None when it names nothing.
    runs: str | None
    dockerfile: str | None = None
    problem: str | None = None


def read_devcontainer(path: str, text: str) -> DevContainer:
    """Never raises: JSON with comments and trailing commas is read; anything else is a problem."""
    try:
        data = load_json_with_comments(text)
    except JsonProblem as error:
        return DevContainer(path, None, problem=f"not valid JSON with comments ({error})")
    if not isinstance(data, dict):
        return DevContainer(path, None, problem="not a JSON object")
    folder = posixpath.dirname(path)
    build = data.get("build") if isinstance(data.get("build"), dict) else {}
    dockerfile = build.get("dockerfile") or build.get("dockerFile") or data.get("dockerFile")
    if isinstance(dockerfile, str):
        resolved = posixpath.normpath(posixpath.join(folder, dockerfile))
        return DevContainer(path, f"builds {resolved}", dockerfile=resolved)
    compose = data.get("dockerComposeFile")
    if isinstance(compose, (str, list)):
        files = [compose] if isinstance(compose, str) else [str(item) for item in compose]
        return DevContainer(path, "Compose " + ", ".join(posixpath.normpath(posixpath.join(folder, f)) for f in files))
    if isinstance(data.get("image"), str):
        return DevContainer(path, f"image {data['image']}")
    return DevContainer(path, None, problem="names no image, Dockerfile or Compose file")
