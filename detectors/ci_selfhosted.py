"""Parsers of self-hosted and cloud-native CI systems: Drone, Woodpecker, Tekton, Concourse, TeamCity,
Buildbot, Google Cloud Build and AWS CodeBuild — one module each (Drone and Woodpecker share one,
as do the two cloud build services); this module lists them."""

from __future__ import annotations

from devops_scan_detectors import ci_buildbot, ci_cloudbuild, ci_concourse, ci_drone, ci_teamcity, ci_tekton
from devops_scan_detectors.ci_parsekit import Parser

PARSERS: dict[str, Parser] = {
    **ci_buildbot.PARSERS,
    **ci_cloudbuild.PARSERS,
    **ci_concourse.PARSERS,
    **ci_drone.PARSERS,
    **ci_teamcity.PARSERS,
    **ci_tekton.PARSERS,
}
