"""Kustomize: kustomizations, the bases their overlays build on, remote bases and their pins.

A `kustomization.yaml` (or `.yml`, or `Kustomization`) counts when it has Kustomize's keys. An
overlay is a kustomization whose resources include another kustomization's folder; its folder
name says which environment it is (`overlays/production`). The manifests a kustomization lists,
and those beside it, are Kustomize's, not raw Kubernetes: Kustomize renders them.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem, item_line, key_line, node_line
from devops_scan_detectors.iac_model import Dependency, Environment, IacFile, Reading, config_signal, environment_name
from devops_scan_detectors.iac_pins import constraint_pinned, git_ref, ref_pinned
from devops_scan_detectors.iac_scope import own_paths
from devops_scan_detectors.iac_yaml import mapping, sequence

NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
KEYS = frozenset({"resources", "bases", "components", "patches", "patchesStrategicMerge", "patchesJson6902",
                  "configMapGenerator", "secretGenerator", "images", "namespace", "namePrefix", "nameSuffix",
                  "commonLabels", "labels", "commonAnnotations", "helmCharts", "replicas", "generators",
                  "transformers", "crds", "openapi", "vars", "replacements"})
_REMOTE = re.compile(r"^(https?://|git@|ssh://|github\.com/|gitlab\.com/|bitbucket\.org/)")
_REFERENCE_KEYS = ("resources", "bases", "components")


@dataclass(frozen=True)
class Kustomization:
    folder: str
    path: str
    line: int | None
    # Local folders and files it builds on (normalised paths), and remote references as written.
    local: tuple[str, ...]
    remote: tuple[tuple[str, int | None], ...]
    generators: tuple[tuple[str, int | None], ...]   # configMapGenerator / secretGenerator keys with lines
    claimed: tuple[str, ...]                          # files it renders (resources and patches that are files)


def kustomizations(client: RepoClient, context: ScanContext) -> tuple[Kustomization, ...]:
    """Every kustomization of the project, once per scan (the Kubernetes reader leaves their files alone)."""
    return context.shared("iac-kustomizations", lambda: tuple(_find(client, context)))


def claimed_by_kustomize(path: str, found: tuple[Kustomization, ...]) -> bool:
    folder = posixpath.dirname(path)
    return any(k.folder == folder or path in k.claimed for k in found)


def _find(client: RepoClient, context: ScanContext) -> list[Kustomization]:
    found = []
    for path in own_paths(client.files.named(*NAMES)):
        try:
            document = context.yaml(client, path).first
        except (YamlProblem, UnreadableFile):
            continue
        if not isinstance(document, dict) or not (KEYS & document.keys() or
                                                  str(document.get("apiVersion", "")).startswith("kustomize.")):
            continue
        found.append(_read(path, document))
    return found


def _read(path: str, document: dict) -> Kustomization:
    folder = posixpath.dirname(path)
    local: list[str] = []
    remote: list[tuple[str, int | None]] = []
    for key in _REFERENCE_KEYS:
        entries = sequence(document.get(key))
        for index, entry in enumerate(entries):
            if not isinstance(entry, str):
                continue
            if _REMOTE.match(entry) or "?ref=" in entry or "//" in entry.split("?", 1)[0].replace("://", ""):
                remote.append((entry, item_line(entries, index)))
            else:
                local.append(posixpath.normpath(posixpath.join(folder, entry)))
    claimed = [p for p in local if p.endswith((".yaml", ".yml", ".json"))]
    for key in ("patchesStrategicMerge", "patches"):
        for entry in sequence(document.get(key)):
            target = entry if isinstance(entry, str) else mapping(entry).get("path")
            if isinstance(target, str):
                claimed.append(posixpath.normpath(posixpath.join(folder, target)))
    generators = tuple((key, key_line(document, key)) for key in ("configMapGenerator", "secretGenerator")
                       if document.get(key))
    return Kustomization(folder, path, node_line(document), tuple(local), tuple(remote), generators, tuple(claimed))


def read_kustomize(client: RepoClient, context: ScanContext) -> Reading:
    found = kustomizations(client, context)
    folders = {k.folder: k for k in found}
    reading = Reading()
    for kustomization in found:
        reading += Reading(files=(IacFile("kustomize", kustomization.path, kustomization.line,
                                          "Kustomize kustomization"),))
        reading += _pins(client, context, kustomization)
        for key, line in kustomization.generators:
            reading += Reading(signals=(config_signal(f"Kustomize {key}", f"Kustomize {key}",
                                               Location(kustomization.path, line)),))
        bases = [folders[p].folder for p in kustomization.local if p in folders and p != kustomization.folder]
        name = next((env for env in map(environment_name, reversed(kustomization.folder.split("/"))) if env), None)
        if name is None:
            continue
        location = Location(kustomization.path, kustomization.line)
        if bases:
            shared = ", ".join(f"Kustomize base {base or '.'}" for base in sorted(bases))
            reading += Reading(environments=(Environment(name, "kustomize-overlay", location, shared),),
                               signals=(config_signal("Kustomize overlays", f"Kustomize overlay for {name}",
                                               location),))
        elif not any(kustomization.folder in other.local for other in found):
            reading += Reading(environments=(Environment(name, "kustomize", location, None),))
    return reading


def _pins(client: RepoClient, context: ScanContext, kustomization: Kustomization) -> Reading:
    found = []
    for reference, line in kustomization.remote:
        pinned, why = ref_pinned(git_ref(reference))
        found.append(Dependency("kustomize-remote", reference.split("?", 1)[0], git_ref(reference) or "", pinned,
                                why, Location(kustomization.path, line)))
    try:
        document = mapping(context.yaml(client, kustomization.path).first)
    except (YamlProblem, UnreadableFile):
        document = {}
    charts = sequence(document.get("helmCharts"))
    for index, chart in enumerate(charts):
        chart = mapping(chart)
        if chart.get("name") and chart.get("repo"):
            pinned, why = constraint_pinned(chart.get("version"))
            found.append(Dependency("helm-chart", str(chart["name"]), str(chart.get("version") or ""), pinned, why,
                                    Location(kustomization.path, item_line(charts, index))))
    return Reading(dependencies=tuple(found))

