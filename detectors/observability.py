"""Observability: logging, error tracking, metrics, tracing, health endpoints, alerting, SLOs and runbooks.

Evidence comes cheapest first: dependency manifests (the SDKs and libraries), then configuration
files (logback.xml, .sentryclirc, alert rules, dashboards, SLO specs), then a bounded look into
application source (health routes, `logging.dictConfig`, imports). Any evidence passes. Without
evidence the verdict depends on whether the repository runs as a service (see service_kind.py):
a service fails, a library or tool is not applicable, and an undecided repository is unknown.
"""

from __future__ import annotations


from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan_detectors import monitoring_files
from devops_scan_detectors.common import first_line_matching as _match_line, not_the_projects_own
from devops_scan_detectors.dependency_manifests import manifests
from devops_scan_detectors.observability_signals import CONFIG_FILES, DEPENDENCY_SIGNALS
from devops_scan_detectors.service_kind import NOT_SERVICE, SERVICE, service_kind
from devops_scan_detectors.service_kind import __doc__ as SERVICE_RULE
from devops_scan_detectors.source_scan import MAX_FILES, source_scan

# What each practice is about, for reasons ("no <what> found").
WHAT = {
    "obs.logging": "logging setup (logging library or configuration)",
    "obs.error-tracking": "error tracking (Sentry, Rollbar, Bugsnag, Honeybadger, Airbrake...)",
    "obs.metrics": "metrics instrumentation (Prometheus client, StatsD, OpenTelemetry metrics, Micrometer...)",
    "obs.tracing": "distributed tracing (OpenTelemetry, Jaeger, Zipkin, Datadog APM...)",
    "obs.health-checks": "health endpoint in the code or a health-check library",
    "obs.alerting": "alert rules or dashboards as code",
    "obs.slo": "SLO definitions as code (OpenSLO, Sloth, Pyrra...)",
    "obs.runbooks": "runbooks or incident/postmortem documents",
}
_SOURCE_SIGNALS = {"logging-setup": "obs.logging", "error-tracking": "obs.error-tracking", "metrics": "obs.metrics",
                   "tracing": "obs.tracing", "health-endpoint": "obs.health-checks"}
_FILE_KINDS = {"alerting": "obs.alerting", "slo": "obs.slo", "metrics-config": "obs.metrics",
               "tracing-config": "obs.tracing", "runbook": "obs.runbooks"}
# Practices whose evidence may sit in source code that a bounded scan did not read.
_CODE_DECIDED = frozenset(_SOURCE_SIGNALS.values())


class ObservabilityDetector(Detector):
    id = "observability"
    title = "Logging, metrics, tracing, error tracking, health endpoints, alerting, SLOs, runbooks"
    practices = tuple(WHAT)
    description = (
        "Reads dependency manifests (npm, Python, Go, Maven/Gradle, NuGet, RubyGems, Composer, Cargo, Hex) "
        "for logging libraries (structlog, loguru, winston, pino, zap, zerolog, logback, Serilog, lograge...), "
        "error-tracking SDKs (Sentry, Rollbar, Bugsnag, Honeybadger, Airbrake), metrics clients "
        "(prometheus_client, prom-client, Micrometer, StatsD, OpenTelemetry metrics) and tracing "
        "(OpenTelemetry, Jaeger, Zipkin, ddtrace, Elastic APM, New Relic); configuration files (logging.conf, "
        "logback.xml, log4j2, NLog, Serilog settings, Fluent Bit/Vector/Promtail, .sentryclirc, New Relic "
        "agent config); monitoring as code read by content (Prometheus alert rules with `alert:` and "
        "`expr:`, Alertmanager, PrometheusRule/AlertmanagerConfig, Grafana alert rules and dashboards with "
        "`panels`, CloudWatch alarms, Terraform monitors and dashboards, ServiceMonitor/PodMonitor, an "
        "OpenTelemetry Collector traces pipeline, OpenSLO/Sloth/Pyrra/slo-generator/Nobl9 SLOs, Terraform "
        "SLO resources); runbook folders and incident/postmortem documents; and, bounded to the "
        f"{MAX_FILES} likeliest application source files, health routes (`/health`, `/healthz`, `/ready`, "
        "`/livez`, `MapHealthChecks`, gRPC health), `logging.dictConfig`, `log/slog`, SDK init calls and "
        "imports. Any evidence passes. Otherwise: a service (see the service rule below) fails, a library "
        "or command-line tool, or a repository without application code, is not applicable, and a "
        "repository that cannot be classified is unknown; a miss in source that was not fully read is "
        "unknown. Alert rules that link runbooks outside the repository make `obs.runbooks` unknown. "
        "Inventory `service`: `{verdict, reason}`.\n\nService rule: " + " ".join(SERVICE_RULE.split()))

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts: list[Fact] = []
        found = manifests(client, context)
        for practice, signals in DEPENDENCY_SIGNALS.items():
            for manifest in found.manifests:
                for name, line in manifest.dependencies:
                    for signal in signals:
                        if signal.matches(name):
                            facts.append(Fact(practice, f"{name} in {manifest.path}", Location(manifest.path, line)))
        for practice, label, pattern, proof in CONFIG_FILES:
            for path in client.files.glob(pattern):
                line = _match_line(client, path, proof) if not not_the_projects_own(path) else None
                if line is not None:
                    facts.append(Fact(practice, label, Location(path, line)))
        scan = source_scan(client, context)
        kind = service_kind(client, context)
        if kind.verdict != NOT_SERVICE:
            # In a library a matching line is a helper for its users (a health-check package, a framework's
            # routes), not the library's own observability: code signals count only for what may run.
            for signal, practice in _SOURCE_SIGNALS.items():
                facts.extend(Fact(practice, f"`{hit.text}` in code", Location(hit.path, hit.line))
                             for hit in scan.of(signal))
        monitoring = (monitoring_files.yaml_monitoring_facts(client) + monitoring_files.dashboard_facts(client)
                      + monitoring_files.terraform_monitoring_facts(client) + monitoring_files.runbook_facts(client))
        for fact in monitoring:
            practice = _FILE_KINDS.get(fact.kind)
            facts.append(Fact(practice, fact.detail, fact.location) if practice else fact)
        facts.append(Fact("service-kind", kind.reason, None, {"verdict": kind.verdict}))
        facts.extend(Fact("service-evidence", f.detail, f.location) for f in kind.evidence)
        if not scan.complete:
            facts.append(Fact("source-partial", f"{scan.files_read} of {scan.candidates} application source files read",
                              None, {"read": scan.files_read, "candidates": scan.candidates}))
        return Evidence(self.id, tuple(facts), {"service": {"verdict": kind.verdict, "reason": kind.reason}})

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        [kind] = evidence.of_kind("service-kind")
        service_facts = evidence.of_kind("service-evidence")
        partial = evidence.of_kind("source-partial")
        return [_finding(practice, evidence, kind, service_facts, partial) for practice in WHAT]


def _finding(practice: str, evidence: Evidence, kind: Fact, service_facts: tuple[Fact, ...],
             partial: tuple[Fact, ...]) -> Finding:
    found = evidence.of_kind(practice)
    if found:
        shown = list(dict.fromkeys(f.detail if f.location is None or f.location.path in f.detail
                                   else f"{f.detail} ({f.location.path})" for f in found))
        more = f" (+{len(shown) - 3} more)" if len(shown) > 3 else ""
        return Finding(practice, Outcome.PASS, "; ".join(shown[:3]) + more, found[:5])
    what = WHAT[practice]
    if practice == "obs.runbooks" and evidence.of_kind("runbook-link"):
        link = evidence.of_kind("runbook-link")[0]
        return Finding(practice, Outcome.UNKNOWN, f"alert rules link runbooks outside the repository ({link.detail}); "
                       "a repository scan cannot read them", (link,))
    verdict = kind.data["verdict"]
    if verdict == NOT_SERVICE:
        return Finding(practice, Outcome.NOT_APPLICABLE, f"no {what} needed: {kind.detail}", service_facts[:2])
    if practice in _CODE_DECIDED and partial:
        return Finding(practice, Outcome.UNKNOWN, f"no {what} found in the manifests, configuration or the "
                       f"{partial[0].detail}; the remaining source was not read", ())
    if verdict == SERVICE:
        return Finding(practice, Outcome.FAIL, f"no {what} found, yet the repository {kind.detail}", service_facts[:3])
    return Finding(practice, Outcome.UNKNOWN, f"no {what} found, and {kind.detail}")


