"""Azure Pipelines YAML into the CI model, following local templates.

Triggers: `trigger:` (push; `none` turns it off; branch and tag filters), `pr:` (pull requests,
on by default), `schedules:` and pipeline-resource triggers. Structure: stages → jobs → steps, or
jobs alone, or steps alone (one job). `script`/`bash`/`pwsh`/`powershell` are shell text (with their
`workingDirectory`), `task: Name@N` a uses step with its inputs. `deployment:` jobs carry their
`environment:`; `strategy.matrix` is the matrix; `condition:` narrows or disables (`false`).
`template:` references to files of this repository are read in place (parameters are not
substituted); `template: x.yml@repo` lives in another repository: recorded as a remote Include and
as `external` on what it stands for. A `ManualValidation` task makes its job — and every job that
waits for it — manual. A file that another pipeline uses as a template is read there, not on its own.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_azure_structure import AzureStructure, template_users
from devops_scan_detectors.ci_parsekit import first_document, guarded, line_of, loc, mapping, only_except
from devops_scan_detectors.cimodel import CALL, PULL_REQUEST, PUSH, SCHEDULE, TAG, Job, Pipeline, Triggers, as_text


@guarded("azure-pipelines")
def parse_azure(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    users = template_users(client, path)
    if users and not any(key in config for key in ("trigger", "pr", "schedules", "extends")):
        return Pipeline("azure-pipelines", path, Triggers(frozenset()), (),
                        problems=(f"used as a template by {', '.join(users)}; read as part of it",))
    structure = AzureStructure(client, context, path, _variables(config))
    jobs = structure.body(config, path)
    triggers = pipeline_triggers(path, config)
    jobs = [job if job.triggers is None else replace(job, triggers=_within(job.triggers, triggers)) for job in jobs]
    pipeline = Pipeline("azure-pipelines", path, triggers, tuple(jobs), includes=tuple(structure.includes),
                        stages=tuple(dict.fromkeys(job.stage for job in jobs if job.stage)),
                        problems=tuple(structure.problems))
    return _manual_after_validation(pipeline, structure.stage_needs)


def pipeline_triggers(path: str, config: dict[Any, Any]) -> Triggers:
    events: set[str] = set()
    branches: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    trigger = config.get("trigger", "__absent__")
    if trigger == "__absent__" or trigger is True:
        events.add(PUSH)
    elif trigger not in ("none", None, False):
        events.add(PUSH)
        trigger_map = mapping(trigger)
        branches, ignore = only_except(trigger_map.get("branches") if isinstance(trigger, dict) else trigger)
        tags, _ = only_except(trigger_map.get("tags"))
        if tags:
            events.add(TAG)
        if isinstance(trigger, dict) and "branches" not in trigger and "tags" in trigger:
            events.discard(PUSH)  # only tags listed: branch pushes do not build
    if config.get("pr", "__absent__") not in ("none", None, False):
        events.add(PULL_REQUEST)
    if config.get("schedules"):
        events.add(SCHEDULE)
    resources = mapping(config.get("resources"))
    if any(isinstance(item, dict) and item.get("trigger") not in (None, "none", False)
           for item in resources.get("pipelines") or []):
        events.add(CALL)
    line = line_of(config, "trigger") or line_of(config, "pr")
    return Triggers(frozenset(events), branches, ignore, loc(path, line) if line else None)


def _within(job: Triggers, pipeline: Triggers) -> Triggers:
    """A job's condition can only narrow what the pipeline's triggers start."""
    branches = job.branches if job.branches is not None else pipeline.branches
    return Triggers(job.events & pipeline.events, branches,
                    tuple(sorted(set(job.branches_ignore) | set(pipeline.branches_ignore))), job.location)


def _variables(config: dict[Any, Any]) -> dict[str, str]:
    """Pipeline variables as text (a mapping, or a list of `{name, value}`), for reading conditions."""
    variables = config.get("variables")
    if isinstance(variables, dict):
        return {str(name): as_text(value) or "" for name, value in variables.items()}
    found = {}
    for item in variables if isinstance(variables, list) else []:
        if isinstance(item, dict) and "name" in item:
            found[str(item["name"])] = as_text(item.get("value")) or ""
    return found


def _manual_after_validation(pipeline: Pipeline, stage_needs: dict[str, tuple[str, ...]]) -> Pipeline:
    """Jobs that wait for a manual validation (through `dependsOn`, of jobs or of stages) wait for a person."""
    gates = [job for job in pipeline.jobs if job.manual]
    if not gates:
        return pipeline

    def stage_waits(stage: str | None, for_stage: str | None, seen: frozenset[str] = frozenset()) -> bool:
        needs = stage_needs.get(stage or "", ())
        return any(need == for_stage or (need not in seen and stage_waits(need, for_stage, seen | {need}))
                   for need in needs)

    def waits(job: Job, gate: Job) -> bool:
        if job.stage == gate.stage:
            return pipeline.runs_after(job, gate)
        return stage_waits(job.stage, gate.stage)

    jobs = tuple(replace(job, manual=True) if not job.manual and any(waits(job, gate) for gate in gates) else job
                 for job in pipeline.jobs)
    return replace(pipeline, jobs=jobs)


PARSERS = {"azure-pipelines": parse_azure}
