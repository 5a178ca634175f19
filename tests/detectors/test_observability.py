"""ObservabilityDetector: logging, error tracking, metrics, tracing, health endpoints, alerting, SLOs,
runbooks — and whether the repository runs as a service at all (service_kind)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors import source_scan
from devops_scan_detectors.observability import ObservabilityDetector
from tests.detectors.settings_files_support import evidence, outcome, practice, run_on_files, scan_report

SERVICE = "yet the repository runs as a service"
FIXTURES = [
    ("svc-node-orders", "obs.logging", "pass", "pino in package.json; pino-http in package.json",
     ["package.json:25", "package.json:26"]),
    ("svc-node-orders", "obs.error-tracking", "pass", "@sentry/node in package.json; `Sentry.init(` in code "
     "(src/instrument.js)", ["package.json:21", "src/instrument.js:8"]),
    ("svc-node-orders", "obs.metrics", "pass", "prom-client in package.json", ["package.json:27"]),
    ("svc-node-orders", "obs.tracing", "pass", "@opentelemetry/auto-instrumentations-node in package.json; "
     "@opentelemetry/exporter-trace-otlp-http in package.json; @opentelemetry/sdk-node in package.json",
     ["package.json:18", "package.json:19", "package.json:20"]),
    ("svc-node-orders", "obs.health-checks", "pass", "`'/healthz'` in code (src/server.js)", ["src/server.js:14"]),
    ("svc-node-orders", "obs.alerting", "pass",
     "Prometheus alert rules (2 alerts) (monitoring/alerts/orders-api.rules.yml); "
     "Grafana dashboard `orders-api` with 2 panel(s) (monitoring/dashboards/orders-api.json)",
     ["monitoring/alerts/orders-api.rules.yml:6", "monitoring/dashboards/orders-api.json:1"]),
    ("svc-node-orders", "obs.slo", "pass", "OpenSLO SLO (slo/orders-api-availability.yaml)",
     ["slo/orders-api-availability.yaml:1"]),
    ("svc-node-orders", "obs.runbooks", "pass", "incident, postmortem or runbook document "
     "(docs/incidents/postmortem-template.md); runbook page (docs/runbooks/api-down.md); runbook page "
     "(docs/runbooks/high-error-rate.md)", ["docs/incidents/postmortem-template.md", "docs/runbooks/api-down.md",
                                            "docs/runbooks/high-error-rate.md"]),
    # A library: nothing runs, so there is nothing to observe.
    ("lib-python-sphinx", "obs.metrics", "not_applicable", "no metrics instrumentation (Prometheus client, StatsD, "
     "OpenTelemetry metrics, Micrometer...) needed: a library or command-line tool (Python package pyproject.toml) "
     "with no server framework, exposed port or server start found", ["pyproject.toml:1"]),
    ("lib-go-cli", "obs.logging", "not_applicable", "needed: a library or command-line tool (goreleaser release "
     ".goreleaser.yaml, Go module go.mod)", [".goreleaser.yaml:4", "go.mod:1"]),
    # A service without the practice fails, with what shows it is a service.
    ("docs-traps", "obs.health-checks", "fail", "no health endpoint in the code or a health-check library found, "
     f"{SERVICE}: express dependency, starts a server (`.listen(8080`)", ["package.json:9", "src/server.js:5"]),
    ("ci-polyglot", "obs.tracing", "fail", f"{SERVICE}: Dockerfile EXPOSEs a port, starts a server "
     "(`http.ListenAndServe(`)", ["Dockerfile:10", "cmd/shortlink/main.go:19"]),
    # Runbooks count even where there is no code (a team handbook).
    ("docs-only", "obs.runbooks", "pass", "runbook page (docs/runbooks/incident-response.md); runbook page "
     "(docs/runbooks/on-call.md)", ["docs/runbooks/incident-response.md", "docs/runbooks/on-call.md"]),
    ("docs-only", "obs.slo", "not_applicable", "no application source code: nothing runs as a service", []),
]


@pytest.mark.parametrize(("fixture", "practice_id", "expected", "reason", "places"), FIXTURES,
                         ids=[f"{row[0]}-{row[1]}" for row in FIXTURES])
def test_fixture_repositories(fixture_repo, fixture, practice_id, expected, reason, places):
    got, why, where = practice(scan_report(fixture_repo(fixture), ObservabilityDetector), practice_id)
    assert (got, where) == (expected, places)
    assert reason in why


def test_service_inventory(fixture_repo):
    report = scan_report(fixture_repo("svc-node-orders"), ObservabilityDetector)
    assert report["inventory"]["service"] == {
        "verdict": "service",
        "reason": "runs as a service: express dependency, Dockerfile EXPOSEs a port, starts a server (`.listen(port`)"}


FLASK = {"requirements.txt": "flask==3.0.3\n", "app.py": "from flask import Flask\napp = Flask(__name__)\n"}
SIGNALS = [
    # (practice, extra files on top of a Flask service, expected, text in the reason, evidence)
    ("obs.logging", {"app/logging.conf": "[loggers]\nkeys=root\n[handlers]\nkeys=console\n"}, "pass",
     "Python logging configuration (app/logging.conf)", ["app/logging.conf:1"]),
    ("obs.logging", {"settings.py": "import os\n\nLOGGING = {\n    'version': 1,\n}\n"}, "pass",
     "`LOGGING = {` in code (settings.py)", ["settings.py:3"]),
    ("obs.logging",
     {"src/main/resources/logback-spring.xml": "<configuration>\n<appender name='json'/>\n</configuration>"},
     "pass", "Logback configuration", ["src/main/resources/logback-spring.xml:1"]),
    ("obs.error-tracking", {"requirements.txt": "flask==3.0.3\nsentry-sdk[flask]==2.7.1\n"}, "pass",
     "sentry-sdk in requirements.txt", ["requirements.txt:2"]),
    ("obs.error-tracking", {".sentryclirc": "[defaults]\norg = acme\nproject = web\n"}, "pass",
     "Sentry CLI configuration (.sentryclirc)", [".sentryclirc:1"]),
    ("obs.metrics", {"k8s/servicemonitor.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n"}, "pass",
     "Prometheus Operator scrape target", ["k8s/servicemonitor.yaml:2"]),
    # OpenTelemetry's Prometheus exporter is metrics, not tracing.
    ("obs.tracing", {"requirements.txt": "flask==3.0.3\nopentelemetry-exporter-prometheus==0.46b0\n"}, "fail",
     SERVICE, ["requirements.txt:1"]),
    ("obs.metrics", {"requirements.txt": "flask==3.0.3\nopentelemetry-exporter-prometheus==0.46b0\n"}, "pass",
     "opentelemetry-exporter-prometheus in requirements.txt", ["requirements.txt:2"]),
    ("obs.tracing", {"otel-collector.yaml": "receivers:\n  otlp: {}\nexporters:\n  otlp: {}\nservice:\n  pipelines:\n"
                                            "    traces:\n      receivers: [otlp]\n"}, "pass",
     "OpenTelemetry Collector traces pipeline", ["otel-collector.yaml:1"]),
    ("obs.health-checks", {"app.py": "@app.get(\"/health/live\")\ndef live():\n    return 'ok'\n"}, "pass",
     "`\"/health/live\"` in code (app.py)", ["app.py:1"]),
    ("obs.alerting", {"deploy/prometheusrule.yaml": "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\n"
                      "spec:\n"
                      "  groups:\n    - name: web\n      rules:\n        - alert: WebDown\n          expr: up == 0\n"},
     "pass", "Prometheus alert rules (1 alerts)", ["deploy/prometheusrule.yaml:7"]),
    # Recording rules alone alert nobody.
    ("obs.alerting",
     {"rules.yml": "groups:\n  - name: r\n    rules:\n      - record: x:rate5m\n        expr: rate(x[5m])\n"},
     "fail", SERVICE, ["requirements.txt:1"]),
    ("obs.alerting", {"alertmanager/alertmanager.yml": "route:\n  receiver: oncall\nreceivers:\n  - name: oncall\n"},
     "pass", "Alertmanager configuration", ["alertmanager/alertmanager.yml:1"]),
    ("obs.alerting", {"terraform/monitors.tf": "resource \"datadog_monitor\" \"latency\" {\n  name = \"p99\"\n}\n"},
     "pass", "Terraform `datadog_monitor` resource", ["terraform/monitors.tf:1"]),
    ("obs.slo", {"slos/web.yml": "version: \"prometheus/v1\"\nservice: web\nslos:\n  - name: availability\n"}, "pass",
     "Sloth SLOs", ["slos/web.yml:1"]),
    ("obs.slo", {"pyrra/web.yaml": "apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\n"}, "pass",
     "Pyrra ServiceLevelObjective", ["pyrra/web.yaml:1"]),
    # A Helm template is not valid YAML until rendered, yet its rules are rules.
    ("obs.alerting", {"charts/web/templates/rules.yaml": "{{- if .Values.alerts }}\n"
                      "apiVersion: monitoring.coreos.com/v1\n"
                      "kind: PrometheusRule\nspec:\n  groups:\n  - name: {{ .Release.Name }}\n    rules:\n"
                      "    - alert: WebDown\n      expr: up{job=\"{{ .Release.Name }}\"} == 0\n{{- end }}\n"},
     "pass", "Prometheus alert rules (1 alerts)", ["charts/web/templates/rules.yaml:8"]),
    # Ansible playbooks are YAML, not runbooks.
    ("obs.runbooks", {"playbooks/deploy.yml": "- hosts: web\n  tasks: []\n"}, "fail", SERVICE, ["requirements.txt:1"]),
]


@pytest.mark.parametrize(("practice_id", "extra", "expected", "reason", "places"), SIGNALS,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(SIGNALS)])
def test_signals_on_a_flask_service(practice_id, extra, expected, reason, places):
    result = run_on_files({**FLASK, **extra}, ObservabilityDetector)
    got, why = outcome(result, practice_id)
    assert (got, evidence(result, practice_id)[:len(places)]) == (expected, places)
    assert reason in why


SERVICE_KINDS = [
    ("framework", {"package.json": '{"dependencies": {"fastify": "^4"}}', "index.js": "x"}, "fail",
     "runs as a service: fastify dependency"),
    ("aspnet-sdk", {"Api/Api.csproj": '<Project Sdk="Microsoft.NET.Sdk.Web"></Project>', "Api/Program.cs": "x"}, "fail",
     "Microsoft.NET.Sdk.Web project"),
    ("procfile", {"Procfile": "web: bundle exec puma -C config/puma.rb\n", "app.rb": "x"}, "fail",
     "Procfile web process"),
    ("exposed-port", {"Dockerfile": "FROM python:3.12\nEXPOSE 8000\n", "main.py": "x"}, "fail",
     "Dockerfile EXPOSEs a port"),
    ("go-server",
     {"go.mod": "module x\n", "main.go": "package main\nfunc main() { http.ListenAndServe(\":8080\", nil) }\n"},
     "fail", "starts a server (`http.ListenAndServe(`)"),
    ("library", {"pyproject.toml": "[project]\nname = \"x\"\n", "x/__init__.py": "def f(): pass\n"}, "not_applicable",
     "a library or command-line tool (Python package pyproject.toml)"),
    # A web framework's own source starts servers for its users (Flask's `app.run(`): still a library.
    ("framework-library", {"pyproject.toml": "[project]\nname = \"web\"\n",
                           "src/web/app.py": "class App:\n    def serve(self):\n        app.run(host='0.0.0.0')\n"},
     "not_applicable", "a library or command-line tool (Python package pyproject.toml)"),
    # Code with nothing that says what it is: unknown, never guessed.
    ("bare-scripts", {"sync.py": "import os\nprint(os.listdir('.'))\n"}, "unknown",
     "could not tell whether this code runs as a service"),
    ("no-code", {"README.md": "# notes\n"}, "not_applicable", "no application source code"),
    # Examples and tests are not the application.
    ("example-server", {"pyproject.toml": "[project]\nname = \"x\"\n", "x/core.py": "x",
                        "examples/server.py": "from flask import Flask\nFlask(__name__).run()\n"}, "not_applicable",
     "a library or command-line tool"),
]


@pytest.mark.parametrize(("files", "expected", "reason"), [row[1:] for row in SERVICE_KINDS],
                         ids=[row[0] for row in SERVICE_KINDS])
def test_whether_the_repository_runs_as_a_service(files, expected, reason):
    got, why = outcome(run_on_files(files, ObservabilityDetector), "obs.metrics")
    assert got == expected
    assert reason in why


def test_runbooks_linked_outside_the_repository_are_unknown():
    files = {**FLASK, "rules.yml": "groups:\n  - name: web\n    rules:\n      - alert: Down\n        expr: up == 0\n"
                                   "        annotations:\n          runbook_url: https://wiki.acme.example/Down\n"}
    got, why = outcome(run_on_files(files, ObservabilityDetector), "obs.runbooks")
    assert got == "unknown"
    assert ("alert rules link runbooks outside the repository (alert links runbook "
            "https://wiki.acme.example/Down)") in why


def test_a_miss_in_source_that_was_not_read_is_unknown(monkeypatch):
    monkeypatch.setattr(source_scan, "MAX_FILES", 1)
    files = {**FLASK, "zz/routes.py": "@app.get('/healthz')\ndef h(): return 'ok'\n"}
    got, why = outcome(run_on_files(files, ObservabilityDetector), "obs.health-checks")
    assert (got, why) == ("unknown", "no health endpoint in the code or a health-check library found in the "
                                     "manifests, configuration or the 1 of 2 application source files read; the "
                                     "remaining source was not read")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["rules.yml", "dash/grafana.json", "main.tf", "slo.yaml", "docs/runbooks/x.md", "app.py",
                        "package.json", "go.mod", "Dockerfile", "Procfile", "logging.conf"]),
       st.text(max_size=300))
def test_any_text_in_any_observed_file_gives_eight_answers(name, text):
    result = run_on_files({name: text}, ObservabilityDetector)
    assert not [w for w in result.warnings if w.startswith("detector ")]
    assert sorted(result.findings) == sorted(ObservabilityDetector.practices)


def test_signals_are_read_in_their_own_language_only():
    # A scanner's own pattern tables mention Go imports and Python imports inside strings.
    from datetime import datetime, timezone

    from devops_scan.detector import ScanContext
    from devops_scan_detectors.source_scan import source_scan
    from tests.testing.fakes import MemoryClient

    table = ('METRICS = r"\\"github.com/prometheus/client_golang|loguru import logger"\n'
             'TRACING = "\\"go.opentelemetry.io/otel"\n')
    go = 'package main\n\nimport (\n\t"github.com/prometheus/client_golang/prometheus"\n)\n'
    scan = source_scan(MemoryClient({"signals.py": table, "main.go": go}),
                       ScanContext(as_of=datetime(2026, 1, 1, tzinfo=timezone.utc)))
    assert [hit.path for hit in scan.of("metrics")] == ["main.go"]
    assert scan.of("tracing") == () and scan.of("logging-setup") == ()
