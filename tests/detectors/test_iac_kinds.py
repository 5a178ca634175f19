"""Every IaC kind is recognised by content (one table row each), and look-alikes are not."""

from __future__ import annotations

import pytest

from devops_scan_detectors.iac_model import KINDS
from tests.detectors.infra_scan import run_memory

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.4.2
"""

# (kind, path, content)
KIND_TABLE = [
    ("terraform", "infra/main.tf", 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'),
    ("terraform", "infra/main.tofu", 'resource "aws_s3_bucket" "logs" {\n  bucket = "acme-logs"\n}\n'),
    ("terraform", "infra/main.tf.json", '{"resource": {"aws_s3_bucket": {"logs": {"bucket": "acme-logs"}}}}'),
    ("terraform", "live/prod/vpc/terragrunt.hcl",
     'terraform {\n  source = "git::git@github.com:acme/modules.git//vpc?ref=v0.3.1"\n}\n'
     'inputs = {\n  cidr = "10.0.0.0/16"\n}\n'),
    ("cloudformation", "stacks/queue.yml",
     "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n"
     "    Properties:\n      QueueName: !Sub '${AWS::StackName}-jobs'\n"),
    ("cloudformation", "stacks/topic.template",
     '{"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "alerts"}}}}'),
    ("sam", "template.yml",
     "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n"
     "    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n"),
    ("cdk", "cdk.json", '{"app": "npx ts-node --prefer-ts-exts bin/app.ts", "context": {}}'),
    ("pulumi", "infra/Pulumi.yaml", "name: network\nruntime: go\ndescription: VPCs\n"),
    ("bicep", "infra/main.bicep",
     "param location string = resourceGroup().location\n\n"
     "resource sa 'Microsoft.Storage/storageAccounts@2023-01-01' = {\n"
     "  name: 'acmelogs'\n  location: location\n  kind: 'StorageV2'\n  sku: { name: 'Standard_LRS' }\n}\n"),
    ("arm", "azure/azuredeploy.json",
     '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",'
     ' "contentVersion": "1.0.0.0", "resources": []}'),
    ("ansible", "playbooks/db.yml",
     "- name: Databases\n  hosts: db\n  become: true\n  tasks:\n    - name: Install postgres\n"
     "      ansible.builtin.package: {name: postgresql, state: present}\n"),
    ("ansible", "deploy.yml", "- import_playbook: playbooks/db.yml\n- import_playbook: playbooks/web.yml\n"),
    ("ansible", "roles/redis/tasks/main.yml", "- name: Install redis\n  ansible.builtin.package: {name: redis}\n"),
    ("salt", "salt/nginx/init.sls", "nginx:\n  pkg.installed: []\n  service.running:\n    - enable: True\n"),
    ("salt", "salt/top.sls", "base:\n  'web*':\n    - nginx\n"),
    ("chef", "policies/web/Policyfile.rb",
     "name 'web'\ndefault_source :supermarket\nrun_list 'web::default'\ncookbook 'web', path: '../../cookbooks/web'\n"),
    ("puppet", "manifests/site.pp", "node 'web01.acme.example' {\n  include role::web\n}\n"),
    ("puppet", "Puppetfile", "forge 'https://forge.puppet.com'\nmod 'puppetlabs-stdlib', '9.4.1'\n"),
    ("puppet", "metadata.json", '{"name": "acme-ntp", "version": "2.1.0", "dependencies": [],'
                                ' "requirements": [{"name": "puppet", "version_requirement": ">= 7.0.0 < 9.0.0"}]}'),
    ("kubernetes", "k8s/web.yaml", DEPLOYMENT),
    ("kubernetes", "k8s/all.yaml", DEPLOYMENT + "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"),
    ("kubernetes", "k8s/cert.yaml",
     "apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata:\n  name: web-tls\nspec:\n  secretName: web-tls\n"),
    ("helm", "charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 0.3.0\n"),
    ("helm", "helmfile.yaml", "releases:\n  - name: web\n    chart: ./charts/web\n"),
    ("kustomize", "deploy/kustomization.yaml", "resources:\n  - web.yaml\nnamespace: web\n"),
    ("packer", "images/ubuntu.pkr.hcl",
     'source "amazon-ebs" "ubuntu" {\n  ami_name = "acme-{{timestamp}}"\n}\n\n'
     'build {\n  sources = ["source.amazon-ebs.ubuntu"]\n}\n'),
    ("packer", "images/legacy.json", '{"builders": [{"type": "docker", "image": "ubuntu:24.04", "commit": true}]}'),
    ("serverless", "serverless.yml",
     "service: thumbnails\nprovider:\n  name: aws\n  runtime: nodejs20.x\n"
     "functions:\n  resize:\n    handler: h.resize\n"),
    ("skaffold", "skaffold.yaml", "apiVersion: skaffold/v4beta11\nkind: Config\nmanifests:\n  rawYaml: [k8s/*.yaml]\n"),
    ("crossplane", "platform/xrd.yaml",
     "apiVersion: apiextensions.crossplane.io/v1\nkind: CompositeResourceDefinition\nmetadata:\n"
     "  name: xdatabases.acme.io\nspec:\n  group: acme.io\n"),
    ("nomad", "jobs/web.nomad.hcl",
     'job "web" {\n  datacenters = ["dc1"]\n  group "web" {\n    task "app" {\n'
     '      driver = "docker"\n    }\n  }\n}\n'),
    ("argocd", "apps/web.yaml",
     "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: web\nspec:\n  project: default\n"),
    ("flux", "clusters/prod/web.yaml",
     "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\nspec:\n  interval: 10m\n"),
    ("policy-as-code", "policy/deny_latest.rego",
     'package main\n\ndeny contains msg if {\n  input.kind == "Deployment"\n  msg := "no latest tags"\n}\n'),
    ("policy-as-code", ".checkov.yml", "framework:\n  - terraform\nsoft-fail: false\n"),
    ("policy-as-code", "k8s/policies/require-probes.yaml",
     "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: require-probes\nspec:\n"
     "  validationFailureAction: Enforce\n"),
    ("policy-as-code", "sentinel/restrict-regions.sentinel",
     'import "tfplan/v2" as tfplan\n\nmain = rule {\n  true\n}\n'),
]


@pytest.mark.parametrize(("kind", "path", "content"), KIND_TABLE, ids=[f"{row[0]}:{row[1]}" for row in KIND_TABLE])
def test_each_kind_is_recognised_by_content(kind, path, content):
    assert run_memory({path: content}).inventory["iac"] == {kind: [path]}


def test_the_table_covers_every_kind():
    assert {row[0] for row in KIND_TABLE} == set(KINDS)


LOOKALIKES = [
    ("backstage-catalog", "catalog-info.yaml",
     "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: web\nspec:\n  type: service\n"),
    ("kind-cluster", "ci/kind.yaml",
     "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n  - role: control-plane\n"),
    ("kubeconfig", "kubeconfig.yaml", "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\n"),
    ("tekton-is-ci", ".tekton/build.yaml",
     "apiVersion: tekton.dev/v1\nkind: Pipeline\nmetadata:\n  name: build\nspec:\n  tasks: []\n"),
    ("no-metadata", "schema/example.yaml", "apiVersion: v1\nkind: Service\nspec:\n  ports: []\n"),
    ("api-version-without-version", "openslo/slo.yaml", "apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: x\n"),
    ("sample-manifest", "docs/examples/deploy.yaml", DEPLOYMENT),
    ("vendored-chart", "vendor/charts/redis/Chart.yaml", "apiVersion: v2\nname: redis\nversion: 1.0.0\n"),
    ("test-data-terraform", "testdata/bad/main.tf", 'resource "null_resource" "x" {}\n'),
    ("tf-file-without-blocks", "infra/notes.tf", "# the bucket will move here one day\n"),
    ("cloudformation-word-in-yaml", "docs-notes.yml", "notes:\n  - mentions AWS::S3::Bucket in prose\n"),
    ("chart-yaml-without-version", "charts/web/Chart.yaml", "name: web\ndescription: no version\n"),
    ("kustomization-without-kustomize-keys", "kustomization.yaml", "title: not kustomize\n"),
    ("serverless-without-provider-name", "serverless.yml", "service: x\nprovider: {}\n"),
    ("vars-file-with-hosts", "group_vars/all.yml", "hosts:\n  - web1\n  - web2\n"),
    ("pulumi-without-runtime", "Pulumi.yaml", "name: x\n"),
    ("rego-without-package", "policy/notes.rego", "# nothing here yet\n"),
    ("pascal-file", "src/unit1.pp", "program Hello;\nbegin\n  writeln('hi');\nend.\n"),
    ("metadata-rb-without-recipes", "metadata.rb", "name 'thing'\nversion '1.0.0'\n"),
    ("metadata-json-of-something-else", "metadata.json", '{"name": "x", "requirements": ["numpy"]}'),
]


@pytest.mark.parametrize(("path", "content"), [row[1:] for row in LOOKALIKES], ids=[row[0] for row in LOOKALIKES])
def test_lookalikes_are_not_infrastructure(path, content):
    assert run_memory({path: content}).inventory["iac"] == {}


def test_a_chef_cookbook_is_metadata_with_recipes():
    files = {"cookbooks/web/metadata.rb": "name 'web'\nversion '1.2.0'\ndepends 'nginx', '~> 12.0'\n",
             "cookbooks/web/recipes/default.rb": "package 'nginx'\nservice 'nginx' do\n  action :start\nend\n"}
    assert run_memory(files).inventory["iac"] == {"chef": ["cookbooks/web/metadata.rb"]}


def test_a_role_repository_is_a_role():
    files = {"meta/main.yml": "galaxy_info:\n  role_name: docker\n  author: someone\n",
             "tasks/main.yml": "- name: Install Docker\n  ansible.builtin.package: {name: docker-ce}\n",
             "tasks/setup-Debian.yml": "- name: Add the repository\n  ansible.builtin.apt_repository: {repo: x}\n"}
    assert run_memory(files).inventory["iac"] == {"ansible": ["tasks/main.yml"]}


def test_helm_templates_belong_to_the_chart_not_to_kubernetes():
    files = {
        "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
        # Valid YAML once rendered, and even valid YAML as written: still the chart's.
        "charts/web/templates/deployment.yaml": DEPLOYMENT,
        "charts/web/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n",
        "charts/web/crds/widget.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
                                       "metadata:\n  name: widgets.acme.io\n",
    }
    assert run_memory(files).inventory["iac"] == {"helm": ["charts/web/Chart.yaml"]}


def test_kustomize_claims_the_manifests_it_renders_wherever_they_are():
    files = {
        "deploy/prod/kustomization.yaml": "resources:\n  - ../../manifests/web.yaml\n",
        "manifests/web.yaml": DEPLOYMENT,
        "manifests/other.yaml": DEPLOYMENT.replace("name: web", "name: other"),
    }
    assert run_memory(files).inventory["iac"] == {
        "kubernetes": ["manifests/other.yaml"],
        "kustomize": ["deploy/prod/kustomization.yaml", "manifests/web.yaml"],
    }
