"""Maven: what `mvn verify` runs besides the tests, read from pom.xml plugin executions.

A plugin goal bound to a phase (`jacoco:prepare-agent` at initialize, `jacoco:check` at verify with a
coverage minimum, `failsafe:integration-test`, `checkstyle:check`...) runs whenever a later phase
is invoked. The pom is read with expat for line numbers (no DTDs, no external entities, bounded);
modules of a multi-module build are read too. Profiles count only when activated with `-P`.
"""

from __future__ import annotations

import posixpath
import re
import xml.parsers.expat
from dataclasses import dataclass, field

from devops_scan.model import Location
from devops_scan_detectors.activity import COVERAGE_GATE, Activity
from devops_scan_detectors.command_jvm import MAVEN_GOALS, MAVEN_PHASES, maven_prefix
from devops_scan_detectors.follow import Follower, Resolution
from devops_scan_detectors.shell import Command
from devops_scan_detectors.wrappers import program

_MAX_ELEMENTS = 100_000
_MAX_MODULES = 30
# Phases goals bind to when the execution does not say (from each plugin's documentation).
_DEFAULT_PHASES = {
    ("jacoco", "prepare-agent"): "initialize", ("jacoco", "report"): "verify", ("jacoco", "check"): "verify",
    ("jacoco", "report-aggregate"): "verify", ("checkstyle", "check"): "verify", ("pmd", "check"): "verify",
    ("pmd", "cpd-check"): "verify", ("spotbugs", "check"): "verify", ("spotless", "check"): "verify",
    ("fmt", "check"): "verify", ("dependency-check", "check"): "verify", ("dependency-check", "aggregate"): "verify",
    ("cyclonedx", "makeBom"): "package", ("cyclonedx", "makeAggregateBom"): "package",
    ("failsafe", "integration-test"): "integration-test", ("gpg", "sign"): "verify",
    ("spring-boot", "build-image"): "package",
}


@dataclass
class Element:
    tag: str
    line: int
    children: list["Element"] = field(default_factory=list)
    text: str = ""

    def find(self, *path: str) -> list["Element"]:
        found = [self]
        for tag in path:
            found = [child for element in found for child in element.children if child.tag == tag]
        return found

    def value(self, *path: str) -> str | None:
        found = self.find(*path)
        return found[0].text.strip() if found else None


def parse_xml(text: str) -> Element:
    """The element tree with lines; namespaces dropped from tags. Raises ValueError on bad XML."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root = Element("", 0)
    stack = [root]
    count = [0]

    def start(tag: str, _attributes: dict[str, str]) -> None:
        count[0] += 1
        if count[0] > _MAX_ELEMENTS:
            raise ValueError("too many elements")
        element = Element(tag.rsplit(":", 1)[-1].rsplit("}", 1)[-1], parser.CurrentLineNumber)
        stack[-1].children.append(element)
        stack.append(element)

    def end(_tag: str) -> None:
        stack.pop()

    def data(chunk: str) -> None:
        stack[-1].text += chunk

    def no_entities(*_args: object) -> None:
        raise ValueError("entity declarations are not read")

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, data
    parser.EntityDeclHandler = no_entities
    try:
        parser.Parse(text, True)
    except xml.parsers.expat.ExpatError as error:
        raise ValueError(str(error)) from None
    if not root.children:
        raise ValueError("no root element")
    return root.children[0]


@dataclass(frozen=True)
class _Execution:
    prefix: str
    artifact: str
    goal: str
    phase: str | None
    line: int
    threshold: str | None


def _executions(project: Element, profiles: set[str]) -> list[_Execution]:
    builds = project.find("build")
    builds += [profile.find("build")[0] for profile in project.find("profiles", "profile")
               if profile.value("id") in profiles and profile.find("build")]
    found = []
    for build in builds:
        for plugin in build.find("plugins", "plugin"):
            artifact = plugin.value("artifactId") or ""
            prefix = maven_prefix(artifact)
            for execution in plugin.find("executions", "execution"):
                phase = execution.value("phase")
                for goal in execution.find("goals", "goal"):
                    name = goal.text.strip()
                    threshold = _threshold(execution, plugin) if (prefix, name) == ("jacoco", "check") else None
                    found.append(_Execution(prefix, artifact, name, phase or _DEFAULT_PHASES.get((prefix, name)),
                                            goal.line, threshold))
    return found


def _threshold(execution: Element, plugin: Element) -> str | None:
    """The minimum of a jacoco `check` (as a percentage), or None when it does not fail the build."""
    for configuration in execution.find("configuration") + plugin.find("configuration"):
        if (configuration.value("haltOnFailure") or "").lower() == "false":
            return None
        minimums = [(limit.value("counter") or "", limit.value("minimum") or "")
                    for limit in configuration.find("rules", "rule", "limits", "limit") if limit.value("minimum")]
        preferred = [value for counter, value in minimums if counter in ("LINE", "INSTRUCTION", "")]
        for value in preferred + [value for _counter, value in minimums]:
            return _percent(value)
    return None  # a check without rules enforces nothing


def _percent(value: str) -> str:
    try:
        number = float(value.rstrip("%"))
    except ValueError:
        return value
    if number <= 1 and not value.endswith("%"):
        number *= 100
    return f"{number:g}"


def _arguments(args: tuple[str, ...]) -> tuple[str | None, set[str], list[str]]:
    pom = None
    profiles: set[str] = set()
    goals: list[str] = []
    skip = False
    for index, word in enumerate(args):
        if skip:
            skip = False
        elif word in ("-f", "--file"):
            pom = args[index + 1] if index + 1 < len(args) else None
            skip = True
        elif word in ("-P", "--activate-profiles"):
            profiles |= set(args[index + 1].split(",")) if index + 1 < len(args) else set()
            skip = True
        elif word.startswith("-P") and len(word) > 2:
            profiles |= set(word[2:].split(","))
        elif word in ("-pl", "--projects", "-s", "--settings", "-T", "--threads", "-rf", "-gs", "-t", "-l", "-b"):
            skip = True
        elif not word.startswith("-"):
            goals.append(word)
    return pom, {profile for profile in profiles if not profile.startswith("!")}, goals


def resolve_maven(follower: Follower, command: Command, cwd: str) -> Resolution | None:
    if program(command.argv[0]) not in ("mvn", "mvnw", "mvnd"):
        return None
    given, profiles, goals = _arguments(command.argv[1:])
    path = follower.repo_path(cwd, given) if given else (posixpath.join(cwd, "pom.xml") if cwd else "pom.xml")
    if path is not None and not path.endswith(".xml"):
        path = posixpath.join(path, "pom.xml")
    if path is None or not follower.exists(path):
        return None
    last = max((MAVEN_PHASES.index(goal) for goal in goals if goal in MAVEN_PHASES), default=-1)
    invoked = {tuple(goal.split(":")[-2:]) if goal.count(":") == 1 else (maven_prefix(goal.split(":")[1]),
                                                                        goal.split(":")[-1])
               for goal in goals if ":" in goal}
    activities: list[Activity] = []
    for pom, project in _poms(follower, path):
        for execution in _executions(project, profiles):
            bound = execution.phase in MAVEN_PHASES and MAVEN_PHASES.index(execution.phase) <= last
            if not bound and (execution.prefix, execution.goal) not in invoked:
                continue
            kinds = MAVEN_GOALS.get((execution.prefix, execution.goal), ())
            for kind in kinds:
                if kind == COVERAGE_GATE and execution.threshold is None:
                    continue
                data = {"threshold": execution.threshold} if kind == COVERAGE_GATE and execution.threshold else {}
                where = f"bound to `{execution.phase}`" if bound else "invoked directly"
                activities.append(Activity(kind, execution.prefix, Location(pom, execution.line),
                                           f"{execution.artifact} {execution.goal} ({where})", (), data))
    return Resolution(("maven", path, *goals, *sorted(profiles)), activities=tuple(activities), classify_too=True)


def _poms(follower: Follower, root: str) -> list[tuple[str, Element]]:
    """The pom and its modules' poms (breadth first, bounded)."""
    found: list[tuple[str, Element]] = []
    queue = [root]
    seen: set[str] = set()
    while queue and len(found) < _MAX_MODULES:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        project = follower.parsed("pom", path, parse_xml)
        if not isinstance(project, Element):
            continue
        found.append((path, project))
        folder = posixpath.dirname(path)
        for module in project.find("modules", "module"):
            name = re.sub(r"/pom\.xml$", "", module.text.strip())
            candidate = follower.repo_path(folder, f"{name}/pom.xml")
            if candidate and follower.exists(candidate):
                queue.append(candidate)
    return found
