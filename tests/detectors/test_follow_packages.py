"""Following commands into the repository: make, just, Task, tox, nox, hatch/PDM/poe/Rye scripts,
package.json and composer.json scripts, Maven pom plugins and shell scripts.

In-memory repositories for the many shapes of each runner's file; real git repositories built from
`fixtures/repos/follow-*` for the chains a reader would follow by hand.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.ci_activities import command_activities, command_notes
from tests.testing.fakes import MemoryClient

AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)
CI = Location(".github/workflows/ci.yml", 20)


def follow(files: dict[str, str], text: str, location: Location = CI) -> tuple[list, tuple[str, ...]]:
    client = MemoryClient(files)
    context = ScanContext(as_of=AS_OF)
    return list(command_activities(client, context, text, location)), command_notes(client, context, text, location)


def found(files: dict[str, str], text: str) -> set[tuple[str, str, str]]:
    """(kind, tool, where) of what `text` does, followed through `files`."""
    activities, _notes = follow(files, text)
    return {(a.kind, a.tool, str(a.location)) for a in activities}


# --- package scripts ---------------------------------------------------------------------------------

PACKAGE_JSON = """\
{
  "name": "web",
  "private": true,
  "workspaces": ["packages/*"],
  "scripts": {
    "pretest": "eslint .",
    "test": "jest",
    "test:ci": "npm test -- --coverage",
    "lint": "run-s lint:*",
    "lint:js": "eslint src",
    "lint:css": "stylelint 'src/**/*.css'",
    "typecheck": "tsc --noEmit",
    "check": "concurrently \\"npm:lint\\" \\"npm:typecheck\\"",
    "e2e": "start-server-and-test start http://localhost:3000 cy:run",
    "start": "node server.js",
    "cy:run": "cypress run"
  }
}
"""
PACKAGES = {"package.json": PACKAGE_JSON,
            "packages/ui/package.json": '{\n  "name": "ui",\n  "scripts": {\n    "test": "vitest run"\n  }\n}\n',
            "packages/api/package.json": '{\n  "name": "api",\n  "scripts": {\n    "build": "tsup"\n  }\n}\n',
            "composer.json": '{\n  "scripts": {\n    "test": ["@lint", "@php vendor/bin/phpunit"],\n'
                             '    "lint": "phpstan analyse",\n    "fix": "App\\\\Tools::fix"\n  }\n}\n'}

PACKAGE_CASES = [
    ("npm test", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7")}),
    ("npm t", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7")}),
    ("npm run test:ci", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7"),
                         ("coverage", "jest", "package.json:7")}),
    ("npm test -- --coverage", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7"),
                                ("coverage", "jest", "package.json:7")}),
    ("yarn test --coverage", {("lint", "eslint", "package.json:6"), ("test", "jest", "package.json:7"),
                              ("coverage", "jest", "package.json:7")}),
    ("pnpm test", {("test", "jest", "package.json:7")}),
    ("npm run lint", {("lint", "eslint", "package.json:10"), ("lint", "stylelint", "package.json:11")}),
    ("npm run check", {("lint", "eslint", "package.json:10"), ("lint", "stylelint", "package.json:11"),
                       ("type-check", "tsc", "package.json:12")}),
    ("npm run e2e", {("e2e-test", "cypress", "package.json:16")}),
    ("yarn jest --ci", {("test", "jest", ".github/workflows/ci.yml:20")}),
    ("pnpm -r test", {("test", "vitest", "packages/ui/package.json:4")}),
    ("npm test --workspaces", {("test", "vitest", "packages/ui/package.json:4")}),
    ("npx turbo run build", {("build", "tsup", "packages/api/package.json:4")}),
    ("lerna run test", {("test", "vitest", "packages/ui/package.json:4")}),
    ("composer test", {("lint", "phpstan", "composer.json:4"), ("test", "phpunit", "composer.json:3")}),
    ("composer run-script lint", {("lint", "phpstan", "composer.json:4")}),
    ("npm ci", set()),
]


@pytest.mark.parametrize(("command", "expected"), PACKAGE_CASES, ids=[row[0] for row in PACKAGE_CASES])
def test_package_scripts_are_read(command, expected):
    assert found(PACKAGES, command) == expected


@pytest.mark.parametrize(("command", "note"), [
    ("npm run deploy", "package.json has no script `deploy`"),
    ("composer fix", "calls the PHP method `App\\Tools::fix`"),
])
def test_what_package_scripts_cannot_follow_is_said(command, note):
    activities, notes = follow(PACKAGES, command)
    assert activities == []
    assert any(note in line for line in notes)


def test_a_cd_inside_a_subshell_stays_there():
    files = {"web/package.json": '{"scripts": {"test": "vitest run"}}',
             "package.json": '{"scripts": {"lint": "eslint ."}}'}
    text = "(cd web && npm test)\nnpm run lint\nfiles=$(cd web && ls)\nnpm run lint"
    assert found(files, text) == {("test", "vitest", "web/package.json:1"), ("lint", "eslint", "package.json:1")}
    assert follow(files, text)[1] == ()


@pytest.mark.parametrize(("text", "note"), [
    ("$CARGO test --workspace", "the program is the variable `$CARGO`, set outside this text"),
    ("CI_EXPRESSION test --verbose", "the program is a CI expression, decided at run time"),
])
def test_a_program_chosen_at_run_time_is_unknown_and_said_so(text, note):
    activities, notes = follow({}, text)
    assert activities == []
    assert any(note in line for line in notes)


@pytest.mark.parametrize("text", ["CARGO=cargo\n$CARGO test", "PY='python3 -u'\n$PY -m pytest"])
def test_a_program_the_script_names_in_a_variable_is_judged(text):
    assert {a.kind for a in follow({}, text)[0]} == {"test"}


@pytest.mark.parametrize("text", ["$output", "$x = Get-Item .", "$LASTEXITCODE -ne 0", "$CI_PATH == x"])
def test_variables_that_are_not_programs_say_nothing(text):
    assert follow({}, text) == ([], ())


def test_a_package_in_a_subfolder_is_found_from_the_folder_it_runs_in():
    files = {"web/package.json": '{"scripts": {"test": "vitest run --coverage"}}'}
    assert found(files, "cd web\nnpm test") == {("test", "vitest", "web/package.json:1"),
                                                ("coverage", "vitest", "web/package.json:1")}
    assert found(files, "npm --prefix web test") == {("test", "vitest", "web/package.json:1"),
                                                      ("coverage", "vitest", "web/package.json:1")}


# --- Maven -------------------------------------------------------------------------------------------

POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <artifactId>orders</artifactId>
  <modules><module>core</module></modules>
  <build>
    <plugins>
      <plugin>
        <groupId>org.jacoco</groupId>
        <artifactId>jacoco-maven-plugin</artifactId>
        <executions>
          <execution>
            <goals><goal>prepare-agent</goal></goals>
          </execution>
          <execution>
            <id>coverage-check</id>
            <goals><goal>check</goal></goals>
            <configuration>
              <rules><rule><element>BUNDLE</element><limits><limit>
                <counter>LINE</counter><value>COVEREDRATIO</value><minimum>0.80</minimum>
              </limit></limits></rule></rules>
            </configuration>
          </execution>
        </executions>
      </plugin>
    </plugins>
  </build>
  <profiles>
    <profile>
      <id>it</id>
      <build><plugins><plugin>
        <artifactId>maven-failsafe-plugin</artifactId>
        <executions><execution><goals><goal>integration-test</goal></goals></execution></executions>
      </plugin></plugins></build>
    </profile>
  </profiles>
</project>
"""
CORE_POM = """\
<project>
  <artifactId>core</artifactId>
  <build><plugins><plugin>
    <artifactId>maven-checkstyle-plugin</artifactId>
    <executions><execution><phase>validate</phase><goals><goal>check</goal></goals></execution></executions>
  </plugin></plugins></build>
</project>
"""

MAVEN_CASES = [
    ("mvn -B verify", {("test", "maven", CI_AT := ".github/workflows/ci.yml:20"), ("build", "maven", CI_AT),
                       ("coverage", "jacoco", "pom.xml:13"), ("coverage-gate", "jacoco", "pom.xml:17"),
                       ("lint", "checkstyle", "core/pom.xml:5")}),
    ("mvn test", {("test", "maven", CI_AT), ("coverage", "jacoco", "pom.xml:13"),
                  ("lint", "checkstyle", "core/pom.xml:5")}),
    ("mvn -Pit verify", {("test", "maven", CI_AT), ("build", "maven", CI_AT), ("coverage", "jacoco", "pom.xml:13"),
                         ("coverage-gate", "jacoco", "pom.xml:17"), ("lint", "checkstyle", "core/pom.xml:5"),
                         ("e2e-test", "failsafe", "pom.xml:33")}),
    ("mvn validate", {("lint", "checkstyle", "core/pom.xml:5")}),
    ("mvn jacoco:check", {("coverage-gate", "jacoco", CI_AT), ("coverage-gate", "jacoco", "pom.xml:17")}),
]


@pytest.mark.parametrize(("command", "expected"), MAVEN_CASES, ids=[row[0] for row in MAVEN_CASES])
def test_maven_runs_the_plugins_bound_in_the_pom(command, expected):
    assert found({"pom.xml": POM, "core/pom.xml": CORE_POM}, command) == expected


def test_a_jacoco_minimum_is_the_gate_threshold():
    activities, _ = follow({"pom.xml": POM}, "mvn verify")
    [gate] = [a for a in activities if a.kind == "coverage-gate"]
    assert gate.data["threshold"] == "80"
    assert gate.chain == (".github/workflows/ci.yml:20 `mvn verify`",)


def test_a_report_only_jacoco_check_is_no_gate():
    pom = POM.replace("<configuration>", "<configuration><haltOnFailure>false</haltOnFailure>")
    activities, _ = follow({"pom.xml": pom}, "mvn verify")
    assert "coverage-gate" not in {a.kind for a in activities}


@pytest.mark.parametrize("text", ["<project><build>", "<!DOCTYPE x [<!ENTITY a 'b'>]><project/>", "\x00\x01"])
def test_a_broken_pom_costs_only_the_plugins(text):
    assert found({"pom.xml": text}, "mvn verify") == {("test", "maven", CI_AT), ("build", "maven", CI_AT)}
