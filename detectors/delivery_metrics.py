"""The four delivery metrics (DORA) as practices: measured values with a band, pass at high or elite.

The numbers come from devops_scan.history (releases are final version tags); this detector only
turns each Metric into a Finding whose evidence says the value, the method and the sample.
"""

from __future__ import annotations

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.history.analysis import inventory
from devops_scan.history.dora import Metric, deploy_frequency
from devops_scan.history.shared import history_analysis
from devops_scan.model import Capability, Evidence, Fact, Finding, Outcome
from devops_scan.platform.facts import Known, PlatformFacts
from devops_scan_detectors.ci_views import is_production

PRACTICES = {"deploy_frequency": "dora.deploy-frequency", "lead_time": "dora.lead-time",
             "change_failure_rate": "dora.change-failure", "time_to_restore": "dora.time-to-restore"}
PASSING_BANDS = ("elite", "high")


class DeliveryMetricsDetector(Detector):
    id = "delivery-metrics"
    title = "Delivery metrics (DORA)"
    practices = tuple(PRACTICES.values())
    requires = frozenset({Capability.HISTORY, Capability.TAGS})
    description = (
        "Measures the four DORA metrics from release tags and ONE walk of the history (see "
        "docs/history.md for each method and its limits): deployment frequency (final releases per "
        "week over 90 days), lead time for changes (median time from a commit to the first release "
        "containing it), change failure rate (releases followed within 72 h by a patch release of the "
        "same family, or shipping a commit a later release reverts) and time to restore (median time "
        "from a failed release to its fix). Each is banded elite/high/medium/low by the 2023 "
        "Accelerate State of DevOps Report's clusters; elite or high passes, medium or low fails, "
        "too small a sample is unknown, and time to restore with no failed release is not applicable."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        analysis = history_analysis(client, context)
        metrics = dict(analysis.metrics)
        deployed = platform_deploy_frequency(client.platform(), analysis.as_of, analysis.recent_days)
        if deployed is not None:
            metrics["deploy_frequency"] = deployed
        facts = tuple(Fact("metric", _describe(metric), data={"key": key, "metric": metric})
                      for key, metric in metrics.items())
        facts += tuple(Fact("metric-evidence", line, data={"key": key})
                       for key, metric in metrics.items() for line in metric.evidence[:5])
        shown = {**inventory(analysis)["dora"], **{key: metric.to_json() for key, metric in metrics.items()}}
        return Evidence(self.id, facts, inventory={"dora": shown})

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        findings = []
        for fact in evidence.of_kind("metric"):
            key, metric = fact.data["key"], fact.data["metric"]
            shown = (fact, *(f for f in evidence.of_kind("metric-evidence") if f.data["key"] == key))
            findings.append(_finding(PRACTICES[key], metric, shown))
        return findings


def platform_deploy_frequency(facts: PlatformFacts | None, as_of: int, recent_days: int) -> Metric | None:
    """Deployments to production the platform recorded: a sharper count than release tags, when there are any."""
    if facts is None or not isinstance(facts.deployments, Known):
        return None
    production = [(env, moment) for env, moment in facts.deployments.value.events if is_production(env)]
    if not production:
        return None
    environments = ", ".join(sorted({env for env, _moment in production}))
    return deploy_frequency([moment for _env, moment in production], as_of, recent_days * 86400, None,
                            f"deployments to {environments} recorded by {facts.name}, per week over the last "
                            f"{recent_days} days")


def _finding(practice: str, metric: Metric, evidence: tuple[Fact, ...]) -> Finding:
    if metric.value is None:
        outcome = Outcome.NOT_APPLICABLE if metric.not_applicable else Outcome.UNKNOWN
        return Finding(practice, outcome, metric.reason, evidence)
    outcome = Outcome.PASS if metric.band in PASSING_BANDS else Outcome.FAIL
    return Finding(practice, outcome, _describe(metric), evidence)


def _describe(metric: Metric) -> str:
    if metric.value is None:
        return f"{metric.key.replace('_', ' ')}: not measured ({metric.reason})"
    value = {"ratio": f"{metric.value:.0%}", "hours": _hours(metric.value),
             "per week": f"{metric.value:.2f} per week"}[metric.unit]
    return f"{metric.key.replace('_', ' ')} {value} ({metric.band}; {metric.sample} sample(s): {metric.method})"


def _hours(hours: float) -> str:
    return f"{hours:.1f} hours" if hours < 48 else f"{hours / 24:.1f} days"
