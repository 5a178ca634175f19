"""JVM coverage settings: JaCoCo in Maven and Gradle builds, and Kover.

Maven: the jacoco-maven-plugin collects only where it runs — declared under `<build><plugins>`
(or an active profile) with the `prepare-agent` goal; a declaration in `<pluginManagement>` alone
runs nothing. `jacoco:check` rules give thresholds (`<minimum>0.80</minimum>` of COVEREDRATIO).
Gradle: applying the `jacoco` plugin attaches the agent to every Test task; the verification task
enforces its rules only when run, which `check` does only if the build wires it in. Kover
instruments tests once applied and verifies its rules on `check` unless `onCheck` is turned off.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.code_text import blank_comments, object_after
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import line_at, read_text
from devops_scan_detectors.coverage_model import (
    RUNNER, CoverageBuilder, DefaultCollection, Threshold, ToolConfig, percent,
)
from devops_scan_detectors.xml_reader import XmlElement, xml_file

# Default phases of the plugin's goals (JaCoCo's Maven documentation).
GOAL_PHASES = {"prepare-agent": "initialize", "prepare-agent-integration": "pre-integration-test",
               "report": "verify", "check": "verify"}
MANAGED = ("build", "pluginManagement", "plugins")


def collect(client: RepoClient, context: ScanContext, out: CoverageBuilder) -> None:
    poms = [p for p in client.files.named("pom.xml") if not not_the_projects_own(p)]
    # A parent's <pluginManagement> executions, which child modules declaring the plugin inherit.
    managed = next(((path, plugin) for path in poms
                    for plugin in _jacoco_plugins(xml_file(client, context, path).root, *MANAGED)
                    if plugin.path("executions", "execution")), None)
    for path in poms:
        with out.reading(path):
            _maven(client, context, path, out, managed)
    for path in client.files.with_extension("gradle", "kts"):
        if path.endswith((".gradle", ".gradle.kts")) and not not_the_projects_own(path):
            with out.reading(path):
                _gradle(client, path, out)


# --- Maven ------------------------------------------------------------------------------------------


def _jacoco_plugins(root: XmlElement | None, *path: str) -> list[XmlElement]:
    if root is None:
        return []
    return [plugin for plugin in root.path(*path, "plugin") if plugin.text_of("artifactId") == "jacoco-maven-plugin"]


def _maven(client: RepoClient, context: ScanContext, path: str, out: CoverageBuilder,
           managed: tuple[str, XmlElement] | None) -> None:
    result = xml_file(client, context, path)
    if result.root is None:
        if result.problem and "jacoco" in (read_text(client, path) or ""):
            out.problems.append(f"{path}: {result.problem}")
        return
    root = result.root
    properties = {child.tag: child.text.strip() for p in root.path("properties") for child in p.children}
    for plugin in _jacoco_plugins(root, *MANAGED):
        if not _jacoco_plugins(root, "build", "plugins"):
            out.tools.append(ToolConfig("jacoco", Location(path, plugin.line), "declared in <pluginManagement> only: "
                                        "it configures modules that use the plugin and runs nothing by itself"))
    active = [(plugin, None) for plugin in _jacoco_plugins(root, "build", "plugins")]
    for profile in root.path("profiles", "profile"):
        by_default = any(a.text_of("activeByDefault") == "true" for a in profile.children_named("activation"))
        for plugin in _jacoco_plugins(profile, "build", "plugins"):
            active.append((plugin, None if by_default else profile.text_of("id") or "?"))
    for plugin, profile in active:
        _maven_plugin(path, plugin, profile, properties, managed, out)


def _maven_plugin(path: str, plugin: XmlElement, profile: str | None, properties: dict[str, str],
                  managed: tuple[str, XmlElement] | None, out: CoverageBuilder) -> None:
    executions = plugin.path("executions", "execution")
    source, executions_path = "", path
    if not executions and managed is not None:  # executions inherited from a parent's <pluginManagement>
        executions = managed[1].path("executions", "execution")
        source, executions_path = f" (executions from <pluginManagement> in {managed[0]})", managed[0]
    skipped = "true" in (_resolve(_config_value(plugin, "skip"), properties), properties.get("jacoco.skip"))
    where = f" in profile `{profile}` (runs only when that profile is activated)" if profile else ""
    goals = sorted({g.text.strip() for e in executions for g in e.path("goals", "goal")})
    out.tools.append(ToolConfig("jacoco", Location(path, plugin.line),
                                f"jacoco-maven-plugin{where}, goals: {', '.join(goals) or 'none'}{source}"
                                + ("; skipped (`skip` is true)" if skipped else "")))
    if skipped:
        return
    for execution in executions:
        execution_goals = [g.text.strip() for g in execution.path("goals", "goal")]
        phase = execution.text_of("phase")
        if "prepare-agent" in execution_goals and not profile:
            out.default_collection.append(DefaultCollection(
                "jacoco", "mvn test", Location(executions_path, execution.line),
                f"jacoco:prepare-agent (phase {phase or GOAL_PHASES['prepare-agent']}) attaches the agent to "
                "the tests of every `mvn test`/`verify`" + source))
        if "check" in execution_goals:
            phase = phase or GOAL_PHASES["check"]
            for limit, minimum, in_execution in _limits(plugin, execution):
                value_kind = (limit.text_of("value") or "COVEREDRATIO").upper()
                value = percent(_resolve(minimum.text.strip(), properties), ratio=True)
                if value is None or value_kind != "COVEREDRATIO":
                    continue  # MISSEDCOUNT and friends are counts, not a percentage
                command = f"mvn {phase}" + (f" -P{profile}" if profile else "")
                where_written = executions_path if in_execution else path
                out.thresholds.append(Threshold("jacoco", value, Location(where_written, minimum.line), RUNNER,
                                                f"`{command}` (jacoco:check){where}", (command,),
                                                (limit.text_of("counter") or "INSTRUCTION").lower()))


def _config_value(plugin: XmlElement, name: str) -> str:
    configuration = plugin.child("configuration")
    return configuration.text_of(name) if configuration is not None else ""


def _limits(plugin: XmlElement, execution: XmlElement) -> list[tuple[XmlElement, XmlElement, bool]]:
    """(limit, its minimum, written in the execution) — the execution's rules, else the plugin's."""
    found = []
    for holder in (execution, plugin):
        for rule in holder.path("configuration", "rules", "rule"):
            for limit in rule.path("limits", "limit"):
                minimum = limit.child("minimum")
                if minimum is not None:
                    found.append((limit, minimum, holder is execution))
        if found:
            break
    return found


def _resolve(value: str, properties: dict[str, str]) -> str:
    match = re.fullmatch(r"\$\{([^}]+)\}", value or "")
    return properties.get(match.group(1), value) if match else value


# --- Gradle -----------------------------------------------------------------------------------------

_JACOCO_APPLIED = re.compile(r"""apply\s*\(?\s*plugin\s*[:=]\s*["']jacoco["']|\bid\s*\(?\s*["']jacoco["']""")
_KOVER_APPLIED = re.compile(r"""["']org\.jetbrains\.kotlinx\.kover["']|\balias\s*\(\s*libs\.plugins\.[\w.]*kover""")
# `check.dependsOn jacocoTestCoverageVerification`, `tasks.check { dependsOn(...) }`,
# `tasks.named("check") { ... }`, `tasks.check.configure { ... }`.
_WIRED_TO_CHECK = re.compile(r"""\bcheck\b["')]*\s*"""
                             r"""(?:\{[^{}]*|\.configure\s*\{[^{}]*|(?:\.get\(\))?\.dependsOn[^\n]*)"""
                             r"""jacocoTestCoverageVerification""")
# `minimum = 0.8`, `minimum = "0.80".toBigDecimal()`, `minimum = BigDecimal("0.8")`.
_MINIMUM = re.compile(r"""\bminimum\s*=\s*(?:new\s+BigDecimal\s*\(|BigDecimal\s*\()?\s*["']?(\d+(?:\.\d+)?)""")
_COUNTER = re.compile(r"""\bcounter\s*=\s*["'](\w+)["']""")
# `minBound(80)`, `minBound(60, CoverageUnit.BRANCH)`, Kover 0.6's `minValue = 80`.
_KOVER_MIN = re.compile(r"""\bminBound\s*\(\s*(\d+(?:\.\d+)?)([^)\n]*)\)"""
                        r"""|\bminValue\s*(?:=|\.set\s*\()\s*(\d+(?:\.\d+)?)""")
GRADLE_CHECK = ("gradle check", "gradle build")


def _gradle(client: RepoClient, path: str, out: CoverageBuilder) -> None:
    text = read_text(client, path)
    if text is None:
        return
    code = blank_comments(text)
    applied = _JACOCO_APPLIED.search(code) or _bare_plugin(code, "jacoco")
    if applied:
        location = Location(path, line_at(code, applied.start()))
        out.tools.append(ToolConfig("jacoco", location, "JaCoCo Gradle plugin applied"))
        out.default_collection.append(DefaultCollection(
            "jacoco", "gradle test", location,
            f"the jacoco plugin applied in {posixpath.basename(path)} attaches the JaCoCo agent to every Test task"))
    block = object_after(code, "jacocoTestCoverageVerification")
    if block:
        _jacoco_verification(code, path, block, out)
    _kover(code, path, out)


def _jacoco_verification(code: str, path: str, block: tuple[str, int], out: CoverageBuilder) -> None:
    body, start = block
    if _WIRED_TO_CHECK.search(code):
        when = "`gradle check` (jacocoTestCoverageVerification wired into check)"
        commands = (*GRADLE_CHECK, "gradle jacocoTestCoverageVerification")
    else:
        when = "only when `gradle jacocoTestCoverageVerification` is run (not wired into check)"
        commands = ("gradle jacocoTestCoverageVerification",)
    for match in _MINIMUM.finditer(body):
        value = percent(match.group(1), ratio=True)
        counter = _COUNTER.search(body[:match.start()][-300:])  # the counter written in the same limit
        if value is not None:
            location = Location(path, line_at(code, start + match.start()))
            metric = (counter.group(1) if counter else "INSTRUCTION").lower()
            out.thresholds.append(Threshold("jacoco", value, location, RUNNER, when, commands, metric))


def _bare_plugin(code: str, plugin: str) -> re.Match[str] | None:
    """`plugins { jacoco }` (Kotlin DSL's core plugin accessor), located in the whole text."""
    block = object_after(code, "plugins")
    if block is None:
        return None
    match = re.search(r"(?m)^[ \t]*`?" + plugin + r"`?\s*$", block[0])
    return re.compile(r"\b" + plugin + r"\b").search(code, block[1] + match.start()) if match else None


def _kover(code: str, path: str, out: CoverageBuilder) -> None:
    applied = _KOVER_APPLIED.search(code)
    if applied:
        location = Location(path, line_at(code, applied.start()))
        out.tools.append(ToolConfig("kover", location, "Kover Gradle plugin applied"))
        out.default_collection.append(DefaultCollection("kover", "gradle test", location,
                                                        "the Kover plugin instruments the project's test tasks"))
    if re.search(r"\bonCheck\s*(?:=|\.set\s*\()\s*false", code):
        when, commands = "only when `gradle koverVerify` is run (`onCheck` is false)", ("gradle koverVerify",)
    else:
        when = "`gradle check` (Kover verifies its rules on check by default) or `gradle koverVerify`"
        commands = (*GRADLE_CHECK, "gradle koverVerify")
    for match in _KOVER_MIN.finditer(code):
        unit = match.group(2) or ""
        metric = "branch" if "BRANCH" in unit else "instruction" if "INSTRUCTION" in unit else "line"
        value = percent(match.group(1) or match.group(3))
        if value is not None:
            location = Location(path, line_at(code, match.start()))
            out.thresholds.append(Threshold("kover", value, location, RUNNER, when, commands, metric))
