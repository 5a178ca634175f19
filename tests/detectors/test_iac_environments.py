"""`env.parity`, `deploy.config-separated` (infrastructure side) and `deploy.zero-downtime`: tables from
what the definitions say to the outcome."""

from __future__ import annotations

import pytest

from devops_scan_detectors.iac_model import environment_name
from tests.detectors.infra_scan import evidence, outcome, run_memory

CHART = "apiVersion: v2\nname: web\nversion: 1.0.0\n"
KUSTOMIZATION_BASE = "resources:\n  - deployment.yaml\n"
OVERLAY = "resources:\n  - ../../base\n"
THIN_ROOT = 'module "app" {\n  source = "../../modules/app"\n}\nprovider "aws" {}\n'
FAT_ROOT = 'provider "aws" {}\nresource "aws_instance" "web" {\n  ami = "ami-1"\n}\n'
MANIFEST = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: web\n          image: web:1\n")

PARITY = [
    ("kustomize-overlays-over-one-base", {"k8s/base/kustomization.yaml": KUSTOMIZATION_BASE,
                                          "k8s/overlays/staging/kustomization.yaml": OVERLAY,
                                          "k8s/overlays/production/kustomization.yaml": OVERLAY}, "pass"),
    ("helm-values-per-environment", {"chart/Chart.yaml": CHART, "chart/values-staging.yaml": "a: 1\n",
                                     "chart/values.prod.yaml": "a: 2\n"}, "pass"),
    ("helm-values-in-a-folder", {"chart/Chart.yaml": CHART, "deploy/values/staging.yaml": "a: 1\n",
                                 "deploy/values/production.yaml": "a: 2\n"}, "pass"),
    ("helmfile-environments", {"helmfile.yaml": "environments:\n  staging: {}\n  production: {}\n"
                                                "releases:\n  - name: web\n    chart: ./chart\n"}, "pass"),
    ("tfvars-per-environment", {"main.tf": THIN_ROOT, "env/dev.tfvars": "x = 1\n", "env/prod.tfvars": "x = 2\n"},
     "pass"),
    ("thin-roots-calling-one-module", {"envs/staging/main.tf": THIN_ROOT, "envs/production/main.tf": THIN_ROOT},
     "pass"),
    ("copied-roots", {"envs/staging/main.tf": FAT_ROOT, "envs/production/main.tf": FAT_ROOT}, "fail"),
    ("pulumi-stacks", {"Pulumi.yaml": "name: x\nruntime: nodejs\n", "Pulumi.staging.yaml": "config: {}\n",
                       "Pulumi.production.yaml": "config: {}\n"}, "pass"),
    ("copied-manifests", {"k8s/staging/web.yaml": MANIFEST, "k8s/production/web.yaml": MANIFEST}, "fail"),
    ("a-chart-per-environment", {"charts/web-staging/Chart.yaml": CHART, "charts/web-prod/Chart.yaml": CHART},
     "fail"),
    ("overlays-plus-copies-of-a-chart", {"k8s/base/kustomization.yaml": KUSTOMIZATION_BASE,
                                         "k8s/overlays/staging/kustomization.yaml": OVERLAY,
                                         "k8s/overlays/production/kustomization.yaml": OVERLAY,
                                         "charts/web-staging/Chart.yaml": CHART, "charts/web-prod/Chart.yaml": CHART},
     "fail"),
    ("one-environment-only", {"chart/Chart.yaml": CHART, "chart/values-production.yaml": "a: 1\n"},
     "not_applicable"),
    ("no-environments", {"chart/Chart.yaml": CHART}, "not_applicable"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in PARITY], ids=[row[0] for row in PARITY])
def test_parity(files, expected):
    assert outcome(run_memory(files), "env.parity") == expected


def test_copies_are_listed_once_per_environment():
    result = run_memory({"k8s/staging/web.yaml": MANIFEST, "k8s/staging/svc.yaml": MANIFEST,
                         "k8s/production/web.yaml": MANIFEST})
    assert [detail for _, _, detail in evidence(result, "env.parity")] == [
        "production (manifest-folder), defined on its own", "staging (manifest-folder), defined on its own"]


CONFIG = [
    ("helm-values", {"chart/Chart.yaml": CHART, "chart/values.yaml": "replicas: 2\n"}, "pass"),
    ("configmap", {"k8s/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  A: b\n"},
     "pass"),
    ("workload-reading-a-secret", {"k8s/web.yaml": MANIFEST + "          envFrom:\n            - secretRef:\n"
                                                              "                name: web\n"}, "pass"),
    ("workload-with-inline-env-only", {"k8s/web.yaml": MANIFEST + "          env:\n            - name: A\n"
                                                                  "              value: b\n"}, "fail"),
    ("kustomize-generator", {"kustomization.yaml": "configMapGenerator:\n  - name: web\n    literals: [A=b]\n"},
     "pass"),
    ("tfvars", {"main.tf": THIN_ROOT, "terraform.tfvars": "x = 1\n"}, "pass"),
    ("ansible-group-vars", {"site.yml": "- hosts: all\n  tasks: []\n", "group_vars/all.yml": "a: 1\n"}, "pass"),
    ("nothing-infrastructural", {"app.py": "import os\n"}, "not_applicable"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in CONFIG], ids=[row[0] for row in CONFIG])
def test_config_separated(files, expected):
    assert outcome(run_memory(files), "deploy.config-separated") == expected


def deployment(strategy: str = "", probe: bool = False, kind: str = "Deployment", field: str = "strategy") -> str:
    text = f"apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web\nspec:\n"
    if strategy:
        text += f"  {field}:\n    type: {strategy}\n"
    text += "  template:\n    spec:\n      containers:\n        - name: web\n          image: web:1\n"
    return text + ("          readinessProbe:\n            httpGet: {path: /ready, port: 80}\n" if probe else "")


ROLLOUT = [
    ("default-rolling-with-readiness", {"k8s/web.yaml": deployment(probe=True)}, "pass"),
    ("explicit-rolling-update", {"k8s/web.yaml": deployment("RollingUpdate")}, "pass"),
    ("recreate", {"k8s/web.yaml": deployment("Recreate", probe=True)}, "fail"),
    ("default-without-readiness", {"k8s/web.yaml": deployment()}, "fail"),
    ("statefulset-on-delete", {"k8s/db.yaml": deployment("OnDelete", True, "StatefulSet", "updateStrategy")}, "fail"),
    ("argo-rollouts-canary", {"k8s/rollout.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Rollout\nmetadata:\n"
                                                  "  name: web\nspec:\n  strategy:\n    canary:\n      steps:\n"
                                                  "        - setWeight: 20\n  template:\n    spec:\n      containers:\n"
                                                  "        - name: web\n          image: web:1\n"}, "pass"),
    ("flagger-canary", {"k8s/canary.yaml": "apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata:\n  name: web\n"
                                           "spec:\n  targetRef:\n    kind: Deployment\n    name: web\n"}, "pass"),
    ("ecs-blue-green-in-terraform", {"ecs.tf": 'resource "aws_ecs_service" "web" {\n  deployment_controller {\n'
                                               '    type = "CODE_DEPLOY"\n  }\n}\n'}, "pass"),
    ("nomad-update-stanza", {"web.nomad": 'job "web" {\n  update {\n    max_parallel = 1\n    canary = 1\n  }\n}\n'},
     "pass"),
    ("swarm-start-first", {"stack.yml": "services:\n  web:\n    image: web:1\n    deploy:\n      update_config:\n"
                                        "        order: start-first\n"}, "pass"),
    ("fly-immediate", {"Dockerfile": "FROM nginx:1.27\n", "fly.toml": 'app = "web"\n[deploy]\n'
                                                                    '  strategy = "immediate"\n'}, "fail"),
    ("image-built-but-rolled-out-elsewhere", {"Dockerfile": "FROM nginx:1.27\n"}, "unknown"),
    ("library-test-image", {"docker/Dockerfile": "FROM python:3.12\n", "setup.py": "from setuptools import setup\n"
                                                                                   "setup(name='lib')\n"},
     "not_applicable"),
    ("nothing-deployed", {"lib.py": ""}, "not_applicable"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in ROLLOUT], ids=[row[0] for row in ROLLOUT])
def test_zero_downtime(files, expected):
    assert outcome(run_memory(files), "deploy.zero-downtime") == expected


NAMES = [("values-prod.yaml", "production"), ("staging.tfvars", "staging"), ("prod.auto.tfvars", "production"),
         ("prod-eu-west-1", "production"), ("values.qa.yaml", "qa"), ("dev", "development"),
         ("preprod", "pre-production"), ("values-test.yaml", None), ("productivity", None), ("demo", "demo"),
         ("values.yaml", None), ("terraform", None), ("base", None), ("", None)]


@pytest.mark.parametrize(("name", "environment"), NAMES, ids=[row[0] or "empty" for row in NAMES])
def test_environment_names(name, environment):
    assert environment_name(name) == environment


def test_chart_testing_values_are_not_environments():
    result = run_memory({"charts/web/Chart.yaml": CHART, "charts/web/ci/test-values.yaml": "a: 1\n",
                         "charts/web/ci/prod-values.yaml": "a: 1\n", "charts/web/values-staging.yaml": "a: 2\n"})
    assert [detail for _, _, detail in evidence(result, "env.parity")] == [
        "staging (helm-values), built from Helm chart web (charts/web)"]
    assert outcome(result, "env.parity") == "not_applicable"
