"""CI presence: which CI systems a repository configures, and in which files.

A file counts only when it sits where its CI system reads it AND its content has the shape that
system requires (a workflow needs `on:` and `jobs:`, a CircleCI config `version:` and `jobs:` or
`workflows:`...). Look-alikes and unparsable files are reported as such, never counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import Detector, ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Evidence, Fact, Finding, Location, Outcome
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.common import not_the_projects_own

# Content check: (documents of a YAML file or None for non-YAML, text) -> None if valid, else why not.
Check = Callable[[tuple[Any, ...] | None, str], str | None]


@dataclass(frozen=True)
class CISystem:
    id: str
    name: str
    # Globs into the file index (`*` stays within one folder).
    paths: tuple[str, ...]
    check: Check
    yaml: bool = True
    # True when the locations are generic folders (`ci/*.yml`) that hold other tools' files too:
    # a file there that is not this system's configuration is simply not reported.
    shared_location: bool = False


def _has_keys(*groups: tuple[str, ...], what: str) -> Check:
    """Valid when the first document is a mapping holding at least one key of every group."""

    def check(documents: tuple[Any, ...] | None, _text: str) -> str | None:
        first = documents[0] if documents else None
        if not isinstance(first, dict):
            return f"not a YAML mapping, so not {what}"
        for group in groups:
            if not any(key in first for key in group):
                # Non-string keys (`True` for a YAML 1.1 `on:`) are aliases, not names to show a user.
                names = " or ".join(f"`{key}`" for key in group if isinstance(key, str))
                return f"no top-level {names}, so not {what}"
        return None

    return check


def _any_document(kind_check: Check) -> Check:
    def check(documents: tuple[Any, ...] | None, text: str) -> str | None:
        problems = [kind_check((doc,), text) for doc in documents or ()]
        return None if any(p is None for p in problems) else (problems[0] if problems else "empty file")

    return check


def _text_matches(pattern: str, what: str) -> Check:
    regex = re.compile(pattern, re.MULTILINE)

    def check(_documents: tuple[Any, ...] | None, text: str) -> str | None:
        return None if regex.search(text) else f"does not look like {what}"

    return check


def _gitlab_check(documents: tuple[Any, ...] | None, text: str) -> str | None:
    first = documents[0] if documents else None
    if not isinstance(first, dict):
        return "not a YAML mapping, so not a GitLab CI configuration"
    jobs = [key for key, value in first.items()
            if isinstance(value, dict) and not str(key).startswith(".")
            and any(k in value for k in ("script", "trigger", "extends", "run"))]
    if jobs or "include" in first:
        return None
    return "defines no job (a mapping with `script`, `run`, `trigger` or `extends`) and includes nothing"


def _drone_check(documents: tuple[Any, ...] | None, _text: str) -> str | None:
    first = documents[0] if documents else None
    if isinstance(first, dict) and (first.get("kind") == "pipeline" or "steps" in first or "pipeline" in first):
        return None  # `kind: secret` or `kind: signature` documents are not pipelines
    return "no `kind: pipeline` document with `steps:`, so not a Drone pipeline"


def _concourse_check(documents: tuple[Any, ...] | None, _text: str) -> str | None:
    first = documents[0] if documents else None
    jobs = first.get("jobs") if isinstance(first, dict) else None
    if isinstance(jobs, list) and any(isinstance(job, dict) and "plan" in job for job in jobs):
        return None
    return "no `jobs:` list with a `plan:`, so not a Concourse pipeline"


_TEKTON_KINDS = {"Pipeline", "PipelineRun", "Task", "TaskRun"}


def _tekton_check(documents: tuple[Any, ...] | None, _text: str) -> str | None:
    for doc in documents or ():
        # `kind` may be any YAML value; a list or mapping there is unhashable, so test for a string first.
        kind = doc.get("kind") if isinstance(doc, dict) else None
        if isinstance(kind, str) and kind in _TEKTON_KINDS \
                and str(doc.get("apiVersion", "")).startswith("tekton.dev/"):
            return None
    return "no Tekton Pipeline/Task resource (apiVersion tekton.dev/...)"


SYSTEMS: tuple[CISystem, ...] = (
    CISystem("github-actions", "GitHub Actions", (".github/workflows/*.yml", ".github/workflows/*.yaml"),
             _has_keys(("on", True), ("jobs",), what="a GitHub Actions workflow")),
    CISystem("gitlab-ci", "GitLab CI", (".gitlab-ci.yml", ".gitlab-ci.yaml"), _gitlab_check),
    CISystem("jenkins", "Jenkins", ("**/Jenkinsfile", "Jenkinsfile.*", "**/*.jenkinsfile"),
             _text_matches(r"^\s*(pipeline\s*\{|node\s*(\(|\{)|stage\s*\(|[A-Za-z_][\w.]*\(|@Library)",
                           "a Jenkins pipeline"), yaml=False),
    CISystem("circleci", "CircleCI", (".circleci/config.yml", ".circleci/config.yaml"),
             _has_keys(("version",), ("jobs", "workflows", "orbs"), what="a CircleCI configuration")),
    CISystem("travis-ci", "Travis CI", (".travis.yml",),
             _has_keys(("language", "script", "jobs", "matrix", "install", "os", "dist", "stages"),
                       what="a Travis CI configuration")),
    CISystem("azure-pipelines", "Azure Pipelines",
             ("azure-pipelines.yml", "azure-pipelines.yaml", ".azure-pipelines.yml", ".azure-pipelines/*.yml",
              ".azure-pipelines/*.yaml", "azure-pipelines/*.yml", "azure-pipelines/*.yaml", ".pipelines/*.yml"),
             _has_keys(("steps", "jobs", "stages", "extends", "trigger", "pr"), what="an Azure Pipelines definition")),
    CISystem("bitbucket-pipelines", "Bitbucket Pipelines", ("bitbucket-pipelines.yml",),
             _has_keys(("pipelines",), what="a Bitbucket Pipelines configuration")),
    CISystem("buildkite", "Buildkite", (".buildkite/pipeline*.yml", ".buildkite/pipeline*.yaml",
                                        "buildkite.yml", "buildkite.yaml", ".buildkite.yml"),
             _has_keys(("steps",), what="a Buildkite pipeline")),
    CISystem("drone", "Drone", (".drone.yml", ".drone.yaml"),
             _any_document(_drone_check)),
    CISystem("woodpecker", "Woodpecker", (".woodpecker.yml", ".woodpecker.yaml", ".woodpecker/*.yml",
                                          ".woodpecker/*.yaml"),
             _has_keys(("steps", "pipeline"), what="a Woodpecker workflow")),
    CISystem("appveyor", "AppVeyor", ("appveyor.yml", ".appveyor.yml", "appveyor.yaml"),
             _has_keys(("build_script", "test_script", "build", "test", "image", "environment", "install",
                        "version", "matrix"), what="an AppVeyor configuration")),
    CISystem("teamcity", "TeamCity", (".teamcity/settings.kts", ".teamcity/pom.xml"),
             _text_matches(r"jetbrains\.buildServer|teamcity", "a TeamCity Kotlin DSL project"), yaml=False),
    CISystem("tekton", "Tekton", (".tekton/*.yaml", ".tekton/*.yml", "tekton/**/*.yaml", "tekton/**/*.yml"),
             _tekton_check),
    CISystem("google-cloud-build", "Google Cloud Build", ("**/cloudbuild.yaml", "**/cloudbuild.yml", "cloudbuild.json"),
             _has_keys(("steps",), what="a Cloud Build configuration")),
    CISystem("aws-codebuild", "AWS CodeBuild", ("**/buildspec.yml", "**/buildspec.yaml"),
             _has_keys(("version",), ("phases",), what="a CodeBuild buildspec")),
    CISystem("buildbot", "Buildbot", ("**/master.cfg", ".buildbot.yml"),
             _text_matches(r"BuildmasterConfig|c\[['\"]builders['\"]\]|^\s*script:", "a Buildbot configuration"),
             yaml=False),
    CISystem("semaphore", "Semaphore", (".semaphore/*.yml", ".semaphore/*.yaml"),
             _has_keys(("version",), ("blocks",), what="a Semaphore pipeline")),
    CISystem("concourse", "Concourse", ("ci/*.yml", "ci/*.yaml", "concourse/*.yml", "concourse/*.yaml",
                                        ".concourse/*.yml", "ci/pipelines/*.yml", "pipelines/*.yml"),
             _concourse_check, shared_location=True),
)


class CIPresenceDetector(Detector):
    id = "ci-presence"
    title = "CI configuration present"
    practices = ("ci.pipeline",)
    description = (
        "Looks for the configuration files of "
        + ", ".join(system.name for system in SYSTEMS)
        + " where each system reads them, and checks that each file has the shape its system "
        "requires (a GitHub Actions workflow needs `on:` and `jobs:`, a GitLab CI file a job or an "
        "`include:`, ...). Files that do not parse or only look alike are reported, not counted."
    )

    def collect(self, client: RepoClient, context: ScanContext) -> Evidence:
        facts = _mark_inert(client, context, find_ci_files(client, context))
        configs = [fact for fact in facts if fact.kind == "ci-config"]
        # Sorted like `ci_systems`, not in SYSTEMS' declaration order, so a reader finds a system by name.
        inventory = {
            "ci_systems": sorted({fact.data["system"] for fact in configs}),
            "ci_configs": sorted(({"system": fact.data["system"], "path": fact.location.path} for fact in configs),
                                 key=lambda config: (config["system"], config["path"])),
        }
        return Evidence(self.id, facts, inventory)

    def evaluate(self, evidence: Evidence) -> list[Finding]:
        configs = evidence.of_kind("ci-config")
        invalid = evidence.of_kind("ci-config-invalid") + evidence.of_kind("ci-config-inert")
        if configs:
            names = sorted({system_name(fact.data["system"]) for fact in configs})
            return [Finding("ci.pipeline", Outcome.PASS,
                            f"CI configured with {', '.join(names)} ({len(configs)} file(s))", configs + invalid)]
        if evidence.of_kind("ci-config-inert") and not evidence.of_kind("ci-config-invalid"):
            return [Finding("ci.pipeline", Outcome.FAIL, "every job of the CI configuration can never run", invalid)]
        if invalid:
            return [Finding("ci.pipeline", Outcome.FAIL,
                            "only CI files that their system would reject or that are not CI configuration",
                            invalid)]
        return [Finding("ci.pipeline", Outcome.FAIL,
                        f"no CI configuration of any of the {len(SYSTEMS)} systems devops-scan knows")]


def _mark_inert(client: RepoClient, context: ScanContext, facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """A configuration whose every job can never run (`if: false`, `when: never`) runs nothing."""
    from devops_scan_detectors.ci_pipelines import ci_pipelines

    pipelines, _problems = ci_pipelines(client, context)
    inert = {p.path: p for p in pipelines if p.jobs and not p.runnable_jobs()}
    return tuple(
        Fact("ci-config-inert", f"{fact.detail}, but none of its {len(inert[fact.location.path].jobs)} job(s) can "
             f"ever run ({inert[fact.location.path].jobs[0].disabled})", fact.location, fact.data)
        if fact.kind == "ci-config" and fact.location.path in inert else fact
        for fact in facts)


def find_ci_files(client: RepoClient, context: ScanContext) -> tuple[Fact, ...]:
    """Every file in a CI location: `ci-config` facts for valid ones, `ci-config-invalid` with the reason
    for the rest. Computed once per scan; the pipeline parsers start from the valid ones."""
    return context.shared("ci-files", lambda: tuple(_find(client, context)))


def _find(client: RepoClient, context: ScanContext) -> list[Fact]:
    facts: list[Fact] = []
    for system in SYSTEMS:
        paths = sorted({path for pattern in system.paths for path in client.files.glob(pattern)
                        if not not_the_projects_own(path)})
        if ".teamcity/settings.kts" in paths:
            paths = [path for path in paths if path != ".teamcity/pom.xml"]  # only the DSL's build file
        for path in paths:
            problem = _problem(client, context, system, path)
            if problem is not None and system.shared_location and problem.line is None:
                continue
            kind, detail = (("ci-config", f"{system.name} configuration") if problem is None
                            else ("ci-config-invalid", f"{system.name} file ignored: {problem.message}"))
            line = problem.line if problem is not None else None
            facts.append(Fact(kind, detail, Location(path, line), {"system": system.id}))
    return facts


@dataclass(frozen=True)
class _Problem:
    message: str
    line: int | None = None


def _problem(client: RepoClient, context: ScanContext, system: CISystem, path: str) -> _Problem | None:
    try:
        text = client.read_text(path).text
        # GitLab keeps the last of duplicate keys; the other systems' loaders reject them.
        documents = (tuple(context.yaml(client, path, last_key_wins=system.id == "gitlab-ci").documents)
                     if system.yaml else None)
    except UnreadableFile as error:
        return _Problem(f"unreadable ({error.reason})")
    except YamlProblem as error:
        return _Problem(f"invalid YAML: {error.message}", error.line)
    try:
        reason = system.check(documents, text)
    except Exception as error:  # one odd file must not cost the evidence of every other CI file
        return _Problem(f"could not be checked ({type(error).__name__}: {error})")
    return None if reason is None else _Problem(reason)


def system_name(system_id: str) -> str:
    return next(system.name for system in SYSTEMS if system.id == system_id)
