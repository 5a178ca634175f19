"""The stages, jobs and steps of an Azure Pipelines file, with local templates read in place."""

from __future__ import annotations

import posixpath
import re
from typing import Any, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.ci import SYSTEMS
from devops_scan_detectors.ci_azure_conditions import azure_condition
from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, apply, both
from devops_scan_detectors.ci_parsekit import in_directory, inputs_of, line_of, loc, mapping, sequence, strings
from devops_scan_detectors.cimodel import EVENTS, Include, Job, Step, Triggers, as_text

SHELL_KEYS = ("script", "bash", "pwsh", "powershell")
_OTHER_STEP_KEYS = ("checkout", "download", "downloadBuild", "publish", "upload", "getPackage", "restoreCache",
                    "reviewApp")
_MAX_TEMPLATE_DEPTH = 8
_LIFECYCLE = ("preDeploy", "deploy", "routeTraffic", "postRouteTraffic")


def resolve_template(reference: str, including_file: str) -> str | None:
    """The repository path of a local template reference; None for `x.yml@repo` (another repository)."""
    if "@" in reference and not reference.endswith("@self"):
        return None
    reference = reference.removesuffix("@self")
    joined = reference.lstrip("/") if reference.startswith("/") else \
        posixpath.join(posixpath.dirname(including_file), reference)
    normal = posixpath.normpath(joined)
    return None if normal.startswith("..") else normal


def template_users(client: RepoClient, path: str) -> list[str]:
    """Other Azure pipeline files that use `path` as a template (by a `template:` line naming it)."""
    system = next(system for system in SYSTEMS if system.id == "azure-pipelines")
    candidates = sorted({other for pattern in system.paths for other in client.files.glob(pattern)} - {path})
    users = []
    for other in candidates:
        try:
            text = client.read_text(other).text
        except UnreadableFile:
            continue
        for match in re.finditer(r"template:\s*['\"]?([^'\"\s#]+)", text):
            if resolve_template(match.group(1), other) == path:
                users.append(other)
                break
    return users


def flattened(items: Any) -> Iterator[tuple[Any, Any, int]]:
    """(item, its list, index) of a list, stepping into `${{ if ... }}:` / `${{ each ... }}:` blocks
    (their conditions are template-time and not evaluated: the items may be there)."""
    for index, item in enumerate(sequence(items)):
        if isinstance(item, dict) and len(item) == 1 and str(next(iter(item))).startswith("${{"):
            yield from flattened(next(iter(item.values())))
        else:
            yield item, items, index


class AzureStructure:
    def __init__(self, client: RepoClient, context: ScanContext, path: str, variables: dict[str, str]) -> None:
        self.client = client
        self.context = context
        self.path = path
        self.variables = variables
        self.includes: list[Include] = []
        self.problems: list[str] = []
        # Stage → the stages it waits for (`dependsOn`, by default the stage before it).
        self.stage_needs: dict[str, tuple[str, ...]] = {}
        self._previous_stage: str | None = None

    def body(self, config: dict[Any, Any], file: str, depth: int = 0) -> list[Job]:
        if "stages" in config:
            return self.stages(config["stages"], file, depth)
        if "jobs" in config:
            return self.jobs(config["jobs"], file, None, ANYTHING, depth)
        if "steps" in config:
            return [self._job(config, file, line_of(config, "steps"), None, ANYTHING, depth, default_id="Job")]
        extends = mapping(config.get("extends"))
        if "template" in extends:
            template, external = self._template(extends, "template", file, depth)
            # The caller's parameters often carry the stages/jobs the template wraps.
            jobs = self.body(mapping(extends.get("parameters")), file, depth + 1)
            if template is not None:
                jobs += self.body(template, self._resolved(extends, file), depth + 1)
            return [*jobs, *([external] if external else [])]
        return []

    def stages(self, items: Any, file: str, depth: int) -> list[Job]:
        jobs: list[Job] = []
        for item, parent, index in flattened(items):
            stage = mapping(item)
            if "template" in stage:
                template, external = self._template(stage, "template", file, depth, parent, index)
                if template is not None:
                    jobs += self.stages(template.get("stages"), self._resolved(stage, file), depth + 1)
                jobs += [external] if external else []
                continue
            name = as_text(stage.get("stage")) or f"stage {index + 1}"
            default = (self._previous_stage,) if self._previous_stage else ()
            self.stage_needs[name] = strings(stage["dependsOn"]) if "dependsOn" in stage else default
            self._previous_stage = name
            condition = self._condition(stage)
            jobs += self.jobs(stage.get("jobs"), file, name, condition, depth)
        return jobs

    def jobs(self, items: Any, file: str, stage: str | None, condition: Narrowing, depth: int) -> list[Job]:
        jobs: list[Job] = []
        for item, parent, index in flattened(items):
            job = mapping(item)
            if "template" in job:
                template, external = self._template(job, "template", file, depth, parent, index, stage)
                if template is not None:
                    jobs += self.jobs(template.get("jobs"), self._resolved(job, file), stage, condition, depth + 1)
                jobs += [external] if external else []
            elif job:
                jobs.append(self._job(job, file, line_of(parent, index), stage, condition, depth))
        return jobs

    def _job(self, job: dict[Any, Any], file: str, line: int | None, stage: str | None, outer: Narrowing,
             depth: int, default_id: str = "job") -> Job:
        name = as_text(job.get("job")) or as_text(job.get("deployment")) or default_id
        job_id = f"{stage}/{name}" if stage else name
        condition = both(outer, self._condition(job))
        external: list[str] = []
        steps = self.steps(job.get("steps"), file, external, depth)
        for hook in _lifecycle(mapping(job.get("strategy"))):
            steps += self.steps(mapping(hook).get("steps"), file, external, depth)
        environment = job.get("environment")
        environment_name = as_text(mapping(environment).get("name")) if isinstance(environment, dict) \
            else as_text(environment)
        if environment_name and "." in environment_name:
            environment_name = environment_name.split(".", 1)[0]  # `env.resource`
        container = job.get("container")
        image = as_text(mapping(container).get("image")) if isinstance(container, dict) else as_text(container)
        matrix: dict[str, list[str]] = {}
        for entry in mapping(mapping(job.get("strategy")).get("matrix")).values():
            for variable, value in mapping(entry).items():
                if as_text(value) is not None and as_text(value) not in matrix.setdefault(str(variable), []):
                    matrix[str(variable)].append(as_text(value) or "")
        needs = tuple(f"{stage}/{need}" if stage else need for need in strings(job.get("dependsOn")))
        return Job(job_id, loc(file, line), name=as_text(job.get("displayName")) or name, steps=tuple(steps),
                   environment=environment_name, manual=any((step.uses or "").startswith("ManualValidation@")
                                                            for step in steps),
                   disabled=condition.never, needs=needs, stage=stage, image=image,
                   matrix={key: tuple(values) for key, values in matrix.items()},
                   triggers=None if condition == ANYTHING or condition.never else
                   apply(condition, Triggers(frozenset(EVENTS)), loc(file, line_of(job, "condition"))),
                   external=tuple(external))

    def steps(self, items: Any, file: str, external: list[str], depth: int, directory: str | None = None) -> list[Step]:
        steps: list[Step] = []
        for item, parent, index in flattened(items):
            step = mapping(item)
            location = loc(file, line_of(parent, index))
            if step.get("enabled") is False or self._condition(step).never:
                continue  # a step that never runs
            if "template" in step:
                template, stand_in = self._template(step, "template", file, depth, parent, index)
                if template is not None:
                    steps += self.steps(template.get("steps"), self._resolved(step, file), external, depth + 1)
                if stand_in is not None:
                    external.extend(stand_in.external)
                continue
            shell = next((key for key in SHELL_KEYS if key in step), None)
            name = as_text(step.get("displayName"))
            if shell is not None:
                where = as_text(step.get("workingDirectory"))
                steps.append(Step(location, name=name, run=as_text(step[shell]) or "", working_directory=in_directory(where)))
            elif "task" in step:
                steps.append(Step(location, name=name, uses=as_text(step["task"]),
                                  inputs=inputs_of(step.get("inputs"))))
            else:
                key = next((key for key in _OTHER_STEP_KEYS if key in step), None)
                if key is not None:
                    inputs = {k: v for k, v in inputs_of(step).items() if k not in ("displayName", "name")}
                    steps.append(Step(location, name=name, uses=key, inputs=inputs))
        return steps

    def _condition(self, node: dict[Any, Any]) -> Narrowing:
        if "condition" not in node:
            return ANYTHING
        return azure_condition(as_text(node["condition"]) or "", self.variables)

    def _resolved(self, node: dict[Any, Any], file: str) -> str:
        return resolve_template(as_text(node.get("template")) or "", file) or file

    def _template(self, node: dict[Any, Any], key: str, file: str, depth: int, parent: Any = None,
                  index: int = 0, stage: str | None = None) -> tuple[dict[Any, Any] | None, Job | None]:
        """(the local template's document, or a stand-in job for a template in another repository)."""
        reference = as_text(node.get(key)) or ""
        line = line_of(parent, index) if parent is not None else line_of(node, key)
        target = resolve_template(reference, file)
        if target is None:
            self.includes.append(Include("remote", reference, loc(file, line)))
            what = f"template {reference} (in another repository)"
            job_id = f"{stage}/{reference}" if stage else reference
            return None, Job(job_id, loc(file, line), name=reference, stage=stage, external=(what,))
        self.includes.append(Include("local", reference, loc(file, line), resolved=target))
        if depth >= _MAX_TEMPLATE_DEPTH:
            self.problems.append(f"{file}:{line}: templates nested deeper than {_MAX_TEMPLATE_DEPTH}; not followed")
            return None, None
        if target not in self.client.files:
            self.problems.append(f"{file}:{line}: template {reference} not found in the repository")
            return None, None
        try:
            documents = self.context.yaml(self.client, target).documents
        except (UnreadableFile, YamlProblem) as error:
            self.problems.append(f"{file}:{line}: template {reference} could not be read ({error})")
            return None, None
        return (documents[0] if documents and isinstance(documents[0], dict) else {}), None


def _lifecycle(strategy: dict[Any, Any]) -> Iterator[Any]:
    """The hooks of a deployment strategy (runOnce, rolling, canary) that hold steps."""
    for body in strategy.values():
        body = mapping(body)
        for hook in _LIFECYCLE:
            if hook in body:
                yield body[hook]
        yield from mapping(body.get("on")).values()
