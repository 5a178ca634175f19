"""Terraform/OpenTofu and Terragrunt: files, root modules and their state, pins, environments.

A folder of `.tf` files is a module; it is a *root* (something applied, with state of its own)
when it configures a backend or HCP Terraform, holds a committed `.terraform.lock.hcl` (written by
`terraform init` in roots), configures providers, or is a Terragrunt unit. Folders under
`modules/` and test fixtures are reusable modules: their state belongs to whoever calls them.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict

from devops_scan.clients.base import RepoClient
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan_detectors.iac_model import (
    Dependency, Environment, IacFile, Reading, Signal, StateBackend, config_signal, environment_name,
)
from devops_scan_detectors.iac_pins import constraint_pinned, terraform_source_pin
from devops_scan_detectors.iac_scope import own_paths
from devops_scan_detectors.iac_terraform_parse import Block, TerraformFile, read_terraform

NATIVE_LOCKING = frozenset({"gcs", "azurerm", "remote", "consul", "kubernetes", "pg", "cos", "oss", "cloud"})
REUSABLE_FOLDERS = frozenset({"modules", "module", "test", "tests", "fixtures"})
_LOCK_SETTING = re.compile(r"^[ \t]*(dynamodb_table|use_lockfile\s*=\s*true)", re.MULTILINE)
_ROLLOUT = (
    (re.compile(r"blue_green_deployment_config\s*\{"), "CodeDeploy blue/green deployment group"),
    (re.compile(r'type\s*=\s*"CODE_DEPLOY"'), "ECS service deployed by CodeDeploy (blue/green)"),
    (re.compile(r"deployment_circuit_breaker\s*\{"), "ECS rolling update with a deployment circuit breaker"),
)
# Resources that run container images (built here or elsewhere).
_CONTAINER_RESOURCES = re.compile(
    r'^resource\s+"(aws_ecs_task_definition|aws_apprunner_service|google_cloud_run_service|google_cloud_run_v2_service|'
    r'azurerm_container_app|azurerm_container_group|kubernetes_deployment|kubernetes_deployment_v1|'
    r'nomad_job)"', re.MULTILINE)


def read_terraform_tree(client: RepoClient) -> Reading:
    files = _read_all(client)
    by_folder: dict[str, list[TerraformFile]] = defaultdict(list)
    reading = Reading()
    for parsed in files:
        if not parsed.is_terraform:
            continue
        by_folder[posixpath.dirname(parsed.path)].append(parsed)
        tool = "Terragrunt configuration" if parsed.path.endswith("terragrunt.hcl") else "Terraform configuration"
        reading += Reading(files=(IacFile("terraform", parsed.path, parsed.first_line, tool),))
        if parsed.problem:
            reading += Reading(problems=(Fact("iac-unreadable", f"{tool}: {parsed.problem}",
                                              Location(parsed.path, parsed.problem_line)),))
    locks = {posixpath.dirname(path) for path in own_paths(client.files.named(".terraform.lock.hcl"))}
    remote_state = [b for f in files for b in f.backends if f.path.endswith("terragrunt.hcl")]
    for folder, members in sorted(by_folder.items()):
        reading += _folder(client, folder, members, folder in locks, remote_state)
    reading += Reading(signals=tuple(_lock_file_signals(locks)))
    return reading + _tfvars(client, set(by_folder)) + _rollout_signals(client)


def _read_all(client: RepoClient) -> list[TerraformFile]:
    paths = own_paths(client.files.with_extension("tf", "tofu") + client.files.glob("**/*.tf.json")
                      + client.files.named("terragrunt.hcl"))
    found = []
    for path in sorted(set(paths)):
        try:
            text = client.read_text(path).text
        except UnreadableFile:
            continue
        found.append(read_terraform(path, text))
    return found


def _folder(client: RepoClient, folder: str, members: list[TerraformFile], locked_file: bool,
            terragrunt_state: list[Block]) -> Reading:
    backends = [(f.path, b) for f in members for b in f.backends if not f.path.endswith("terragrunt.hcl")]
    cloud = next(((f.path, f.cloud) for f in members if f.cloud), None)
    terragrunt = next((f for f in members if f.terragrunt_source), None)
    providers = [(f.path, p) for f in members for p in f.providers]
    reusable = bool(REUSABLE_FOLDERS & set(folder.split("/")))
    is_root = bool(backends or cloud or terragrunt or locked_file or (providers and not reusable))
    reading = Reading(dependencies=tuple(_dependencies(members, locked_file)))
    if is_root:
        reading += Reading(backends=(_state(client, folder, members, backends, cloud, terragrunt, terragrunt_state),))
        reading += _environment(folder, members, terragrunt)
    return reading


def _state(client: RepoClient, folder: str, members: list[TerraformFile], backends: list[tuple[str, Block]],
           cloud: tuple[str, Block] | None, terragrunt: TerraformFile | None,
           terragrunt_state: list[Block]) -> StateBackend:
    where = folder or "the repository root"
    if cloud:
        return StateBackend("terraform", folder, "cloud", True, True,
                            f"{where}: state in HCP Terraform (`cloud` block), locked by the service",
                            Location(cloud[0], cloud[1].line))
    if backends:
        path, block = backends[0]
        return _backend(client, folder, path, block)
    if terragrunt is not None and terragrunt_state:
        block = terragrunt_state[0]
        locked = _locked(block)
        return StateBackend("terraform", folder, block.name, block.name != "local", locked,
                            f"{where}: Terragrunt unit; `remote_state` keeps state in {block.name}",
                            Location(terragrunt.path, terragrunt.terragrunt_source.line if terragrunt.terragrunt_source
                                     else None))
    provider = next(((f.path, p.line) for f in members for p in f.providers), (members[0].path, None))
    return StateBackend("terraform", folder, "none", False, False,
                        f"{where}: a root module without a backend: state is a local terraform.tfstate",
                        Location(*provider))


def _backend(client: RepoClient, folder: str, path: str, block: Block) -> StateBackend:
    where = folder or "the repository root"
    location = Location(path, block.line)
    if block.name == "local":
        return StateBackend("terraform", folder, "local", False, False,
                            f"{where}: `backend \"local\"` keeps state on one machine", location)
    locked = _locked(block)
    if locked is None and block.name == "s3":
        locked = _locked_by_backend_files(client, folder)
    lock_words = {True: "locked", False: "NOT locked (no dynamodb_table or use_lockfile)",
                  None: "locking set at `terraform init -backend-config` (outside the repository)"}[locked]
    return StateBackend("terraform", folder, block.name, True, locked,
                        f"{where}: `backend \"{block.name}\"`, {lock_words}", location)


def _locked(block: Block) -> bool | None:
    if block.name in NATIVE_LOCKING:
        return True
    settings = block.attributes
    if block.name == "s3":
        if settings.get("dynamodb_table") or settings.get("use_lockfile") in (True, "true"):
            return True
        return None if not settings.get("bucket") else False  # a partial block gets the rest at init
    if block.name == "http":
        return bool(settings.get("lock_address"))
    return None


def _locked_by_backend_files(client: RepoClient, folder: str) -> bool | None:
    prefix = folder + "/" if folder else ""
    candidates = [p for p in client.files.with_extension("tfbackend", "hcl")
                  if p.startswith(prefix) and ("backend" in p.rsplit("/", 1)[-1] or p.endswith(".tfbackend"))]
    for path in own_paths(candidates):
        try:
            if _LOCK_SETTING.search(client.read_text(path).text):
                return True
        except UnreadableFile:
            continue
    return None


def _dependencies(members: list[TerraformFile], locked_file: bool) -> list[Dependency]:
    found = []
    for parsed in members:
        for module in parsed.modules:
            source = module.attributes.get("source")
            if not isinstance(source, str):
                continue
            version = module.attributes.get("version")
            pinned, why = terraform_source_pin(source, version if isinstance(version, str) else None)
            if pinned is not None:
                found.append(Dependency("terraform-module", f"{module.name} ({source})", str(version or ""),
                                        pinned, why, Location(parsed.path, module.line)))
        if parsed.terragrunt_source:
            source = str(parsed.terragrunt_source.attributes["source"])
            pinned, why = terraform_source_pin(source, None)
            if pinned is not None:
                found.append(Dependency("terragrunt-source", source, "", pinned, why,
                                        Location(parsed.path, parsed.terragrunt_source.line)))
        for provider in parsed.required_providers:
            pinned, why = constraint_pinned(provider.attributes.get("version"))
            if not pinned and locked_file:
                pinned, why = True, "exact version in the committed .terraform.lock.hcl"
            found.append(Dependency("terraform-provider", provider.name, str(provider.attributes.get("version") or ""),
                                    pinned, why, Location(parsed.path, provider.line)))
        for provider in parsed.providers:
            if "version" in provider.attributes:  # Terraform < 0.13: `provider "aws" { version = "~> 2.0" }`
                pinned, why = constraint_pinned(provider.attributes["version"])
                found.append(Dependency("terraform-provider", provider.name, str(provider.attributes["version"]),
                                        pinned, why, Location(parsed.path, provider.line)))
    return found


def _environment(folder: str, members: list[TerraformFile], terragrunt: TerraformFile | None) -> Reading:
    name = next((env for env in map(environment_name, reversed(folder.split("/"))) if env), None) if folder else None
    if name is None:
        return Reading()
    main = min(members, key=lambda f: (not (f.resources or f.modules), f.path))  # the file that declares things
    location = Location(main.path, main.first_line)
    if terragrunt is not None and terragrunt.terragrunt_source is not None:
        shared = str(terragrunt.terragrunt_source.attributes["source"])
        return Reading(environments=(Environment(name, "terragrunt-unit", location, shared),))
    resources = sum(parsed.resources for parsed in members)
    sources = sorted({str(m.attributes.get("source")) for parsed in members for m in parsed.modules})
    shared = ", ".join(sources) if sources and resources == 0 else None
    return Reading(environments=(Environment(name, "terraform-root", location, shared),))


def _tfvars(client: RepoClient, folders: set[str]) -> Reading:
    reading = Reading()
    for path in own_paths(client.files.with_extension("tfvars") + client.files.glob("**/*.tfvars.json")):
        folder, base = posixpath.split(path)
        name = environment_name(base)
        if name is None and base in ("terraform.tfvars", "terraform.tfvars.json", "vars.tfvars"):
            name = environment_name(posixpath.basename(folder)) if folder else None
        config = _nearest(folder, folders)
        definition = f"the Terraform configuration in {config or 'the repository root'}" if config is not None \
            else "Terraform variables"
        reading += Reading(signals=(config_signal("Terraform tfvars", "Terraform variable values (tfvars)",
                                           Location(path)),))
        if name is not None:
            reading += Reading(environments=(Environment(name, "tfvars", Location(path), definition),))
    return reading


def _nearest(folder: str, folders: set[str]) -> str | None:
    current = folder
    while True:
        if current in folders:
            return current
        if not current:
            return None
        current = posixpath.dirname(current)


def _lock_file_signals(locks: set[str]) -> list[Signal]:
    return [Signal("infra.pinned-modules", True, "provider versions locked in .terraform.lock.hcl",
                   Location(posixpath.join(folder, ".terraform.lock.hcl")))
            for folder in sorted(locks)]


def _rollout_signals(client: RepoClient) -> Reading:
    signals = []
    for path in own_paths(client.files.with_extension("tf")):
        try:
            text = client.read_text(path).text
        except UnreadableFile:
            continue
        runs = _CONTAINER_RESOURCES.search(text)
        if runs:
            signals.append(Signal("env.containerised", True, f"`{runs.group(1)}` runs container images",
                                  Location(path, text.count("\n", 0, runs.start()) + 1)))
        if "aws_ecs_service" not in text and "aws_codedeploy" not in text:
            continue
        for pattern, detail in _ROLLOUT:
            match = pattern.search(text)
            if match:
                signals.append(Signal("deploy.zero-downtime", True, detail,
                                      Location(path, text.count("\n", 0, match.start()) + 1)))
    return Reading(signals=tuple(signals))
