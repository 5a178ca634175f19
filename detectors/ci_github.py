"""GitHub Actions workflows → the CI model (one Pipeline per `.github/workflows/*.yml`).

Jobs keep what a DevOps engineer reads in them: `if:` (a job that can never run is disabled, one
that runs only on some refs or events gets its own Triggers), environment, matrix, container,
permissions, and steps. A job that calls a local reusable workflow records the call and the called
workflow's jobs (ids `caller/job`), so what those run counts; a remote one is recorded as an include
and the job as running something defined outside the repository. Local composite actions are
followed (ci_github_steps). Broken structure becomes a problem note; the rest of the file is kept.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Mapping

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan.yamlsafe import key_line
from devops_scan_detectors.ci_github_on import On, can_run, job_condition, read_on
from devops_scan_detectors.ci_github_steps import (
    Reading, StepScope, input_strings, local_path, read_steps, substitute,
)
from devops_scan_detectors.cimodel import Include, Job, Pipeline, Step, Triggers, as_text

SYSTEM = "github-actions"
# How deep local reusable workflows are followed (GitHub itself allows a few levels of nesting).
MAX_CALL_DEPTH = 4


def parse_workflow(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    """One workflow file as a Pipeline; never raises on what the file contains."""
    reading = Reading(client, context)
    document = reading.load(path, "workflow")
    if document is None:
        return Pipeline(SYSTEM, path, Triggers(frozenset()), (), problems=tuple(reading.problems))
    on_key = "on" if "on" in document else True  # YAML 1.1 readers turn a bare `on` into true
    on = read_on(document.get(on_key), Location(path, key_line(document, on_key)), reading.problems,
                 client.info.default_branch)
    defaults = _working_directory(document)
    jobs = _jobs(reading, path, document, on, _Call(defaults=defaults))
    return Pipeline(SYSTEM, path, on.triggers, tuple(jobs), name=as_text(document.get("name")),
                    includes=tuple(sorted(set(reading.includes), key=_include_order)),
                    problems=tuple(reading.problems),
                    permissions=permissions(document["permissions"]) if "permissions" in document else None)


PARSERS = {SYSTEM: parse_workflow}


class _Call:
    """How a workflow's jobs are reached: directly, or through a calling job of another workflow."""

    def __init__(self, prefix: str = "", inputs: Mapping[str, str] | None = None, depth: int = 0,
                 followed: tuple[str, ...] = (), caller: Job | None = None, defaults: str | None = None) -> None:
        self.prefix = prefix
        self.inputs = dict(inputs or {})
        self.depth = depth
        self.followed = followed
        self.caller = caller
        self.defaults = defaults


def _include_order(include: Include) -> tuple[str, int, str]:
    return include.location.path, include.location.line or 0, include.ref


def permissions(value: Any) -> str | dict[str, str] | None:
    """`permissions:` as "read-all"/"write-all" or scope → level (an empty mapping grants nothing)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return {str(scope): as_text(level) or "" for scope, level in sorted(value.items(), key=lambda kv: str(kv[0]))}
    return None


def _working_directory(node: Any) -> str | None:
    defaults = node.get("defaults") if isinstance(node, dict) else None
    run = defaults.get("run") if isinstance(defaults, dict) else None
    return as_text(run.get("working-directory")) if isinstance(run, dict) else None


def _jobs(reading: Reading, path: str, document: dict[str, Any], on: On, call: _Call) -> list[Job]:
    jobs = document.get("jobs")
    if not isinstance(jobs, dict):
        reading.problem(f"{path} jobs" if call.prefix else "jobs", "not a mapping of jobs", key_line(document, "jobs"))
        return []
    found: list[Job] = []
    for job_id, body in jobs.items():
        where = f"{path} jobs.{job_id}" if call.prefix else f"jobs.{job_id}"
        if not isinstance(body, dict):
            reading.problem(where, "not a mapping", key_line(jobs, job_id))
            continue
        found.extend(_job(reading, path, str(job_id), body, on, call, Location(path, key_line(jobs, job_id))))
    return found


def _job(reading: Reading, path: str, job_id: str, body: dict[str, Any], on: On, call: _Call,
         location: Location) -> list[Job]:
    condition = job_condition(on, body.get("if"), Location(path, key_line(body, "if")), call.inputs) \
        if "if" in body else None
    triggers = condition.triggers if condition else None
    disabled = condition.disabled if condition else None
    if call.caller is not None:
        triggers = triggers or call.caller.triggers
        disabled = disabled or (f"called by {call.caller.id}, which never runs" if call.caller.disabled else None)
    # A called workflow's `${{ inputs.x }}` are what its caller passes.
    environment, environment_url, name = (None if text is None else substitute(text, call.inputs) for text in
                                          (*_environment(body.get("environment")), as_text(body.get("name"))))
    job = Job(
        id=call.prefix + job_id, location=location, name=name,
        environment=environment, environment_url=environment_url, disabled=disabled,
        # A called workflow's jobs start when their caller would: after the caller's own `needs`.
        needs=tuple(call.prefix + need for need in _names(body.get("needs")))
        + (call.caller.needs if call.caller is not None else ()),
        matrix=_matrix(body.get("strategy")), image=_image(body.get("container")), triggers=triggers,
        runner=_runner(body.get("runs-on"), call.inputs),
        permissions=permissions(body["permissions"]) if "permissions" in body else None,
    )
    if "uses" in body:
        return _call_job(reading, path, job_id, body, job, on, call)
    scope = StepScope(path, lambda value, inputs: can_run(on, value, inputs), call.inputs,
                      _working_directory(body) or call.defaults)
    steps = read_steps(reading, body.get("steps"), f"{path} jobs.{job_id}.steps" if call.prefix
                       else f"jobs.{job_id}.steps", scope)
    return [replace(job, steps=tuple(steps))]


def _call_job(reading: Reading, path: str, job_id: str, body: dict[str, Any], job: Job, on: On,
              call: _Call) -> list[Job]:
    """A job that calls a reusable workflow: the call as its one step, and the called workflow's jobs."""
    reference = as_text(body.get("uses")) or ""
    location = Location(path, key_line(body, "uses"))
    inputs = input_strings(body.get("with"), call.inputs)
    job = replace(job, steps=(Step(location, uses=reference, inputs=inputs),))
    if not reference.startswith("./"):
        reading.includes.append(Include("reusable-workflow", reference, location))
        return [replace(job, external=(reference,))]
    target = local_path(reference)
    if target is None or target not in reading.client.files:
        where = f"{path} jobs.{job_id}" if call.prefix else f"jobs.{job_id}"
        reading.problem(where, f"reusable workflow {reference} not found in the repository", location.line)
        reading.includes.append(Include("reusable-workflow", reference, location))
        return [job]
    reading.includes.append(Include("reusable-workflow", reference, location, resolved=target))
    if target in call.followed or target == path or call.depth >= MAX_CALL_DEPTH:
        return [job]  # a loop, or deeper than this reader follows
    called = reading.load(target, "reusable workflow")
    if called is None:
        return [job]
    inner = _Call(prefix=f"{job.id}/", inputs={**_input_defaults(called), **inputs}, depth=call.depth + 1,
                  followed=(*call.followed, path), caller=job, defaults=_working_directory(called))
    inner_jobs = _jobs(reading, target, called, on, inner)
    # The calling job finishes when the called workflow's jobs do: whoever needs it waits for them.
    job = replace(job, needs=job.needs + tuple(inner_job.id for inner_job in inner_jobs))
    return [job, *inner_jobs]


def _runner(value: Any, inputs: Mapping[str, str]) -> tuple[str, ...]:
    """`runs-on:` labels (a string, a list, or `{group, labels}`), with a caller's inputs substituted."""
    if isinstance(value, dict):
        value = value.get("labels", value.get("group"))
    labels = value if isinstance(value, list) else [value]
    return tuple(substitute(text, inputs) for item in labels if (text := as_text(item)))


def _input_defaults(workflow: dict[str, Any]) -> dict[str, str]:
    on = workflow.get("on", workflow.get(True))
    call = on.get("workflow_call") if isinstance(on, dict) else None
    specs = call.get("inputs") if isinstance(call, dict) else None
    if not isinstance(specs, dict):
        return {}
    return {str(name): text for name, spec in specs.items()
            if isinstance(spec, dict) and (text := as_text(spec.get("default"))) is not None}


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in (as_text(v) for v in value) if item is not None]
    return []


def _environment(value: Any) -> tuple[str | None, str | None]:
    if isinstance(value, dict):
        return as_text(value.get("name")), as_text(value.get("url"))
    return as_text(value), None


def _image(value: Any) -> str | None:
    return as_text(value.get("image")) if isinstance(value, dict) else as_text(value)


def _matrix(strategy: Any) -> dict[str, tuple[str, ...]]:
    """Matrix dimensions; a matrix of only `include:` entries counts with their values; a matrix
    computed at run time (`${{ fromJSON(...) }}`) is one dimension named "dynamic"."""
    matrix = strategy.get("matrix") if isinstance(strategy, dict) else None
    if isinstance(matrix, str):
        return {"dynamic": (matrix,)}
    if not isinstance(matrix, dict):
        return {}
    dimensions = {str(key): _values(value) for key, value in matrix.items() if key not in ("include", "exclude")}
    if not dimensions and isinstance(matrix.get("include"), list):
        for entry in matrix["include"]:
            for key, value in (entry.items() if isinstance(entry, dict) else ()):
                dimensions.setdefault(str(key), ())
                dimensions[str(key)] += tuple(v for v in _values([value]) if v not in dimensions[str(key)])
    return dict(sorted(dimensions.items()))


def _values(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(as_text(item) if as_text(item) is not None else json.dumps(item, sort_keys=True, default=str)
                 for item in items)
