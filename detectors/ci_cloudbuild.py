"""Google Cloud Build (`cloudbuild.yaml`) and AWS CodeBuild (`buildspec.yml`) into the CI model.

Both files say what a build runs, not when: their triggers are resources of the cloud project
(Cloud Build triggers, CodeBuild webhook filters or a CodePipeline). The pipeline's triggers are
therefore `other`, with a problem note saying where they live, so that "runs on pushes to the default
branch" stays undecided instead of false.

Cloud Build: one job whose steps run in order; a step is its `script`, or its entrypoint (the builder's
tool for `gcr.io/cloud-builders/<tool>` images) with its `args` (`bash -c "..."` is its script), in its
`dir`; `images:` are pushed after the steps (`docker push <image>`); `artifacts:` are uploads.
CodeBuild: one job running the commands of install, pre_build, build and post_build (with their
`finally` blocks); `reports:` with a test format are test reports, with a coverage format coverage
reports; `artifacts:` an upload; a `batch: build-matrix` the matrix.
"""

from __future__ import annotations

from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan_detectors.ci_parsekit import (command_steps, first_document, guarded, in_directory, inputs_of,
                                               line_of, loc, mapping, sequence, shell_join, strings)
from devops_scan_detectors.cimodel import OTHER, Job, Pipeline, Step, Triggers, as_text

CLOUD_BUILD_TRIGGERS = "triggers are configured in Google Cloud (Cloud Build triggers), not in the file"
CODEBUILD_TRIGGERS = "triggers are configured in AWS (CodeBuild webhook filters or CodePipeline), not in the file"
_BUILDER_PREFIXES = ("gcr.io/cloud-builders/", "gcr.io/google.com/cloudsdktool/")
_PHASES = ("install", "pre_build", "build", "post_build")
_COVERAGE_FORMATS = frozenset({"CLOVERXML", "COBERTURAXML", "JACOCOXML", "SIMPLECOV"})


@guarded("google-cloud-build")
def parse_cloud_build(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    steps: list[Step] = []
    listed = sequence(config.get("steps"))
    for index, step in enumerate(listed):
        steps.extend(_cloud_build_step(path, mapping(step), line_of(listed, index)))
    images = sequence(config.get("images"))
    for index, image in enumerate(images):
        steps.append(Step(loc(path, line_of(images, index)), name="images", run=f"docker push {as_text(image)}"))
    artifacts = mapping(config.get("artifacts"))
    for kind, body in artifacts.items():
        inputs = {**inputs_of(body), **({"paths": " ".join(strings(mapping(body).get("paths")))}
                                         if mapping(body).get("paths") else {})}
        steps.append(Step(loc(path, line_of(artifacts, kind)), name="artifacts", uses=f"cloud-build-artifacts:{kind}",
                          inputs=inputs))
    job = Job("build", loc(path, line_of(config, "steps")), name="build", steps=tuple(steps))
    return Pipeline("google-cloud-build", path, Triggers(frozenset({OTHER})), (job,), problems=(CLOUD_BUILD_TRIGGERS,))


def _cloud_build_step(path: str, step: dict[Any, Any], line: int | None) -> list[Step]:
    location = loc(path, line)
    image = as_text(step.get("name")) or ""
    name = as_text(step.get("id")) or image
    directory = as_text(step.get("dir"))
    script = as_text(step.get("script"))
    if script:
        return [Step(location, name=name, run=script, working_directory=in_directory(directory))]
    args = list(strings(step.get("args")))
    tool = as_text(step.get("entrypoint")) or _builder_tool(image)
    if tool is None:
        # The image's own entrypoint runs the args: what that is, the file does not say.
        return [Step(location, name=name, uses=image, inputs={"args": shell_join(args)} if args else {})]
    if tool in ("bash", "sh") and len(args) >= 2 and args[0] == "-c":
        return [Step(location, name=name, run=args[1], working_directory=in_directory(directory))]
    return [Step(location, name=name, run=shell_join([tool, *args]),
                 working_directory=in_directory(directory))]


def _builder_tool(image: str) -> str | None:
    for prefix in _BUILDER_PREFIXES:
        if image.startswith(prefix):
            tool = image[len(prefix):].split(":", 1)[0].split("@", 1)[0]
            return "gcloud" if tool in ("cloud-sdk", "gcloud-slim") else tool
    return None


@guarded("aws-codebuild")
def parse_codebuild(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
    config = first_document(client, context, path)
    phases = mapping(config.get("phases"))
    steps: list[Step] = []
    for phase in _PHASES:
        body = mapping(phases.get(phase))
        steps += command_steps(path, body, "commands", name=phase)
        steps += command_steps(path, body, "finally", name=f"{phase} finally")
    reports = mapping(config.get("reports"))
    for name, report in reports.items():
        report = mapping(report)
        file_format = (as_text(report.get("file-format")) or "JUNITXML").upper()
        kind = "coverage" if file_format in _COVERAGE_FORMATS else "test"
        steps.append(Step(loc(path, line_of(reports, name)), name=str(name), uses=f"codebuild-report:{kind}",
                          inputs={"file-format": file_format, "files": " ".join(strings(report.get("files"))),
                                  **({"base-directory": as_text(report["base-directory"]) or ""}
                                     if "base-directory" in report else {})}))
    if "artifacts" in config:
        artifacts = mapping(config["artifacts"])
        steps.append(Step(loc(path, line_of(config, "artifacts")), name="artifacts", uses="codebuild-artifacts",
                          inputs={"files": " ".join(strings(artifacts.get("files")))}))
    matrix = {str(variable): strings(values) for variable, values in
              mapping(mapping(mapping(mapping(mapping(config.get("batch")).get("build-matrix")).get("dynamic"))
                              .get("env")).get("variables")).items() if strings(values)}
    image = strings(mapping(mapping(mapping(config.get("batch")).get("build-matrix")).get("dynamic")).get("image"))
    if len(image) > 1:
        matrix["image"] = image
    job = Job("build", loc(path, line_of(config, "phases")), name="build", steps=tuple(steps), matrix=matrix)
    return Pipeline("aws-codebuild", path, Triggers(frozenset({OTHER})), (job,), problems=(CODEBUILD_TRIGGERS,))


PARSERS = {"google-cloud-build": parse_cloud_build, "aws-codebuild": parse_codebuild}
