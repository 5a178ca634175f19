"""Badges in a README: every image it shows, and which service and kind (CI, coverage, quality) each is.

Only CI, coverage and quality badges show code health; version, licence, download and chat badges
are listed but do not count for `report.badges`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CI = "ci"
COVERAGE = "coverage"
QUALITY = "quality"
OTHER = "other"
HEALTH_KINDS = (CI, COVERAGE, QUALITY)

_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")
_MARKDOWN_REFERENCE_IMAGE = re.compile(r"!\[([^\]]*)\]\[([^\]]*)\]")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(\s|$)")
_HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']([^\"']+)", re.IGNORECASE)
_RST_IMAGE = re.compile(r"^\s*\.\.\s+(?:\|[^|]+\|\s+)?(?:image|figure)::\s*(\S+)")
_ADOC_IMAGE = re.compile(r"image::?([^\s\[]+)\[")

# (kind, service, URL pattern); the first match wins, so specific shields.io paths come first.
_SERVICES: tuple[tuple[str, str, re.Pattern[str]], ...] = tuple(
    (kind, service, re.compile(pattern, re.IGNORECASE)) for kind, service, pattern in (
        # Also relative (`../../actions/workflows/ci.yml/badge.svg`), which GitHub resolves to the repository.
        (CI, "GitHub Actions", r"(^|/)(actions/)?workflows/[^?#]+/badge\.svg"
                               r"|img\.shields\.io/github/(actions/)?(workflow|checks)-?(status)?/"),
        (COVERAGE, "GitLab coverage", r"/badges/[^?#]+/coverage\.svg|img\.shields\.io/gitlab/(pipeline-)?coverage/"),
        (CI, "GitLab pipeline", r"/badges/[^?#]+/pipeline\.svg|img\.shields\.io/gitlab/pipeline(-status)?/"),
        (CI, "Travis CI", r"travis-ci\.(org|com)/.+\.svg|img\.shields\.io/travis/"),
        (CI, "CircleCI", r"circleci\.com/(gh|bb|gl|github|gitlab)/.+\.svg|dl\.circleci\.com/status-badge|"
                         r"img\.shields\.io/circleci/"),
        (CI, "Azure Pipelines", r"_apis/build/status|img\.shields\.io/azure-devops/(build|tests)/"),
        (CI, "AppVeyor", r"ci\.appveyor\.com/api/projects/status|img\.shields\.io/appveyor/(ci|build|tests)/"),
        (CI, "Buildkite", r"badge\.buildkite\.com/"),
        (CI, "Drone", r"/api/badges/[^?#]+/status\.svg|cloud\.drone\.io/.+/status\.svg"),
        (CI, "Jenkins", r"buildStatus/icon|img\.shields\.io/jenkins/"),
        (CI, "Cirrus CI", r"api\.cirrus-ci\.com/github/"),
        (CI, "Semaphore", r"semaphoreci\.com/.+badge"),
        (CI, "Bitrise", r"app\.bitrise\.io/app/.+/status\.svg"),
        (CI, "AWS CodeBuild", r"codebuild\.[^/]+\.amazonaws\.com/badges"),
        (CI, "pre-commit.ci", r"results\.pre-commit\.ci/badge/"),
        (CI, "sourcehut builds", r"builds\.sr\.ht/.+\.svg"),
        (COVERAGE, "Codecov", r"codecov\.io/|img\.shields\.io/codecov/"),
        (COVERAGE, "Coveralls", r"coveralls\.io/|img\.shields\.io/coveralls/"),
        (COVERAGE, "Code Climate coverage",
         r"codeclimate\.com/.*test_coverage|img\.shields\.io/codeclimate/(c|coverage)/"),
        (COVERAGE, "SonarCloud coverage", r"sonarcloud\.io/api/project_badges/measure\?.*metric=coverage"),
        (COVERAGE, "Codacy coverage", r"codacy\.com/project/badge/Coverage|img\.shields\.io/codacy/coverage/"),
        (QUALITY, "SonarCloud", r"sonarcloud\.io/api/project_badges/|img\.shields\.io/sonar/"),
        (QUALITY, "Code Climate", r"codeclimate\.com/.+/(maintainability|badges/gpa)|img\.shields\.io/codeclimate/"),
        (QUALITY, "Codacy", r"codacy\.com/project/badge/Grade|img\.shields\.io/codacy/grade/"),
        (QUALITY, "OpenSSF Scorecard", r"api\.(securityscorecards|scorecard)\.dev/projects/.+/badge|"
                                       r"img\.shields\.io/ossf-scorecard/"),
        (QUALITY, "OpenSSF Best Practices", r"(bestpractices\.coreinfrastructure\.org|bestpractices\.dev)/"
                                            r"(en/)?projects/\d+/badge"),
        (QUALITY, "DeepSource", r"deepsource\.(io|com)/.+/(badge|status)"),
        (QUALITY, "Go Report Card", r"goreportcard\.com/badge/"),
        (QUALITY, "Snyk", r"snyk\.io/test/.+/badge\.svg"),
        (QUALITY, "LGTM", r"lgtm\.com/.+/badges/"),
        (OTHER, "Read the Docs", r"readthedocs\.(org|io)/projects/.+/badge|img\.shields\.io/readthedocs/"),
        (OTHER, "package version", r"img\.shields\.io/(pypi|npm|crates|gem|nuget|maven-central|packagist|"
                                   r"conda|hexpm|pub|cocoapods|docker/v)/|badge\.fury\.io/|pkg\.go\.dev/badge/"),
        (OTHER, "licence", r"img\.shields\.io/(github/)?licen[cs]e|/license-[^/]*-"),
        (OTHER, "shields.io", r"img\.shields\.io/|shields\.io/badge/"),
    ))
# Images from badge services are badges; other images (logos, screenshots) are not listed.
_BADGE_HOSTS = re.compile(r"shields\.io|badge|/status\.svg|\.svg\?branch=|pipeline\.svg|coverage\.svg|"
                          r"buildStatus", re.IGNORECASE)


@dataclass(frozen=True)
class Badge:
    kind: str
    service: str
    url: str
    line: int


def find_badges(text: str) -> list[Badge]:
    """Every badge image of a README (Markdown, HTML, reStructuredText or AsciiDoc), in order."""
    references: dict[str, str] = {}
    lines = text.splitlines()
    for line in lines:
        definition = _REFERENCE_DEFINITION.match(line)
        if definition:
            references[definition.group(1).strip().lower()] = definition.group(2)
    badges: list[Badge] = []
    for number, line in enumerate(lines, 1):
        urls = [m.group(1) for pattern in (_MARKDOWN_IMAGE, _HTML_IMAGE, _ADOC_IMAGE) for m in pattern.finditer(line)]
        urls += [references.get((m.group(2) or m.group(1)).strip().lower(), "")
                 for m in _MARKDOWN_REFERENCE_IMAGE.finditer(line)]
        rst = _RST_IMAGE.match(line)
        if rst:
            urls.append(rst.group(1))
        for url in urls:
            badge = classify_badge(url, number)
            if badge is not None:
                badges.append(badge)
    return badges


def classify_badge(url: str, line: int) -> Badge | None:
    """The badge an image URL shows, or None when the image is not a badge (a logo, a screenshot)."""
    for kind, service, pattern in _SERVICES:
        if pattern.search(url):
            return Badge(kind, service, url, line)
    if _BADGE_HOSTS.search(url):
        return Badge(OTHER, "badge", url, line)
    return None
