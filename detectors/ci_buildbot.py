"""Buildbot `master.cfg` (Python, read with `ast` — never imported or run) and `.buildbot.yml` into the CI model.

Each `BuilderConfig(name=..., factory=...)` is a Job whose steps are its factory's: the steps given to
`BuildFactory([...])` and every `factory.addStep(...)` / `addSteps([...])`. Shell steps
(`ShellCommand`, `ShellSequence`, `Compile`, `Test`, `Configure`, `SetPropertyFromCommand`...) are
their `command` (a list is joined as a shell would quote it; `util.Interpolate("...")` is its text;
`Compile` and `Test` default to `make all` and `make test`); other steps are uses steps
`buildbot:<Class>`; a step with `doStepIf=False` never runs. Only literal values are read: a command
built at run time is reported, not guessed.

Schedulers give each builder its triggers: `SingleBranchScheduler` (pushes to its `change_filter`
branch), `AnyBranchScheduler` (pushes to any branch; pull requests too when a pull-request poller
feeds changes), `ForceScheduler` (manual), `Nightly`/`Periodic` (schedule), `Triggerable`/`Dependent`
(called by another build). `.buildbot.yml` (buildbot_travis) is one job running its script phases.
"""

from __future__ import annotations

import ast

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_buildbot_steps import SCHEDULER_EVENTS, StepReader, call_name, literal_strings
from devops_scan_detectors.ci_parsekit import command_steps, first_document, guarded, loc
from devops_scan_detectors.cimodel import OTHER, PULL_REQUEST, PUSH, Job, Pipeline, Triggers

_PULL_REQUEST_SOURCES = frozenset({"GitHubPullrequestPoller", "BitbucketPullrequestPoller", "GerritChangeSource"})


@guarded("buildbot")
def parse_buildbot(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    if path.endswith(".buildbot.yml"):
        return _buildbot_yml(client, context, path)
    text = client.read_text(path).text
    try:
        tree = ast.parse(text, filename=path)
    except (SyntaxError, ValueError) as error:
        return Pipeline("buildbot", path, Triggers(frozenset()), (),
                        problems=(f"not valid Python (line {getattr(error, 'lineno', '?')}): not read",))
    reader = StepReader(path, tree)
    calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
    pull_requests = any(call_name(call) in _PULL_REQUEST_SOURCES for call in calls)
    triggers: dict[str, set[str]] = {}
    branches: dict[str, set[str] | None] = {}
    unresolved = False
    for call in calls:
        kind = call_name(call)
        if kind not in SCHEDULER_EVENTS:
            continue
        names = reader.keyword_strings(call, "builderNames")
        if names is None:
            unresolved = True
            reader.problems.append(f"line {call.lineno}: {kind} names its builders at run time; not read")
            continue
        events = set(SCHEDULER_EVENTS[kind]) | ({PULL_REQUEST} if kind == "AnyBranchScheduler" and pull_requests
                                                else set())
        scheduler_branches = _branches(reader, call) if kind == "SingleBranchScheduler" else None
        for name in names:
            triggers.setdefault(name, set()).update(events)
            if PUSH in events:
                known = branches.get(name, set())
                branches[name] = None if known is None or scheduler_branches is None else known | scheduler_branches
    jobs = []
    for call in calls:
        if call_name(call) != "BuilderConfig":
            continue
        name = (reader.keyword_strings(call, "name") or [None])[0]
        if name is None:
            reader.problems.append(f"line {call.lineno}: a builder whose name is computed; not read")
            continue
        events = triggers.get(name)
        job_branches = branches.get(name)
        disabled = None if events or unresolved else "no scheduler starts this builder"
        jobs.append(Job(name, loc(path, call.lineno), name=name, steps=tuple(reader.factory_steps(call)),
                        disabled=disabled, triggers=Triggers(frozenset(events or {OTHER}),
                                                             tuple(sorted(job_branches)) if job_branches else None)))
    all_events = frozenset().union(*(job.triggers.events for job in jobs if job.triggers and not job.disabled))
    return Pipeline("buildbot", path, Triggers(all_events), tuple(jobs), problems=tuple(reader.problems))


def _branches(reader: StepReader, scheduler: ast.Call) -> set[str] | None:
    """`change_filter=util.ChangeFilter(branch='main')` (or the old `branch=` argument) → {'main'}."""
    for keyword in scheduler.keywords:
        if keyword.arg == "branch":
            return set(literal_strings(keyword.value) or []) or None
        if keyword.arg == "change_filter" and isinstance(keyword.value, ast.Call):
            branch = reader.keyword_strings(keyword.value, "branch")
            if branch:
                return set(branch)
            pattern = reader.keyword_strings(keyword.value, "branch_re")
            if pattern:
                return {f"/{pattern[0]}/"}
    return None


def _buildbot_yml(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    steps = [step for phase in ("before_install", "install", "before_script", "script", "after_script")
             for step in command_steps(path, config, phase, name=phase)]
    job = Job("script", loc(path, 1), name="script", steps=tuple(steps))
    return Pipeline("buildbot", path, Triggers(frozenset({PUSH, PULL_REQUEST})), (job,))


PARSERS = {"buildbot": parse_buildbot}
