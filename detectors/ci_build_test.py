"""Build & test practices decided by what CI jobs really run (following make/tox/npm/scripts)."""

from __future__ import annotations

from typing import Iterable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Evidence, Fact, Finding, Outcome
from devops_scan_detectors import activity as a
from devops_scan_detectors.ci_base import EVIDENCE_LIMIT, CIDetector, decide, flag, missing, of_kinds, tools
from devops_scan_detectors.ci_views import JobView

GATE_MINIMUM = 80.0


class CIBuildTestDetector(CIDetector):
    id = "ci-build-test"
    title = "Tests, linters and coverage in CI"
    practices = ("test.in-ci", "lint.in-ci", "test.coverage-measured", "test.coverage-reported",
                 "test.results-reported", "test.coverage-gate", "test.e2e", "test.matrix", "scm.ci-on-trunk")
    _reports_problems = True
    description = (
        "Reads every CI pipeline (jobs, steps, triggers) and follows each command into the repository "
        "(`make` targets, tox envs, nox sessions, package.json scripts, shell scripts) to decide what "
        "really runs. A job that can never run (`if: false`, `when: never`) does not count; steps "
        "defined outside the repository (a Jenkins shared library, a remote template) make a missing "
        "practice unknown rather than failed. Coverage counts as collected when a CI command collects "
        "it, or when the test runner's default options do (pytest `addopts = --cov`, jest "
        f"`collectCoverage`) and that runner runs in CI. A coverage gate passes at {GATE_MINIMUM:g}% or more. "
        "`scm.ci-on-trunk` needs a job that runs on pushes to the default branch and one that runs for "
        "pull/merge requests (pushes to every branch cover request branches)."
    )

    def extra_facts(self, client: RepoClient, context: ScanContext, views: tuple[JobView, ...]) -> Iterable[Fact]:
        yield from _runner_defaults(client, context)

    def inventory(self, facts: tuple[Fact, ...]) -> dict:
        evidence = Evidence(self.id, facts)
        collected = of_kinds(evidence, (a.COVERAGE,))
        uploads = of_kinds(evidence, (a.COVERAGE_UPLOAD,))
        gate = _coverage_gate(evidence)
        thresholds = [float(f.data["threshold"]) for f in gate.evidence if _number(f.data.get("threshold"))]
        configured = {f.data.get("tool", "") for f in evidence.of_kind("runner-coverage")}
        configured |= {f.data.get("tool", "") for f in evidence.of_kind("coverage-threshold")}
        return {"coverage": {
            "tools": sorted((configured | {f.data.get("tool", "") for f in collected}) - {""}),
            "collected_in_ci": bool(collected or _runner_collects(evidence)),
            "reported_to": sorted({f.data.get("service") or f.data.get("tool", "") for f in uploads} - {""}),
            "threshold": max(thresholds) if thresholds and gate.outcome is not Outcome.UNKNOWN else None,
        }}

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [
            decide(evidence, "test.in-ci", (a.TEST, a.E2E_TEST), "runs the tests"),
            decide(evidence, "lint.in-ci", (a.LINT, a.FORMAT_CHECK, a.TYPE_CHECK, a.PRE_COMMIT),
                   "runs linters, formatters or type checkers"),
            _coverage_measured(evidence),
            decide(evidence, "test.coverage-reported", (a.COVERAGE_UPLOAD,), "publishes coverage"),
            decide(evidence, "test.results-reported", (a.TEST_REPORT,), "publishes test results"),
            _coverage_gate(evidence),
            decide(evidence, "test.e2e", (a.E2E_TEST,), "runs integration or end-to-end tests"),
            _matrix(evidence),
            _ci_on_trunk(evidence),
        ]


def _runner_defaults(client: RepoClient, context: ScanContext) -> Iterable[Fact]:
    """Coverage the test runner collects (and thresholds it enforces) by its own configuration."""
    from devops_scan_detectors.coverage_config import coverage_settings

    settings = coverage_settings(client, context)
    for default in settings.default_collection:
        yield Fact("runner-coverage", f"{default.tool}: {default.detail}", default.location,
                   {"tool": default.tool, "runner": default.runner})
    for threshold in settings.thresholds:
        value = "" if threshold.value is None else f"{threshold.value:g}"
        shown = "no stated percentage" if threshold.value is None else f"{threshold.value:g}%"
        yield Fact("coverage-threshold", f"{threshold.tool} {threshold.metric} threshold {shown}, enforced by the "
                   f"{threshold.enforced_by}: {threshold.enforced_when}", threshold.location,
                   {"tool": threshold.tool, "threshold": value, "enforced_by": threshold.enforced_by,
                    "commands": "\n".join(threshold.commands)})


# The tool name CI activities use for the program a coverage setting names ("mvn test" → maven).
_PROGRAM_TOOLS = {"mvn": "maven", "mvnw": "maven", "gradlew": "gradle"}


def _runs_in_ci(command: str, evidence: Evidence) -> Fact | None:
    """A CI activity that runs `command` ("pytest", "mvn verify"): same tool, and its words present."""
    words = command.split()
    if not words:
        return None
    tool = _PROGRAM_TOOLS.get(words[0], words[0])
    for fact in of_kinds(evidence, (a.TEST, a.E2E_TEST, a.COVERAGE, a.BUILD)):
        if fact.data.get("tool") == tool and all(word in fact.detail for word in words[1:]):
            return fact
    return None


def _runner_collects(evidence: Evidence) -> list[Fact]:
    """Runner-default coverage facts whose runner really runs in CI, each paired with that CI run."""
    paired = []
    for default in evidence.of_kind("runner-coverage"):
        run = _runs_in_ci(default.data.get("runner", ""), evidence)
        if run is not None:
            paired += [default, run]
    return paired


def _coverage_measured(evidence: Evidence) -> Finding:
    in_ci = of_kinds(evidence, (a.COVERAGE,))
    by_default = _runner_collects(evidence)
    if in_ci or by_default:
        facts = (in_ci + by_default)[:EVIDENCE_LIMIT]
        how = []
        if in_ci:
            how.append(f"CI collects it ({tools(in_ci)})")
        if by_default:
            how.append(f"the test runner's default options collect it ({by_default[0].detail})")
        return Finding("test.coverage-measured", Outcome.PASS, "; ".join(how), tuple(facts))
    configured = evidence.of_kind("runner-coverage") + evidence.of_kind("coverage-threshold")
    finding = missing(evidence, "test.coverage-measured", (a.COVERAGE,), "collects coverage")
    if finding.outcome is Outcome.FAIL and configured:
        return Finding("test.coverage-measured", Outcome.FAIL,
                       "coverage is configured but no command that runs collects it: " + finding.reason,
                       tuple(configured[:EVIDENCE_LIMIT]))
    return finding


def _coverage_gate(evidence: Evidence) -> Finding:
    gates = of_kinds(evidence, (a.COVERAGE_GATE,))
    enforced = [fact for fact in evidence.of_kind("coverage-threshold") if _enforced(fact, evidence)]
    values = [(float(fact.data["threshold"]), fact) for fact in gates + enforced if _number(fact.data.get("threshold"))]
    strong = [fact for value, fact in values if value >= GATE_MINIMUM]
    if strong:
        best = max(value for value, _ in values)
        return Finding("test.coverage-gate", Outcome.PASS, f"coverage must stay at or above {best:g}%",
                       tuple(strong[:EVIDENCE_LIMIT]))
    if values:
        best = max(value for value, _ in values)
        return Finding("test.coverage-gate", Outcome.FAIL,
                       f"the coverage threshold is {best:g}%, below the {GATE_MINIMUM:g}% this level asks for",
                       tuple(fact for _, fact in values)[:EVIDENCE_LIMIT],
                       remediation=f"Raise the threshold to {GATE_MINIMUM:g}% or more as coverage allows.")
    if gates or enforced:
        facts = tuple((gates + enforced)[:EVIDENCE_LIMIT])
        return Finding("test.coverage-gate", Outcome.FAIL,
                       "coverage is gated, but without a stated percentage (no drop below the base, or the "
                       f"tool's default): state a threshold of {GATE_MINIMUM:g}% or more", facts)
    unenforced = evidence.of_kind("coverage-threshold")
    if unenforced:
        return Finding("test.coverage-gate", Outcome.FAIL,
                       "a coverage threshold is configured, but nothing that runs in CI enforces it",
                       tuple(unenforced[:EVIDENCE_LIMIT]))
    return missing(evidence, "test.coverage-gate", (a.COVERAGE_GATE,), "enforces a coverage threshold")


def _enforced(threshold: Fact, evidence: Evidence) -> bool:
    """A configured threshold applies when a command that enforces it runs in CI (services: always)."""
    if threshold.data.get("enforced_by") == "service":
        return True
    commands = [command for command in threshold.data.get("commands", "").split("\n") if command]
    if commands:
        return any(_runs_in_ci(command, evidence) is not None for command in commands)
    return bool(of_kinds(evidence, (a.COVERAGE,)) or _runner_collects(evidence))


def _number(text: str | None) -> bool:
    try:
        float(text or "")
    except ValueError:
        return False
    return True


def _matrix(evidence: Evidence) -> Finding:
    tests = of_kinds(evidence, (a.TEST, a.E2E_TEST))
    in_matrix = [fact for fact in tests if fact.data.get("matrix")]
    if in_matrix:
        dims = sorted({fact.data["matrix"] for fact in in_matrix})
        return Finding("test.matrix", Outcome.PASS, f"tests run in a build matrix ({'; '.join(dims)})",
                       tuple(in_matrix[:EVIDENCE_LIMIT]))
    # The same test tool run by several jobs in different images or on different runners (OSes).
    for what in ("image", "runner"):
        groups: dict[tuple[str, str], dict[str, Fact]] = {}
        for fact in tests:
            where = fact.data.get(what) or ""
            if where and "$" not in where:
                groups.setdefault((fact.data["pipeline"], fact.data.get("tool", "")), {})[where] = fact
        spread = [group for group in groups.values() if len(group) > 1]
        if spread:
            names = sorted({name for group in spread for name in group})
            facts = tuple(fact for group in spread for fact in group.values())
            return Finding("test.matrix", Outcome.PASS,
                           f"the same tests run in {len(names)} different {what}s ({', '.join(names[:4])})",
                           facts[:EVIDENCE_LIMIT])
    variable = [fact for fact in tests if "$" in (fact.data.get("image", "") + fact.data.get("runner", ""))]
    if variable:
        return Finding("test.matrix", Outcome.UNKNOWN,
                       "tests run on runners or images chosen at run time (variables), so whether they differ "
                       "cannot be read from the files", tuple(variable[:3]))
    if tests:
        return Finding("test.matrix", Outcome.FAIL, "tests run in CI, but against one version and platform only",
                       tuple(tests[:3]))
    return missing(evidence, "test.matrix", (a.TEST,), "runs the tests across versions or platforms")


def _ci_on_trunk(evidence: Evidence) -> Finding:
    jobs = evidence.of_kind("ci-job")
    trunk = [fact for fact in jobs if flag(fact, "default_branch")]
    requests = [fact for fact in jobs if flag(fact, "pull_request") or flag(fact, "every_branch")]
    if trunk and requests:
        return Finding("scm.ci-on-trunk", Outcome.PASS,
                       f"{len(trunk)} job(s) run on pushes to the default branch and {len(requests)} on "
                       "pull/merge requests", tuple((trunk[:3] + [f for f in requests[:3] if f not in trunk]))[:6])
    if not jobs:
        return missing(evidence, "scm.ci-on-trunk", (), "runs at all")
    unknown = [fact for fact in jobs if fact.data.get("default_branch") == "unknown"]
    if not trunk and unknown:
        return Finding("scm.ci-on-trunk", Outcome.UNKNOWN,
                       "the default branch is not known, and the branch filters do not cover every branch",
                       tuple(unknown[:3]))
    lacking = "pushes to the default branch" if not trunk else "pull/merge requests"
    return Finding("scm.ci-on-trunk", Outcome.FAIL, f"no CI job runs on {lacking}", tuple(jobs[:3]))
