"""AWS-native infrastructure: CloudFormation, SAM, CDK, the Serverless Framework, ECS task definitions.

CloudFormation is recognised by content (`AWSTemplateFormatVersion`, or `Resources:` whose types
are `AWS::...`), in YAML or JSON, whatever the file is called; SAM by its transform
(`AWS::Serverless-2016-10-31`). Short-form tags (`!Ref`, `!Sub`, `!GetAtt`) load as plain values.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan.yamlsafe import key_line
from devops_scan_detectors.iac_model import IacFile, Reading, Signal
from devops_scan_detectors.iac_scope import own_paths
from devops_scan_detectors.iac_yaml import (
    Parsed, json_paths, mapping, parse_candidates, parse_json, read_text, text_line, yaml_paths,
)

CFN_MARKER = re.compile(r"AWSTemplateFormatVersion|AWS::")
SERVERLESS_MARKER = re.compile(r"^provider\s*:", re.MULTILINE)
TASK_DEFINITION_MARKER = re.compile(r'"containerDefinitions"')
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
_RESOURCE_TYPE = re.compile(r"^(AWS|Custom|Alexa)::")


def cloudformation_kind(document: Any) -> str | None:
    """'sam', 'cloudformation' or None for one parsed template."""
    if not isinstance(document, dict):
        return None
    resources = document.get("Resources")
    typed = isinstance(resources, dict) and any(
        isinstance(r, dict) and isinstance(r.get("Type"), str) and _RESOURCE_TYPE.match(r["Type"])
        for r in resources.values())
    if not typed and not ("AWSTemplateFormatVersion" in document and isinstance(resources, dict)):
        return None
    transform = document.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    return "sam" if SAM_TRANSFORM in transforms else "cloudformation"


def read_aws(client: RepoClient, context: ScanContext) -> Reading:
    reading = Reading()
    for item in parse_candidates(client, context, yaml_paths(client, context), CFN_MARKER, "a CloudFormation template"):
        if isinstance(item, Parsed) and item.documents:
            reading += _template(item.path, item.text, item.documents[0], positions=True)
        elif not isinstance(item, Parsed) and "AWSTemplateFormatVersion" in (read_text(client, item.path) or ""):
            reading += Reading(problems=(item.problem,))
    for path in json_paths(client, context) + tuple(own_paths(client.files.with_extension("template"))):
        parsed = parse_json(client, path, CFN_MARKER)
        if parsed is not None:
            reading += _template(path, parsed[0], parsed[1], positions=False)
    return reading + _cdk(client) + _serverless(client, context) + _task_definitions(client, context)


def _template(path: str, text: str, document: Any, positions: bool) -> Reading:
    kind = cloudformation_kind(document)
    if kind is None:
        return Reading()
    resources = mapping(document.get("Resources"))
    line = key_line(document, "Resources") if positions else text_line(text, '"Resources"')
    detail = f"{'SAM' if kind == 'sam' else 'CloudFormation'} template with {len(resources)} resource(s)"
    signals = []
    for name, resource in resources.items():
        resource = mapping(resource)
        where = Location(path, key_line(resources, name) if positions else text_line(text, f'"{name}"'))
        signals.extend(_resource_signals(str(name), str(resource.get("Type", "")), mapping(resource.get("Properties")),
                                         resource, where))
    globals_function = mapping(mapping(document.get("Globals")).get("Function"))
    if "DeploymentPreference" in globals_function:
        signals.append(Signal("deploy.zero-downtime", True, "SAM gradual deployment (Globals DeploymentPreference)",
                              Location(path, key_line(globals_function, "DeploymentPreference"))))
    return Reading(files=(IacFile(kind, path, line, detail),), signals=tuple(signals))


def _resource_signals(name: str, kind: str, properties: dict[str, Any], resource: dict[str, Any],
                      where: Location) -> list[Signal]:
    found = []
    if kind == "AWS::Serverless::Function" and "DeploymentPreference" in properties:
        found.append(Signal("deploy.zero-downtime", True, f"{name}: SAM gradual deployment (DeploymentPreference)",
                            where))
    if kind == "AWS::ECS::Service" and mapping(properties.get("DeploymentController")).get("Type") == "CODE_DEPLOY":
        found.append(Signal("deploy.zero-downtime", True, f"{name}: ECS blue/green through CodeDeploy", where))
    elif kind == "AWS::ECS::Service" and "DeploymentConfiguration" in properties:
        found.append(Signal("deploy.zero-downtime", True, f"{name}: ECS rolling deployment configuration", where))
    if "AutoScalingRollingUpdate" in mapping(resource.get("UpdatePolicy")):
        found.append(Signal("deploy.zero-downtime", True, f"{name}: Auto Scaling rolling update policy", where))
    if kind == "AWS::ECS::TaskDefinition":
        found.append(Signal("env.containerised", True, f"{name}: ECS task definition runs containers", where))
        if any(isinstance(c, dict) and "HealthCheck" in c for c in properties.get("ContainerDefinitions") or []):
            found.append(Signal("obs.health-checks", True, f"{name}: container health check in the ECS task", where))
    if kind == "AWS::ElasticLoadBalancingV2::TargetGroup" and "HealthCheckPath" in properties:
        found.append(Signal("obs.health-checks", True, f"{name}: load balancer health check "
                                                       f"({properties['HealthCheckPath']})", where))
    return found


def _cdk(client: RepoClient) -> Reading:
    files = []
    for path in own_paths(client.files.named("cdk.json")):
        parsed = parse_json(client, path, re.compile(r'"app"\s*:'))
        if parsed is not None and isinstance(parsed[1], dict) and isinstance(parsed[1].get("app"), str):
            files.append(IacFile("cdk", path, text_line(parsed[0], '"app"'), f"CDK app: {parsed[1]['app']}"))
    return Reading(files=tuple(files))


def _serverless(client: RepoClient, context: ScanContext) -> Reading:
    files = []
    for item in parse_candidates(client, context, yaml_paths(client, context), SERVERLESS_MARKER, "a serverless.yml"):
        if not isinstance(item, Parsed) or not item.documents:
            continue
        document = item.documents[0]
        if isinstance(document, dict) and document.get("service") and isinstance(document.get("provider"), dict) \
                and document["provider"].get("name"):
            files.append(IacFile("serverless", item.path, key_line(document, "service"),
                                 f"Serverless Framework service on {document['provider']['name']}"))
    return Reading(files=tuple(files))


def _task_definitions(client: RepoClient, context: ScanContext) -> Reading:
    signals = []
    for path in json_paths(client, context):
        parsed = parse_json(client, path, TASK_DEFINITION_MARKER)
        if parsed is None or not isinstance(parsed[1], dict):
            continue
        containers = parsed[1].get("containerDefinitions")
        if not isinstance(containers, list):
            continue
        where = Location(path, text_line(parsed[0], '"containerDefinitions"'))
        signals.append(Signal("env.containerised", True, f"ECS task definition {posixpath.basename(path)}", where))
        if any(isinstance(c, dict) and "healthCheck" in c for c in containers):
            signals.append(Signal("obs.health-checks", True, "container health check in the ECS task definition",
                                  Location(path, text_line(parsed[0], '"healthCheck"'))))
    return Reading(signals=tuple(signals))
