"""Pulumi, Azure (Bicep, ARM), Packer and Nomad, each recognised by what its files declare.

Pulumi: a `Pulumi.yaml` with `name` and `runtime`; its `Pulumi.<stack>.yaml` files are stacks (often
one per environment). Where state lives is `backend.url` in Pulumi.yaml, or else whatever
`pulumi login` chose on the machine that runs it: outside the repository.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem, key_line
from devops_scan_detectors.iac_model import (
    Environment, IacFile, Reading, Signal, StateBackend, config_signal, environment_name, line_of,
)
from devops_scan_detectors.iac_scope import own_paths
from devops_scan_detectors.iac_yaml import json_paths, mapping, parse_json, read_text

_BICEP = re.compile(r"^[ \t]*(resource|module|targetScope|param|output)\s+\S", re.MULTILINE)
_ARM_SCHEMA = re.compile(r'"\$schema"\s*:\s*"[^"]*deployment(Template|Parameters)\.json')
_PACKER_HCL = re.compile(r'^[ \t]*(source|build)\s+("|\{)', re.MULTILINE)
_NOMAD_JOB = re.compile(r'^[ \t]*job\s+"[^"]+"\s*\{', re.MULTILINE)
_NOMAD_SIGNALS = (
    (re.compile(r"^[ \t]*update\s*\{", re.MULTILINE), "deploy.zero-downtime", "Nomad rolling `update` stanza"),
    (re.compile(r"^[ \t]*check\s*\{", re.MULTILINE), "obs.health-checks", "Nomad service health `check`"),
    (re.compile(r'^[ \t]*driver\s*=\s*"(docker|podman)"', re.MULTILINE), "env.containerised", "Nomad runs containers"),
)


def read_cloud(client: RepoClient, context: ScanContext) -> Reading:
    return _pulumi(client, context) + _bicep(client) + _arm(client, context) + _packer(client, context) \
        + _nomad(client)


def _pulumi(client: RepoClient, context: ScanContext) -> Reading:
    reading = Reading()
    for path in own_paths(client.files.named("Pulumi.yaml", "Pulumi.yml")):
        try:
            document = context.yaml(client, path).first
        except (YamlProblem, UnreadableFile):
            continue
        if not isinstance(document, dict) or not document.get("name") or "runtime" not in document:
            continue
        name, folder = str(document["name"]), posixpath.dirname(path)
        runtime = document["runtime"]
        runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
        reading += Reading(files=(IacFile("pulumi", path, key_line(document, "name"),
                                          f"Pulumi project {name} ({runtime_name})"),),
                           backends=(_pulumi_backend(path, folder, document),))
        stacks_folder = posixpath.join(folder, str(document.get("stackConfigDir") or "")).rstrip("/")
        for stack in client.files.glob(posixpath.join(stacks_folder, "Pulumi.*.y*ml") if stacks_folder
                                       else "Pulumi.*.y*ml"):
            stack_name = posixpath.basename(stack).split(".")[1]
            reading += Reading(signals=(config_signal("Pulumi stack configuration", f"Pulumi stack config {stack_name}",
                                                     Location(stack)),))
            env = environment_name(stack_name)
            if env:
                reading += Reading(environments=(Environment(env, "pulumi-stack", Location(stack),
                                                             f"Pulumi project {name}"),))
    return reading


def _pulumi_backend(path: str, folder: str, document: dict) -> StateBackend:
    backend = mapping(document.get("backend"))
    url = backend.get("url")
    location = Location(path, key_line(document, "backend"))
    if isinstance(url, str) and url.startswith("file://"):
        return StateBackend("pulumi", folder, "file", False, False,
                            f"Pulumi state in local files ({url})", location)
    if isinstance(url, str) and url:
        scheme = url.split("://", 1)[0]
        return StateBackend("pulumi", folder, scheme, True, True, f"Pulumi state in {url}", location)
    return StateBackend("pulumi", folder, "login", None, None,
                        "Pulumi.yaml sets no backend: state goes wherever `pulumi login` points "
                        "(Pulumi Cloud by default), decided outside the repository", Location(path))


def _bicep(client: RepoClient) -> Reading:
    reading = Reading()
    for path in own_paths(client.files.with_extension("bicep")):
        text = read_text(client, path)
        if text and _BICEP.search(text):
            reading += Reading(files=(IacFile("bicep", path, line_of(text, _BICEP), "Bicep template"),))
    for path in own_paths(client.files.with_extension("bicepparam")):
        text = read_text(client, path) or ""
        using = re.search(r"^[ \t]*using\s+'([^']+)'", text, re.MULTILINE)
        env = environment_name(posixpath.basename(path))
        reading += Reading(signals=(config_signal("Bicep parameters", "Bicep parameters file", Location(path)),))
        if env:
            shared = f"Bicep template {using.group(1)}" if using else None
            reading += Reading(environments=(Environment(env, "bicep-parameters", Location(path), shared),))
    return reading


def _arm(client: RepoClient, context: ScanContext) -> Reading:
    reading = Reading()
    for path in json_paths(client, context):
        parsed = parse_json(client, path, _ARM_SCHEMA)
        if parsed is None or not isinstance(parsed[1], dict):
            continue
        if "deploymentParameters" in str(parsed[1].get("$schema")):
            reading += Reading(signals=(config_signal("ARM parameters", "ARM parameters file", Location(path)),))
            env = environment_name(posixpath.basename(path).replace(".parameters", ""))
            if env:
                reading += Reading(environments=(Environment(env, "arm-parameters", Location(path), "ARM template"),))
        elif isinstance(parsed[1].get("resources"), (list, dict)):
            reading += Reading(files=(IacFile("arm", path, line_of(parsed[0], r'"resources"'), "ARM template"),))
    return reading


def _packer(client: RepoClient, context: ScanContext) -> Reading:
    files = []
    for path in own_paths(client.files.glob("**/*.pkr.hcl")):
        text = read_text(client, path)
        if text and _PACKER_HCL.search(text):
            files.append(IacFile("packer", path, line_of(text, _PACKER_HCL), "Packer template"))
    for path in json_paths(client, context):
        parsed = parse_json(client, path, re.compile(r'"builders"\s*:'))
        if parsed and isinstance(parsed[1], dict) and isinstance(parsed[1].get("builders"), list) \
                and all(isinstance(b, dict) and "type" in b for b in parsed[1]["builders"]) and parsed[1]["builders"]:
            files.append(IacFile("packer", path, line_of(parsed[0], r'"builders"'), "Packer template (JSON)"))
    return Reading(files=tuple(files))


def _nomad(client: RepoClient) -> Reading:
    reading = Reading()
    paths = own_paths(client.files.with_extension("nomad") + client.files.glob("**/*.nomad.hcl"))
    for path in sorted(set(paths)):
        text = read_text(client, path)
        if not text or not _NOMAD_JOB.search(text):
            continue
        reading += Reading(files=(IacFile("nomad", path, line_of(text, _NOMAD_JOB), "Nomad job"),))
        for pattern, practice, detail in _NOMAD_SIGNALS:
            line = line_of(text, pattern)
            if line is not None:
                reading += Reading(signals=(Signal(practice, True, detail, Location(path, line)),))
    return reading
