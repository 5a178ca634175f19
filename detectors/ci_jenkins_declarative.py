"""The sections of a declarative `pipeline { ... }`: agent, triggers, parameters, libraries, stages
(nested, `parallel` and `matrix`), `when`, `input`, `steps` and `post`.

Steps inside `steps {}` and `post {}` are read by the Jenkinsfile reader like scripted code (a
`script {}` block is scripted code); this module only walks the declarative structure around them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from devops_scan.model import Location
from devops_scan_detectors.ci_conditions import both
from devops_scan_detectors.ci_groovy import Call, Group, call_of, flat_text, statements, string_value
from devops_scan_detectors.ci_jenkins_when import when_condition
from devops_scan_detectors.cimodel import MANUAL, Include

if TYPE_CHECKING:
    from devops_scan_detectors.ci_jenkins_reader import JenkinsfileReader, Scope

# Blocks of `post {}`: all of them run some time (always, on failure...), so all their steps count.
POST_CONDITIONS = frozenset({"always", "success", "failure", "unstable", "changed", "fixed", "regression",
                             "aborted", "unsuccessful", "cleanup", "notBuilt"})


def calls(block: Group | None) -> list[Call]:
    if block is None:
        return []
    return [call for call in (call_of(statement) for statement in statements(block)) if call is not None]


def _body(call: Call | None) -> Group | None:
    return call.closures[0] if call is not None and call.closures else None


def read_declarative(reader: JenkinsfileReader, block: Group, scope: Scope) -> None:
    sections = calls(block)
    for call in sections:
        if call.name == "agent":
            scope = replace(scope, image=agent_image(call) or scope.image)
    for call in sections:
        body = _body(call)
        if call.name == "triggers" and body is not None:
            reader.triggers_block(body)
        elif call.name == "parameters":
            reader.events.add(MANUAL)
        elif call.name == "libraries":
            for library in calls(body):
                ref = library.first_string()
                if library.name == "lib" and ref:
                    reader.includes.append(Include("shared-library", ref, Location(reader.path, library.line)))
        elif call.name == "stages":
            read_stages(reader, body, scope)
        elif call.name == "post" and body is not None:
            stage = reader.new_stage("post", call.line, scope)
            stage.runs = True
            read_post(reader, body, replace(scope, stage=stage))


def read_stages(reader: JenkinsfileReader, block: Group | None, scope: Scope) -> None:
    for call in calls(block):
        if call.name == "stage":
            read_stage(reader, call, scope)


def read_stage(reader: JenkinsfileReader, call: Call, scope: Scope) -> None:
    if scope.depth > 30:
        reader.problems.append(f"line {call.line}: stages nested too deep; not read further")
        return
    sections: dict[str, Call] = {}
    for section in calls(_body(call)):
        sections.setdefault(section.name, section)
    condition = scope.condition
    when = _body(sections.get("when"))
    if when is not None:
        condition = both(condition, when_condition(when))
    image = agent_image(sections["agent"]) if "agent" in sections else None
    outer = replace(scope, condition=condition, image=image or scope.image)
    stage = reader.new_stage(call.first_string("name") or "stage", call.line, outer)
    if condition.never and not stage.disabled:
        stage.disabled = f"`when` at line {sections['when'].line}: {condition.never}"
    if "input" in sections:
        stage.manual = True
    inner = replace(outer, stage=stage, depth=scope.depth + 1)
    matrix = _body(sections.get("matrix"))
    if matrix is not None:
        _read_matrix(reader, matrix, inner)
    steps = _body(sections.get("steps"))
    if steps is not None:
        stage.runs = True
        reader.block(steps, inner)
    read_stages(reader, _body(sections.get("stages")), inner)
    read_stages(reader, _body(sections.get("parallel")), inner)
    post = _body(sections.get("post"))
    if post is not None:
        read_post(reader, post, inner)


def _read_matrix(reader: JenkinsfileReader, block: Group, scope: Scope) -> None:
    stage = scope.stage
    assert stage is not None
    sections = {call.name: call for call in calls(block)}
    for axis in calls(_body(sections.get("axes"))):
        if axis.name != "axis":
            continue
        fields = {field.name: field for field in calls(_body(axis))}
        name = fields["name"].first_string() if "name" in fields else None
        values = tuple(value for value in (string_value(arg.items) or flat_text(arg.items)
                                           for arg in (fields["values"].args if "values" in fields else ()))
                       if value)
        if name and values:
            stage.matrix[name] = values
    when = _body(sections.get("when"))
    if when is not None:
        scope = replace(scope, condition=both(scope.condition, when_condition(when)))
    read_stages(reader, _body(sections.get("stages")), scope)
    post = _body(sections.get("post"))
    if post is not None:
        read_post(reader, post, scope)


def read_post(reader: JenkinsfileReader, block: Group, scope: Scope) -> None:
    for call in calls(block):
        body = _body(call)
        if call.name in POST_CONDITIONS and body is not None:
            reader.block(body, scope)


def agent_image(call: Call) -> str | None:
    """`agent { docker { image 'x' } }`, `agent { docker 'x' }`: the image the stage runs in."""
    for inner in calls(_body(call)):
        if inner.name != "docker":
            continue
        image = inner.first_string("image")
        if image:
            return image
        for field in calls(_body(inner)):
            if field.name == "image":
                return field.first_string()
    return None

