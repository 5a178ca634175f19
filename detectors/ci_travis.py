"""Travis CI `.travis.yml` into the CI model.

The build matrix (language versions × `env.jobs` × `os`) is one Job "test" running the top-level
phases; each `jobs.include` entry is a Job of its stage (stages are sticky: an entry without `stage:`
is in the previous entry's stage), inheriting the top-level phases it does not override. A job's
phases become steps in the order Travis runs them; a language's default script (`npm test` for
node_js, `bundle exec rake` for ruby...) counts when `script:` is absent. `deploy:` runs only where
its `on:` allows — the master branch by default, tags with `tags: true`, never pull requests — so it
becomes a Job of its own (`<job>/deploy`) with those triggers and the `travis-deploy:<provider>`
step. `if:` conditions (build, stage and job) and `branches: only/except` narrow triggers.
"""

from __future__ import annotations

from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_conditions import ANYTHING, Narrowing, apply, both, read_condition
from devops_scan_detectors.ci_parsekit import (command_steps, first_document, guarded, inputs_of, line_of, loc,
                                               mapping, only_except, overlay, sequence, strings)
from devops_scan_detectors.ci_travis_rules import DEFAULT_SCRIPTS, VERSION_KEYS, travis_atom
from devops_scan_detectors.cimodel import (MANUAL, PULL_REQUEST, PUSH, SCHEDULE, TAG, Include, Job, Pipeline,
                                           Step, Triggers, as_text)

PHASES = ("before_install", "install", "before_script", "script", "after_success", "after_failure", "after_script")
DEPLOY_PHASES = ("before_deploy", "deploy", "after_deploy")
# Pushes, pull requests, tags, cron jobs and API/UI-requested builds all build unless filtered.
_EVENTS = frozenset({PUSH, PULL_REQUEST, TAG, SCHEDULE, MANUAL})


@guarded("travis-ci")
def parse_travis(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    return TravisConfig(path, config, frozenset(client.files.in_folder(""))).pipeline()


class TravisConfig:
    def __init__(self, path: str, config: dict[Any, Any], root_files: frozenset[str]) -> None:
        self.path = path
        self.config = config
        self.root_files = root_files

    def pipeline(self) -> Pipeline:
        config = self.config
        branches, ignore = only_except(config.get("branches"))
        build = Narrowing(branches=branches, branches_ignore=ignore)
        if "if" in config:
            build = both(build, read_condition(as_text(config["if"]) or "", travis_atom))
        triggers = apply(build, Triggers(_EVENTS), loc(self.path, line_of(config, "branches")
                                                        or line_of(config, "if")))
        jobs_section = config.get("jobs", config.get("matrix"))
        include = sequence(mapping(jobs_section).get("include")) if isinstance(jobs_section, dict) \
            else sequence(jobs_section)
        stages = self._stages()
        jobs: list[Job] = []
        # The top-level versions make the base job(s), besides any included ones.
        if not include or self._matrix() or any(key in config for key in VERSION_KEYS):
            jobs.extend(self._job("test", config, None, "test", ANYTHING, triggers, self._matrix()))
        stage = "test"
        for index, entry in enumerate(include):
            entry = mapping(entry)
            stage = as_text(entry.get("stage")) or stage
            name = as_text(entry.get("name")) or f"{stage} #{index + 1}"
            merged = overlay(config, entry, (*PHASES, *DEPLOY_PHASES, "language", *VERSION_KEYS))
            condition = stages.get(stage.lower(), ANYTHING)
            if "if" in entry:
                condition = both(condition, read_condition(as_text(entry["if"]) or "", travis_atom))
            jobs.extend(self._job(name, merged, line_of(include, index), stage, condition, triggers, {}))
        order = tuple(dict.fromkeys([*(name for name in stages), *(job.stage or "" for job in jobs)]))
        includes = self._imports()
        return Pipeline("travis-ci", self.path, triggers, tuple(jobs), includes=includes,
                        stages=tuple(stage for stage in order if stage))

    def _imports(self) -> tuple[Include, ...]:
        """`import:` of shared config: `owner/repo:file@ref` from another repository, or a local file."""
        imports = sequence(self.config.get("import"))
        includes = []
        for index, item in enumerate(imports):
            ref = as_text(mapping(item).get("source")) if isinstance(item, dict) else as_text(item)
            if ref:
                kind = "remote" if ":" in ref else "local"
                includes.append(Include(kind, ref, loc(self.path, line_of(imports, index))))
        return tuple(includes)

    def _stages(self) -> dict[str, Narrowing]:
        """Stage name (lower-case, as Travis compares them) → its `if:` condition."""
        stages: dict[str, Narrowing] = {}
        for item in sequence(self.config.get("stages")):
            if isinstance(item, dict):
                name = as_text(item.get("name")) or ""
                condition = read_condition(as_text(item.get("if")) or "", travis_atom) if "if" in item else ANYTHING
                stages[name.lower()] = condition
            elif as_text(item):
                stages[(as_text(item) or "").lower()] = ANYTHING
        return stages

    def _matrix(self) -> dict[str, tuple[str, ...]]:
        matrix = {key: strings(self.config[key]) for key in VERSION_KEYS
                  if key in self.config and len(strings(self.config[key])) > 1}
        env = self.config.get("env")
        env_jobs = sequence(mapping(env).get("jobs", mapping(env).get("matrix"))) if isinstance(env, dict) \
            else sequence(env)
        if len(env_jobs) > 1:
            matrix["env"] = strings(env_jobs)
        if len(strings(self.config.get("os"))) > 1:
            matrix["os"] = strings(self.config.get("os"))
        return matrix

    def _job(self, name: str, body: dict[Any, Any], line: int | None, stage: str, condition: Narrowing,
             triggers: Triggers, matrix: dict[str, tuple[str, ...]]) -> list[Job]:
        steps: list[Step] = []
        for phase in PHASES:
            # `script: skip` is Travis for "no script".
            steps.extend(step for step in command_steps(self.path, body, phase, name=phase) if step.run != "skip")
            if phase == "script" and "script" not in body:
                steps.extend(self._default_script(body))
        location = loc(self.path, line or line_of(self.config, "script") or line_of(self.config, "language"))
        job_triggers = None if condition == ANYTHING else apply(condition, triggers)
        job = Job(name, location, name=name, steps=tuple(steps), stage=stage, matrix=matrix,
                  triggers=job_triggers, disabled=condition.never)
        if not any(isinstance(deploy, dict) for deploy in _deploys(body)):
            return [job]
        return [job, self._deploy(job, body, triggers)]

    def _deploy(self, job: Job, body: dict[Any, Any], triggers: Triggers) -> Job:
        deploys = _deploys(body)
        steps = [*command_steps(self.path, body, "before_deploy", name="before_deploy")]
        conditions: list[Narrowing] = []
        container = body["deploy"]
        for index, deploy in enumerate(deploys):
            deploy = mapping(deploy)
            provider = as_text(deploy.get("provider")) or "unknown"
            inputs = inputs_of({k: v for k, v in deploy.items() if k not in ("provider", "on")})
            line = line_of(container, index) if isinstance(container, list) else line_of(body, "deploy")
            steps.append(Step(loc(self.path, line), name="deploy", uses=f"travis-deploy:{provider}", inputs=inputs))
            conditions.append(_deploy_condition(mapping(deploy.get("on"))))
        steps.extend(command_steps(self.path, body, "after_deploy", name="after_deploy"))
        condition = conditions[0] if len(set(conditions)) == 1 else Narrowing(events=frozenset({PUSH, TAG}))
        base = job.triggers or triggers
        return Job(f"{job.id}/deploy", loc(self.path, line_of(body, "deploy")), name=f"{job.name} deploy",
                   steps=tuple(steps), needs=(job.id,), stage=job.stage, triggers=apply(condition, base),
                   disabled=job.disabled)

    def _default_script(self, body: dict[Any, Any]) -> list[Step]:
        language = (as_text(body.get("language", self.config.get("language"))) or "").lower()
        script = DEFAULT_SCRIPTS.get(language)
        if language in ("java", "jvm", "groovy", "scala"):
            script = ("mvn test -B" if "pom.xml" in self.root_files else
                      "./gradlew check" if "gradlew" in self.root_files else
                      "gradle check" if "build.gradle" in self.root_files else None)
        if not script:
            return []
        line = line_of(self.config, "language")
        return [Step(loc(self.path, line), name=f"default script for language {language}", run=script)]


def _deploys(body: dict[Any, Any]) -> list[Any]:
    return sequence(body["deploy"]) if isinstance(body.get("deploy"), list) else [body.get("deploy")]


def _deploy_condition(on: dict[Any, Any]) -> Narrowing:
    """Travis deploys on the master branch by default, never for pull requests."""
    if on.get("tags") is True:
        return Narrowing(events=frozenset({TAG}))
    if on.get("all_branches") is True:
        return Narrowing(events=frozenset({PUSH}))
    branches, _ = only_except(on.get("branch"))
    return Narrowing(events=frozenset({PUSH}), branches=branches or ("master",))


PARSERS = {"travis-ci": parse_travis}
