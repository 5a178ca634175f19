"""Coverage tools and coverage services: collection (`coverage run`, nyc, c8, gcovr...), gates
(`--fail-under`, `check-coverage --lines 90`) and uploads (codecov, coveralls, sonar, code climate...).

SonarQube/SonarCloud count as a coverage service AND as SAST: they keep coverage history and run
static analysis whose rules include security ones (the maturity model lists SonarQube under SAST).
"""

from __future__ import annotations

from typing import Mapping

from devops_scan_detectors.activity import COVERAGE, COVERAGE_GATE, COVERAGE_UPLOAD, SAST, TEST
from devops_scan_detectors.command_rules import Handler, Result, always, has, kinds, operands, subcommands, value


def _upload(service: str) -> Handler:
    return lambda _args, _env: kinds(service, COVERAGE_UPLOAD, service=service)


def _coveralls(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args)
    if found and found[0] in ("version", "help"):
        return []
    return kinds("coveralls", COVERAGE_UPLOAD, service="coveralls")


def _codecov(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args)
    if found and found[0] in ("create-commit", "create-report", "pr-base-picking", "label-analysis",
                              "static-analysis", "send-notifications", "empty-upload"):
        return []
    return kinds("codecov", COVERAGE_UPLOAD, service="codecov")


def _coverage(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--rcfile --data-file --fail-under -o")
    if not found:
        return []
    if found[0] == "run":
        return kinds("coverage.py", COVERAGE)
    threshold = value(args, "--fail-under")
    if found[0] in ("report", "xml", "json", "html", "lcov") and threshold:
        return kinds("coverage.py", COVERAGE_GATE, threshold=threshold)
    return []


def _check_coverage(tool: str) -> Handler:
    """nyc / c8: collection when wrapping a program, a gate with `check-coverage` or `--check-coverage`."""

    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        found = operands(args, "--reporter -r --temp-dir --report-dir -o --lines --branches --functions --statements")
        threshold = value(args, "--lines", "--statements", "--branches", "--functions") or ("100" if has(
            args, "--100") else None)
        result: Result = []
        if found and found[0] not in ("check-coverage", "report", "merge", "instrument"):
            result += kinds(tool, COVERAGE)
        if (found[:1] == ["check-coverage"] or has(args, "--check-coverage")) and threshold:
            result += kinds(tool, COVERAGE_GATE, threshold=threshold)
        elif found[:1] == ["check-coverage"] or has(args, "--check-coverage"):
            result += kinds(tool, COVERAGE_GATE)
        return result

    return handle


def _gcovr(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    result = kinds("gcovr", COVERAGE)
    gate = value(args, "--fail-under-line", "--fail-under-branch")
    if gate:
        result += kinds("gcovr", COVERAGE_GATE, threshold=gate)
    if has(args, "--coveralls"):
        result += kinds("gcovr", COVERAGE_UPLOAD, service="coveralls")
    return result


HANDLERS: dict[str, Handler] = {
    "go-test-coverage": lambda args, env: kinds("go-test-coverage", COVERAGE_GATE,
                                                threshold=value(args, "--threshold-total")),
    "goveralls": lambda args, env: kinds("goveralls", COVERAGE_UPLOAD, service="coveralls") + (
        [] if has(args, "-coverprofile", "--coverprofile") else kinds("goveralls", TEST, COVERAGE)),
    "courtney": always("courtney", TEST, COVERAGE),
    "grcov": always("grcov", COVERAGE),
    "dotnet-coverage": subcommands("dotnet-coverage", {"collect": (COVERAGE,)}),
    "coverlet": always("coverlet", COVERAGE),
    "gcovr": _gcovr, "lcov": lambda args, env: kinds("lcov", COVERAGE) if has(args, "--capture", "-c") else [],
    "gcov": always("gcov", COVERAGE), "llvm-cov": always("llvm-cov", COVERAGE),
    "kcov": always("kcov", COVERAGE),
    "luacov": always("luacov", COVERAGE),
    "luacov-coveralls": _upload("coveralls"),
    "slather": lambda args, env: kinds("slather", COVERAGE) + (
        kinds("slather", COVERAGE_UPLOAD, service="coveralls") if has(args, "--coveralls") else []),
    "coverage": _coverage, "nyc": _check_coverage("nyc"), "c8": _check_coverage("c8"),
    "codecov": _codecov, "codecovcli": _codecov, "coveralls": _coveralls,
    "coveralls-lcov": _upload("coveralls"), "python-coveralls": _upload("coveralls"),
    "cc-test-reporter": lambda args, env: kinds("code-climate", COVERAGE_UPLOAD, service="codeclimate") if set(
        operands(args)) & {"after-build", "upload-coverage"} else [],
    "codeclimate-test-reporter": _upload("codeclimate"),
    "qlty": lambda args, env: kinds("qlty", COVERAGE_UPLOAD, service="qlty") if operands(args)[:2] == [
        "coverage", "publish"] else [],
    # SonarQube/SonarCloud keep coverage history and run static analysis, security rules included.
    "sonar-scanner": lambda args, env: kinds("sonar", COVERAGE_UPLOAD, SAST, service="sonar"),
    "codacy-coverage-reporter": _upload("codacy"), "python-codacy-coverage": _upload("codacy"),
    "deepsource": lambda args, env: kinds("deepsource", COVERAGE_UPLOAD, service="deepsource") if value(
        args, "--analyzer") == "test-coverage" else [],
}
