"""Templates a CI file includes by name, and what they add: GitLab's `template:` includes
(`Security/SAST.gitlab-ci.yml`, `Auto-DevOps.gitlab-ci.yml`...), CI/CD catalog components
(`$CI_SERVER_FQDN/components/sast/sast@2`) and GitHub reusable workflows of known publishers.

Remote includes and project includes are other files we cannot read here: they give nothing (the
parsers record them as external, which the practice detectors report as unknown).

Decision: Terraform templates add IAC_VALIDATE, and DEPLOY with data `manual: "true"` (their apply
job is `when: manual`); Auto DevOps adds DEPLOY with data `environment: production` (its default is
continuous deployment to production).
"""

from __future__ import annotations

import re

from devops_scan.model import Location
from devops_scan_detectors.activity import (
    BUILD_IMAGE, CONTAINER_SCAN, DEPENDENCY_SCAN, DEPLOY, IAC_VALIDATE, LINT, POLICY_CHECK, PUSH_IMAGE, SAST,
    SECRET_SCAN, SIGN, Activity,
)
from devops_scan_detectors.cimodel import Include

_Entry = tuple[tuple[str, ...], dict[str, str]]
_GITLAB_TEMPLATES: dict[str, _Entry] = {
    "sast": ((SAST,), {}), "sast.latest": ((SAST,), {}),
    "sast-iac": ((POLICY_CHECK,), {}), "sast-iac.latest": ((POLICY_CHECK,), {}),
    "dependency-scanning": ((DEPENDENCY_SCAN,), {}), "dependency-scanning.latest": ((DEPENDENCY_SCAN,), {}),
    "container-scanning": ((CONTAINER_SCAN,), {}), "container-scanning.latest": ((CONTAINER_SCAN,), {}),
    "secret-detection": ((SECRET_SCAN,), {}), "secret-detection.latest": ((SECRET_SCAN,), {}),
    "code-quality": ((LINT,), {}),
    "build": ((BUILD_IMAGE, PUSH_IMAGE), {}), "build.latest": ((BUILD_IMAGE, PUSH_IMAGE), {}),
    "deploy": ((DEPLOY,), {}), "deploy.latest": ((DEPLOY,), {}),
    "auto-devops": ((BUILD_IMAGE, PUSH_IMAGE, LINT, SAST, DEPENDENCY_SCAN, CONTAINER_SCAN, SECRET_SCAN, DEPLOY),
                    {"environment": "production", "via": "Auto DevOps"}),
    "terraform": ((IAC_VALIDATE, DEPLOY), {"iac": "terraform", "manual": "true"}),
    "terraform.latest": ((IAC_VALIDATE, DEPLOY), {"iac": "terraform", "manual": "true"}),
}
_COMPONENTS: dict[str, _Entry] = {
    "sast": ((SAST,), {}), "secret-detection": ((SECRET_SCAN,), {}),
    "dependency-scanning": ((DEPENDENCY_SCAN,), {}), "container-scanning": ((CONTAINER_SCAN,), {}),
    "code-quality": ((LINT,), {}), "opentofu": ((IAC_VALIDATE,), {"iac": "opentofu"}),
}
_WORKFLOWS: dict[str, _Entry] = {
    "slsa-framework/slsa-github-generator": ((SIGN,), {}),
}


def template_activities(include: Include | str, location: Location | None = None) -> tuple[Activity, ...]:
    """What a named template adds to the pipeline, with the include's location."""
    if isinstance(include, str):
        ref, kind = include, "template"
        where = location or Location("")
    else:
        ref, kind, where = include.ref, include.kind, include.location
    entry = _entry(ref, kind)
    if entry is None:
        return ()
    found_kinds, data = entry
    tool = "gitlab" if kind in ("template", "component") else "reusable-workflow"
    return tuple(Activity(activity_kind, tool, where, ref, (), dict(data)) for activity_kind in found_kinds)


def _entry(ref: str, kind: str) -> _Entry | None:
    if kind == "template":
        name = ref.strip().rsplit("/", 1)[-1]
        name = re.sub(r"\.gitlab-ci\.ya?ml$", "", name, flags=re.IGNORECASE).lower()
        if ref.lower().startswith("pages/"):
            return (DEPLOY,), {"environment": "gitlab-pages"}
        if ref.lower().startswith("terraform/") and name.startswith("base"):
            return (IAC_VALIDATE,), {"iac": "terraform"}
        return _GITLAB_TEMPLATES.get(name)
    if kind == "component":
        match = re.search(r"/components/([\w.-]+)/([\w.-]+)", ref)
        name = match.group(2) if match else ref.rsplit("/", 1)[-1].split("@", 1)[0]
        return _COMPONENTS.get(name.split("@", 1)[0].lower())
    if kind == "reusable-workflow":
        key = ref.split("@", 1)[0].split("/.github/workflows/", 1)[0].lower()
        return _WORKFLOWS.get(key)
    return None
