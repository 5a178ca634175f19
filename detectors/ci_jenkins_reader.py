"""Statements of a Jenkinsfile — scripted code and the insides of declarative `steps {}` — into stages
and steps.

Every stage becomes a StageJob (later a Job); steps go to the innermost stage around them, with the
conditions (`if (env.BRANCH_NAME == 'main')`) they sit under. Steps outside any stage go to one
`(no stage)` job. Functions of the file and of `load`ed files are followed where they are called.
"""

from __future__ import annotations

import posixpath
import textwrap
from dataclasses import dataclass, field, replace
from typing import Callable

from devops_scan.model import Location
from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, both
from devops_scan_detectors.ci_groovy import Call, Group, Item, call_of, find_calls, flat_text, is_group, is_word, \
    parse, statements
from devops_scan_detectors.ci_jenkins_defs import (DECLARATIONS, configurations_matrix, declared_variable,
                                                   definitions, inputs_of, is_definition)
from devops_scan_detectors.ci_jenkins_steps import BUILTIN_STEPS, CONTROL, SHELL_STEPS, is_known
from devops_scan_detectors.ci_jenkins_when import MULTIBRANCH_EVENTS, TRIGGER_EVENTS, if_branches, trigger_events
from devops_scan_detectors.ci_parsekit import in_directory
from devops_scan_detectors.cimodel import MANUAL, Include, Step

NO_STAGE = "(no stage)"
_MAX_DEPTH = 40
# Wrappers whose only effect is on how their body runs: not worth a step of their own.
_PLAIN_WRAPPERS = frozenset({"script", "node", "dir", "ws", "timeout", "retry", "timestamps", "ansiColor", "stage",
                             "catchError", "warnError", "withEnv", "waitUntil", "lock", "milestone", "container",
                             "withCredentials", "sshagent", "configFileProvider", "wrap", "xvfb", "withBuildUser",
                             "podTemplate"})
# Objects whose methods are Groovy on values (`env.BUILD_TAG.replaceAll(...)`), never pipeline steps.
_GROOVY_OBJECTS = frozenset({"env", "params", "currentBuild", "scm", "this", "System", "Math", "String", "Integer",
                             "Jenkins", "JsonOutput", "manager", "binding", "it"})
# Calls that configure the job rather than run anything.
_CONFIGURATION = frozenset({"properties"})


@dataclass
class StageJob:
    """A stage being read; becomes a Job when it has steps."""

    id: str
    line: int
    name: str | None
    parent: StageJob | None = None
    condition: Narrowing = ANYTHING
    steps: list[tuple[Step, Narrowing]] = field(default_factory=list)
    manual: bool = False
    disabled: str | None = None
    matrix: dict[str, tuple[str, ...]] = field(default_factory=dict)
    image: str | None = None
    external: list[str] = field(default_factory=list)
    # The top-level stage it belongs to: top-level stages run one after the other.
    top: str | None = None
    # A declarative stage with `steps {}` (or a `post {}` block) is a job even when it runs nothing readable.
    runs: bool = False


@dataclass(frozen=True)
class Scope:
    """Where a statement is: its stage, the conditions around it, its directory and image."""

    stage: StageJob | None = None
    condition: Narrowing = ANYTHING
    directory: str | None = None
    image: str | None = None
    depth: int = 0
    # The file being read, when it is not the Jenkinsfile (the body of a function of a `load`ed file).
    file: str | None = None
    # The stage was opened by an old-style `stage 'Build'` (no closure): the next one is its sibling.
    open_stage: bool = False


class JenkinsfileReader:
    def __init__(self, path: str, read_other: Callable[[str], str | None]) -> None:
        self.path = path
        self.read_other = read_other
        self.problems: list[str] = []
        self.stages: list[StageJob] = []
        self.includes: list[Include] = []
        self.events: set[str] = set(MULTIBRANCH_EVENTS)
        self.trigger_line: int | None = None
        self.functions: dict[str, Group] = {}
        self.variables: set[str] = set()
        self.images: dict[str, str] = {}  # variable → image name, for `image.push()`
        self.loaded: dict[str, tuple[str, dict[str, Group]]] = {}  # variable → (file, its functions)
        self._inlining: set[str] = set()

    # --- stages and steps ----------------------------------------------------------------------------

    def new_stage(self, name: str, line: int, scope: Scope, top: str | None = None) -> StageJob:
        parent = scope.stage
        nested = parent is not None and parent.id != NO_STAGE
        stage = StageJob(f"{parent.id}/{name}" if nested else name,  # type: ignore[union-attr]
                         line, name, parent=parent if nested else None, condition=scope.condition,
                         image=scope.image, manual=bool(parent and parent.manual),
                         disabled=parent.disabled if parent else None, matrix=dict(parent.matrix) if parent else {})
        stage.top = parent.top if nested else (top or (None if name == NO_STAGE else name))  # type: ignore[union-attr]
        self.stages.append(stage)
        return stage

    def stage_of(self, scope: Scope, line: int) -> StageJob:
        if scope.stage is not None:
            return scope.stage
        existing = next((stage for stage in self.stages if stage.id == NO_STAGE), None)
        return existing or self.new_stage(NO_STAGE, line, Scope())

    def add_step(self, scope: Scope, step: Step, external: str | None = None) -> None:
        stage = self.stage_of(scope, step.location.line or 1)
        stage.steps.append((step, scope.condition))
        if external:
            stage.external.append(external)

    # --- statements ---------------------------------------------------------------------------------

    def block(self, group: Group, scope: Scope) -> None:
        if scope.depth > _MAX_DEPTH:
            self.problems.append(f"line {group.line}: nested too deep; not read further")
            return
        for statement in statements(group):
            if not is_definition(statement):
                scope = self.statement(statement, scope)

    def statement(self, items: list[Item], scope: Scope) -> Scope:
        """Read one statement; returns the scope for the statements after it (old-style `stage 'x'`)."""
        inner = replace(scope, depth=scope.depth + 1, open_stage=False)
        variable = declared_variable(items)
        if variable:
            self.variables.add(variable)
        call = call_of(items)
        if call is None:
            for item in items:
                if is_group(item, "{"):
                    self.block(item, inner)
            return scope
        if is_word(items[0], *DECLARATIONS) and not (call.target or call.args or call.closures):
            return scope  # `def notify`: a declaration, not a call
        if call.target:
            self._remember(call)
        if call.name in CONTROL or is_word(items[0], *CONTROL):
            branches = if_branches(items) if is_word(items[0], "if") else [(c, ANYTHING) for c in call.closures]
            for closure, condition in branches:
                self.block(closure, replace(inner, condition=both(scope.condition, condition)))
            return scope
        if call.name == "stage":
            return self._stage(call, scope, inner)
        if call.name == "parallel":
            for arg in call.args:
                for closure in (item for item in arg.items if is_group(item, "{")):
                    branch = self.new_stage(arg.name or "parallel", call.line, scope,
                                            top=f"parallel (line {call.line})")
                    self.block(closure, replace(inner, stage=branch))
            return scope
        self._step(call, scope, inner)
        return scope

    def _stage(self, call: Call, scope: Scope, inner: Scope) -> Scope:
        if scope.open_stage and scope.stage is not None:
            scope = replace(scope, stage=scope.stage.parent, open_stage=False)
        stage = self.new_stage(call.first_string("name") or "stage", call.line, scope)
        for closure in call.closures:
            self.block(closure, replace(inner, stage=stage))
        return scope if call.closures else replace(inner, stage=stage, depth=scope.depth, open_stage=True)

    def _step(self, call: Call, scope: Scope, inner: Scope) -> None:
        location = Location(scope.file or self.path, call.line)
        name = call.name
        loaded = self._loaded_function(name)
        if name in SHELL_STEPS:
            script = call.first_string("script")
            if script is None:
                value = call.named("script") or call.positional() or ()
                script = "${" + flat_text(value) + "}" if value else ""
            script = textwrap.dedent(script).strip()
            self.add_step(scope, Step(location, name=name, run=script, working_directory=in_directory(scope.directory)))
        elif name == "input":
            self.stage_of(scope, call.line).manual = True
            self.add_step(scope, Step(location, uses="input", inputs=inputs_of(call)))
        elif name in self.functions:
            self._inline(name, self.functions[name], inner)
        elif loaded is not None:
            self._inline(name, loaded[1], replace(inner, file=loaded[0]))
        elif name.endswith(".push") and name.rsplit(".", 1)[0] in self.images:
            image = self.images[name.rsplit(".", 1)[0]]
            self.add_step(scope, Step(location, name=name, uses="docker.push", inputs={"image": image,
                                                                                      **inputs_of(call)}))
        elif name in _CONFIGURATION:
            self._properties(call)
        elif not name[0].isupper():  # `new Date()`, `Jenkins.instance`: Groovy classes, not steps
            self._other_step(call, scope, inner, location)

    def _other_step(self, call: Call, scope: Scope, inner: Scope, location: Location) -> None:
        name = call.name
        bare = not (call.parenthesised or call.args or call.closures)
        # A bare name is a value (`env.CHANGE_ID`, `return`), unless it is a step Jenkins lets one write bare;
        # a method of a local variable (`axes.values()`, `options.add(x)`) is Groovy on data, not a step.
        root = name.split(".", 1)[0]
        value = (bare and name not in BUILTIN_STEPS) or root in self.variables or root in _GROOVY_OBJECTS
        if name not in _PLAIN_WRAPPERS and not value:
            known = is_known(name)
            external = None if known else f"shared library step {name}"
            self.add_step(scope, Step(location, uses=name, inputs=inputs_of(call)), external)
            if external:
                self.stage_of(scope, call.line).matrix.update(configurations_matrix(call))
        if name == "dir":
            sub = call.first_string("path")
            inner = replace(inner, directory=f"{scope.directory}/{sub}" if scope.directory and sub else sub)
        elif name in ("docker.image", "docker.build"):
            inner = replace(inner, image=call.first_string() or inner.image)
        elif name == "library" and call.first_string("identifier"):
            self.includes.append(Include("shared-library", call.first_string("identifier") or "", location))
        for closure in (*call.closures, *call.arg_closures()):
            self.block(closure, inner)

    # --- what the file declares ---------------------------------------------------------------------

    def _remember(self, call: Call) -> None:
        root = (call.target or "").split(".", 1)[0]
        if call.name in ("docker.build", "docker.image") and call.first_string():
            self.images[root] = call.first_string() or ""
        if call.name == "load":
            loaded = posixpath.normpath(call.first_string("path") or "..")
            text = None if loaded.startswith("..") or "$" in loaded else self.read_other(loaded)
            if text is not None:
                group, problems = parse(text)
                self.loaded[root] = (loaded, definitions(group))
                self.problems.extend(f"{loaded}: {problem}" for problem in problems)

    def _loaded_function(self, name: str) -> tuple[str, Group] | None:
        variable, _, method = name.partition(".")
        file, functions = self.loaded.get(variable, ("", {}))
        return (file, functions[method]) if method in functions else None

    def _inline(self, name: str, body: Group, scope: Scope) -> None:
        if name in self._inlining:
            return  # recursion: its steps are already being read
        self._inlining.add(name)
        try:
            self.block(body, scope)
        finally:
            self._inlining.discard(name)

    def triggers_block(self, group: Group) -> None:
        """Declarative `triggers { cron(...) upstream(...) }`."""
        self.trigger_line = group.line
        self.events |= trigger_events([call for call in map(call_of, statements(group)) if call is not None])

    def _properties(self, call: Call) -> None:
        """Scripted `properties([pipelineTriggers([cron('H 2 * * *')]), parameters([...])])`."""
        items = [item for arg in call.args for item in arg.items]
        found = find_calls(items, frozenset(TRIGGER_EVENTS))
        if found:
            self.trigger_line = call.line
            self.events |= trigger_events(found)
        if find_calls(items, frozenset({"parameters"})):
            self.events.add(MANUAL)
