"""Policy as code in files: Rego/Conftest, Checkov, tfsec, Trivy, KICS and Sentinel configuration.

These are facts only (the `iac["policy-as-code"]` inventory). Whether a policy check *runs* is a
CI question, answered by the CI detectors; Kyverno and Gatekeeper policies are Kubernetes
resources and come from the manifest reader.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan_detectors.iac_model import IacFile, Reading, line_of
from devops_scan_detectors.iac_scope import own_paths
from devops_scan_detectors.iac_yaml import read_text

_REGO_PACKAGE = re.compile(r"^package\s+[\w.\[\]\"-]+", re.MULTILINE)
_SENTINEL = re.compile(r"^[ \t]*(import|main|rule|param)\b|^[ \t]*\w+\s*=\s*rule\b", re.MULTILINE)
# (file names, what they configure)
_CONFIG_FILES: tuple[tuple[tuple[str, ...], str], ...] = (
    ((".checkov.yml", ".checkov.yaml"), "Checkov configuration"),
    (("tfsec.yml", "tfsec.yaml", ".tfsec.yml", ".tfsec.yaml"), "tfsec configuration"),
    (("trivy.yaml", "trivy.yml", ".trivy.yaml", ".trivy.yml"), "Trivy configuration"),
    (("kics.config", "kics.yml", "kics.yaml", "kics.json", "kics.toml", ".kics.yml", ".kics.yaml"),
     "KICS configuration"),
    (("conftest.toml",), "Conftest configuration"),
    (("sentinel.hcl",), "Sentinel policy set"),
)


def read_policies(client: RepoClient) -> Reading:
    files = []
    for path in own_paths(client.files.with_extension("rego")):
        text = read_text(client, path) or ""
        if _REGO_PACKAGE.search(text):
            what = "Rego policy tests" if path.endswith("_test.rego") else "Rego policy"
            if posixpath.basename(posixpath.dirname(path)) == "policy":
                what += " (Conftest's `policy/` folder)"
            files.append(IacFile("policy-as-code", path, line_of(text, _REGO_PACKAGE), what))
    for path in own_paths(client.files.with_extension("sentinel")):
        text = read_text(client, path) or ""
        if _SENTINEL.search(text):
            files.append(IacFile("policy-as-code", path, line_of(text, _SENTINEL), "Sentinel policy"))
    for names, what in _CONFIG_FILES:
        files.extend(IacFile("policy-as-code", path, None, what) for path in own_paths(client.files.named(*names)))
    files.extend(IacFile("policy-as-code", path, None, "tfsec configuration")
                 for path in own_paths(client.files.glob("**/.tfsec/*")) if path.endswith((".yml", ".yaml", ".json")))
    return Reading(files=tuple(files))
