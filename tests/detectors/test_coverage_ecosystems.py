"""coverage_settings beyond Python: jest, vitest, nyc, c8, JaCoCo (Maven, Gradle), Kover, SimpleCov,
tarpaulin, coverlet, and the reporting services (Codecov targets are gates enforced by the service)."""

from __future__ import annotations

import pytest

from tests.detectors.coverage_helpers import collected, in_memory, thresholds

JEST_JSON = '{\n  "name": "x",\n  "jest": {\n    "coverageThreshold": {\n      "global": {\n        "lines": 95\n' \
            '      }\n    }\n  }\n}\n'
MANAGED_ONLY = ("<project><build><pluginManagement><plugins><plugin>\n<groupId>org.jacoco</groupId>"
                "<artifactId>jacoco-maven-plugin</artifactId>\n<executions><execution><goals><goal>prepare-agent</goal>"
                "</goals></execution></executions></plugin></plugins></pluginManagement></build></project>\n")
CHILD_MODULE = ("<project>\n<build><plugins><plugin><artifactId>jacoco-maven-plugin</artifactId></plugin>"
                "</plugins></build></project>\n")
IN_PROFILE = ("<project><profiles><profile><id>coverage</id><build><plugins><plugin>\n"
              "<artifactId>jacoco-maven-plugin</artifactId><executions><execution>\n"
              "<goals><goal>prepare-agent</goal><goal>check</goal></goals><configuration><rules><rule>"
              "<limits><limit><counter>LINE</counter>\n<minimum>85%</minimum></limit></limits></rule>"
              "</rules></configuration></execution></executions></plugin></plugins></build></profile></profiles></project>\n")
GRADLE_WIRED = ("apply plugin: 'jacoco'\njacocoTestCoverageVerification {\n"
                "  violationRules { rule { limit { minimum = 0.9 } } }\n}\n"
                "check.dependsOn jacocoTestCoverageVerification\n")
KOVER = ('plugins {\n  id("org.jetbrains.kotlinx.kover") version "0.8.0"\n}\nkover { reports { verify { rule {\n'
         "  minBound(82)\n  minBound(60, CoverageUnit.BRANCH)\n} } } }\n")
COVERLET = ('<Project Sdk="Microsoft.NET.Sdk">\n<PropertyGroup>\n<CollectCoverage>true</CollectCoverage>\n'
            "<Threshold>80</Threshold>\n<ThresholdType>line</ThresholdType>\n</PropertyGroup>\n<ItemGroup>\n"
            '<PackageReference Include="coverlet.msbuild" Version="6.0.2" />\n</ItemGroup>\n</Project>\n')
GRADLE_GATE = ("gradle check", "gradle build", "gradle jacocoTestCoverageVerification")
KOVER_GATE = ("gradle check", "gradle build", "gradle koverVerify")
RUBY = ("rspec", "rake test", "rails test")

CASES = [
    # (id, files, collected by default, thresholds)
    ("jest in package.json, coverage only with --coverage", {"package.json": JEST_JSON}, [],
     [("jest", "lines", 95.0, "runner", "package.json:6", ("jest --coverage",))]),
    ("commented-out collectCoverage",
     {"jest.config.ts": "export default {\n  // collectCoverage: true,\n  coverageReporters: ['lcov'],\n};\n"}, [], []),
    ("nyc check-coverage", {".nycrc": '{\n  "check-coverage": true,\n  "lines": 85,\n  "branches": 70\n}\n'}, [],
     [("nyc", "lines", 85.0, "runner", ".nycrc:3", ("nyc",)),
      ("nyc", "branches", 70.0, "runner", ".nycrc:4", ("nyc",))]),
    ("nyc numbers without check-coverage are no gate", {".nycrc.json": '{"lines": 85}'}, [], []),
    # A commented-out check-coverage, as in nasa/cumulus' nyc.config.js, turns the numbers into no gate.
    ("nyc.config.js with check-coverage commented out",
     {"nyc.config.js": "module.exports = {\n  all: true,\n  // 'check-coverage': true,\n  lines: 89,\n};\n"}, [], []),
    ("nyc.config.js",
     {"nyc.config.js": "module.exports = {\n  'check-coverage': true,\n  lines: 75,\n  branches: 70,\n};\n"},
     [], [("nyc", "lines", 75.0, "runner", "nyc.config.js:3", ("nyc",)),
          ("nyc", "branches", 70.0, "runner", "nyc.config.js:4", ("nyc",))]),
    ("c8 with the tool's default numbers", {".c8rc.json": '{\n  "check-coverage": true\n}\n'}, [],
     [("c8", "total", None, "runner", ".c8rc.json:2", ("c8",))]),
    ("vitest legacy thresholds, opt-in collection",
     {"vitest.config.mts": "export default defineConfig({ test: {\n  coverage: {\n    provider: 'istanbul',\n"
                           "    lines: 88,\n  },\n}});\n"},
     [], [("vitest", "lines", 88.0, "runner", "vitest.config.mts:4", ("vitest --coverage",))]),
    ("jacoco in pluginManagement only", {"pom.xml": MANAGED_ONLY}, [], []),
    ("child module inherits the parent's managed executions",
     {"pom.xml": MANAGED_ONLY, "core/pom.xml": CHILD_MODULE}, [("jacoco", "mvn test", "pom.xml:3")], []),
    ("jacoco in a profile", {"pom.xml": IN_PROFILE}, [],
     [("jacoco", "line", 85.0, "runner", "pom.xml:4", ("mvn verify -Pcoverage",))]),
    ("Groovy DSL wired into check", {"build.gradle": GRADLE_WIRED}, [("jacoco", "gradle test", "build.gradle:1")],
     [("jacoco", "instruction", 90.0, "runner", "build.gradle:3", GRADLE_GATE)]),
    ("Kover verifies on check by default", {"build.gradle.kts": KOVER},
     [("kover", "gradle test", "build.gradle.kts:2")],
     [("kover", "line", 82.0, "runner", "build.gradle.kts:5", KOVER_GATE),
      ("kover", "branch", 60.0, "runner", "build.gradle.kts:6", KOVER_GATE)]),
    ("simplecov in the spec helper",
     {"spec/spec_helper.rb": "require 'simplecov'\nSimpleCov.start 'rails' do\n"
                             "  minimum_coverage line: 92, branch: 80\nend\n"},
     [("simplecov", "rspec", "spec/spec_helper.rb:1")],
     [("simplecov", "branch", 80.0, "runner", "spec/spec_helper.rb:3", RUBY),
      ("simplecov", "line", 92.0, "runner", "spec/spec_helper.rb:3", RUBY)]),
    ("simplecov only with COVERAGE=1",
     {"test/test_helper.rb": "if ENV['COVERAGE']\n  require 'simplecov'\n  SimpleCov.start\nend\n"}, [], []),
    ("tarpaulin fail-under", {"tarpaulin.toml": '[report]\nout = ["Xml"]\nfail-under = 75\n'}, [],
     [("tarpaulin", "lines", 75.0, "runner", "tarpaulin.toml:3", ("cargo tarpaulin",))]),
    ("coverlet.msbuild collecting on dotnet test", {"Api.Tests/Api.Tests.csproj": COVERLET},
     [("coverlet", "dotnet test", "Api.Tests/Api.Tests.csproj:3")],
     [("coverlet", "line", 80.0, "runner", "Api.Tests/Api.Tests.csproj:4", ("dotnet test",))]),
]


@pytest.mark.parametrize(("files", "by_default", "gates"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_ecosystem_is_read_as_its_tool_reads_it(files, by_default, gates):
    result = in_memory(files)
    assert collected(result) == by_default
    assert thresholds(result) == gates
    assert result.problems == ()


def test_pluginmanagement_alone_is_reported_as_configuration_only():
    [tool] = in_memory({"pom.xml": MANAGED_ONLY}).tools
    assert tool.detail == ("declared in <pluginManagement> only: it configures modules that use the plugin and runs "
                           "nothing by itself")


CODECOV_CASES = [
    ("target in percent", "coverage:\n  status:\n    project:\n      default:\n        target: 80%\n",
     [("project (default)", 80.0, 5)]),
    ("auto target is a gate without a number",
     "coverage:\n  status:\n    project:\n      default:\n        threshold: 1%\n", [("project (default)", None, 4)]),
    ("statuses turned off", "coverage:\n  status:\n    project: off\n    patch: off\n", []),
    ("informational status",
     "coverage:\n  status:\n    project:\n      default:\n        target: 90\n        informational: true\n", []),
    ("flags and patch", "coverage:\n  status:\n    project:\n      backend:\n        target: 75\n    patch:\n"
                        "      default:\n        target: 100%\n",
     [("patch (default)", 100.0, 8), ("project (backend)", 75.0, 5)]),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CODECOV_CASES], ids=[c[0] for c in CODECOV_CASES])
def test_codecov_targets_are_service_gates(text, expected):
    result = in_memory({".github/codecov.yml": text})
    assert result.service_names() == ["codecov"]
    assert sorted((t.metric, t.value, t.location.line) for t in result.thresholds) == expected
    assert all(t.enforced_by == "service" and t.commands == () for t in result.thresholds)


@pytest.mark.parametrize(("files", "service", "detail"), [
    ({".coveralls.yml": "service_name: github-actions\nrepo_token: abc123\n"}, "coveralls",
     "Coveralls configuration — it holds a `repo_token`, a secret that belongs in CI settings"),
    ({"sonar-project.properties": "sonar.projectKey=shop\nsonar.python.coverage.reportPaths=coverage.xml\n"}, "sonar",
     "imports coverage: sonar.python.coverage.reportPaths"),
    ({"sonar-project.properties": "sonar.projectKey=shop\n"}, "sonar",
     "SonarQube/SonarCloud configuration, no coverage report imported"),
    ({".codeclimate.yml": "version: '2'\n"}, "codeclimate",
     "Code Climate configuration (coverage arrives through its test reporter in CI)"),
    ({".qlty/qlty.toml": "config_version = \"0\"\n"}, "qlty",
     "Qlty configuration (coverage arrives through `qlty coverage publish` in CI)"),
    ({"build.gradle": 'plugins {\n  id "org.sonarqube" version "5.0.0.4638"\n}\n'}, "sonar",
     "SonarQube Gradle plugin applied"),
], ids=["coveralls", "sonar-coverage", "sonar-without-coverage", "codeclimate", "qlty", "sonar-gradle"])
def test_reporting_services(files, service, detail):
    [found] = in_memory(files).services
    assert (found.service, found.detail) == (service, detail)
