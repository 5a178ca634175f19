"""Every valid CI configuration file parsed into the CI model, once per scan.

Each system's parser lives in its own module and is listed in PARSERS (system id → parser). A
parser that raises does not lose the other files: the pipeline is replaced by a problem note.
"""

from __future__ import annotations

from typing import Callable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors import ci_github, ci_gitlab, ci_hosted, ci_jenkins, ci_selfhosted
from devops_scan_detectors.ci import find_ci_files
from devops_scan_detectors.cimodel import Pipeline

Parser = Callable[[RepoClient, ScanContext, str], Pipeline]

PARSERS: dict[str, Parser] = {
    **ci_github.PARSERS,
    **ci_gitlab.PARSERS,
    **ci_jenkins.PARSERS,
    **ci_hosted.PARSERS,
    **ci_selfhosted.PARSERS,
}


def ci_pipelines(client: RepoClient, context: ScanContext) -> tuple[tuple[Pipeline, ...], tuple[str, ...]]:
    """(pipelines of every valid CI file, problems) — computed once per scan."""
    return context.shared("ci-pipelines", lambda: _parse_all(client, context))


def _parse_all(client: RepoClient, context: ScanContext) -> tuple[tuple[Pipeline, ...], tuple[str, ...]]:
    pipelines: list[Pipeline] = []
    problems: list[str] = []
    for fact in find_ci_files(client, context):
        if fact.kind != "ci-config":
            continue
        system, path = fact.data["system"], fact.location.path
        parser = PARSERS.get(system)
        if parser is None:
            problems.append(f"{path}: no parser for {system} yet; its jobs are not analysed")
            continue
        try:
            pipeline = parser(client, context, path)
        except Exception as error:  # one parser's bug must not cost the other files
            problems.append(f"{path}: could not be analysed ({type(error).__name__}: {error})")
            continue
        pipelines.append(pipeline)
        problems.extend(f"{path}: {problem}" for problem in pipeline.problems)
    return tuple(pipelines), tuple(problems)
