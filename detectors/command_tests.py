"""Test runners, coverage collection, coverage gates and test reports, per tool.

A runner counts as TEST when it runs a suite (not `--collect-only`, not `--watch`); coverage counts
only when the command line asks for it (`--cov`, `-coverprofile`, `--coverage`): a runner's config
file is read by the follower, not guessed here. Uploading coverage is in this module too, because a
DevOps engineer reads "coverage reported" from the same lines.
"""

from __future__ import annotations

import re
from typing import Mapping

from devops_scan_detectors.activity import COVERAGE, COVERAGE_GATE, COVERAGE_UPLOAD, E2E_TEST, TEST, TEST_REPORT
from devops_scan_detectors.command_rules import (
    Handler, Result, always, has, kinds, operands, subcommands, value, values,
)

_JUNIT = re.compile(r"junit|xunit|trx|nunit|rspecjunitformatter", re.IGNORECASE)
_INFRA = "infrastructure"


def _reports(tool: str, args: tuple[str, ...], *names: str) -> Result:
    """TEST_REPORT when a reporter option names a JUnit-style format."""
    chosen = values(args, *names)
    return kinds(tool, TEST_REPORT) if any(_JUNIT.search(choice) for choice in chosen) else []


def _pytest(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    if has(args, "--collect-only", "--co", "--fixtures", "--markers"):
        return []
    found = kinds("pytest", TEST)
    # Only `--cov[=SOURCE]` turns pytest-cov on; `--cov-report` and friends alone configure it.
    if has(args, "--cov"):
        found += kinds("pytest-cov", COVERAGE)
    threshold = value(args, "--cov-fail-under")
    if threshold:
        found += kinds("pytest-cov", COVERAGE_GATE, threshold=threshold)
    if has(args, "--junitxml", "--junit-xml"):
        found += kinds("pytest", TEST_REPORT)
    return found


def _jest(tool: str) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        if _flag_on(args, "--watch") or _flag_on(args, "--watchAll") or has(args, "--listTests", "--showConfig",
                                                                                   "--init"):
            return []
        found = kinds(tool, TEST)
        if _flag_on(args, "--coverage") or _flag_on(args, "--collectCoverage"):
            found += kinds(tool, COVERAGE)
        if has(args, "--coverageThreshold"):
            found += kinds(tool, COVERAGE_GATE, threshold=value(args, "--coverageThreshold"))
        return found + _reports(tool, args, "--reporters", "--reporter")

    return handle


def _flag_on(args: tuple[str, ...], name: str) -> bool:
    return name in args or any(arg.startswith(name + "=") and arg.split("=", 1)[1] not in ("false", "0")
                               for arg in args)


def _vitest(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args)
    if found and found[0] in ("watch", "dev", "bench", "list", "init"):
        return []
    result = kinds("vitest", TEST)
    if _flag_on(args, "--coverage") or _flag_on(args, "--coverage.enabled"):
        result += kinds("vitest", COVERAGE)
    gate = next((arg.split("=", 1)[1] for arg in args if arg.startswith("--coverage.thresholds.") and "=" in arg), None)
    if gate:
        result += kinds("vitest", COVERAGE_GATE, threshold=gate)
    return result + _reports("vitest", args, "--reporter")


def _runner(tool: str, coverage: tuple[str, ...] = (), reporters: tuple[str, ...] = (),
            report_flags: tuple[str, ...] = (), kind: str = TEST, subject: str | None = None) -> Handler:
    """A test runner: TEST (or E2E_TEST), COVERAGE with any of `coverage`, reports with a JUnit reporter."""

    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        if has(args, "--watch", "--list", "--list-tests"):
            return []
        found = kinds(tool, kind, subject=subject)
        if coverage and any(has(args, flag) or any(a.startswith(flag) for a in args) for flag in coverage):
            found += kinds(tool, COVERAGE)
        if report_flags and has(args, *report_flags):
            found += kinds(tool, TEST_REPORT)
        return found + (_reports(tool, args, *reporters) if reporters else [])

    return handle


def _go(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    found = operands(args, "-tags -run -timeout -p -covermode -coverpkg -coverprofile -o -C")
    if not found or found[0] != "test":
        return []
    return _go_test(args[args.index("test") + 1:], env)


def _go_test(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    if has(args, "-list", "--list"):
        return []
    result = kinds("go", TEST)
    if any(arg.lstrip("-").startswith(("cover", "test.coverprofile")) for arg in args):
        result += kinds("go", COVERAGE)
    return result


def _gotestsum(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    result = kinds("gotestsum", TEST)
    if has(args, "--junitfile"):
        result += kinds("gotestsum", TEST_REPORT)
    after = args[args.index("--") + 1:] if "--" in args else ()
    return result + [item for item in _go_test(after, env) if item[0] == COVERAGE]


def _cargo_tarpaulin(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    result = kinds("cargo-tarpaulin", TEST, COVERAGE)
    if value(args, "--fail-under"):
        result += kinds("cargo-tarpaulin", COVERAGE_GATE, threshold=value(args, "--fail-under"))
    if has(args, "--coveralls"):
        result += kinds("cargo-tarpaulin", COVERAGE_UPLOAD, service="coveralls")
    return result


def _cargo_llvm_cov(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args, "--output-path --lcov --codecov --cobertura -p --package")
    if found and found[0] in ("report", "clean", "show-env"):
        return []
    result = kinds("cargo-llvm-cov", TEST, COVERAGE)
    gate = value(args, "--fail-under-lines", "--fail-under-regions", "--fail-under-functions")
    return result + (kinds("cargo-llvm-cov", COVERAGE_GATE, threshold=gate) if gate else [])


def _dotnet_test(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    result = kinds("dotnet", TEST)
    lowered = [arg.lower() for arg in args]
    if any("code coverage" in arg or "collectcoverage=true" in arg or arg.startswith("--collect:") and
           "coverage" in arg for arg in lowered) or any("coverage" in choice.lower()
                                                      for choice in values(args, "--collect")):
        result += kinds("dotnet", COVERAGE)
    threshold = next((arg.split("=", 1)[1] for arg in args if arg.lower().lstrip("-/").startswith("p:threshold=")),
                     None)
    if threshold:
        result += kinds("coverlet", COVERAGE_GATE, threshold=threshold)
    loggers = values(args, "--logger", "-l") + [arg.split(":", 1)[1] for arg in args if arg.startswith("--logger:")]
    if any(_JUNIT.search(logger) for logger in loggers):
        result += kinds("dotnet", TEST_REPORT)
    return result


def _phpunit(tool: str) -> Handler:
    def handle(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
        result = kinds(tool, TEST)
        if any(arg.startswith("--coverage") for arg in args):
            result += kinds(tool, COVERAGE)
        if value(args, "--min"):
            result += kinds(tool, COVERAGE_GATE, threshold=value(args, "--min"))
        if has(args, "--log-junit"):
            result += kinds(tool, TEST_REPORT)
        return result

    return handle


def _rspec(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    return kinds("rspec", TEST) + _simplecov(env) + _reports("rspec", args, "--format", "-f")


def _simplecov(env: Mapping[str, str]) -> Result:
    # SimpleCov's documented switch: `COVERAGE=true bundle exec rspec` with `SimpleCov.start if ENV["COVERAGE"]`.
    flag = env.get("COVERAGE", "").strip("'\"").lower()
    return kinds("simplecov", COVERAGE, via="COVERAGE environment variable") if flag in ("true", "1", "yes") else []


def _rake(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    tasks = [task for task in operands(args, "-f --rakefile -I") if "=" not in task]
    result: Result = []
    for task in tasks:
        head = task.split(":", 1)[0].split("[", 1)[0]
        if head in ("test", "spec", "features", "cucumber"):
            result += kinds("rake", E2E_TEST if head in ("features", "cucumber") else TEST) + _simplecov(env)
    return result


def _rails(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    found = operands(args)
    if not found:
        return []
    if found[0] == "test:system":
        return kinds("rails", E2E_TEST)
    if found[0] in ("test", "spec") or found[0].startswith(("test:", "spec:")):
        return kinds("rails", TEST) + _simplecov(env)
    return []


def _ruby(args: tuple[str, ...], env: Mapping[str, str]) -> Result:
    scripts = operands(args, "-I -r -e")
    if scripts and re.search(r"(^|/)(test|spec)s?/|_(test|spec)\.rb$", scripts[0]):
        return kinds("ruby", TEST) + _simplecov(env)
    return []


def _python_script(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    """`python manage.py test`, `python runtests.py`, `python setup.py test`: conventions every reader knows."""
    found = operands(args, "-W -X")
    if not found:
        return []
    script = found[0].rsplit("/", 1)[-1]
    if script in ("runtests.py", "run_tests.py", "run-tests.py", "runtest.py"):
        return kinds("python", TEST)
    if script in ("manage.py", "setup.py") and found[1:2] == ["test"]:
        return kinds("django" if script == "manage.py" else "setuptools", TEST)
    return []


def _rscript(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    code = " ".join(values(args, "-e"))
    result: Result = []
    if re.search(r"\b(testthat::|devtools::test|test_dir|test_check|rcmdcheck)", code):
        result += kinds("testthat", TEST)
    if re.search(r"covr::(codecov|coveralls)", code):
        result += kinds("covr", COVERAGE, COVERAGE_UPLOAD)
    elif "covr::" in code:
        result += kinds("covr", COVERAGE)
    return result




def _mix(args: tuple[str, ...], _env: Mapping[str, str]) -> Result:
    found = operands(args)
    if not found:
        return []
    task = found[0]
    if task == "test":
        return kinds("mix", TEST) + (kinds("mix", COVERAGE) if has(args, "--cover") else [])
    if task.startswith("coveralls"):
        upload = task.split(".", 1)[-1] in ("github", "post", "travis", "circle", "semaphore", "drone", "gitlab")
        return kinds("excoveralls", TEST, COVERAGE) + (kinds("excoveralls", COVERAGE_UPLOAD, service="coveralls")
                                                      if upload else [])
    return []


HANDLERS: dict[str, Handler] = {
    "pytest": _pytest, "unittest": always("unittest", TEST), "nose2": always("nose2", TEST),
    "nosetests": _runner("nose", ("--with-coverage",), report_flags=("--with-xunit",)),
    "green": _runner("green", ("-r", "--run-coverage")), "trial": always("trial", TEST),
    "ward": always("ward", TEST), "stestr": subcommands("stestr", {"run": (TEST,)}),
    "zope-testrunner": always("zope-testrunner", TEST), "python": _python_script,
    "django-admin": subcommands("django", {"test": (TEST,)}),
    "jest": _jest("jest"), "vitest": _vitest,
    "mocha": _runner("mocha", reporters=("--reporter", "-R")),
    "karma": subcommands("karma", {"start": _runner("karma", reporters=("--reporters",)),
                                   "run": (TEST,)}),
    "ava": always("ava", TEST), "jasmine": always("jasmine", TEST), "tap": always("tap", TEST),
    "uvu": always("uvu", TEST), "qunit": always("qunit", TEST), "tape": always("tape", TEST),
    "react-scripts": subcommands("react-scripts", {"test": _jest("jest")}),
    "craco": subcommands("craco", {"test": _jest("jest")}),
    "vue-cli-service": subcommands("vue-cli-service", {"test:unit": (TEST,), "test:e2e": (E2E_TEST,)}),
    "node": lambda args, env: (kinds("node", TEST) + (kinds("node", COVERAGE) if has(
        args, "--experimental-test-coverage") else [])) if has(args, "--test") else [],
    "playwright": subcommands("playwright", {"test": _runner("playwright", reporters=("--reporter",),
                                                             kind=E2E_TEST)}),
    "cypress": subcommands("cypress", {"run": _runner("cypress", reporters=("--reporter", "-r"), kind=E2E_TEST)}),
    "testcafe": always("testcafe", E2E_TEST), "wdio": always("webdriverio", E2E_TEST),
    "nightwatch": always("nightwatch", E2E_TEST), "protractor": always("protractor", E2E_TEST),
    "detox": subcommands("detox", {"test": (E2E_TEST,)}), "selenium-side-runner": always("selenium", E2E_TEST),
    "codeceptjs": subcommands("codeceptjs", {"run": (E2E_TEST,), "run-workers": (E2E_TEST,)}),
    "robot": always("robot-framework", E2E_TEST), "pabot": always("robot-framework", E2E_TEST),
    "behave": always("behave", E2E_TEST), "cucumber": always("cucumber", E2E_TEST),
    "cucumber-js": always("cucumber", E2E_TEST), "behat": always("behat", E2E_TEST),
    "newman": subcommands("newman", {"run": (E2E_TEST,)}), "schemathesis": subcommands(
        "schemathesis", {"run": (E2E_TEST,)}), "dredd": always("dredd", E2E_TEST),
    "hurl": lambda args, env: kinds("hurl", E2E_TEST) if has(args, "--test") else [],
    "molecule": subcommands("molecule", {"test": _runner("molecule", kind=E2E_TEST, subject=_INFRA),
                                         "verify": _runner("molecule", kind=E2E_TEST, subject=_INFRA)}),
    "kitchen": subcommands("test-kitchen", {"test": _runner("test-kitchen", kind=E2E_TEST, subject=_INFRA),
                                            "verify": _runner("test-kitchen", kind=E2E_TEST, subject=_INFRA)}),
    "inspec": subcommands("inspec", {"exec": _runner("inspec", kind=E2E_TEST, subject=_INFRA)}),
    "goss": subcommands("goss", {"validate": _runner("goss", kind=E2E_TEST, subject=_INFRA)}),
    "dgoss": subcommands("goss", {"run": _runner("goss", kind=E2E_TEST, subject=_INFRA)}),
    "container-structure-test": subcommands("container-structure-test", {"test": (TEST,)}),
    "go": _go, "gotestsum": _gotestsum, "richgo": _go,
    "ginkgo": _runner("ginkgo", ("-cover", "--cover", "-coverprofile", "--coverprofile"),
                      report_flags=("--junit-report", "-junit-report")),
    "go-junit-report": always("go-junit-report", TEST_REPORT),
    "dotnet-test": _dotnet_test, "vstest.console": always("vstest", TEST), "nunit3-console": always("nunit", TEST),
    "xunit.console": always("xunit", TEST), "mstest": always("mstest", TEST),
    "phpunit": _phpunit("phpunit"), "pest": _phpunit("pest"), "paratest": _phpunit("paratest"),
    "codecept": subcommands("codeception", {"run": (TEST,)}), "infection": always("infection", TEST),
    "artisan": subcommands("laravel", {"test": _phpunit("laravel"), "dusk": (E2E_TEST,)}),
    "rspec": _rspec, "rake": _rake, "rails": _rails, "ruby": _ruby, "turnip": always("turnip", E2E_TEST),
    "mix": _mix,
    "rebar3": subcommands("rebar3", {"eunit": (TEST,), "ct": (TEST,), "cover": (COVERAGE,)}),
    "cargo-tarpaulin": _cargo_tarpaulin, "cargo-llvm-cov": _cargo_llvm_cov,
    "busted": _runner("busted", ("--coverage", "-c")),
    "ctest": _runner("ctest", report_flags=("--output-junit",)),
    "meson": subcommands("meson", {"test": (TEST,)}), "ninja": lambda args, env: kinds("ninja", TEST) if set(
        operands(args, "-C -j -f")) & {"test", "check"} else [],
    "bats": _runner("bats", reporters=("--formatter", "-F", "--report-formatter")),
    "shellspec": _runner("shellspec", ("--kcov",)), "bashcov": always("bashcov", TEST, COVERAGE),
    "prove": always("prove", TEST), "cover": lambda args, env: kinds("devel-cover", TEST, COVERAGE) if has(
        args, "-test") else [],
    "crystal": subcommands("crystal", {"spec": (TEST,)}), "nimble": subcommands("nimble", {"test": (TEST,)}),
    "dune": subcommands("dune", {"test": (TEST,), "runtest": (TEST,)}),
    "stack": subcommands("stack", {"test": _runner("stack", ("--coverage",))}),
    "cabal": subcommands("cabal", {"test": _runner("cabal", ("--enable-coverage",))}),
    "zig": lambda args, env: kinds("zig", TEST) if operands(args)[:2] == ["build", "test"] else [],
    "sbt": lambda args, env: _sbt(args),
    "lein": subcommands("leiningen", {"test": (TEST,), "cloverage": (TEST, COVERAGE), "midje": (TEST,)}),
    "rscript": _rscript,
    "invoke-pester": _runner("pester", ("-CodeCoverage", "-codecoverage"), report_flags=("-OutputFile",)),
    "xcpretty": lambda args, env: _reports("xcpretty", args, "--report", "-r"),
    "junit2html": always("junit2html", TEST_REPORT), "tap-junit": always("tap-junit", TEST_REPORT),
    "tap-xunit": always("tap-xunit", TEST_REPORT), "trx2junit": always("trx2junit", TEST_REPORT),
    "datadog-ci": lambda args, env: kinds("datadog-ci", TEST_REPORT) if operands(args)[:1] == ["junit"] else [],
    "buildkite-test-collector": always("buildkite-test-collector", TEST_REPORT),
}


def _sbt(args: tuple[str, ...]) -> Result:
    # sbt takes commands as operands, possibly several in one quoted string ("; coverage; test").
    commands = [part.strip() for arg in operands(args) for part in re.split(r"[;\s]+", arg) if part.strip()]
    result: Result = []
    if any(command in ("test", "it:test", "testOnly", "IntegrationTest/test") or command.endswith("/test")
           for command in commands):
        result += kinds("sbt", TEST)
    if "coverage" in commands or "coverageReport" in commands:
        result += kinds("scoverage", COVERAGE)
    if "coveralls" in commands:
        result += kinds("sbt-coveralls", COVERAGE_UPLOAD, service="coveralls")
    return result
