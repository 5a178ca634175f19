"""Infrastructure tests in files: Terratest, Molecule, Test Kitchen, `terraform test`, InSpec, Goss,
chart-testing, CDK assertions and Pulumi mocks (helm-unittest and Helm test hooks: `iac_helm.py`).

Each is recognised by what the file says (a Go test importing terratest, a molecule scenario with
a driver or platforms), not by the folder it sits in.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.model import Location
from devops_scan_detectors.iac_model import Reading, Signal, line_of
from devops_scan_detectors.iac_scope import own_paths
from devops_scan_detectors.iac_yaml import read_text

_TERRATEST = re.compile(r"\"github\.com/gruntwork-io/terratest/")
_CDK_ASSERTIONS = re.compile(r"aws-cdk-lib/assertions|aws_cdk\.assertions|aws_cdk import assertions|"
                             r"Amazon\.CDK\.Assertions|software\.amazon\.awscdk\.assertions")
_PULUMI_MOCKS = re.compile(r"set_mocks|setMocks|pulumi\.WithMocks|WithMocks\(")
_TEST_FILE = re.compile(r"(^|/)(tests?|__tests__)/|[._-](test|spec)\.[jt]sx?$|(^|/)test_[^/]*\.py$|_test\.(go|py)$")
# Upper bound on test files read for CDK/Pulumi markers: a huge monorepo must not be read whole.
_MAX_TEST_FILES = 400


def read_infra_tests(client: RepoClient, has_cdk: bool, has_pulumi: bool) -> Reading:
    signals = _terratest(client) + _scenarios(client) + _named(client)
    if has_cdk or has_pulumi:
        signals += _unit_tests(client, has_cdk, has_pulumi)
    return Reading(signals=tuple(signals))


def _terratest(client: RepoClient) -> list[Signal]:
    modules = [p for p in own_paths(client.files.named("go.mod"))
               if "gruntwork-io/terratest" in (read_text(client, p) or "")]
    found = []
    for module in modules:
        folder = posixpath.dirname(module)
        for path in own_paths(client.files.with_extension("go")):
            if not path.endswith("_test.go") or (folder and not path.startswith(folder + "/")):
                continue
            text = read_text(client, path) or ""
            line = line_of(text, _TERRATEST)
            if line is not None:
                found.append(Signal("infra.tested", True, "Terratest test", Location(path, line)))
    return found


def _scenarios(client: RepoClient) -> list[Signal]:
    found = []
    scenarios = client.files.glob("**/molecule/*/molecule.yml") + client.files.glob("**/molecule/*/molecule.yaml")
    for path in own_paths(scenarios):
        text = read_text(client, path) or ""
        if re.search(r"^(driver|platforms|provisioner|scenario|verifier|dependency)\s*:", text, re.MULTILINE):
            scenario = path.split("/")[-2]
            found.append(Signal("infra.tested", True, f"Molecule scenario `{scenario}`", Location(path)))
    for path in own_paths(client.files.named(".kitchen.yml", "kitchen.yml", ".kitchen.yaml", "kitchen.yaml")):
        text = read_text(client, path) or ""
        if re.search(r"^(suites|platforms|driver|provisioner)\s*:", text, re.MULTILINE):
            found.append(Signal("infra.tested", True, "Test Kitchen configuration", Location(path)))
    return found


def _named(client: RepoClient) -> list[Signal]:
    found = []
    for path in own_paths(client.files.glob("**/*.tftest.hcl") + client.files.glob("**/*.tftest.json")
                          + client.files.glob("**/*.tofutest.hcl")):
        found.append(Signal("infra.tested", True, "`terraform test` file", Location(path)))
    checks = (
        (("inspec.yml",), re.compile(r"^name\s*:", re.MULTILINE), "InSpec profile"),
        (("goss.yaml", "goss.yml"), re.compile(r"^(file|package|port|service|user|group|command|http|process)\s*:",
                                               re.MULTILINE), "Goss server tests"),
        (("ct.yaml", "ct.yml"), re.compile(r"^(chart-dirs|target-branch|charts|chart-repos)\s*:", re.MULTILINE),
         "chart-testing (ct) configuration"),
    )
    for names, pattern, what in checks:
        for path in own_paths(client.files.named(*names)):
            text = read_text(client, path) or ""
            line = line_of(text, pattern)
            if line is not None:
                found.append(Signal("infra.tested", True, what, Location(path, line)))
    return found


def _unit_tests(client: RepoClient, has_cdk: bool, has_pulumi: bool) -> list[Signal]:
    found = []
    candidates = [p for p in own_paths(client.files.with_extension("ts", "js", "py", "go", "java", "cs"))
                  if _TEST_FILE.search(p) or p.endswith(("Test.java", "Tests.cs"))]
    for path in candidates[:_MAX_TEST_FILES]:
        text = read_text(client, path) or ""
        for enabled, pattern, what in ((has_cdk, _CDK_ASSERTIONS, "CDK assertions test"),
                                       (has_pulumi, _PULUMI_MOCKS, "Pulumi unit test with mocks")):
            line = line_of(text, pattern) if enabled else None
            if line is not None:
                found.append(Signal("infra.tested", True, what, Location(path, line)))
    return found
