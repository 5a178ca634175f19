"""Bitbucket Pipelines `bitbucket-pipelines.yml` into the CI model.

Each step of each pipeline is a Job (`branches/main/Build`): `default` runs on pushes to branches no
`branches:` pattern names, `branches:` on pushes to matching branches, `pull-requests:` on pull
requests, `tags:` on tags, `custom:` only when a person (or a schedule set up in Bitbucket) starts it.
Script lines are shell text, `pipe:` entries uses steps with their variables. Steps run in order:
each waits for the one before (parallel steps for the group before), and a `trigger: manual` step
— with every step after it — waits for a person. `deployment:` names the environment.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_parsekit import first_document, guarded, inputs_of, line_of, loc, mapping, sequence
from devops_scan_detectors.cimodel import MANUAL, PULL_REQUEST, PUSH, TAG, Job, Pipeline, Step, Triggers, as_text

_SECTIONS = {"branches": PUSH, "pull-requests": PULL_REQUEST, "tags": TAG, "custom": MANUAL}


@guarded("bitbucket-pipelines")
def parse_bitbucket(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    return BitbucketConfig(path, config).pipeline()


class BitbucketConfig:
    def __init__(self, path: str, config: dict[Any, Any]) -> None:
        self.path = path
        self.config = config
        image = config.get("image")
        self.image = as_text(mapping(image).get("name")) if isinstance(image, dict) else as_text(image)

    def pipeline(self) -> Pipeline:
        pipelines = mapping(self.config.get("pipelines"))
        jobs: list[Job] = []
        branch_patterns = tuple(str(pattern) for pattern in mapping(pipelines.get("branches")))
        if "default" in pipelines:
            triggers = Triggers(frozenset({PUSH}), None, branch_patterns, loc(self.path, line_of(pipelines, "default")))
            jobs += self._items(pipelines["default"], "default", triggers)
        for section, event in _SECTIONS.items():
            for pattern, items in mapping(pipelines.get(section)).items():
                where = mapping(pipelines.get(section))
                location = loc(self.path, line_of(where, pattern))
                branches = (str(pattern),) if event == PUSH else None
                jobs += self._items(items, f"{section}/{pattern}", Triggers(frozenset({event}), branches,
                                                                            location=location))
        events = frozenset(event for job in jobs for event in (job.triggers.events if job.triggers else ()))
        return Pipeline("bitbucket-pipelines", self.path, Triggers(events, location=loc(self.path, line_of(
            self.config, "pipelines"))), tuple(jobs))

    def _items(self, items: Any, where: str, triggers: Triggers) -> list[Job]:
        jobs: list[Job] = []
        previous: tuple[str, ...] = ()
        waiting = False  # after a manual step, every later step waits for a person too
        for index, item in enumerate(sequence(items)):
            item = mapping(item)
            for parallel, group in self._groups(item, line_of(items, index)):
                ids = []
                for step, line in group:
                    waiting = waiting or step.get("trigger") == "manual"
                    job = self._job(step, line, where, len(jobs) + 1, previous, triggers, waiting)
                    while any(job.id == other.id for other in jobs):
                        job = replace(job, id=job.id + "'")
                    jobs.append(job)
                    ids.append(job.id)
                    if not parallel:
                        previous = (job.id,)
                if parallel and ids:
                    previous = tuple(ids)
        return jobs

    @staticmethod
    def _groups(item: dict[Any, Any], line: int | None) -> list[tuple[bool, list[tuple[dict[Any, Any], int | None]]]]:
        """(parallel?, [(step, line)]) groups of one pipeline item: a step, a parallel group or a stage."""
        if "step" in item:
            return [(False, [(mapping(item["step"]), line)])]
        if "parallel" in item:
            parallel = item["parallel"]
            entries = sequence(mapping(parallel).get("steps")) if isinstance(parallel, dict) else sequence(parallel)
            return [(True, [(mapping(mapping(entry).get("step")), line_of(entries, number))
                            for number, entry in enumerate(entries)])]
        if "stage" in item:
            stage = mapping(item["stage"])
            entries = sequence(stage.get("steps"))
            environment = as_text(stage.get("deployment"))
            extra = {"deployment": environment} if environment else {}
            return [(False, [({**mapping(mapping(entry).get("step")), **extra}, line_of(entries, number))
                             for number, entry in enumerate(entries)])]
        return []

    def _job(self, step: dict[Any, Any], line: int | None, where: str, number: int, needs: tuple[str, ...],
             triggers: Triggers, manual: bool) -> Job:
        name = as_text(step.get("name")) or f"step {number}"
        steps: list[Step] = []
        for key in ("script", "after-script"):
            script = step.get(key)
            for index, entry in enumerate(sequence(script)):
                location = loc(self.path, line_of(script, index))
                if isinstance(entry, dict) and "pipe" in entry:
                    steps.append(Step(location, name=key, uses=as_text(entry["pipe"]),
                                      inputs=inputs_of(entry.get("variables"))))
                elif as_text(entry):
                    steps.append(Step(location, name=key, run=as_text(entry)))
        image = step.get("image")
        return Job(f"{where}/{name}", loc(self.path, line), name=name, steps=tuple(steps),
                   environment=as_text(step.get("deployment")), manual=manual, needs=needs,
                   image=(as_text(mapping(image).get("name")) if isinstance(image, dict) else as_text(image))
                   or self.image, triggers=triggers)


PARSERS = {"bitbucket-pipelines": parse_bitbucket}
