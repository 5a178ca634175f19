"""Units the CI parsers make up for configuration that is a fact rather than a command, named
`<kind>:<detail>`: `travis-deploy:pypi`, `appveyor-deploy:NuGet`, `codebuild-report:coverage`,
`cloud-build-artifacts:pythonPackages`, `concourse-put:registry-image`, `buildbot:FileUpload`,
`teamcity:qodana`, plus AppVeyor's implicit `appveyor-msbuild` / `appveyor-test-discovery`.

Decisions: a deploy provider that publishes a package (PyPI, npm, RubyGems, NuGet...) is PUBLISH, the
GitHub Releases provider is RELEASE, an upload to storage (S3, Azure Blob, GCS) from AppVeyor is an
artifact upload; every other Travis/AppVeyor deploy provider is DEPLOY (that is what the section is for).
"""

from __future__ import annotations

from typing import Callable

from devops_scan_detectors.activity import (
    ARTIFACT_DOWNLOAD, ARTIFACT_UPLOAD, BUILD, BUILD_IMAGE, COVERAGE, COVERAGE_UPLOAD, DEPLOY, LINT, PUBLISH,
    PUSH_IMAGE, RELEASE, TAG, TEST, TEST_REPORT,
)
from devops_scan_detectors.command_rules import kinds
from devops_scan_detectors.unit_rules import Inputs, UnitEffect, UnitHandler, does, pick

PseudoHandler = Callable[[str, Inputs], UnitEffect]
_PACKAGE_REGISTRIES = frozenset({"pypi", "npm", "rubygems", "cargo", "hackage", "puppetforge", "packagecloud",
                                 "bintray", "nuget", "chocolatey", "hex", "cocoapods", "snap", "pub"})


def _deploy_provider(tool: str, storage_is_artifact: bool) -> PseudoHandler:
    def handle(provider: str, _inputs: Inputs) -> UnitEffect:
        name = provider.strip().lower()
        if name in _PACKAGE_REGISTRIES:
            return UnitEffect(kinds(tool, PUBLISH, registry=name))
        if name in ("releases", "github"):
            return UnitEffect(kinds(tool, RELEASE))
        if name == "pages":
            return UnitEffect(kinds(tool, DEPLOY, environment="github-pages"))
        if storage_is_artifact and name in ("s3", "azureblob", "gcs"):
            return UnitEffect(kinds(tool, ARTIFACT_UPLOAD))
        return UnitEffect(kinds(tool, DEPLOY, provider=name))

    return handle


def _cloud_build_artifacts(kind: str, _inputs: Inputs) -> UnitEffect:
    if kind in ("mavenArtifacts", "pythonPackages", "npmPackages", "goModules"):
        return UnitEffect(kinds("cloud-build", PUBLISH))
    return UnitEffect(kinds("cloud-build", ARTIFACT_UPLOAD))


def _codebuild_report(kind: str, _inputs: Inputs) -> UnitEffect:
    if kind == "coverage":
        return UnitEffect(kinds("codebuild", COVERAGE_UPLOAD, service="codebuild"))
    return UnitEffect(kinds("codebuild", TEST_REPORT))


def _concourse_put(resource: str, inputs: Inputs) -> UnitEffect:
    kind = resource.lower()
    if kind == "docker-image":  # builds from `build:` and pushes
        return UnitEffect(kinds("concourse", BUILD_IMAGE, PUSH_IMAGE))
    if kind == "registry-image":
        return UnitEffect(kinds("concourse", PUSH_IMAGE))
    if kind == "github-release":
        return UnitEffect(kinds("concourse", RELEASE))
    if kind == "git" and pick(inputs, "tag"):
        return UnitEffect(kinds("concourse", TAG))
    if kind in ("cf", "cf-resource", "kubernetes", "k8s", "helm", "helm-chart", "bosh-deployment"):
        return UnitEffect(kinds("concourse", DEPLOY, resource=kind))
    if kind in ("terraform",):
        return UnitEffect(kinds("concourse", DEPLOY, iac="terraform"))
    if kind in ("s3", "gcs", "azure-blobstore"):
        return UnitEffect(kinds("concourse", ARTIFACT_UPLOAD))
    return UnitEffect()


_BUILDBOT: dict[str, UnitHandler] = {
    "FileUpload": does("buildbot", ARTIFACT_UPLOAD), "DirectoryUpload": does("buildbot", ARTIFACT_UPLOAD),
    "MultipleFileUpload": does("buildbot", ARTIFACT_UPLOAD), "FileDownload": does("buildbot", ARTIFACT_DOWNLOAD),
    "RpmBuild": does("buildbot", BUILD), "DebPbuilder": does("buildbot", BUILD), "Mock": does("buildbot", BUILD),
}
_TEAMCITY: dict[str, UnitHandler] = {
    "qodana": does("qodana", LINT), "inspections": does("teamcity-inspections", LINT),
    "duplicates": does("teamcity-duplicates", LINT), "nuGetPublish": does("nuget", PUBLISH),
    "nuGetPack": does("nuget", BUILD), "dotCover": does("dotcover", COVERAGE),
}

PSEUDO: dict[str, PseudoHandler] = {
    "travis-deploy": _deploy_provider("travis", storage_is_artifact=False),
    "appveyor-deploy": _deploy_provider("appveyor", storage_is_artifact=True),
    "cloud-build-artifacts": _cloud_build_artifacts,
    "codebuild-report": _codebuild_report,
    "concourse-put": _concourse_put,
    "concourse-get": lambda _kind, _inputs: UnitEffect(),
    "buildbot": lambda kind, inputs: _BUILDBOT.get(kind, lambda _i: UnitEffect())(inputs),
    "teamcity": lambda kind, inputs: _TEAMCITY.get(kind, lambda _i: UnitEffect())(inputs),
    "trigger": lambda _target, _inputs: UnitEffect(),
    "buildkite-trigger": lambda _target, _inputs: UnitEffect(),
}
# Whole names made up by parsers (no detail part).
NAMED: dict[str, UnitHandler] = {
    "appveyor-msbuild": does("msbuild", BUILD),
    "appveyor-test-discovery": does("appveyor", TEST),
    "codebuild-artifacts": does("codebuild", ARTIFACT_UPLOAD),
}
