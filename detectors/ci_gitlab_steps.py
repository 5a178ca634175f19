"""What one resolved GitLab CI job does, as Steps.

Script lines (`before_script`, `script`, `after_script`; one Step per item, a `- |` block being one)
keep the file and line they were written at, even when inherited through `extends:`, `default:` or
`!reference`. Keywords that are facts rather than commands become Steps with a `gitlab:` pseudo-action
so that practice detectors read them like any other step:

| uses | from | inputs |
| --- | --- | --- |
| `gitlab:artifacts-from` | `needs:` (artifacts not turned off) / `dependencies:` | `jobs` (comma-separated), `via` |
| `gitlab:coverage` | `coverage:` | `regex` |
| `gitlab:artifacts` | `artifacts: paths:` | `paths` (one per line) |
| `gitlab:artifacts-reports` | `artifacts: reports:` | type → path(s); `coverage_report` → format (+ `.path`) |
| `gitlab:environment` | `environment:` | `name`, `action`, `url`, `deployment_tier` (those written) |
| `gitlab:release` | `release:` | `tag_name`, `name` |
| `gitlab:pages` | a `pages` job or `pages:` | `publish` |
| `trigger:<project or file>` | `trigger:` | `branch`, `strategy` |
"""

from __future__ import annotations

from typing import Any

from devops_scan.model import Location
from devops_scan_detectors.ci_gitlab_merge import Node, References, Seq, flatten, names
from devops_scan_detectors.cimodel import Step, as_text

# `trigger: include:` entries whose configuration this scan cannot read.
_DOWNSTREAM_KINDS = ("artifact", "project", "template", "remote", "component")


def script_steps(job: Node, config: Node, references: References) -> list[Step]:
    is_reference = references.check
    steps: list[Step] = []
    for key in ("before_script", "script", "after_script"):
        value = references.whole(job.get(key), job.where(key), config)  # `script: !reference [.x, script]`
        if isinstance(value, str):
            steps.append(Step(job.where(key), name=key, run=value))
        for item, location in flatten(value, config, is_reference):
            text = as_text(item)
            if text is not None:
                steps.append(Step(location, name=key, run=text))
    run = job.get("run")  # GitLab's CI steps: a list of named steps, each a script or a step reference
    for item, location in flatten(run, config, is_reference):
        if isinstance(item, Node) and (as_text(item.get("script")) or as_text(item.get("step"))):
            script, step = as_text(item.get("script")), as_text(item.get("step"))
            steps.append(Step(location, name=as_text(item.get("name")), run=script,
                              uses=None if script else step))
    return steps


def artifact_sources(job: Node) -> list[Step]:
    steps: list[Step] = []
    needs = job.get("needs")
    if isinstance(needs, Seq):
        wanted = [name for item in needs for name in _need_with_artifacts(item)]
        if wanted:
            steps.append(Step(job.where("needs"), uses="gitlab:artifacts-from",
                              inputs={"jobs": ",".join(wanted), "via": "needs"}))
    dependencies = names(job.get("dependencies"))
    if dependencies:
        steps.append(Step(job.where("dependencies"), uses="gitlab:artifacts-from",
                          inputs={"jobs": ",".join(dependencies), "via": "dependencies"}))
    return steps


def _need_with_artifacts(item: Any) -> list[str]:
    if isinstance(item, str):
        return [item]
    if isinstance(item, Node) and item.get("artifacts", True) is not False and as_text(item.get("job")):
        return [as_text(item.get("job")) or ""]
    return []


def need_names(job: Node) -> tuple[str, ...]:
    needs = job.get("needs")
    if not isinstance(needs, Seq):
        return ()
    found = [item if isinstance(item, str) else as_text(item.get("job")) if isinstance(item, Node) else None
             for item in needs]
    return tuple(name for name in found if name)


def fact_steps(job_id: str, job: Node) -> list[Step]:
    steps: list[Step] = []
    coverage = as_text(job.get("coverage"))
    if coverage is not None:
        steps.append(Step(job.where("coverage"), uses="gitlab:coverage", inputs={"regex": coverage}))
    artifacts = job.get("artifacts")
    if isinstance(artifacts, Node):
        paths = [text for text in (as_text(p) for p in artifacts.get("paths") or ()) if text] \
            if isinstance(artifacts.get("paths"), Seq) else []
        if paths:
            steps.append(Step(artifacts.where("paths"), uses="gitlab:artifacts", inputs={"paths": "\n".join(paths)}))
        reports = artifacts.get("reports")
        if isinstance(reports, Node) and reports:
            steps.append(Step(artifacts.where("reports"), uses="gitlab:artifacts-reports", inputs=_reports(reports)))
    environment = environment_inputs(job.get("environment"))
    if environment:
        steps.append(Step(job.where("environment"), uses="gitlab:environment", inputs=environment))
    release = job.get("release")
    if isinstance(release, Node):
        inputs = {key: text for key in ("tag_name", "name") if (text := as_text(release.get(key))) is not None}
        steps.append(Step(job.where("release"), uses="gitlab:release", inputs=inputs))
    pages = job.get("pages")
    if job_id == "pages" or (pages is not None and pages is not False):
        publish = as_text(pages.get("publish")) if isinstance(pages, Node) else as_text(job.get("publish"))
        location = job.where("pages") if "pages" in job else Location(job.path, job.line)
        steps.append(Step(location, uses="gitlab:pages", inputs={"publish": publish or "public"}))
    return steps


def _reports(reports: Node) -> dict[str, str]:
    inputs: dict[str, str] = {}
    for kind, value in reports.items():
        if isinstance(value, Node):  # coverage_report: {coverage_format: cobertura, path: coverage.xml}
            inputs[str(kind)] = as_text(value.get("coverage_format")) or ""
            if as_text(value.get("path")):
                inputs[f"{kind}.path"] = as_text(value.get("path")) or ""
        elif isinstance(value, Seq):
            inputs[str(kind)] = ",".join(text for text in (as_text(v) for v in value) if text)
        else:
            inputs[str(kind)] = as_text(value) or ""
    return dict(sorted(inputs.items()))


def environment_inputs(value: Any) -> dict[str, str]:
    if isinstance(value, Node):
        return {key: text for key in ("name", "action", "url", "deployment_tier")
                if (text := as_text(value.get(key))) is not None}
    text = as_text(value)
    return {"name": text} if text else {}


def trigger_step(job: Node) -> tuple[Step | None, list[tuple[str, Location]], str | None]:
    """(the trigger step, local child-pipeline files to follow, downstream reference outside the repo)."""
    trigger = job.get("trigger")
    location = job.where("trigger")
    if isinstance(trigger, str):
        return Step(location, uses=f"trigger:{trigger}"), [], f"trigger:{trigger}"
    if not isinstance(trigger, Node):
        return None, [], None
    inputs = {key: text for key in ("branch", "strategy") if (text := as_text(trigger.get(key))) is not None}
    if as_text(trigger.get("project")):
        reference = f"trigger:{as_text(trigger.get('project'))}"
        return Step(location, uses=reference, inputs=inputs), [], reference
    include = trigger.get("include")
    entries = list(include) if isinstance(include, Seq) else [include]
    children: list[tuple[str, Location]] = []
    outside: list[str] = []
    for entry in entries:
        if isinstance(entry, str) or isinstance(entry, Node) and "local" in entry:
            path = entry if isinstance(entry, str) else as_text(entry["local"]) or ""
            children.append((path.lstrip("/"), location))
        elif isinstance(entry, Node):
            kind = next((key for key in _DOWNSTREAM_KINDS if key in entry), None)
            if kind:
                outside.append(f"{kind}:{as_text(entry.get(kind))}")
    files = [path for path, _ in children] + outside
    step = Step(location, uses="trigger:" + ",".join(files), inputs=inputs)
    return step, children, ("trigger:" + ",".join(outside)) if outside else None
