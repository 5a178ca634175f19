"""Which GitLab pipelines each job takes part in, tried situation by situation (see ci_situations).

Situations tried: a push to the default branch, to each branch the file's conditions name and to one
they never name; a tag; a merge request; and the other pipeline sources (schedule, web, trigger,
API...) when the file mentions them — those exist only if someone sets them up on the platform, so a
file that never mentions schedules is not said to run on a schedule. `workflow:rules` decide which
situations create a pipeline at all; each job's rules decide whether it joins, and how (`when`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from devops_scan.model import Location
from devops_scan_detectors.ci_gitlab_merge import Node, References, Seq, flatten
from devops_scan_detectors.ci_gitlab_expr import named_branches
from devops_scan_detectors.ci_gitlab_rules import ONLY_SOURCES, SOURCES, Rules
from devops_scan_detectors.ci_situations import (
    DEFAULT_BRANCH, UNNAMED_BRANCH, Situation, push_situations, triggers_where,
)
from devops_scan_detectors.cimodel import CALL, PULL_REQUEST, PUSH, TAG, Triggers, as_text

_WORD = re.compile(r"[a-z_]+")


@dataclass(frozen=True)
class Admission:
    """How one job takes part: its own Triggers (None: the pipeline's), manual, or never (why)."""

    triggers: Triggers | None = None
    manual: bool = False
    disabled: str | None = None


@dataclass
class Admissions:
    allowed: list[Situation]
    runs: dict[str, list[Situation]] = field(default_factory=dict)
    jobs: dict[str, Admission] = field(default_factory=dict)
    workflow_location: Location | None = None
    outside_variables: set[str] = field(default_factory=set)

    def of(self, name: str) -> Admission:
        return self.jobs.get(name, Admission())

    def notes(self) -> list[str]:
        if not self.outside_variables:
            return []
        names = ", ".join(sorted(self.outside_variables))
        return [f"rules depend on variables whose values the file does not fix ({names}: project or pipeline "
                "variables, which also override the file's own `variables:`); they are taken to be able to match"]


def admit(config: Node, jobs: dict[str, Node], rules: Rules, references: References, child: bool) -> Admissions:
    """Where each job runs, out of the situations the workflow allows."""
    workflow = config.get("workflow")
    workflow_rules = workflow.get("rules") if isinstance(workflow, Node) else None
    if workflow_rules is not None:
        workflow_rules = references.whole(workflow_rules, workflow.where("rules"), config)
    workflow_items = _rules(workflow_rules, config, references) if workflow_rules is not None else None
    job_rules = {name: _rules(references.whole(job.get("rules"), job.where("rules"), config), config, references)
                 for name, job in jobs.items() if "rules" in job}
    named, sources = _mentions(config, jobs, job_rules, workflow_items or [])
    if child:
        tried = [Situation(CALL, "parent_pipeline", DEFAULT_BRANCH)]
    else:
        tried = [*push_situations(named, rules.default), Situation(TAG, "push"),
                 Situation(PULL_REQUEST, "merge_request_event")]
        tried += [Situation(SOURCES[source], source, DEFAULT_BRANCH) for source in sorted(sources)]
    allowed = [situation for situation in tried if workflow_items is None
               or rules.first_match(workflow_items, situation) not in (None, "never")]
    admissions = Admissions(allowed, workflow_location=config.where("workflow") if workflow_rules is not None else None)
    whens: dict[str, dict[Situation, str]] = {}
    for name, job in jobs.items():
        whens[name] = {}
        for situation in allowed:
            if name in job_rules:
                when = rules.first_match(job_rules[name], situation)
            else:
                joins = rules.only_except(job.get("only"), job.get("except"), situation, workflow_items is None)
                when = None if joins is False else (as_text(job.get("when")) or "on_success")
            if when not in (None, "never"):
                whens[name][situation] = when
        admissions.runs[name] = [s for s in allowed if s in whens[name]]
    union = {s for runs in admissions.runs.values() for s in runs}
    for name, job in jobs.items():
        admissions.jobs[name] = _admission(job, admissions, whens[name], union, name in job_rules)
    admissions.outside_variables = set(rules.outside_variables)
    return admissions


def _rules(value: Any, config: Node, references: References) -> list[tuple[Any, Location]]:
    """A `rules:` list as GitLab reads it: nested lists and `!reference`s resolved, in `if:` too."""
    return [(references.condition(rule, config), location)
            for rule, location in flatten(value, config, references.check)]


def _admission(job: Node, admissions: Admissions, whens: dict[Situation, str], union: set[Situation],
               has_rules: bool) -> Admission:
    runs = [s for s in admissions.allowed if s in whens]
    if not runs:
        return Admission(disabled=_never(job, admissions, has_rules))
    manual = whens[min(runs, key=_main_first)] == "manual"
    key = "rules" if has_rules else "only" if "only" in job else "except" if "except" in job else None
    location = job.where(key) if key else Location(job.path, job.line)
    triggers = None if set(runs) == union else triggers_where(runs, admissions.allowed, location)
    return Admission(triggers=triggers, manual=manual)


def _main_first(situation: Situation) -> int:
    """Which situation decides whether a job is manual: a push to the default branch first, then a tag."""
    if situation.event == PUSH:
        return 0 if situation.branch == DEFAULT_BRANCH else 2 if situation.branch == UNNAMED_BRANCH else 3
    return {TAG: 1, PULL_REQUEST: 4}.get(situation.event, 5)


def _never(job: Node, admissions: Admissions, has_rules: bool) -> str:
    if as_text(job.get("when")) == "never":
        return f"when: never ({job.where('when')})"
    if not admissions.allowed:
        return f"workflow:rules create no pipeline this file can start ({admissions.workflow_location})"
    if has_rules:
        rules = job.get("rules")
        if isinstance(rules, Seq) and rules and all(isinstance(rule, Node) and rule.get("when") == "never"
                                                    for rule in rules):
            return f"every rule says when: never ({job.where('rules')})"
        return f"no rule admits it in any pipeline this file can start ({job.where('rules')})"
    key = "only" if "only" in job else "except"
    return f"only:/except: admit it in no pipeline this file can start ({job.where(key)})"


def _mentions(config: Node, jobs: dict[str, Node], job_rules: dict[str, list[tuple[Any, Location]]],
              workflow_items: list[tuple[Any, Location]]) -> tuple[set[str], set[str]]:
    """(branch names and /patterns/ the conditions compare refs with, pipeline sources they name)."""
    named: set[str] = set()
    sources: set[str] = set()
    expressions = [rule.get("if") for items in (*job_rules.values(), workflow_items)
                   for rule, _ in items if isinstance(rule, Node)]
    for job in jobs.values():
        for key in ("only", "except"):
            policy = job.get(key)
            refs = policy.get("refs") if isinstance(policy, Node) else policy
            for ref in refs if isinstance(refs, (Seq, list)) else [refs]:
                text = as_text(ref)
                if text in ONLY_SOURCES:
                    sources.add(ONLY_SOURCES[text])
                elif text and text not in ("branches", "tags", "merge_requests", "pushes"):
                    named.add(text.partition("@")[0])
            if isinstance(policy, Node) and isinstance(policy.get("variables"), Seq):
                expressions.extend(policy["variables"])
    for expression in expressions:
        text = as_text(expression)
        if not text:
            continue
        named |= named_branches(text)
        if "CI_PIPELINE_SOURCE" in text:
            sources |= {word for word in _WORD.findall(text) if word in SOURCES}
    return {name for name in named if name}, sources


def pipeline_triggers(admissions: Admissions, config: Node, includes_outside: bool) -> Triggers:
    """When the pipeline runs: wherever one of its jobs does (a pipeline with no job is not created),
    and on every push and tag the workflow allows when jobs come from includes this scan cannot read."""
    runs = {s for situations in admissions.runs.values() for s in situations}
    if includes_outside:
        runs |= {s for s in admissions.allowed if s.event in (PUSH, TAG)}
    ordered = [s for s in admissions.allowed if s in runs]
    location = admissions.workflow_location or Location(config.path)  # GitLab's defaults have no line
    return triggers_where(ordered, admissions.allowed, location)
