"""Monitoring as code: alert rules, dashboards, SLO definitions, scrape and collector configuration, runbooks.

Files are recognised by content, read as text so that Helm templates (not valid YAML until
rendered) still count: a rule file needs `alert:` with an `expr:`, an SLO its API version and kind,
a Grafana dashboard its `panels`. Reads are bounded per file type.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.clients.fileindex import extension
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.manifest_parsers import loads_json
from devops_scan_detectors.source_scan import folder_roles

MAX_YAML = 2000
MAX_JSON = 300
MAX_TERRAFORM = 500
_EXAMPLES = frozenset({"examples", "example", "samples", "sample", "demo", "demos"})
_DOC_EXTENSIONS = frozenset({"md", "markdown", "rst", "adoc", "txt"})
_PREFILTER = re.compile(r"alert:|kind:\s*\w*(Rule|Monitor|SLO|ServiceLevel|AlertmanagerConfig)|^route:|openslo|sloth|"
                        r"slos:|pipelines:|runbook_url|pyrra|sre\.google\.com|AWS::CloudWatch::Alarm|^apiVersion:\s*1",
                        re.MULTILINE)

# (fact kind, label, patterns that must all match) for YAML (and jsonnet) text.
_YAML_KINDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("alerting", "Prometheus alert rules", (r"^\s*(-\s*)?alert:\s*\S", r"^\s*expr:", r"rules:")),
    ("alerting", "Alertmanager configuration", (r"^route:", r"^receivers:")),
    ("alerting", "AlertmanagerConfig resource", (r"^kind:\s*AlertmanagerConfig",)),
    ("alerting", "Grafana alert rules", (r"^apiVersion:\s*1\b", r"^groups:", r"^\s*condition:")),
    ("alerting", "CloudWatch alarms", (r"Type:\s*['\"]?AWS::CloudWatch::(Alarm|CompositeAlarm)",)),
    ("slo", "OpenSLO SLO", (r"^apiVersion:\s*['\"]?openslo/", r"^kind:\s*SLO\b")),
    ("slo", "Sloth SLOs", (r"^apiVersion:\s*['\"]?sloth\.slok\.dev/",)),
    ("slo", "Sloth SLOs", (r"^version:\s*['\"]?prometheus/v1", r"^slos:")),
    ("slo", "Pyrra ServiceLevelObjective", (r"^apiVersion:\s*['\"]?pyrra\.dev/", r"^kind:\s*ServiceLevelObjective")),
    ("slo", "Google SLO generator SLO", (r"^apiVersion:\s*['\"]?sre\.google\.com/", r"^kind:\s*ServiceLevelObjective")),
    ("slo", "Nobl9 SLO", (r"^apiVersion:\s*['\"]?n9/", r"^kind:\s*SLO\b")),
    ("metrics-config", "Prometheus Operator scrape target", (r"^kind:\s*(ServiceMonitor|PodMonitor)\b",)),
    ("tracing-config", "OpenTelemetry Collector traces pipeline",
     (r"^receivers:", r"^exporters:", r"^\s+traces(/\w+)?:")),
)
_TERRAFORM_ALERTS = re.compile(
    r"resource\s+\"(datadog_monitor|datadog_synthetics_test|datadog_dashboard(_json)?|newrelic_alert_policy|"
    r"newrelic_nrql_alert_condition|newrelic_alert_condition|newrelic_one_dashboard|grafana_rule_group|"
    r"grafana_dashboard|aws_cloudwatch_metric_alarm|aws_cloudwatch_composite_alarm|aws_cloudwatch_dashboard|"
    r"google_monitoring_alert_policy|google_monitoring_dashboard|azurerm_monitor_metric_alert|"
    r"azurerm_monitor_scheduled_query_rules_alert(_v2)?|pagerduty_service|opsgenie_alert_policy|signalfx_detector|"
    r"honeycombio_trigger)\"")
_TERRAFORM_SLOS = re.compile(r"resource\s+\"(datadog_service_level_objective|google_monitoring_slo|"
                             r"newrelic_service_level|grafana_slo|dynatrace_slo(_v2)?)\"")
_RUNBOOK_FOLDERS = frozenset({"runbooks", "runbook", "run-books", "playbooks", "playbook", "on-call", "oncall"})
_INCIDENT_NAME = re.compile(r"runbook|post-?mortem|incident|on-?call", re.IGNORECASE)
_ALERT_LINE = re.compile(r"^\s*(?:-\s*)?alert:", re.MULTILINE)
_RUNBOOK_URL = re.compile(r"runbook_url:\s*['\"]?(\S+?)['\"]?\s*$", re.MULTILINE)


def _projects_own(path: str) -> bool:
    """Not vendored, test data, or an example of how others could monitor something."""
    return not not_the_projects_own(path) and not _EXAMPLES.intersection(folder_roles(path))


def _text(client: RepoClient, path: str) -> str | None:
    try:
        return client.read_text(path).text
    except UnreadableFile:
        return None


def _line(text: str, pattern: str) -> int:
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def yaml_monitoring_facts(client: RepoClient) -> list[Fact]:
    paths = [p for p in client.files.with_extension("yml", "yaml", "jsonnet", "libsonnet")
             if _projects_own(p)]
    facts: list[Fact] = []
    for path in paths[:MAX_YAML]:
        text = _text(client, path)
        if not text or not _PREFILTER.search(text):
            continue
        for kind, label, patterns in _YAML_KINDS:
            if all(re.search(p, text, re.MULTILINE) for p in patterns):
                detail = label
                if label == "Prometheus alert rules":
                    detail += f" ({len(_ALERT_LINE.findall(text))} alerts)"
                facts.append(Fact(kind, detail, Location(path, _line(text, patterns[0])), {"label": label}))
        for match in _RUNBOOK_URL.finditer(text):
            facts.append(Fact("runbook-link", f"alert links runbook {match.group(1)[:100]}",
                              Location(path, text.count("\n", 0, match.start()) + 1)))
            break
    return facts


def dashboard_facts(client: RepoClient) -> list[Fact]:
    paths = [p for p in client.files.with_extension("json") if _projects_own(p)
             and re.search(r"dashboard|grafana|monitoring|observability", p, re.IGNORECASE)]
    facts = []
    for path in paths[:MAX_JSON]:
        text = _text(client, path)
        if not text or "panels" not in text:
            continue
        try:
            data = loads_json(text)
        except Exception:  # any malformed JSON: not a dashboard Grafana could load
            continue
        board = data.get("dashboard", data) if isinstance(data, dict) else None
        if isinstance(board, dict) and isinstance(board.get("panels"), list) and board["panels"] \
                and ("title" in board or "schemaVersion" in board):
            facts.append(Fact("alerting", f"Grafana dashboard `{str(board.get('title', ''))[:60]}` with "
                              f"{len(board['panels'])} panel(s)", Location(path, 1), {"label": "Grafana dashboard"}))
    return facts


def terraform_monitoring_facts(client: RepoClient) -> list[Fact]:
    facts = []
    for path in [p for p in client.files.with_extension("tf") if _projects_own(p)][:MAX_TERRAFORM]:
        text = _text(client, path)
        if not text:
            continue
        for kind, pattern in (("alerting", _TERRAFORM_ALERTS), ("slo", _TERRAFORM_SLOS)):
            match = pattern.search(text)
            if match:
                facts.append(Fact(kind, f"Terraform `{match.group(1)}` resource",
                                  Location(path, text.count("\n", 0, match.start()) + 1),
                                  {"label": f"Terraform {match.group(1)}"}))
    return facts


def runbook_facts(client: RepoClient) -> list[Fact]:
    facts = []
    for path in client.files:
        if extension(posixpath.basename(path)) not in _DOC_EXTENSIONS or not _projects_own(path):
            continue
        folders = {part.lower() for part in path.split("/")[:-1]}
        if folders & _RUNBOOK_FOLDERS:
            facts.append(Fact("runbook", "runbook page", Location(path)))
        elif _INCIDENT_NAME.search(posixpath.basename(path)):
            facts.append(Fact("runbook", "incident, postmortem or runbook document", Location(path)))
    return facts
