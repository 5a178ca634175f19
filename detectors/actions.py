"""Reusable units → what they do. The tables: GitHub actions (actions_github.py), other systems' units
(unit_catalog.py), units the CI parsers make up (unit_pseudo.py), included templates (unit_templates.py).

A unit is named by `uses` without its version (`actions/checkout@v4` → `actions/checkout`,
`PublishTestResults@2` → `publishtestresults`, `atlassian/aws-ecs-deploy:1.6.0` →
`atlassian/aws-ecs-deploy`, `docker-compose#v4.16.0` → `docker-compose`). Which table is asked
first follows the CI system of the file the step is in (or a `system:` prefix such as
`gitlab:coverage`). A unit no table knows does nothing we can tell: it gives no activity (never a
guess from its name). Setup actions (checkout, setup-*, login, cache) are known and do nothing.
"""

from __future__ import annotations

import re
from typing import Mapping

from devops_scan_detectors.actions_github import GITHUB, GITHUB_WORKFLOWS
from devops_scan_detectors.commands import classify
from devops_scan_detectors.unit_catalog import CATALOGS, GUESSABLE, system_of
from devops_scan_detectors.unit_pseudo import NAMED, PSEUDO
from devops_scan_detectors.unit_rules import UnitEffect, UnitHandler, words
from devops_scan_detectors.unit_templates import template_activities  # noqa: F401 - part of this module's API
from devops_scan_detectors.wrappers import image_tool


def unit_key(uses: str) -> str:
    """`uses` without version, registry or scheme, lower-cased."""
    key = uses.strip()
    key = re.sub(r"^https?://github\.com/", "", key)
    key = key.split("@", 1)[0].split("#", 1)[0]
    head, slash, last = key.rpartition("/")
    key = head + slash + last.split(":", 1)[0]  # an image or pipe tag: `plugins/docker:20`, `x/pipe:1.6.0`
    return key.lower().rstrip("/")


def _task_file_name(key: str) -> str:
    """A Tekton resolver's `pathInRepo` (`task/buildah/0.1/buildah.yaml`) names the task `buildah`."""
    return re.sub(r"\.ya?ml$", "", key.rsplit("/", 1)[-1]) if key.endswith((".yaml", ".yml")) else key


def _without_registry(key: str) -> str:
    """`gcr.io/kaniko-project/executor` → `kaniko-project/executor`; `docker.io/plugins/docker` → `plugins/docker`."""
    first, slash, rest = key.partition("/")
    return rest if slash and ("." in first or ":" in first or first == "localhost") else key


def unit_effect(uses: str, inputs: Mapping[str, str], path: str | None = None) -> UnitEffect | None:
    """What the unit does, or None when no table knows it. Never raises."""
    try:
        return _effect(uses, inputs, path)
    except Exception:  # noqa: BLE001 - one odd `with:` must not cost the job's other steps
        return None


def _effect(uses: str, inputs: Mapping[str, str], path: str | None) -> UnitEffect | None:
    raw = uses.strip()
    pseudo, colon, detail = raw.partition(":")
    if colon and pseudo in PSEUDO:
        return PSEUDO[pseudo](detail, inputs)
    if raw in NAMED:
        return NAMED[raw](inputs)
    if raw.startswith("docker://"):
        image = raw[len("docker://"):]
        args = words(str(inputs.get("args", "")))
        found = classify([image_tool(image), *args])
        return UnitEffect(found) if found else None
    prefix, _, rest = raw.partition(":")
    if (prefix in CATALOGS or prefix == "github") and rest and not rest.startswith("//"):
        systems, raw = [prefix], rest
    else:
        system = system_of(path or "")
        systems = ([system] if system else []) + [name for name in ("github", *GUESSABLE) if name != system]
    keys = dict.fromkeys((unit_key(raw), _without_registry(unit_key(raw)), _task_file_name(unit_key(raw))))
    for system in systems:
        table = GITHUB if system == "github" else CATALOGS.get(system, {})
        for key in keys:
            handler = _lookup(table, key)
            if handler is not None:
                return handler(inputs)
    key = unit_key(raw)
    if "/.github/workflows/" in key:
        workflow = _lookup(GITHUB_WORKFLOWS, key.split("/.github/workflows/", 1)[0])
        return workflow(inputs) if workflow else None
    named = _named_after_tool(key)
    if named is not None:
        return named
    if "args" in inputs or systems[0] in ("drone", "tekton") or system_of(path or "") is None and "/" in key:
        # An image run as a step (Cloud Build, Drone, Tekton): the image's tool with its arguments, as
        # `docker run IMAGE ARGS` is judged.
        found = classify([image_tool(key), *words(str(inputs.get("args") or ""))])
        return UnitEffect(found) if found else None
    return None





# An action no table knows, whose last path segment is exactly a tool's name, runs that tool
# (`clowdhaus/terraform-composite-actions/pre-commit`, `org/actions/tflint`). Only these names: a
# segment like `terraform-min-max` says nothing about what runs.
_TOOL_NAMED = { "tflint": ("tflint",), "checkov": ("checkov",),
               "tfsec": ("tfsec",), "hadolint": ("hadolint",), "shellcheck": ("shellcheck",),
               "yamllint": ("yamllint",), "actionlint": ("actionlint",), "golangci-lint": ("golangci-lint", "run"),
               "eslint": ("eslint",), "ruff": ("ruff", "check"), "mypy": ("mypy",), "gitleaks": ("gitleaks", "detect"),
               "trufflehog": ("trufflehog", "git"), "semgrep": ("semgrep", "scan"), "syft": ("syft",),
               "pip-audit": ("pip-audit",), "osv-scanner": ("osv-scanner",), "kubeconform": ("kubeconform",),
               "conftest": ("conftest", "test"), "cfn-lint": ("cfn-lint",), "ansible-lint": ("ansible-lint",)}


def _named_after_tool(key: str) -> UnitEffect | None:
    if "/" not in key:
        return None
    if key.rsplit("/", 1)[-1].lower() == "pre-commit":
        return UnitEffect(commands=("pre-commit run --all-files",))  # followed into the hooks
    argv = _TOOL_NAMED.get(key.rsplit("/", 1)[-1].lower())
    found = classify(list(argv)) if argv else []
    return UnitEffect(found) if found else None


def _lookup(table: Mapping[str, UnitHandler], key: str) -> UnitHandler | None:
    """The entry for `key` or for its longest owner/repo[/path] prefix (`reviewdog/action-eslint` → reviewdog)."""
    if key in table:
        return table[key]
    parts = key.split("/")
    for size in range(len(parts) - 1, 0, -1):
        candidate = "/".join(parts[:size])
        if candidate in table and ("/" in candidate or candidate in _OWNER_WIDE):
            return table[candidate]
    return None


# Owners whose every action does one thing (reviewdog/action-eslint, reviewdog/action-shellcheck...).
_OWNER_WIDE = frozenset({"reviewdog"})
