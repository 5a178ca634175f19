"""Kubernetes-style manifests: raw Kubernetes, Argo CD, Flux, Crossplane, Kyverno/Gatekeeper, Skaffold.

A YAML document is a manifest when it has a string `apiVersion` of a real API group (the core
groups, `*.k8s.io`, or a dotted CRD group) with a version (`v1`, `v2beta1`), a CamelCase `kind`,
and `metadata` with a `name`. Files under a Helm chart are Helm's and files a kustomization renders
are Kustomize's. Tool configurations that borrow the shape (kind clusters, Backstage catalogs,
Tekton pipelines, kubeconfigs) are not infrastructure manifests.
"""

from __future__ import annotations

import re
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan.yamlsafe import iter_strings, node_line
from devops_scan_detectors.iac_helm import belongs_to_chart, chart_folders
from devops_scan_detectors.iac_kustomize import claimed_by_kustomize, kustomizations
from devops_scan_detectors.iac_model import (
    Environment, IacFile, Reading, Signal, Workload, config_signal, environment_name,
)
from devops_scan_detectors.iac_yaml import Parsed, mapping, parse_candidates, read_text, sequence, yaml_paths

MARKER = re.compile(r"^apiVersion\s*:", re.MULTILINE)
_VERSION = re.compile(r"^v\d+((alpha|beta)\d+)?$")
_KIND = re.compile(r"^[A-Z][A-Za-z0-9]*$")
CORE_GROUPS = frozenset({"", "apps", "batch", "autoscaling", "policy", "extensions"})
# Groups whose documents configure a tool rather than describe infrastructure.
TOOL_GROUPS = frozenset({"kind.x-k8s.io", "k3d.io", "ctlptl.dev", "backstage.io", "tekton.dev", "triggers.tekton.dev",
                         "kustomize.config.k8s.io", "config.kubernetes.io", "deploy.cloud.google.com",
                         "clouddeploy.cnrm.cloud.google.com", "kuttl.dev", "chainsaw.kyverno.io"})
POLICY_GROUPS = frozenset({"kyverno.io", "templates.gatekeeper.sh", "constraints.gatekeeper.sh",
                           "policies.kyverno.io", "wgpolicyk8s.io"})
# Keys through which a pod takes configuration from ConfigMaps and Secrets instead of inline values.
_CONFIG_REFERENCES = frozenset({"configMapRef", "configMapKeyRef", "configMap", "secretRef", "secretKeyRef"})
WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "Rollout", "DeploymentConfig"})


def manifest_kind(document: Any) -> str | None:
    """The inventory kind of one YAML document (kubernetes, argocd, flux...), or None when it is not a manifest."""
    if not isinstance(document, dict):
        return None
    api, kind = document.get("apiVersion"), document.get("kind")
    if not isinstance(api, str) or not isinstance(kind, str) or not _KIND.match(kind):
        return None
    group, _, version = api.rpartition("/")
    if api.startswith("skaffold/"):
        return "skaffold" if kind == "Config" else None
    if not _VERSION.match(version) or group in TOOL_GROUPS or (group == "" and kind == "Config"):
        return None
    if group not in CORE_GROUPS and "." not in group:
        return None
    metadata = document.get("metadata")
    if kind != "List" and not (isinstance(metadata, dict) and (metadata.get("name") or metadata.get("generateName"))):
        return None
    if group.endswith("toolkit.fluxcd.io"):
        return "flux"
    if group == "argoproj.io" and kind in ("Application", "ApplicationSet", "AppProject"):
        return "argocd"
    if group.endswith(("crossplane.io", "upbound.io")):
        return "crossplane"
    if group in POLICY_GROUPS:
        return "policy-as-code"
    return "kubernetes"


def read_manifests(client: RepoClient, context: ScanContext) -> Reading:
    charts = chart_folders(client, context)
    found = kustomizations(client, context)
    paths = tuple(p for p in yaml_paths(client, context) if not belongs_to_chart(p, charts))
    reading = Reading()
    for item in parse_candidates(client, context, paths, MARKER, "a Kubernetes manifest"):
        if not isinstance(item, Parsed):
            if re.search(r"^kind\s*:", read_text(client, item.path) or "", re.MULTILINE):
                reading += Reading(problems=(item.problem,))
            continue
        reading += _file(item, claimed_by_kustomize(item.path, found))
    return reading


def _file(item: Parsed, kustomized: bool) -> Reading:
    kinds: dict[str, list[str]] = {}
    first_line: dict[str, int | None] = {}
    reading = Reading()
    for document in item.documents:
        kind = manifest_kind(document)
        if kind is None:
            continue
        if kind == "kubernetes" and kustomized:
            kind = "kustomize"
        kinds.setdefault(kind, []).append(str(document["kind"]))
        first_line.setdefault(kind, node_line(document))
        reading += _document(item.path, document)
    for kind, names in sorted(kinds.items()):
        detail = ", ".join(sorted(set(names)))
        reading += Reading(files=(IacFile(kind, item.path, first_line[kind], detail),))
    folder = item.path.rsplit("/", 1)[0] if "/" in item.path else ""
    env = next((e for e in map(environment_name, reversed(folder.split("/"))) if e), None) if folder else None
    if env and "kubernetes" in kinds:  # raw manifests in an environment's folder: a copy per environment
        reading += Reading(environments=(Environment(env, "manifest-folder", Location(item.path), None),))
    return reading


def _document(path: str, document: dict[str, Any]) -> Reading:
    kind = document["kind"]
    location = Location(path, node_line(document))
    name = str(mapping(document.get("metadata")).get("name") or "?")
    if kind == "ConfigMap":
        return Reading(signals=(config_signal("ConfigMaps", f"ConfigMap {name}", location),))
    if kind == "Canary" and str(document.get("apiVersion", "")).startswith("flagger.app/"):
        return Reading(signals=(Signal("deploy.zero-downtime", True, f"Flagger canary analysis for {name}",
                                       location),))
    if kind not in WORKLOAD_KINDS:
        return Reading()
    spec = mapping(document.get("spec"))
    pod = mapping(mapping(spec.get("template")).get("spec"))
    containers = [mapping(c) for c in sequence(pod.get("containers"))]
    if not containers:
        return Reading()  # a patch (Kustomize, strategic merge) that changes replicas or labels: not a workload
    workload = Workload(
        kind, name, location, _strategy(kind, spec),
        readiness_probe=any("readinessProbe" in c for c in containers),
        liveness_probe=any("livenessProbe" in c or "startupProbe" in c for c in containers),
    )
    references = _CONFIG_REFERENCES & set(iter_strings(pod))
    signals = (config_signal("ConfigMap/Secret references",
                             f"{kind} {name} reads configuration from {', '.join(sorted(references))}", location),) \
        if references else ()
    return Reading(workloads=(workload,), signals=signals)


def _strategy(kind: str, spec: dict[str, Any]) -> str | None:
    if kind == "Rollout":
        strategy = mapping(spec.get("strategy"))
        return next((name for name in ("canary", "blueGreen") if name in strategy), None)
    holder = spec.get("strategy") if kind in ("Deployment", "DeploymentConfig") else spec.get("updateStrategy")
    value = mapping(holder).get("type")
    return str(value) if value else None

