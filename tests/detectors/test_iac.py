"""Infrastructure detectors on the IaC fixture repositories, end to end: the `iac` inventory and every
practice they answer (infra.*, env.parity, deploy.config-separated, deploy.zero-downtime)."""

from __future__ import annotations

import pytest

from tests.detectors.infra_scan import scan_fixture
from tests.testing.repos import FIXTURES

FIXTURES_USED = ["iac-terraform-s3", "iac-terraform-copies", "iac-helm-chart", "iac-kustomize", "iac-ansible-role",
                 "iac-cloudformation", "iac-sam", "iac-pulumi", "iac-kubernetes-copies", "containers-lookalikes"]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict]:
    workdir = tmp_path_factory.mktemp("iac")
    return {name: scan_fixture(name, workdir) for name in FIXTURES_USED}


TF_S3 = ["infra/main.tf", "infra/outputs.tf", "infra/variables.tf", "infra/versions.tf", "modules/service/main.tf",
         "modules/service/outputs.tf", "modules/service/variables.tf", "modules/service/versions.tf"]
KUSTOMIZE = ["deploy/base/deployment.yaml", "deploy/base/kustomization.yaml", "deploy/base/service.yaml",
             "deploy/overlays/production/kustomization.yaml", "deploy/overlays/production/pdb.yaml",
             "deploy/overlays/production/replicas.yaml", "deploy/overlays/staging/kustomization.yaml"]
K8S_COPIES = ["k8s/production/deployment.yaml", "k8s/production/service.yaml", "k8s/staging/deployment.yaml",
              "k8s/staging/service.yaml"]
ANSIBLE = ["ansible.cfg", "requirements.yml", "roles/nginx/molecule/default/converge.yml",
           "roles/nginx/molecule/default/verify.yml", "roles/nginx/tasks/main.yml", "site.yml"]

INVENTORY = [
    ("iac-terraform-s3", {"terraform": TF_S3}),
    ("iac-terraform-copies", {"terraform": ["environments/production/backend.tf", "environments/production/main.tf",
                                            "environments/staging/main.tf"]}),
    # The chart's templates are Go templates (deployment.yaml is not even YAML): Helm's, not Kubernetes'.
    ("iac-helm-chart", {"helm": ["charts/storefront/Chart.yaml"]}),
    # Manifests a kustomization renders are Kustomize's.
    ("iac-kustomize", {"kustomize": KUSTOMIZE, "skaffold": ["skaffold.yaml"]}),
    ("iac-ansible-role", {"ansible": ANSIBLE}),
    # YAML with !Ref/!Sub/!GetAtt, and JSON without AWSTemplateFormatVersion (decided by AWS:: types).
    ("iac-cloudformation", {"cloudformation": ["infrastructure/network.yaml", "infrastructure/service.json"]}),
    ("iac-sam", {"sam": ["template.yaml"]}),
    ("iac-pulumi", {"pulumi": ["Pulumi.yaml"]}),
    ("iac-kubernetes-copies", {"kubernetes": K8S_COPIES}),
    # A Backstage catalog, a kind cluster config and a sample under examples/ are not infrastructure.
    ("containers-lookalikes", {}),
]


@pytest.mark.parametrize(("name", "expected"), INVENTORY, ids=[row[0] for row in INVENTORY])
def test_iac_inventory(reports, name, expected):
    assert reports[name]["inventory"]["iac"] == expected


P = ("infra.as-code", "infra.remote-state", "infra.pinned-modules", "infra.tested", "infra.scripted", "env.parity",
     "deploy.config-separated", "deploy.zero-downtime")
PASS, FAIL, UNKNOWN, NA = "pass", "fail", "unknown", "not_applicable"
OUTCOMES = [
    #                           as-code remote pinned tested scripted parity config zero-downtime
    ("iac-terraform-s3",        (PASS, PASS, PASS, PASS, PASS, PASS, PASS, PASS)),
    ("iac-terraform-copies",    (PASS, FAIL, FAIL, FAIL, PASS, FAIL, NA, NA)),
    ("iac-helm-chart",          (PASS, NA, PASS, PASS, PASS, PASS, PASS, PASS)),
    ("iac-kustomize",           (PASS, NA, PASS, FAIL, PASS, PASS, PASS, PASS)),
    ("iac-ansible-role",        (PASS, NA, PASS, PASS, PASS, PASS, PASS, NA)),
    ("iac-cloudformation",      (PASS, NA, NA, FAIL, PASS, NA, NA, PASS)),
    ("iac-sam",                 (PASS, NA, NA, FAIL, PASS, NA, NA, PASS)),
    ("iac-pulumi",              (PASS, UNKNOWN, NA, PASS, PASS, PASS, PASS, NA)),
    ("iac-kubernetes-copies",   (PASS, NA, NA, FAIL, PASS, FAIL, FAIL, FAIL)),
    ("containers-lookalikes",   (FAIL, NA, NA, NA, FAIL, NA, NA, PASS)),
]


@pytest.mark.parametrize(("name", "outcomes"), OUTCOMES, ids=[row[0] for row in OUTCOMES])
def test_practice_outcomes(reports, name, outcomes):
    found = tuple(reports[name]["practices"][practice]["outcome"] for practice in P)
    assert dict(zip(P, found, strict=True)) == dict(zip(P, outcomes, strict=True))


def line_of(fixture: str, path: str, needle: str) -> int:
    lines = (FIXTURES / "repos" / fixture / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def facts(report: dict, practice: str) -> list[tuple[str, int | None, str]]:
    return [(f["path"], f["line"], f["detail"]) for f in report["practices"][practice]["evidence"]]


def test_remote_state_evidence_is_the_backend_block(reports):
    assert facts(reports["iac-terraform-s3"], "infra.remote-state") == [
        ("infra/versions.tf", line_of("iac-terraform-s3", "infra/versions.tf", 'backend "s3"'),
         'infra: `backend "s3"`, locked'),
    ]


def test_local_state_is_named_per_root(reports):
    practice = reports["iac-terraform-copies"]["practices"]["infra.remote-state"]
    assert practice["reason"] == "2 of 2 root(s) keep state locally"
    assert facts(reports["iac-terraform-copies"], "infra.remote-state") == [
        ("environments/production/backend.tf", 2,
         'environments/production: `backend "local"` keeps state on one machine'),
        ("environments/staging/main.tf", 1,
         "environments/staging: a root module without a backend: state is a local terraform.tfstate"),
    ]


def test_unpinned_modules_are_listed_with_why(reports):
    found = facts(reports["iac-terraform-copies"], "infra.pinned-modules")
    line = line_of("iac-terraform-copies", "environments/staging/main.tf", 'module "network"')
    assert ("environments/staging/main.tf", line,
            "terraform-module network (git::https://github.com/acme/tf-network.git): no ref: follows the default "
            "branch") in found
    assert len(found) == 4


def test_pinned_modules_evidence_shows_versions_and_refs(reports):
    found = facts(reports["iac-terraform-s3"], "infra.pinned-modules")
    assert found[:2] == [
        ("infra/main.tf", line_of("iac-terraform-s3", "infra/main.tf", 'module "vpc"'),
         "terraform-module vpc (terraform-aws-modules/vpc/aws): version 5.8.1"),
        ("infra/main.tf", line_of("iac-terraform-s3", "infra/main.tf", 'module "dns"'),
         "terraform-module dns (git::https://github.com/acme/terraform-modules.git//route53-zone?ref=v2.3.0): "
         "ref v2.3.0 (a version tag)"),
    ]
    assert ("infra/.terraform.lock.hcl", None, "provider versions locked in .terraform.lock.hcl") in found


def test_infra_tests_found_by_content(reports):
    assert facts(reports["iac-terraform-s3"], "infra.tested") == [
        ("test/service_test.go", line_of("iac-terraform-s3", "test/service_test.go", "terratest/modules"),
         "Terratest test")]
    assert facts(reports["iac-helm-chart"], "infra.tested") == [
        ("charts/storefront/templates/tests/test-connection.yaml", None, "Helm test hook (`helm test`)"),
        ("charts/storefront/tests/deployment_test.yaml", None, "helm-unittest suite")]
    assert facts(reports["iac-ansible-role"], "infra.tested") == [
        ("roles/nginx/molecule/default/molecule.yml", None, "Molecule scenario `default`")]


def test_parity_names_the_shared_definition(reports):
    assert reports["iac-kustomize"]["practices"]["env.parity"]["reason"] == \
        "2 environments (production, staging) built from Kustomize base deploy/base"
    assert reports["iac-helm-chart"]["practices"]["env.parity"]["reason"] == \
        "2 environments (production, staging) built from Helm chart storefront (charts/storefront)"
    assert reports["iac-terraform-copies"]["practices"]["env.parity"]["reason"] == \
        "environments defined separately, not as values over one definition: production, staging"


def test_zero_downtime_evidence_reads_the_rollout(reports):
    assert facts(reports["iac-kustomize"], "deploy.zero-downtime") == [
        ("deploy/base/deployment.yaml", 1, "Deployment inventory-api: RollingUpdate gated by a readinessProbe")]
    assert facts(reports["iac-helm-chart"], "deploy.zero-downtime") == [
        ("charts/storefront/templates/deployment.yaml", 2,
         "Deployment storefront/deployment.yaml (Helm template): rolling update (the default) gated by a "
         "readinessProbe")]
    assert facts(reports["iac-kubernetes-copies"], "deploy.zero-downtime")[0][2] == \
        "Deployment reports-worker: `Recreate` stops every pod before starting new ones"
    assert facts(reports["iac-sam"], "deploy.zero-downtime") == [
        ("template.yaml", line_of("iac-sam", "template.yaml", "DeploymentPreference:"),
         "SAM gradual deployment (Globals DeploymentPreference)")]


def test_pulumi_without_a_backend_is_unknown_with_the_reason(reports):
    practice = reports["iac-pulumi"]["practices"]["infra.remote-state"]
    assert practice["reason"].startswith("where state lives or how it is locked is decided outside the repository")
    assert practice["evidence"][0]["detail"].startswith("Pulumi.yaml sets no backend")


def test_no_warnings_on_the_fixtures(reports):
    assert {name: report["warnings"] for name, report in reports.items() if report["warnings"]} == {}
