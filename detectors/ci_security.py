"""Security and IaC-quality practices decided by CI: scanners that run, pinning, token scopes."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Capability, Evidence, Fact, Finding, Outcome
from devops_scan_detectors import activity as a
from devops_scan_detectors.ci_base import EVIDENCE_LIMIT, CIDetector, decide, missing, of_kinds
from devops_scan_detectors.ci_views import JobView

FULL_SHA = re.compile(r"@[0-9a-f]{40}$")
DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
READ_LEVELS = {"read", "none"}


class CISecurityDetector(CIDetector):
    id = "ci-security"
    title = "Security scanners, pinning and token scopes in CI"
    practices = ("sec.sast", "sec.dependency-scan", "sec.secret-scan", "sec.pinned-actions",
                 "sec.least-privilege-ci", "sec.sbom", "sec.signed-releases", "report.trending")
    description = (
        "Decides from what CI jobs run: SAST (CodeQL, Semgrep, Bandit, gosec...), dependency and "
        "container scans (pip-audit, npm audit, osv-scanner, Trivy, Grype, Snyk...), secret scans "
        "(gitleaks, trufflehog...), SBOM generation, signing and provenance (cosign, SLSA), and "
        "coverage or benchmark services that keep history. Pinning: every third-party GitHub action "
        "must be pinned by a full commit SHA and every container image by digest. Token scopes: "
        "every GitHub workflow declares read-only `permissions:` at the top (or on each job); a "
        "workflow without them gets the repository's default token, a platform setting, so the "
        "verdict is then unknown, never failed."
    )

    def extra_facts(self, client: RepoClient, context: ScanContext, views: tuple[JobView, ...]) -> Iterable[Fact]:
        yield from _pinning(views)
        yield from _permissions(views)
        yield from _benchmarks(views)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        return [
            _sast(evidence),
            decide(evidence, "sec.dependency-scan", (a.DEPENDENCY_SCAN, a.CONTAINER_SCAN),
                   "scans dependencies or images for vulnerabilities"),
            decide(evidence, "sec.secret-scan", (a.SECRET_SCAN,), "scans for committed secrets"),
            _pinned(evidence),
            _least_privilege(evidence),
            decide(evidence, "sec.sbom", (a.SBOM,), "generates an SBOM"),
            _signed(evidence),
            _trending(evidence),
        ]


def _sast(evidence: Evidence) -> Finding:
    finding = decide(evidence, "sec.sast", (a.SAST,), "runs static security analysis")
    systems = {fact.data.get("system") for fact in evidence.of_kind("ci-job")}
    if finding.outcome is Outcome.FAIL and "github-actions" in systems:
        return Finding("sec.sast", Outcome.UNKNOWN,
                       "no SAST step in the workflows; GitHub code scanning may run through its default "
                       "setup, a repository setting (scan with a token to know)", needs=Capability.PLATFORM_SETTINGS)
    return finding


def _signed(evidence: Evidence) -> Finding:
    finding = decide(evidence, "sec.signed-releases", (a.SIGN,), "signs releases or attests provenance")
    if finding.outcome is Outcome.FAIL:
        return Finding("sec.signed-releases", Outcome.UNKNOWN,
                       f"{finding.reason}; releases may still be signed tags, which the CI does not show")
    return finding


def _trending(evidence: Evidence) -> Finding:
    history = of_kinds(evidence, (a.COVERAGE_UPLOAD,)) + list(evidence.of_kind("benchmark-tracking"))
    if history:
        return Finding("report.trending", Outcome.PASS, "CI sends results to a service that keeps their history",
                       tuple(history[:EVIDENCE_LIMIT]))
    return missing(evidence, "report.trending", (a.COVERAGE_UPLOAD,), "publishes coverage or benchmarks to a service")


BENCHMARK_SERVICES = ("benchmark-action/github-action-benchmark", "codspeedhq/action", "bencherdev/bencher")


def _benchmarks(views: tuple[JobView, ...]) -> Iterable[Fact]:
    """Benchmark results kept by a service or a history branch (github-action-benchmark, CodSpeed, Bencher)."""
    for view in views:
        for step in view.job.steps:
            uses = (step.uses or "").lower()
            if view.job.disabled is None and uses.startswith(BENCHMARK_SERVICES):
                yield Fact("benchmark-tracking", f"benchmarks tracked with `{step.uses}` ({view.label})",
                           step.location, {"tool": uses.split("@")[0]})


def _pinning(views: tuple[JobView, ...]) -> Iterable[Fact]:
    for view in views:
        if view.job.disabled is not None:
            continue
        if view.job.image:
            yield _pin_fact(view, view.job.image, bool(DIGEST.search(view.job.image)), "image", view.job.location)
        if view.pipeline.system != "github-actions":
            continue
        for step in view.job.steps:
            uses = step.uses or ""
            if not uses or uses.startswith("./"):
                continue  # local actions are versioned with the repository itself
            if uses.startswith("docker://"):
                yield _pin_fact(view, uses, bool(DIGEST.search(uses)), "image", step.location)
            elif "@" in uses:
                yield _pin_fact(view, uses, bool(FULL_SHA.search(uses)), "action", step.location)


def _pin_fact(view: JobView, ref: str, pinned: bool, what: str, location) -> Fact:
    state = "pinned" if pinned else "not pinned"
    return Fact("pin-ok" if pinned else "pin-missing", f"{what} `{ref}` {state} ({view.label})", location,
                {"what": what})


def _pinned(evidence: Evidence) -> Finding:
    ok, loose = evidence.of_kind("pin-ok"), evidence.of_kind("pin-missing")
    if loose:
        return Finding("sec.pinned-actions", Outcome.FAIL,
                       f"{len(loose)} action/image reference(s) can change under the same name", tuple(loose[:8]),
                       remediation="Pin each action to a full commit SHA (keep the tag in a comment: "
                                   "`uses: actions/checkout@<sha> # v4`) and each image to a digest "
                                   "(`image@sha256:...`); let Dependabot or Renovate update them.")
    if ok:
        return Finding("sec.pinned-actions", Outcome.PASS, f"all {len(ok)} action/image reference(s) are pinned",
                       tuple(ok[:EVIDENCE_LIMIT]))
    if not evidence.of_kind("ci-job"):
        return missing(evidence, "sec.pinned-actions", (), "uses actions or images")
    return Finding("sec.pinned-actions", Outcome.NOT_APPLICABLE, "the CI uses no third-party action or image")


def _permissions(views: tuple[JobView, ...]) -> Iterable[Fact]:
    seen: set[str] = set()
    for view in views:
        pipeline = view.pipeline
        if pipeline.system != "github-actions" or pipeline.path in seen:
            continue
        seen.add(pipeline.path)
        jobs = [v.job for v in views if v.pipeline is pipeline and not v.job.id.startswith("(")]
        where = pipeline.jobs[0].location if pipeline.jobs else view.job.location
        top = pipeline.permissions
        if top is not None:
            kind = "perm-read" if _read_only(top) else "perm-write"
            yield Fact(kind, f"{pipeline.path}: top-level permissions {_describe(top)}", where, {})
        elif jobs and all(job.permissions is not None for job in jobs):
            yield Fact("perm-read", f"{pipeline.path}: every job declares its permissions", where, {})
        else:
            yield Fact("perm-default", f"{pipeline.path}: no `permissions:`, so the repository's default token",
                       where, {})


def _read_only(permissions: str | Mapping[str, str]) -> bool:
    if isinstance(permissions, str):
        return permissions in ("read-all", "{}", "")
    return all(str(level) in READ_LEVELS for level in permissions.values())


def _describe(permissions: str | Mapping[str, str]) -> str:
    if isinstance(permissions, str):
        return permissions
    return "{" + ", ".join(f"{scope}: {level}" for scope, level in sorted(permissions.items())) + "}" if permissions else "{}"


def _least_privilege(evidence: Evidence) -> Finding:
    read, write, default = (evidence.of_kind(kind) for kind in ("perm-read", "perm-write", "perm-default"))
    if write:
        return Finding("sec.least-privilege-ci", Outcome.FAIL,
                       f"{len(write)} workflow(s) grant write scopes to every job", tuple(write[:8]),
                       remediation="Set `permissions: contents: read` at the top of each workflow and grant "
                                   "write scopes on the jobs that need them only.")
    if default:
        return Finding("sec.least-privilege-ci", Outcome.UNKNOWN,
                       f"{len(default)} workflow(s) set no `permissions:` and get the repository's default "
                       "token, a platform setting (scan with a token to read it)", tuple(default[:8]))
    if read:
        return Finding("sec.least-privilege-ci", Outcome.PASS, f"all {len(read)} workflow(s) run with read-only tokens",
                       tuple(read[:EVIDENCE_LIMIT]))
    systems = sorted({fact.data.get("system") for fact in evidence.of_kind("ci-job")})
    if systems:
        return Finding("sec.least-privilege-ci", Outcome.UNKNOWN,
                       f"the token scopes of {', '.join(systems)} jobs are platform settings (scan with a token)")
    return missing(evidence, "sec.least-privilege-ci", (), "runs")
