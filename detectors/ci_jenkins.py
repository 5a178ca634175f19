"""Jenkinsfiles, declarative and scripted, into the CI model — read, never evaluated.

Each stage that does something becomes a Job whose id is its stage path (`Build/Unit`) and whose
`stage` is its top-level stage (top-level stages run in order, the pipeline's `post` last). `sh`,
`bat` and `powershell` text becomes `run=` steps (inside `dir('x')` as `cd x` + the script), other
steps `uses=` steps with their arguments as inputs (`junit`, `archiveArtifacts`, `docker.build`,
`docker.push` for `image.push()` on an image built in the file). Functions defined in the
Jenkinsfile, and in files it `load`s, are followed. A step that is neither a Jenkins or common plugin
step nor defined in the repository comes from a shared library (`buildPlugin(...)`): the job records
it as `external` and each `@Library` is an Include — the scanner says it cannot see what such a step
does rather than guessing.

Triggers: a Jenkinsfile is read by a multibranch job, which builds every branch and pull request —
assumed, since the job's own configuration lives in Jenkins — plus what `triggers {}` adds; tags
when a stage is written for tag builds (`buildingTag()`); "manual" when the job takes `parameters`.
`when {}` and scripted `if (env.BRANCH_NAME == 'main')` narrow a stage, `input` makes it manual,
`when { expression { false } }` or `if (false)` disables it. Jenkins has no environment keyword:
a deploy stage's environment is read from its name (`Deploy to staging`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.ci_conditions import ANYTHING, apply
from devops_scan_detectors.ci_groovy import call_of, parse, statements
from devops_scan_detectors.ci_jenkins_declarative import read_declarative
from devops_scan_detectors.ci_jenkins_defs import definitions, is_definition, library_includes
from devops_scan_detectors.ci_jenkins_reader import JenkinsfileReader, Scope, StageJob
from devops_scan_detectors.ci_parsekit import Parser, environment_in_name, guarded
from devops_scan_detectors.cimodel import TAG, Job, Pipeline, Triggers



@guarded("jenkins")
def parse_jenkinsfile(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    """The Pipeline of one Jenkinsfile (files it `load`s are read through the client)."""
    text = client.read_text(path).text

    def read_other(other: str) -> str | None:
        return client.read_text(other).text if other in client.files else None

    return read_jenkinsfile(path, text, read_other)


PARSERS: dict[str, Parser] = {"jenkins": parse_jenkinsfile}


def read_jenkinsfile(path: str, text: str, read_other: Callable[[str], str | None] = lambda _path: None) -> Pipeline:
    """The Pipeline of a Jenkinsfile's text; `read_other` gives the text of a `load`ed file (or None)."""
    reader = JenkinsfileReader(path, _tolerant(read_other))
    root, problems = parse(text)
    reader.problems.extend(problems)
    reader.functions.update(definitions(root))
    scope = Scope()
    for statement in statements(root):
        includes = library_includes(statement, path)
        call = call_of(statement)
        if includes:
            reader.includes.extend(includes)
        elif call is not None and call.name == "pipeline" and call.closures:
            read_declarative(reader, call.closures[0], replace(scope, stage=None, open_stage=False))
        elif not is_definition(statement):
            scope = reader.statement(statement, scope)
    return _pipeline(reader)


def _tolerant(read_other: Callable[[str], str | None]) -> Callable[[str], str | None]:
    def read(path: str) -> str | None:
        try:
            return read_other(path)
        except Exception:  # an unreadable loaded file costs its functions, not the Jenkinsfile
            return None

    return read


def _pipeline(reader: JenkinsfileReader) -> Pipeline:
    # A stage written for tag builds (`when { buildingTag() }`) says the job discovers and builds tags.
    conditions = [stage.condition for stage in reader.stages]
    conditions += [condition for stage in reader.stages for _, condition in stage.steps]
    if any(TAG in (condition.events or ()) for condition in conditions):
        reader.events.add(TAG)
    location = Location(reader.path, reader.trigger_line) if reader.trigger_line else None
    triggers = Triggers(frozenset(reader.events), location=location)
    jobs: list[Job] = []
    seen: dict[str, int] = {}
    for stage in reader.stages:
        if stage.runs or stage.steps or stage.external:
            seen[stage.id] = seen.get(stage.id, 0) + 1
            job_id = stage.id if seen[stage.id] == 1 else f"{stage.id} ({seen[stage.id]})"
            jobs.append(_job(reader.path, stage, job_id, triggers))
    # Top-level stages run in order; the pipeline's `post` runs after all of them.
    order = [job.stage for job in jobs if job.stage and job.stage != "post"]
    order += ["post"] if any(job.stage == "post" for job in jobs) else []
    return Pipeline("jenkins", reader.path, triggers, tuple(jobs), includes=tuple(reader.includes),
                    stages=tuple(dict.fromkeys(order)), problems=tuple(reader.problems))


def _job(path: str, stage: StageJob, job_id: str, triggers: Triggers) -> Job:
    conditions = {condition for _, condition in stage.steps}
    # When every step sits inside one `if (...)`, that condition is the stage's.
    condition = conditions.pop() if len(conditions) == 1 else stage.condition
    disabled = stage.disabled or condition.never
    job_triggers = None if condition == ANYTHING or condition.never else apply(condition, triggers)
    return Job(job_id, Location(path, stage.line), name=stage.name, steps=tuple(step for step, _ in stage.steps),
               environment=environment_in_name(stage.id), manual=stage.manual, disabled=disabled, stage=stage.top,
               matrix=dict(stage.matrix), image=stage.image, triggers=job_triggers,
               external=tuple(dict.fromkeys(stage.external)))
