"""`infra.remote-state` and `infra.pinned-modules`: tables from what the files say to the outcome."""

from __future__ import annotations

import pytest

from devops_scan_detectors.iac_pins import ref_pinned, terraform_source_pin
from tests.detectors.infra_scan import evidence, outcome, run_memory

PROVIDER = 'provider "aws" {\n  region = "eu-west-1"\n}\n'


def backend(kind: str, body: str = "") -> str:
    return f'terraform {{\n  backend "{kind}" {{\n{body}  }}\n}}\n'


STATE = [
    ("s3-with-lockfile", {"main.tf": backend("s3", '    bucket = "b"\n    key = "k"\n    use_lockfile = true\n')},
     "pass"),
    ("s3-with-dynamodb", {"main.tf": backend("s3", '    bucket = "b"\n    dynamodb_table = "locks"\n')}, "pass"),
    ("s3-without-locking", {"main.tf": backend("s3", '    bucket = "b"\n    key = "k"\n')}, "fail"),
    # A partial block gets its settings at `terraform init -backend-config=...`: outside the repository.
    ("s3-partial", {"main.tf": backend("s3")}, "unknown"),
    ("s3-partial-with-backend-file", {"main.tf": backend("s3"),
                                      "prod.s3.tfbackend": 'bucket = "b"\nuse_lockfile = true\n'}, "pass"),
    ("gcs", {"main.tf": backend("gcs", '    bucket = "b"\n')}, "pass"),
    ("azurerm", {"main.tf": backend("azurerm", '    container_name = "tfstate"\n')}, "pass"),
    ("hcp-terraform-cloud-block", {"main.tf": 'terraform {\n  cloud {\n    organization = "acme"\n'
                                              '    workspaces {\n      name = "web"\n    }\n  }\n}\n'}, "pass"),
    ("http-without-lock-address", {"main.tf": backend("http", '    address = "https://s/state"\n')}, "fail"),
    ("local-backend", {"main.tf": backend("local", '    path = "state.tfstate"\n')}, "fail"),
    ("root-without-backend", {"main.tf": PROVIDER + 'resource "aws_s3_bucket" "b" {}\n'}, "fail"),
    ("lock-file-makes-a-root", {"main.tf": 'resource "aws_s3_bucket" "b" {}\n', ".terraform.lock.hcl": ""}, "fail"),
    ("reusable-module-only",
     {"main.tf": 'variable "name" {}\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n'}, "not_applicable"),
    ("modules-folder-with-provider-is-not-a-root", {"modules/x/main.tf": PROVIDER}, "not_applicable"),
    ("one-local-root-among-remote-ones", {"a/main.tf": backend("gcs", '    bucket = "b"\n'),
                                          "b/main.tf": PROVIDER}, "fail"),
    ("terragrunt-remote-state", {
        "live/terragrunt.hcl": 'remote_state {\n  backend = "s3"\n  config = {\n    bucket = "b"\n'
                               '    dynamodb_table = "locks"\n  }\n}\n',
        "live/prod/app/terragrunt.hcl": 'include "root" {\n  path = find_in_parent_folders()\n}\n'
                                        'terraform {\n  source = "../../../modules/app"\n}\n'}, "pass"),
    ("pulumi-file-backend", {"Pulumi.yaml": "name: x\nruntime: python\nbackend:\n  url: file://~/.pulumi\n"}, "fail"),
    ("pulumi-s3-backend", {"Pulumi.yaml": "name: x\nruntime: python\nbackend:\n  url: s3://acme-pulumi\n"}, "pass"),
    ("pulumi-login-decides", {"Pulumi.yaml": "name: x\nruntime: python\n"}, "unknown"),
    ("no-terraform", {"README.md": "# x\n"}, "not_applicable"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in STATE], ids=[row[0] for row in STATE])
def test_remote_state(files, expected):
    assert outcome(run_memory(files), "infra.remote-state") == expected


def test_hcl_syntax_error_is_reported_and_the_backend_still_read():
    # Only the blocks the verdicts read are parsed (python-hcl2 is slow on large modules): an error in
    # one of them is reported; the backend is still found by its text.
    result = run_memory({"main.tf": 'terraform {\n  backend "local" {}\n  required_version = \n}\n'})
    assert outcome(result, "infra.remote-state") == "fail"
    assert any("HCL syntax error" in warning for warning in result.warnings)


MODULE = 'module "m" {{\n  source = "{source}"\n{extra}}}\n'
PINS = [
    ("registry-with-version", {"main.tf": MODULE.format(source="terraform-aws-modules/vpc/aws",
                                                        extra='  version = "5.8.1"\n')}, "pass"),
    ("registry-without-version", {"main.tf": MODULE.format(source="terraform-aws-modules/vpc/aws", extra="")},
     "fail"),
    ("git-tag", {"main.tf": MODULE.format(source="git::https://github.com/acme/m.git?ref=v1.2.0", extra="")}, "pass"),
    ("git-sha", {"main.tf": MODULE.format(source="github.com/acme/m?ref=3f2a9c1d", extra="")}, "pass"),
    ("git-branch", {"main.tf": MODULE.format(source="git::https://github.com/acme/m.git?ref=main", extra="")},
     "fail"),
    ("git-no-ref", {"main.tf": MODULE.format(source="git@github.com:acme/m.git", extra="")}, "fail"),
    ("local-modules-need-no-pin", {"main.tf": MODULE.format(source="./modules/app", extra="")}, "not_applicable"),
    ("provider-with-constraint", {"main.tf": 'terraform {\n  required_providers {\n    aws = {\n'
                                             '      source = "hashicorp/aws"\n      version = "~> 5.0"\n'
                                             '    }\n  }\n}\n'}, "pass"),
    ("provider-without-constraint", {"main.tf": 'terraform {\n  required_providers {\n    aws = {\n'
                                                '      source = "hashicorp/aws"\n    }\n  }\n}\n'}, "fail"),
    ("provider-without-constraint-but-locked", {
        "main.tf": 'terraform {\n  required_providers {\n    aws = {\n      source = "hashicorp/aws"\n    }\n  }\n}\n',
        ".terraform.lock.hcl": 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.62.0"\n}\n'}, "pass"),
    ("legacy-provider-version", {"main.tf": 'provider "aws" {\n  version = "~> 2.70"\n}\n'}, "pass"),
    ("helm-dependency-without-version", {"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n"
                                                         "  - name: redis\n    repository: https://charts.bitnami.com/bitnami\n"},
     "fail"),
    ("helm-dependency-open-range", {"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n"
                                                    "  - name: redis\n    version: '>=17.0.0'\n"
                                                    "    repository: https://charts.bitnami.com/bitnami\n"}, "fail"),
    ("helm-dependency-open-range-locked", {
        "c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n  - name: redis\n"
                        "    version: '>=17.0.0'\n    repository: https://charts.bitnami.com/bitnami\n",
        "c/Chart.lock": "dependencies:\n- name: redis\n  version: 17.11.3\n"}, "pass"),
    ("helm-local-subchart", {"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\ndependencies:\n"
                                             "  - name: common\n    repository: file://../common\n"}, "not_applicable"),
    ("galaxy-role-without-version", {"requirements.yml": "roles:\n  - name: geerlingguy.docker\n"}, "fail"),
    ("galaxy-bare-list", {"requirements.yml": "- src: geerlingguy.docker\n  version: 7.4.1\n"}, "pass"),
    ("galaxy-collection-lower-bound-only", {"requirements.yml": "collections:\n  - name: community.general\n"
                                                                "    version: '>=8.0.0'\n"}, "fail"),
    ("kustomize-remote-without-ref", {"kustomization.yaml": "resources:\n  - github.com/acme/base//app\n"}, "fail"),
    ("kustomize-helm-chart-with-version", {"kustomization.yaml": "helmCharts:\n  - name: redis\n"
                                                                 "    repo: https://charts.bitnami.com/bitnami\n"
                                                                 "    version: 19.6.0\n"}, "pass"),
    ("berksfile", {"Berksfile": "source 'https://supermarket.chef.io'\nmetadata\ncookbook 'nginx', '~> 12.2'\n"
                                "cookbook 'acme', git: 'https://github.com/acme/cookbook.git'\n"}, "fail"),
    ("nothing-to-pin", {"README.md": "x\n"}, "not_applicable"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in PINS], ids=[row[0] for row in PINS])
def test_pinned_modules(files, expected):
    assert outcome(run_memory(files), "infra.pinned-modules") == expected


def test_unpinned_evidence_has_the_line_and_why():
    result = run_memory({"main.tf": "# network\n\n" + MODULE.format(source="terraform-aws-modules/vpc/aws", extra="")})
    assert evidence(result, "infra.pinned-modules") == [
        ("main.tf", 3, "terraform-module m (terraform-aws-modules/vpc/aws): registry module without `version`: "
                       "takes the newest release")]


REFS = [("v1.2.3", True), ("1.2", True), ("a1b2c3d", True), ("release-2024-05", True), ("main", False),
        ("master", False), ("feature/x", False), ("HEAD", False), (None, False), ("", False)]


@pytest.mark.parametrize(("ref", "pinned"), REFS, ids=[str(row[0]) for row in REFS])
def test_git_refs(ref, pinned):
    assert ref_pinned(ref)[0] is pinned


SOURCES = [("./modules/x", None, None), ("hashicorp/consul/aws", "0.1.0", True), ("hashicorp/consul/aws", None, False),
           ("app.terraform.io/acme/vpc/aws", "~> 2.0", True), ("tfr:///acme/vpc/aws?version=1.0.0", None, True),
           ("s3::https://s3.amazonaws.com/acme/vpc.zip", None, True), ("git::https://x/y.git?ref=main", None, False)]


@pytest.mark.parametrize(("source", "version", "pinned"), SOURCES, ids=[row[0] for row in SOURCES])
def test_terraform_sources(source, version, pinned):
    assert terraform_source_pin(source, version)[0] is pinned


def test_only_the_blocks_the_verdicts_read_are_parsed():
    from devops_scan_detectors.iac_terraform_parse import _relevant_blocks

    text = ('resource "aws_s3_bucket" "b" {\n  policy = <<EOF\n{ "x": "}" }\nEOF\n}\n'
            'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws" # { not a brace\n  version = "5.8.1"\n}\n'
            'provider "aws" {\n  region = "eu-west-1"\n}\n')
    kept = _relevant_blocks(text)
    assert "aws_s3_bucket" not in kept
    assert 'module "vpc"' in kept and 'provider "aws"' in kept and kept.count("}") == 2
