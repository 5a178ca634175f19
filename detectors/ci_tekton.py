"""Tekton resources (Pipeline, PipelineRun, Task, TaskRun) into the CI model.

Each task of a pipeline (and of its `finally:`) is a Job: the steps of its inline `taskSpec`, or of
the Task it references when that Task is defined in the repository's Tekton files; a task this
repository does not define (`git-clone`, `buildah`, `kaniko` from the Tekton catalog, a resolver
reference) is a uses step named by the task, with its params as inputs. A step runs `script`, or
`command` + `args`. `runAfter` gives needs, `matrix.params` the matrix, and a `when` expression on
literal values that can never hold disables the task; a step that is a StepAction (`ref:`) is a uses
step. A file holding only Tasks that another Tekton file's pipeline uses is read there.

What starts a PipelineRun: Pipelines-as-Code annotations (ci_tekton_pac), which also name the
pipelines and tasks PaC fetches (repository files are read; URLs are remote includes, and a remote
pipeline is an `external` job). Without them — a bare Pipeline or Task, or a run started by Tekton
Triggers in the cluster — the file cannot say; the triggers are `other` and a problem note says so.
"""

from __future__ import annotations

from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.ci import SYSTEMS
from devops_scan_detectors.ci_parsekit import (environment_in_name, guarded, inputs_of, line_of, loc, mapping,
                                               sequence, shell_join, strings)
from devops_scan_detectors.ci_tekton_pac import fetched, is_remote, pac_triggers
from devops_scan_detectors.cimodel import OTHER, Include, Job, Pipeline, Step, Triggers, as_text

NOT_IN_FILE = "what starts it is set up in the cluster (Tekton Triggers or a person with tkn), not in this file"


@guarded("tekton")
def parse_tekton(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    documents = [mapping(doc) for doc in context.yaml(client, path).documents]
    users = _task_users(client, context, path, documents)
    if users:
        return Pipeline("tekton", path, Triggers(frozenset()), (),
                        problems=(f"its Task is used by {', '.join(users)}; read as part of it",))
    tasks = _tasks_in_repository(client, context, path, documents)
    pipelines = {as_text(mapping(doc.get("metadata")).get("name")): doc for doc in documents
                 if doc.get("kind") == "Pipeline"}
    jobs: list[Job] = []
    triggers: Triggers | None = None
    problems: list[str] = []
    includes: list[Include] = []
    for doc in documents:
        kind, spec = doc.get("kind"), mapping(doc.get("spec"))
        name = as_text(mapping(doc.get("metadata")).get("name")) or kind or "tekton"
        if kind == "PipelineRun":
            triggers = pac_triggers(path, doc) or triggers
            remote = _fetched(client, context, path, doc, tasks, includes)
            pipeline_spec = mapping(spec.get("pipelineSpec")) or mapping(
                pipelines.get(as_text(mapping(spec.get("pipelineRef")).get("name")), {}).get("spec"))
            if not pipeline_spec and remote:
                what = f"pipeline {remote[0]} (fetched by Pipelines-as-Code)"
                jobs.append(Job(name, loc(path, line_of(spec, "pipelineRef")), name=name, external=(what,)))
            elif not pipeline_spec and "pipelineRef" in spec:
                problems.append(f"line {line_of(spec, 'pipelineRef')}: the pipeline it runs is not in this file")
            jobs += _pipeline_jobs(path, name, pipeline_spec, tasks)
        elif kind == "Pipeline" and not any(mapping(d.get("spec")).get("pipelineRef", {}) == {"name": name}
                                            for d in documents if d.get("kind") == "PipelineRun"):
            jobs += _pipeline_jobs(path, name, spec, tasks)
        elif kind in ("Task", "TaskRun") and not pipelines and not any(d.get("kind") == "PipelineRun"
                                                                       for d in documents):
            task_spec = spec if kind == "Task" else mapping(spec.get("taskSpec"))
            jobs.append(Job(name, loc(path, line_of(doc, "spec")), name=name,
                            steps=tuple(_steps(path, task_spec))))
    if triggers is None:
        triggers = Triggers(frozenset({OTHER}))
        problems.append(NOT_IN_FILE)
    return Pipeline("tekton", path, triggers, tuple(jobs), includes=tuple(includes), problems=tuple(problems))


def _fetched(client: RepoClient, context: ScanContext, path: str, run: dict[Any, Any],
             tasks: dict[str, tuple[str, Any]], includes: list[Include]) -> list[str]:
    """Record what Pipelines-as-Code fetches for the run; read the Tasks of fetched repository files.
    Returns the remote pipelines (URLs) it runs."""
    location = loc(path, line_of(mapping(run.get("metadata")), "annotations"))
    remote_pipelines = []
    for kind, reference in fetched(run):
        if is_remote(reference):
            includes.append(Include("remote", reference, location))
            remote_pipelines += [reference] if kind == "pipeline" else []
            continue
        includes.append(Include("local", reference, location, resolved=reference))
        try:
            documents = context.yaml(client, reference).documents if reference in client.files else ()
        except (UnreadableFile, YamlProblem):
            continue
        for doc in map(mapping, documents):
            task_name = as_text(mapping(doc.get("metadata")).get("name"))
            if doc.get("kind") == "Task" and task_name:
                tasks.setdefault(task_name, (reference, doc.get("spec")))
    return remote_pipelines


def _pipeline_jobs(path: str, pipeline: str, spec: dict[Any, Any], tasks: dict[str, tuple[str, Any]]) -> list[Job]:
    jobs: list[Job] = []
    for section in ("tasks", "finally"):
        listed = sequence(spec.get(section))
        for index, task in enumerate(listed):
            task = mapping(task)
            name = as_text(task.get("name")) or f"task {index + 1}"
            location = loc(path, line_of(listed, index))
            reference = mapping(task.get("taskRef"))
            if "taskSpec" in task:
                steps = _steps(path, mapping(task["taskSpec"]))
            elif as_text(reference.get("name")) in tasks and "resolver" not in reference:
                task_path, task_spec = tasks[as_text(reference.get("name")) or ""]
                steps = _steps(task_path, mapping(task_spec))
            else:
                steps = [Step(location, name=name, uses=_reference_name(reference) or name,
                              inputs=_params(task.get("params")))]
            matrix = {as_text(mapping(p).get("name")) or "": strings(mapping(p).get("value"))
                      for p in sequence(mapping(task.get("matrix")).get("params"))}
            jobs.append(Job(f"{pipeline}/{name}", location, name=name, steps=tuple(steps),
                            environment=environment_in_name(name),
                            needs=tuple(f"{pipeline}/{need}" for need in strings(task.get("runAfter"))),
                            matrix={key: values for key, values in matrix.items() if key and values},
                            disabled=_never(task.get("when"))))
    return jobs


def _reference_name(reference: dict[Any, Any]) -> str | None:
    if "name" in reference:
        return as_text(reference["name"])
    for param in sequence(reference.get("params")):  # resolver: hub / bundles / git / http
        if mapping(param).get("name") in ("name", "pathInRepo", "url"):
            return as_text(mapping(param).get("value"))
    return None


def _params(params: Any) -> dict[str, str]:
    return inputs_of({mapping(p).get("name"): mapping(p).get("value") for p in sequence(params)
                      if isinstance(mapping(p).get("name"), str)})


def _steps(path: str, task_spec: dict[Any, Any]) -> list[Step]:
    steps: list[Step] = []
    listed = sequence(task_spec.get("steps"))
    for index, step in enumerate(listed):
        step = mapping(step)
        name = as_text(step.get("name"))
        script = as_text(step.get("script"))
        if script is None and ("command" in step or "args" in step):
            script = shell_join([*strings(step.get("command")), *strings(step.get("args"))])
        location = loc(path, line_of(listed, index))
        if script:
            steps.append(Step(location, name=name, run=script))
        elif "ref" in step:  # a StepAction, by name or fetched by a resolver
            reference = mapping(step["ref"])
            steps.append(Step(location, name=name, uses=_reference_name(reference) or name,
                              inputs=_params(step.get("params"))))
        elif step.get("image"):
            steps.append(Step(location, name=name, uses=as_text(step["image"])))
    return steps


def _never(when: Any) -> str | None:
    """A `when` expression comparing literals that never match (`input: "false"`, `values: ["true"]`)."""
    for expression in sequence(when):
        expression = mapping(expression)
        value, operator = as_text(expression.get("input")), as_text(expression.get("operator"))
        values = strings(expression.get("values"))
        if value is None or "$(" in value or operator not in ("in", "notin"):
            continue
        if (operator == "in") != (value in values):
            return f"`when` compares literals that never match: {value} {operator} {list(values)}"
    return None


def _tekton_files(client: RepoClient, path: str) -> list[str]:
    system = next(system for system in SYSTEMS if system.id == "tekton")
    return sorted({other for pattern in system.paths for other in client.files.glob(pattern)} - {path})


def _task_users(client: RepoClient, context: ScanContext, path: str, documents: list[dict[Any, Any]]) -> list[str]:
    """Other Tekton files whose pipelines reference the Tasks this file (holding only Tasks) defines."""
    if not documents or any(doc.get("kind") != "Task" for doc in documents):
        return []
    names = {as_text(mapping(doc.get("metadata")).get("name")) for doc in documents}
    users = []
    for other in _tekton_files(client, path):
        try:
            text = client.read_text(other).text
        except UnreadableFile:
            continue
        if any(f"name: {name}" in text for name in names if name) and "taskRef" in text:
            users.append(other)
    return users


def _tasks_in_repository(client: RepoClient, context: ScanContext, path: str,
                         documents: list[dict[Any, Any]]) -> dict[str, tuple[str, Any]]:
    """Task name → (file, spec) for every Task defined in this file or the repository's Tekton files."""
    found: dict[str, tuple[str, Any]] = {}
    for other in [path, *_tekton_files(client, path)]:
        try:
            docs = documents if other == path else [mapping(d) for d in context.yaml(client, other).documents]
        except (UnreadableFile, YamlProblem):
            continue
        for doc in docs:
            name = as_text(mapping(doc.get("metadata")).get("name"))
            if doc.get("kind") == "Task" and name and name not in found:
                found[name] = (other, doc.get("spec"))
    return found


PARSERS = {"tekton": parse_tekton}
