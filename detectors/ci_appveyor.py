"""AppVeyor `appveyor.yml` into the CI model.

One build job runs the phases in AppVeyor's order (install, before_build, build_script, after_build,
before_test, test_script, after_test, on_success/on_failure/on_finish); a script line is text, or a
`{cmd|ps|pwsh|sh: ...}` mapping. Without `build_script` AppVeyor builds with MSBuild unless
`build: off`, and without `test_script` it discovers and runs test assemblies unless `test: off`:
both are recorded as uses steps. The matrix comes from `image`, `platform`, `configuration` and
`environment.matrix`. Deployments run after a successful build, never for pull requests, where
their `on:` allows (any branch by default): they are a Job of their own. Triggers: pushes (with
`branches: only/except`), pull requests, and tags unless `skip_tags` (only tags with `skip_non_tags`).
"""

from __future__ import annotations

from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_conditions import Narrowing, apply
from devops_scan_detectors.ci_parsekit import (first_document, guarded, inputs_of, line_of, loc, mapping, only_except,
                                               sequence, strings)
from devops_scan_detectors.cimodel import PULL_REQUEST, PUSH, TAG, Job, Pipeline, Step, Triggers, as_text

PHASES = ("init", "install", "before_build", "build_script", "after_build", "before_test", "test_script",
          "after_test", "on_success", "on_failure", "on_finish")
_SHELLS = ("cmd", "ps", "pwsh", "sh")


@guarded("appveyor")
def parse_appveyor(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    triggers = _triggers(path, config)
    steps: list[Step] = []
    for phase in PHASES:
        steps += _scripts(path, config, phase)
        if phase == "build_script" and "build_script" not in config and _on(config.get("build", True)):
            steps.append(Step(loc(path, line_of(config, "build")), name="build", uses="appveyor-msbuild",
                              inputs=inputs_of(config.get("build"))))
        if phase == "test_script" and "test_script" not in config and _on(config.get("test", True)):
            steps.append(Step(loc(path, line_of(config, "test")), name="test", uses="appveyor-test-discovery",
                              inputs=inputs_of(config.get("test"))))
    matrix = {key: strings(config[key]) for key in ("image", "platform", "configuration")
              if len(strings(config.get(key))) > 1}
    environments = sequence(mapping(config.get("environment")).get("matrix"))
    for entry in environments:
        for variable, value in mapping(entry).items():
            text = as_text(value)
            if text is not None and text not in matrix.get(str(variable), ()):
                matrix[str(variable)] = (*matrix.get(str(variable), ()), text)
    build = Job("build", loc(path, line_of(config, "build_script") or line_of(config, "install") or 1),
                name="build", steps=tuple(steps), matrix=matrix,
                image=strings(config.get("image"))[0] if strings(config.get("image")) else None)
    jobs = [build]
    deploys = [mapping(item) for item in sequence(config.get("deploy")) if isinstance(item, dict)]
    if deploys or "deploy_script" in config:
        jobs.append(_deploy(path, config, deploys, triggers))
    return Pipeline("appveyor", path, triggers, tuple(jobs))


def _on(value: Any) -> bool:
    return not (value is False or as_text(value) in ("off", "false"))


def _scripts(path: str, config: dict[Any, Any], phase: str) -> list[Step]:
    value = config.get(phase)
    steps: list[Step] = []
    for index, item in enumerate(value if isinstance(value, list) else [value] if value is not None else []):
        text = as_text(item)
        if isinstance(item, dict):
            text = next((as_text(item[shell]) for shell in _SHELLS if shell in item), None)
        if text:
            line = line_of(value, index) if isinstance(value, list) else line_of(config, phase)
            steps.append(Step(loc(path, line), name=phase, run=text))
    return steps


def _triggers(path: str, config: dict[Any, Any]) -> Triggers:
    branches, ignore = only_except(config.get("branches"))
    events = {PUSH, PULL_REQUEST, TAG}
    if config.get("skip_tags") is True:
        events.discard(TAG)
    if config.get("skip_non_tags") is True:
        events = {TAG}
    line = line_of(config, "branches") or line_of(config, "skip_tags") or line_of(config, "skip_non_tags")
    return Triggers(frozenset(events), branches, ignore, loc(path, line) if line else None)


def _deploy(path: str, config: dict[Any, Any], deploys: list[dict[Any, Any]], triggers: Triggers) -> Job:
    steps = _scripts(path, config, "before_deploy") + _scripts(path, config, "deploy_script")
    conditions: list[Narrowing] = []
    listed = sequence(config.get("deploy"))
    for index, deploy in enumerate(deploys):
        provider = as_text(deploy.get("provider")) or "unknown"
        steps.append(Step(loc(path, line_of(listed, index)), name="deploy", uses=f"appveyor-deploy:{provider}",
                          inputs=inputs_of({k: v for k, v in deploy.items() if k not in ("provider", "on")})))
        on = mapping(deploy.get("on"))
        if on.get("appveyor_repo_tag") is True or as_text(on.get("APPVEYOR_REPO_TAG")) == "true":
            conditions.append(Narrowing(events=frozenset({TAG})))
        else:
            branches, _ = only_except(on.get("branch"))
            conditions.append(Narrowing(events=frozenset({PUSH, TAG}), branches=branches))
    steps += _scripts(path, config, "after_deploy")
    condition = conditions[0] if len(set(conditions)) == 1 else Narrowing(events=frozenset({PUSH, TAG}))
    return Job("deploy", loc(path, line_of(config, "deploy") or line_of(config, "deploy_script")), name="deploy",
               steps=tuple(steps), needs=("build",), triggers=apply(condition, triggers))


PARSERS = {"appveyor": parse_appveyor}
