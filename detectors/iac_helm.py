"""Helm: charts (by a `Chart.yaml` with a name and a version), their values, dependencies and workloads.

Everything under a chart's folder belongs to the chart. Its `templates/` are Go templates that
often are not YAML at all, so they are read as text: a template that renders a Deployment and
mentions `readinessProbe` wires a readiness probe (its settings usually live in values.yaml).
Helmfile (`releases:` with `chart:`) counts as Helm too; its `environments:` are environments.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem, item_line, key_line
from devops_scan_detectors.iac_model import (
    Dependency, Environment, IacFile, Reading, Signal, Workload, config_signal, environment_name,
)
from devops_scan_detectors.iac_pins import constraint_pinned
from devops_scan_detectors.iac_scope import own_paths
from devops_scan_detectors.iac_yaml import Parsed, mapping, parse_candidates, read_text, sequence, yaml_paths

_WORKLOAD_KIND = re.compile(r"^kind:\s*[\"']?(Deployment|StatefulSet|DaemonSet|Rollout)\b", re.MULTILINE)
_STRATEGY = re.compile(r"\b(Recreate|RollingUpdate|canary|blueGreen)\s*:?", re.MULTILINE)
_HELMFILE = re.compile(r"^releases\s*:", re.MULTILINE)
_VALUES_NAME = re.compile(r"^(values[-_.](?P<a>[\w.-]+)|(?P<b>[\w.-]+)[-_.]values)\.ya?ml$", re.IGNORECASE)


@dataclass(frozen=True)
class HelmChart:
    folder: str
    path: str           # its Chart.yaml
    name: str
    line: int | None


def chart_folders(client: RepoClient, context: ScanContext) -> tuple[HelmChart, ...]:
    """Every chart of the project, once per scan (the Kubernetes reader skips their files)."""
    return context.shared("iac-helm-charts", lambda: tuple(_charts(client, context)))


def belongs_to_chart(path: str, charts: tuple[HelmChart, ...]) -> bool:
    return any(path.startswith(chart.folder + "/") if chart.folder else True for chart in charts)


def _charts(client: RepoClient, context: ScanContext) -> list[HelmChart]:
    found = []
    for path in own_paths(client.files.named("Chart.yaml", "Chart.yml")):
        try:
            document = context.yaml(client, path).first
        except (YamlProblem, UnreadableFile):  # an unreadable Chart.yaml is simply not a chart
            continue
        if isinstance(document, dict) and isinstance(document.get("name"), str) and "version" in document:
            found.append(HelmChart(posixpath.dirname(path), path, document["name"], key_line(document, "name")))
    return found


def read_helm(client: RepoClient, context: ScanContext) -> Reading:
    charts = chart_folders(client, context)
    reading = Reading()
    for chart in charts:
        reading += Reading(files=(IacFile("helm", chart.path, chart.line, f"Helm chart {chart.name}"),))
        reading += _dependencies(client, context, chart)
        reading += _templates(client, chart)
        reading += _chart_tests(client, chart)
        env = environment_name(posixpath.basename(chart.folder)) or environment_name(chart.name)
        if env:  # a chart per environment: copies, not values
            reading += Reading(environments=(Environment(env, "helm-chart", Location(chart.path, chart.line), None),))
    reading += _values(client, charts)
    return reading + _helmfiles(client, context)


def _dependencies(client: RepoClient, context: ScanContext, chart: HelmChart) -> Reading:
    locked = any(posixpath.join(chart.folder, name) in client.files for name in ("Chart.lock", "requirements.lock"))
    found = []
    for source in (chart.path, posixpath.join(chart.folder, "requirements.yaml")):
        if source not in client.files:
            continue
        try:
            document = mapping(context.yaml(client, source).first)
        except (YamlProblem, UnreadableFile):  # no dependencies can be read from it
            continue
        entries = sequence(document.get("dependencies"))
        for index, entry in enumerate(entries):
            entry = mapping(entry)
            repository = str(entry.get("repository") or "")
            if not entry.get("name") or repository.startswith("file://") or not repository:
                continue
            pinned, why = constraint_pinned(entry.get("version"))
            if isinstance(entry.get("version"), str) and entry["version"].strip().startswith(">") \
                    and "<" not in entry["version"]:
                pinned, why = False, f"`{entry['version']}` has no upper bound"
            if not pinned and locked:
                pinned, why = True, "exact version in the committed Chart.lock"
            found.append(Dependency("helm-chart", str(entry["name"]), str(entry.get("version") or ""), pinned, why,
                                    Location(source, item_line(entries, index))))
    return Reading(dependencies=tuple(found))


def _templates(client: RepoClient, chart: HelmChart) -> Reading:
    workloads = []
    for path in client.files.in_folder(posixpath.join(chart.folder, "templates"), recursive=True):
        if not path.endswith((".yaml", ".yml", ".tpl")) or "/tests/" in path[len(chart.folder):]:
            continue
        text = read_text(client, path)
        kind = _WORKLOAD_KIND.search(text or "")
        if text is None or kind is None:
            continue
        strategies = {m.group(1) for m in _STRATEGY.finditer(text)}
        strategy = next((s for s in ("Recreate", "canary", "blueGreen", "RollingUpdate") if s in strategies), None)
        template = posixpath.relpath(path, posixpath.join(chart.folder, "templates"))
        workloads.append(Workload(kind.group(1), f"{chart.name}/{template}",
                                  Location(path, text.count("\n", 0, kind.start()) + 1), strategy,
                                  "readinessProbe" in text, "livenessProbe" in text, source="helm-template"))
    return Reading(workloads=tuple(workloads))


def _chart_tests(client: RepoClient, chart: HelmChart) -> Reading:
    signals = []
    for path in client.files.in_folder(posixpath.join(chart.folder, "tests"), recursive=True):
        text = read_text(client, path) or ""
        if path.endswith(("_test.yaml", "_test.yml")) and re.search(r"^(suite|tests)\s*:", text, re.MULTILINE):
            signals.append(Signal("infra.tested", True, "helm-unittest suite", Location(path)))
    for path in client.files.in_folder(posixpath.join(chart.folder, "templates", "tests"), recursive=True):
        text = read_text(client, path) or ""
        if "helm.sh/hook" in text and re.search(r"helm\.sh/hook[\"']?\s*:\s*[\"']?test", text):
            signals.append(Signal("infra.tested", True, "Helm test hook (`helm test`)", Location(path)))
    return Reading(signals=tuple(signals))


def _values(client: RepoClient, charts: tuple[HelmChart, ...]) -> Reading:
    """Values files: a chart's own values.yaml, and per-environment ones next to it or elsewhere."""
    if not charts:
        return Reading()
    reading = Reading()
    for path in own_paths(client.files.with_extension("yaml", "yml")):
        folder, base = posixpath.split(path)
        chart = _owner(path, charts)
        if base.lower() in ("values.yaml", "values.yml") and chart and folder == chart.folder:
            reading += Reading(signals=(config_signal("Helm values", f"Helm values of chart {chart.name}",
                                               Location(path)),))
            continue
        match = _VALUES_NAME.match(base)
        in_values_folder = posixpath.basename(folder).lower() in ("values", "helm-values")
        if not match and not in_values_folder:
            continue
        inside = chart is not None and (not chart.folder or path.startswith(chart.folder + "/"))
        relative = path[len(chart.folder) + 1 if chart.folder else 0:] if inside else ""
        if chart is None or relative.startswith(("templates/", "ci/", "tests/")):
            continue  # chart-testing's ci/*-values.yaml and helm-unittest inputs are test data, not environments
        name = environment_name(match.group("a") or match.group("b")) if match else environment_name(base)
        if name is None:
            continue
        definition = f"Helm chart {chart.name} ({chart.folder or '.'})"
        reading += Reading(environments=(Environment(name, "helm-values", Location(path), definition),),
                           signals=(config_signal("Helm values", f"Helm values for {name}",
                                           Location(path)),))
    return reading


def _owner(path: str, charts: tuple[HelmChart, ...]) -> HelmChart | None:
    """The chart a values file configures: the one it sits in, or the only chart of the repository."""
    inside = [c for c in charts if not c.folder or path.startswith(c.folder + "/")]
    if inside:
        return max(inside, key=lambda c: len(c.folder))
    return charts[0] if len(charts) == 1 else None


def _helmfiles(client: RepoClient, context: ScanContext) -> Reading:
    paths = [p for p in yaml_paths(client, context)
             if posixpath.basename(p).startswith("helmfile") or "/helmfile.d/" in f"/{p}"]
    reading = Reading()
    for item in parse_candidates(client, context, paths, _HELMFILE, "a helmfile"):
        if not isinstance(item, Parsed):
            reading += Reading(problems=(item.problem,))
            continue
        document = mapping(item.documents[0] if item.documents else None)
        releases = [r for r in sequence(document.get("releases")) if isinstance(r, dict) and r.get("chart")]
        if not releases:
            continue
        reading += Reading(files=(IacFile("helm", item.path, key_line(document, "releases"),
                                          f"helmfile with {len(releases)} release(s)"),))
        environments = mapping(document.get("environments"))
        for name in environments:
            env = environment_name(str(name))
            if env:
                reading += Reading(environments=(Environment(env, "helmfile-environment",
                                                             Location(item.path, key_line(environments, name)),
                                                             f"the releases of {item.path}"),))
    return reading
