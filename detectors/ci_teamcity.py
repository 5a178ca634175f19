"""TeamCity Kotlin DSL (`.teamcity/settings.kts`, with the `.kt` files beside it) into the CI model.

The DSL is Kotlin; it is read with the same tolerant scanner as Jenkinsfiles, never compiled. Each
build configuration (`object Build : BuildType({ ... })`, or `buildType { ... }` inside `project`) is a
Job. Its build steps become steps: `script` runs `scriptContent`; `maven`, `gradle`, `ant`, `exec`,
`nodeJS`, `python`, `dotnet*` and `dockerCommand` runners are written as the command they run
(`mvn clean test`, `./gradlew check`, `docker build -f Dockerfile -t app .`); other runners are uses
steps `teamcity:<runner>`. Triggers: `vcs` (pushes to the branches of its `branchFilter`, `<default>`
being the default branch; with the `pullRequests` feature, pull requests too), `schedule`, and
`finishBuildTrigger` (after another build). A configuration without triggers runs when a
configuration that depends on it (`snapshot(...)`) is triggered, else only when a person runs it.
"""

from __future__ import annotations

import textwrap

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan_detectors.ci_groovy import Call, Group, Item, call_of, is_group, is_word, parse, statements
from devops_scan_detectors.ci_parsekit import empty_pipeline, environment_in_name, guarded, in_directory, loc
from devops_scan_detectors.ci_teamcity_runners import assignments, runner_step
from devops_scan_detectors.cimodel import (CALL, DEFAULT_BRANCH, MANUAL, PULL_REQUEST, PUSH, SCHEDULE, Include, Job,
                                           Pipeline, Step, Triggers)



@guarded("teamcity")
def parse_teamcity(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    if path.endswith("pom.xml"):
        settings = path.rsplit("/", 1)[0] + "/settings.kts"
        why = ("builds the Kotlin DSL; the build configurations are read from settings.kts" if settings in client.files
               else "settings in TeamCity's XML format are not read")
        return empty_pipeline("teamcity", path, why)
    folder = path.rsplit("/", 1)[0]
    sources = [path, *sorted(other for other in client.files.in_folder(folder, recursive=True)
                             if other.endswith((".kt", ".kts")) and other != path)]
    reader = _Project()
    includes = []
    for source in sources:
        try:
            text = client.read_text(source).text
        except UnreadableFile as error:
            reader.problems.append(f"{source}: unreadable ({error.reason})")
            continue
        root, problems = parse(text)
        reader.problems.extend(f"{source}: {problem}" if source != path else problem for problem in problems)
        reader.read(source, root)
        if source != path:
            includes.append(Include("local", source, loc(path, None), resolved=source))
    jobs = reader.jobs()
    events = frozenset().union(*(job.triggers.events for job in jobs if job.triggers)) or frozenset({MANUAL})
    return Pipeline("teamcity", path, Triggers(events), tuple(jobs), includes=tuple(includes),
                    problems=tuple(reader.problems))


class _BuildType:
    def __init__(self, key: str, path: str, line: int) -> None:
        self.key = key
        self.path = path
        self.line = line
        self.name: str | None = None
        self.steps: list[Step] = []
        self.image: str | None = None
        self.events: set[str] = set()
        self.branches: list[str] | None = []
        self.ignore: list[str] = []
        self.needs: list[str] = []
        self.pull_requests = False
        self.paused = False


class _Project:
    def __init__(self) -> None:
        self.build_types: dict[str, _BuildType] = {}
        self.problems: list[str] = []

    def read(self, path: str, root: Group, depth: int = 0) -> None:
        for statement in statements(root):
            body = _build_type_body(statement)
            if body is not None:
                key = _object_name(statement) or f"buildType at line {body.line}"
                self._build_type(path, key, body)
                continue
            call = call_of(statement)
            if call is not None and call.name in ("project", "subProject", "sequential", "parallel") and depth < 8:
                for closure in call.closures:
                    self.read(path, closure, depth + 1)
            elif call is not None and call.name == "buildType" and call.closures:
                self._build_type(path, f"buildType at line {call.line}", call.closures[0])

    def _build_type(self, path: str, key: str, body: Group) -> None:
        build = _BuildType(key, path, body.line)
        values = assignments(body)
        build.name = values.get("name", (None, None, 0))[0]
        build.paused = values.get("paused", (None, None, 0))[0] == "true"
        for statement in statements(body):
            call = call_of(statement)
            if call is None or call.target:
                continue
            if call.name == "id" and call.first_string():
                build.key = call.first_string() or build.key
            block = call.closures[0] if call.closures else None
            if block is None:
                continue
            if call.name == "steps":
                self._steps(build, block)
            elif call.name == "triggers":
                self._triggers(build, block)
            elif call.name == "features":
                build.pull_requests = any(inner.name == "pullRequests" for inner in _calls(block))
            elif call.name == "dependencies":
                for inner in _calls(block):
                    if inner.name in ("snapshot", "dependency") and inner.args:
                        build.needs.append(_reference(inner))
        self.build_types[key] = build

    def _steps(self, build: _BuildType, block: Group) -> None:
        for call in _calls(block):
            body = call.closures[0] if call.closures else Group("{", call.line)
            values = assignments(body)
            if values.get("enabled", (None, None, 0))[0] == "false":
                continue  # a disabled build step
            build.image = build.image or values.get("dockerImage", (None, None, 0))[0]
            step = runner_step(build.path, call, values)
            directory = values.get("workingDir", (None, None, 0))[0]
            if step.run is not None and directory:
                step = Step(step.location, name=step.name, run=step.run, working_directory=in_directory(directory))
            build.steps.append(step)

    def _triggers(self, build: _BuildType, block: Group) -> None:
        for call in _calls(block):
            values = assignments(call.closures[0]) if call.closures else {}
            if call.name == "vcs":
                build.events.add(PUSH)
                self._branch_filter(build, values.get("branchFilter", ("+:*", None, 0))[0] or "+:*")
            elif call.name == "schedule":
                build.events.add(SCHEDULE)
            elif call.name == "finishBuildTrigger":
                build.events.add(CALL)

    @staticmethod
    def _branch_filter(build: _BuildType, text: str) -> None:
        for line in textwrap.dedent(text).splitlines():
            rule = line.strip()
            pattern = rule[2:].strip().removeprefix("refs/heads/")
            pattern = DEFAULT_BRANCH if pattern == "<default>" else pattern
            if rule.startswith("+:") and build.branches is not None:
                build.branches = None if pattern == "*" else [*build.branches, pattern]
            elif rule.startswith("-:"):
                build.ignore.append(pattern)

    def jobs(self) -> list[Job]:
        ids = {key: build.key for key, build in self.build_types.items()}
        triggers: dict[str, Triggers | None] = {}
        for key, build in self.build_types.items():
            events = set(build.events) | ({PULL_REQUEST} if build.pull_requests and PUSH in build.events else set())
            branches = tuple(build.branches) if build.branches else None
            triggers[key] = Triggers(frozenset(events), branches, tuple(build.ignore)) if events else None
        # A configuration without triggers runs when one that depends on it is triggered (snapshot dependency).
        for _ in range(len(self.build_types)):
            for key, build in self.build_types.items():
                source = triggers[key]
                for need in build.needs:
                    target = next((k for k, b in self.build_types.items() if need in (k, b.key)), None)
                    if target is None or source is None or self.build_types[target].events:
                        continue
                    triggers[target] = _merge(triggers[target], source)
        return [Job(build.key, loc(build.path, build.line), name=build.name, steps=tuple(build.steps),
                    environment=environment_in_name(build.name or build.key), image=build.image,
                    needs=tuple(ids.get(need, need) for need in build.needs),
                    disabled="paused in the DSL (`paused = true`)" if build.paused else None,
                    triggers=triggers[key] or Triggers(frozenset({MANUAL})))
                for key, build in self.build_types.items()]


def _merge(first: Triggers | None, second: Triggers) -> Triggers:
    if first is None:
        return Triggers(second.events, second.branches, second.branches_ignore)
    branches = None if first.branches is None or second.branches is None else \
        tuple(dict.fromkeys((*first.branches, *second.branches)))
    ignore = tuple(pattern for pattern in first.branches_ignore if pattern in second.branches_ignore)
    return Triggers(first.events | second.events, branches, ignore)


def _calls(block: Group) -> list[Call]:
    return [call for call in map(call_of, statements(block)) if call is not None and not call.target]


def _build_type_body(statement: list[Item]) -> Group | None:
    """The `{ ... }` of `object X : BuildType({ ... })` or `BuildType { ... }`."""
    for index, item in enumerate(statement[:-1]):
        if is_word(item, "BuildType"):
            following = statement[index + 1]
            if is_group(following, "{"):
                return following  # type: ignore[return-value]
            inner = following.items if isinstance(following, Group) and following.opener == "(" else []
            if inner and is_group(inner[0], "{"):
                return inner[0]  # type: ignore[return-value]
    return None


def _object_name(statement: list[Item]) -> str | None:
    if len(statement) > 1 and is_word(statement[0], "object") and is_word(statement[1]):
        return statement[1].text  # type: ignore[union-attr]
    return None


def _reference(call: Call) -> str:
    first = call.positional() or ()
    return ".".join(item.text for item in first if is_word(item)) or "?"  # type: ignore[union-attr]


PARSERS = {"teamcity": parse_teamcity}
