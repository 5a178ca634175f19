"""Parsers of the hosted CI services besides GitHub and GitLab: CircleCI, Travis CI, Azure Pipelines,
Bitbucket Pipelines, Buildkite, AppVeyor and Semaphore — one module each; this module lists them."""

from __future__ import annotations

from devops_scan_detectors import (ci_appveyor, ci_azure, ci_bitbucket, ci_buildkite, ci_circleci, ci_semaphore,
                                   ci_travis)
from devops_scan_detectors.ci_parsekit import Parser

PARSERS: dict[str, Parser] = {
    **ci_appveyor.PARSERS,
    **ci_azure.PARSERS,
    **ci_bitbucket.PARSERS,
    **ci_buildkite.PARSERS,
    **ci_circleci.PARSERS,
    **ci_semaphore.PARSERS,
    **ci_travis.PARSERS,
}
