"""GitLab CI (`.gitlab-ci.yml`) → the CI model.

Jobs are the top-level mappings that are not GitLab keywords; hidden jobs (`.name`) are templates.
Local includes are merged (ci_gitlab_include), `extends:` / `default:` / anchors / `!reference`
resolved (ci_gitlab_merge), and each job's `rules:`/`only:`/`except:` tried in every situation a
pipeline can start in (ci_gitlab_situations, reading conditions with ci_gitlab_rules and
ci_gitlab_expr): a job that no situation admits is disabled with why, one admitted in only some gets
its own Triggers, `when: manual` makes it manual. A `trigger:` job's local child pipeline is read too
(its jobs as `trigger-job/child-job`). Anything the repository cannot show (a remote template a job
extends, a downstream project) is named in the job's `external`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_gitlab_include import load_configuration
from devops_scan_detectors.ci_gitlab_merge import Extends, Node, References, Seq, deep_merge, flatten, names
from devops_scan_detectors.ci_gitlab_rules import Rules
from devops_scan_detectors.ci_gitlab_situations import Admission, admit, pipeline_triggers
from devops_scan_detectors.ci_gitlab_steps import (
    artifact_sources, environment_inputs, fact_steps, need_names, script_steps, trigger_step,
)
from devops_scan_detectors.cimodel import Include, Job, Pipeline, as_text

SYSTEM = "gitlab-ci"
# Top-level keys that configure the pipeline rather than name a job (`pages`, by contrast, IS a job).
KEYWORDS = frozenset({"default", "include", "stages", "variables", "workflow", "image", "services",
                      "before_script", "after_script", "cache", "types", "spec"})
# Keys `default:` (and the old top-level globals) give every job that does not set them.
DEFAULT_KEYS = ("image", "services", "before_script", "after_script", "cache", "artifacts", "retry", "timeout",
                "interruptible", "tags", "hooks", "id_tokens")
DEFAULT_STAGES = ("build", "test", "deploy")
# How deep `trigger: include:` child pipelines are followed.
MAX_CHILD_DEPTH = 2


def parse_gitlab_ci(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    """The pipeline of `.gitlab-ci.yml` with everything it includes; never raises on what files contain."""
    return _parse(client, context, path, None, 0)


PARSERS = {SYSTEM: parse_gitlab_ci}


def _parse(client: RepoClient, context: ScanContext, path: str, parent: Job | None, depth: int) -> Pipeline:
    loaded = load_configuration(client, context, path)
    config = loaded.config
    problems = list(loaded.problems)
    includes = list(loaded.includes)
    extends = Extends(config)
    defaults = _defaults(config)
    resolved: dict[str, Node] = {}
    for key, value in config.items():
        if not isinstance(key, str) or key.startswith(".") or key in KEYWORDS:
            if key == "image" and isinstance(value, Node) and "script" in value:
                problems.append(f"image: `image` is GitLab's keyword for the default image, not a job name; "
                                f"GitLab rejects keys such as `script` under it ({config.where(key)})")
            continue
        if not isinstance(value, Node):
            problems.append(f"{key}: not a job (a job is a mapping with `script:` or `trigger:`) "
                            f"({config.where(key)})")
            continue
        resolved[key] = _inherit(extends.job(key), defaults)
    references = References(client)
    rules = Rules(client.files, client.info.default_branch)
    admission = admit(config, resolved, rules, references, child=parent is not None)
    outside = loaded.outside_refs()
    jobs: list[Job] = []
    for name, job in resolved.items():
        if not any(key in job for key in ("script", "trigger", "run")) and not outside:
            problems.append(f"{name}: no `script:`, `trigger:` or `run:` ({config.where(name)})")
            continue
        built = _job(name, job, config, admission.of(name), references, outside, extends.missing.get(name))
        jobs.append(built)
        jobs.extend(_children(client, context, job, built, includes, problems, depth))
    problems.extend(extends.problems)
    problems.extend(admission.notes())
    if parent is not None:  # a child pipeline: its jobs run when the trigger job does
        jobs = [replace(job, triggers=parent.triggers, disabled=job.disabled or parent.disabled) for job in jobs]
    workflow = config.get("workflow")
    return Pipeline(SYSTEM, path, pipeline_triggers(admission, config, bool(outside)), tuple(jobs),
                    name=as_text(workflow.get("name")) if isinstance(workflow, Node) else None,
                    includes=tuple(_sorted_includes(includes)), stages=_stages(config),
                    problems=tuple(dict.fromkeys(problems)))


def _sorted_includes(includes: list[Include]) -> list[Include]:
    unique = {(i.kind, i.ref, i.location, i.resolved): i for i in includes}
    return sorted(unique.values(), key=lambda i: (i.location.path, i.location.line or 0, i.ref, i.resolved or ""))


def _defaults(config: Node) -> Node:
    """`default:` over the old top-level globals (`image:`, `before_script:`...)."""
    globals_ = Node(config.path, config.line)
    for key in DEFAULT_KEYS:
        if key in config and key in KEYWORDS and not (key == "image" and isinstance(config[key], Node)
                                                      and "script" in config[key]):
            globals_.put(key, config[key], config.where(key))
    default = config.get("default")
    return deep_merge(globals_, default) if isinstance(default, Node) else globals_


def _inherit(job: Node, defaults: Node) -> Node:
    """The job with the default keys it does not set itself, unless `inherit: default:` refuses them."""
    inherit = job.get("inherit")
    wanted: Any = inherit.get("default", True) if isinstance(inherit, Node) else True
    allowed = set(DEFAULT_KEYS) if wanted is True else set(names(wanted)) if isinstance(wanted, Seq) else set()
    if "trigger" in job:
        allowed = set()  # a trigger job starts another pipeline; it runs no script and no image of its own
    merged = Node(job.path, job.line)
    for key, value in defaults.items():
        if key in allowed and key not in job:
            merged.put(key, value, defaults.where(key))
    for key, value in job.items():
        merged.put(key, value, job.where(key))
    return merged


def _stages(config: Node) -> tuple[str, ...]:
    declared = names(config.get("stages")) or names(config.get("types")) or list(DEFAULT_STAGES)
    return tuple(dict.fromkeys([".pre", *declared, ".post"]))


def _job(name: str, job: Node, config: Node, admission: Admission, references: References,
         outside: tuple[str, ...], missing_parents: set[str] | None) -> Job:
    trigger, _, downstream = trigger_step(job)
    steps = [*artifact_sources(job), *script_steps(job, config, references)]
    if trigger is not None:
        steps.append(trigger)
    steps.extend(fact_steps(name, job))
    external: set[str] = set()
    if missing_parents or not any(key in job for key in ("script", "trigger", "run")):
        external.update(outside)  # what it extends or overrides comes from an include this scan cannot read
    if downstream:
        external.add(downstream)
    environment = environment_inputs(job.get("environment"))
    deploys = environment.get("action", "start") == "start"
    return Job(
        id=name, location=config.where(name), name=name, steps=tuple(steps),
        environment=environment.get("name") if deploys else None,
        environment_url=environment.get("url") if deploys else None,
        manual=admission.manual, disabled=admission.disabled, needs=need_names(job),
        dag=isinstance(job.get("needs"), Seq),
        stage=as_text(job.get("stage")) or "test", matrix=_matrix(job.get("parallel")),
        image=_image(job.get("image")), triggers=admission.triggers, external=tuple(sorted(external)),
        runner=tuple(text for tag, _ in flatten(references.whole(job.get("tags"), job.where("tags"), config), config,
                                                 references.check) if (text := as_text(tag))),
    )


def _children(client: RepoClient, context: ScanContext, job: Node, built: Job, includes: list[Include],
              problems: list[str], depth: int) -> list[Job]:
    """The jobs of a local child pipeline (`trigger: include: ci/child.yml`), as `trigger-job/child-job`."""
    _step, children, _outside = trigger_step(job)
    found: list[Job] = []
    for path, location in children:
        exists = path in client.files
        includes.append(Include("child-pipeline", path, location, resolved=path if exists else None))
        if not exists:
            problems.append(f"{built.id}: child pipeline {path} not found in the repository ({location})")
        elif depth < MAX_CHILD_DEPTH and path != location.path:
            child = _parse(client, context, path, built, depth + 1)
            problems.extend(f"{path}: {problem}" for problem in child.problems)
            includes.extend(child.includes)
            # A child job runs inside its trigger job: it comes after whatever the trigger job comes after,
            # and the parent's stages say nothing about its order.
            found.extend(replace(child_job, id=f"{built.id}/{child_job.id}", stage=None,
                                 needs=(*(f"{built.id}/{need}" for need in child_job.needs), built.id))
                         for child_job in child.jobs)
    return found


def _image(value: Any) -> str | None:
    return as_text(value.get("name")) if isinstance(value, Node) else as_text(value)


def _matrix(parallel: Any) -> dict[str, tuple[str, ...]]:
    matrix = parallel.get("matrix") if isinstance(parallel, Node) else None
    dimensions: dict[str, tuple[str, ...]] = {}
    for entry in matrix if isinstance(matrix, Seq) else ():
        for key, value in (entry.items() if isinstance(entry, Node) else ()):
            values = [as_text(v) for v in (value if isinstance(value, Seq) else [value])]
            known = dimensions.get(str(key), ())
            dimensions[str(key)] = known + tuple(v for v in values if v is not None and v not in known)
    return dict(sorted(dimensions.items()))
