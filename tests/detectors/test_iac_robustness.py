"""The IaC readers on hostile input: broken and binary files, alias bombs, a reader that crashes, and
properties (hypothesis): arbitrary text in a `.tf`, a manifest or any YAML never raises."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_scan_detectors import iac
from devops_scan_detectors.iac_aws import cloudformation_kind
from devops_scan_detectors.iac_config_mgmt import is_playbook
from devops_scan_detectors.iac_kubernetes import manifest_kind
from devops_scan_detectors.iac_terraform_parse import read_terraform
from tests.detectors.infra_scan import DETECTORS, outcome, run_memory
from tests.testing.fakes import MemoryClient

GOOD_TF = 'terraform {\n  backend "gcs" {\n    bucket = "b"\n  }\n}\n'
BOMB = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
        "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
        "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n")


def test_a_broken_manifest_is_reported_with_its_line_and_the_rest_still_counts():
    result = run_memory({
        "k8s/broken.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: [unclosed\n",
        "k8s/bomb.yaml": BOMB,
        "infra/main.tf": GOOD_TF,
    })
    assert result.inventory["iac"] == {"terraform": ["infra/main.tf"]}
    assert outcome(result, "infra.remote-state") == "pass"
    warnings = "\n".join(result.warnings)
    assert "k8s/broken.yaml:4: looks like a Kubernetes manifest but is not valid YAML" in warnings
    assert "k8s/bomb.yaml:10: looks like a Kubernetes manifest but is not valid YAML: aliases expand" in warnings


def test_unreadable_files_are_skipped_not_fatal():
    class BinaryChart(MemoryClient):
        def _read_bytes(self, path: str, limit: int) -> bytes:
            return b"\x89PNG\x00\x00" if path.endswith("Chart.yaml") else super()._read_bytes(path, limit)

    from devops_scan.detector import ScanContext
    from devops_scan.engine import run_detectors
    from tests.detectors.infra_scan import AS_OF

    client = BinaryChart({"chart/Chart.yaml": "", "infra/main.tf": GOOD_TF})
    result = run_detectors(client, DETECTORS, ScanContext(as_of=AS_OF))
    assert result.inventory["iac"] == {"terraform": ["infra/main.tf"]}
    assert "chart/Chart.yaml: binary content, not text" in result.warnings


def test_a_crashing_reader_costs_only_its_own_evidence(monkeypatch):
    def crash(*_args):
        raise RuntimeError("reader bug")

    monkeypatch.setattr(iac, "read_helm", crash)
    result = run_memory({"chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n", "infra/main.tf": GOOD_TF})
    assert result.inventory["iac"] == {"terraform": ["infra/main.tf"]}
    assert "infrastructure-as-code: the Helm reader failed: RuntimeError: reader bug" in result.warnings


# --- properties -----------------------------------------------------------------------------------------

HCL_WORDS = st.sampled_from(['terraform', 'module', 'provider', 'backend', '"s3"', '"x"', '{', '}', '=', '"',
                             'source', 'version', 'required_providers', '\n', ' ', '#', '${', '[', ']', 'true',
                             '<<EOF'])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.lists(HCL_WORDS, max_size=60).map("".join)))
def test_terraform_reader_never_raises(text):
    for path in ("main.tf", "terragrunt.hcl", "main.tf.json"):
        read_terraform(path, text)


YAML_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner,
                                                                                       max_size=4), max_leaves=15)
KEYED = st.dictionaries(st.sampled_from(["apiVersion", "kind", "metadata", "spec", "Resources", "Transform",
                                         "AWSTemplateFormatVersion", "hosts", "tasks"]),
                        YAML_VALUES | st.sampled_from(["apps/v1", "v1", "Deployment", "AWS::S3::Bucket"]), max_size=5)


@settings(max_examples=100, deadline=None)
@given(st.one_of(YAML_VALUES, KEYED, st.lists(KEYED, max_size=3)))
def test_document_classifiers_never_raise(document):
    manifest_kind(document)
    cloudformation_kind(document)
    is_playbook(document)


YAML_TEXT = st.lists(st.sampled_from(["apiVersion: apps/v1\n", "kind: Deployment\n", "metadata:\n", "  name: x\n",
                                      "spec:\n", "  template:\n", "    spec:\n", "      containers:\n",
                                      "        - readinessProbe: {}\n", "---\n", "services:\n", "  web:\n",
                                      "    build: .\n", "AWSTemplateFormatVersion: x\n", "- hosts: all\n",
                                      "  tasks: []\n", "{{ x }}\n", "  - [\n", ": :\n", "\t\n"]),
                     max_size=20).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(YAML_TEXT, st.text(max_size=200)))
def test_no_detector_fails_on_arbitrary_yaml(text):
    result = run_memory({"k8s/x.yaml": text, "compose.yaml": text, "template.yaml": text, "site.yml": text,
                         "chart/Chart.yaml": text, "kustomization.yaml": text, "Dockerfile": text, "main.tf": text})
    assert not [w for w in result.warnings if "failed" in w]


@pytest.mark.parametrize("path", ["k8s/a.yaml", "stack.yml", "main.tf", "Pulumi.yaml", "x.bicep", "Dockerfile"])
def test_empty_files_are_not_infrastructure_and_do_not_fail(path):
    result = run_memory({path: ""})
    assert result.inventory["iac"] == {}
    assert not result.warnings
