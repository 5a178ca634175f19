"""ContainersDetector (`env.containerised`, `obs.health-checks`; inventory `dockerfiles`, `compose_files`):
fixture repositories end to end, then tables from evidence to outcome on in-memory trees."""

from __future__ import annotations

import pytest

from tests.detectors.infra_scan import evidence, outcome, run_memory, scan_fixture
from tests.testing.repos import FIXTURES

# (fixture, dockerfiles, compose files, env.containerised, obs.health-checks)
FIXTURE_TABLE = [
    # Multi-stage, non-root Dockerfile with HEALTHCHECK; compose builds a dev image; a dev container
    # starts that compose service; Fly.io runs the production image.
    ("containers-service", ["Dockerfile", "Dockerfile.dev"], ["compose.yaml"], "pass", "pass"),
    # A docker-compose.yml holding Ansible variables, templates named like Dockerfiles, a Backstage
    # catalog and a kind cluster config, a sample manifest under examples/, a vendored Dockerfile: none
    # counts. deploy/services.yml (not named like Compose) is a Swarm stack that runs a published image.
    ("containers-lookalikes", [], ["deploy/services.yml"], "pass", "not_applicable"),
    # Helm chart templates (not YAML) run the image the root Dockerfile builds.
    ("iac-helm-chart", ["Dockerfile"], [], "pass", "pass"),
    # Copied manifests: containers run, but nothing declares a probe or HEALTHCHECK.
    ("iac-kubernetes-copies", ["Dockerfile"], [], "pass", "fail"),
    # Only an ECS task definition in Terraform: images built elsewhere run in production.
    ("iac-terraform-s3", [], [], "pass", "not_applicable"),
    ("iac-ansible-role", [], [], "fail", "not_applicable"),
]


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, dict]:
    workdir = tmp_path_factory.mktemp("containers")
    return {name: scan_fixture(name, workdir) for name, *_ in FIXTURE_TABLE}


@pytest.mark.parametrize(("name", "dockerfiles", "compose", "containerised", "health"), FIXTURE_TABLE,
                         ids=[row[0] for row in FIXTURE_TABLE])
def test_fixture_repositories(reports, name, dockerfiles, compose, containerised, health):
    report = reports[name]
    assert report["inventory"]["dockerfiles"] == dockerfiles
    assert report["inventory"]["compose_files"] == compose
    assert report["practices"]["env.containerised"]["outcome"] == containerised
    assert report["practices"]["obs.health-checks"]["outcome"] == health


def line_of(fixture: str, path: str, needle: str) -> int:
    lines = (FIXTURES / "repos" / fixture / path).read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)


def test_service_evidence_names_each_runner_with_its_line(reports):
    practice = reports["containers-service"]["practices"]["env.containerised"]
    assert practice["reason"] == "2 Dockerfile(s), run in development and production by what the repository defines"
    facts = {(fact["path"], fact["line"]): fact["detail"] for fact in practice["evidence"]}
    assert facts[("Dockerfile", line_of("containers-service", "Dockerfile", "AS deps"))] == \
        "Dockerfile: 2 stages, runs as `node`, HEALTHCHECK"
    assert facts[("compose.yaml", line_of("containers-service", "compose.yaml", "api:"))] == \
        "Compose builds and runs api"
    assert facts[(".devcontainer/devcontainer.json", None)] == "dev container: Compose compose.yaml"
    assert facts[("fly.toml", 1)] == "Fly.io runs the image"


def test_health_check_evidence_points_at_the_healthcheck_lines(reports):
    practice = reports["containers-service"]["practices"]["obs.health-checks"]
    assert [(f["path"], f["line"], f["detail"]) for f in practice["evidence"]] == [
        ("Dockerfile", line_of("containers-service", "Dockerfile", "HEALTHCHECK"), "Dockerfile HEALTHCHECK"),
        ("fly.toml", line_of("containers-service", "fly.toml", "checks]]"), "Fly.io service health checks"),
    ]  # the postgres healthcheck in compose.yaml is not the application's


def test_lookalikes_are_named_but_not_counted(tmp_path):
    from tests.detectors.infra_scan import scan_repository
    from tests.testing.repos import make_repo

    # Without the Swarm stack nothing runs containers: the fail names every look-alike it skipped.
    names = ("docker-compose.yml", "Dockerfile.j2", "docker/relay.Dockerfile.tmpl")
    path = make_repo(tmp_path / "r", {name: (FIXTURES / "repos/containers-lookalikes" / name).read_text()
                                      for name in names})
    practice = scan_repository(path)["practices"]["env.containerised"]
    assert practice["outcome"] == "fail"
    assert [(f["path"], f["detail"]) for f in practice["evidence"]] == [
        ("Dockerfile.j2", "not counted: a template (rendered before it is built), not a Dockerfile"),
        ("docker/relay.Dockerfile.tmpl", "not counted: a template (rendered before it is built), not a Dockerfile"),
        ("docker-compose.yml", "named like a Compose file but not one: top-level keys Compose does not have: "
                               "compose_project, compose_pull_images, compose_stack_dir"),
    ]


# --- evidence → outcome, in memory ------------------------------------------------------------------

DOCKERFILE = "FROM python:3.12-slim\nCOPY . /app\nCMD [\"python\", \"-m\", \"app\"]\n"
COMPOSE_BUILD = "services:\n  web:\n    build: .\n    ports: ['8000:8000']\n"
COMPOSE_IMAGES = "services:\n  db:\n    image: postgres:16\n    healthcheck:\n      test: [CMD, pg_isready]\n"
DEPLOYMENT = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
              "      containers:\n        - name: web\n          image: web:1\n")
PYPROJECT = "[project]\nname = \"lib\"\nversion = \"1.0\"\n"

CONTAINERISED = [
    ("dockerfile-and-compose-build", {"Dockerfile": DOCKERFILE, "compose.yaml": COMPOSE_BUILD}, "pass"),
    ("dockerfile-and-devcontainer", {"Dockerfile": DOCKERFILE,
                                     ".devcontainer/devcontainer.json": '{"build": {"dockerfile": "../Dockerfile"}}'},
     "pass"),
    ("dockerfile-and-kubernetes", {"Dockerfile": DOCKERFILE, "k8s/deploy.yaml": DEPLOYMENT}, "pass"),
    ("kubernetes-without-dockerfile", {"k8s/deploy.yaml": DEPLOYMENT}, "pass"),
    ("dockerfile-alone", {"Dockerfile": DOCKERFILE}, "fail"),
    ("compose-with-published-images-only", {"compose.yaml": COMPOSE_IMAGES}, "fail"),
    ("template-only", {"Dockerfile.j2": "FROM {{ image }}\n"}, "fail"),
    ("library-package", {"pyproject.toml": PYPROJECT, "lib/__init__.py": ""}, "not_applicable"),
    # Infrastructure that is itself the product has no application of its own.
    ("reusable-terraform-module", {"main.tf": 'variable "cidr" {}\nresource "aws_vpc" "this" {\n'
                                              '  cidr_block = var.cidr\n}\n'}, "not_applicable"),
    ("ansible-galaxy-role", {"meta/main.yml": "galaxy_info:\n  role_name: docker\n",
                             "tasks/main.yml": "- name: Install\n  ansible.builtin.package: {name: docker}\n",
                             # an Ansible tasks file that only looks like Compose by name
                             "tasks/docker-compose.yml": "- name: Install Compose\n  ansible.builtin.get_url: {}\n"},
     "not_applicable"),
    # A library's dev container and the wsgi.py of its test app do not make it a service.
    ("library-with-devcontainer-and-test-app",
     {"pyproject.toml": PYPROJECT, "tests/apps/hello/wsgi.py": "application = 1\n",
      ".devcontainer/devcontainer.json": '{"image": "python:3.12"}'}, "not_applicable"),
    ("library-with-dev-compose", {"pyproject.toml": PYPROJECT, "docker/Dockerfile": DOCKERFILE,
                                  "docker-compose.yml": "services:\n  dev:\n    build: docker\n"}, "pass"),
    ("terraform-root-is-not-a-product", {"main.tf": 'provider "aws" {}\nresource "aws_vpc" "this" {}\n'}, "fail"),
    ("nothing", {"README.md": "# x\n"}, "fail"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in CONTAINERISED],
                         ids=[row[0] for row in CONTAINERISED])
def test_containerised(files, expected):
    assert outcome(run_memory(files), "env.containerised") == expected


HEALTH = [
    ("dockerfile-healthcheck", {"Dockerfile": DOCKERFILE + "HEALTHCHECK CMD curl -f http://localhost/\n"}, "pass"),
    ("healthcheck-none-is-not-one", {"Dockerfile": DOCKERFILE + "HEALTHCHECK NONE\n"}, "fail"),
    ("healthcheck-in-an-earlier-stage-inherited",
     {"Dockerfile": "FROM python:3.12 AS base\nHEALTHCHECK CMD true\nFROM base\n"}, "pass"),
    ("healthcheck-only-in-a-build-stage",
     {"Dockerfile": "FROM python:3.12 AS build\nHEALTHCHECK CMD true\nFROM python:3.12-slim\n"}, "fail"),
    ("compose-healthcheck-on-the-built-service",
     {"compose.yaml": COMPOSE_BUILD + "    healthcheck:\n      test: [CMD, curl, localhost:8000]\n"}, "pass"),
    ("compose-healthcheck-disabled",
     {"compose.yaml": COMPOSE_BUILD + "    healthcheck:\n      disable: true\n"}, "fail"),
    ("compose-healthcheck-only-on-a-backing-service",
     {"compose.yaml": COMPOSE_BUILD + "  db:\n    image: postgres:16\n    healthcheck:\n"
                                      "      test: [CMD, pg_isready]\n"}, "fail"),
    ("readiness-probe",
     {"k8s/deploy.yaml": DEPLOYMENT + "          readinessProbe:\n            tcpSocket: {port: 80}\n"}, "pass"),
    ("startup-probe-counts-as-liveness",
     {"k8s/deploy.yaml": DEPLOYMENT + "          startupProbe:\n            tcpSocket: {port: 80}\n"}, "pass"),
    ("workload-without-probes", {"k8s/deploy.yaml": DEPLOYMENT}, "fail"),
    ("nothing-containerised", {"src/app.py": "print('hi')\n"}, "not_applicable"),
    ("library-test-images", {"pyproject.toml": PYPROJECT, "docker/Dockerfile": DOCKERFILE,
                             "benchmarks/Dockerfile": DOCKERFILE}, "not_applicable"),
    ("service-image-at-the-root", {"pyproject.toml": PYPROJECT, "Dockerfile": DOCKERFILE}, "fail"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in HEALTH], ids=[row[0] for row in HEALTH])
def test_health_checks(files, expected):
    assert outcome(run_memory(files), "obs.health-checks") == expected


def test_healthcheck_none_is_shown_as_disabling_the_check():
    result = run_memory({"Dockerfile": DOCKERFILE + "HEALTHCHECK NONE\n"})
    assert ("Dockerfile", 4, "Dockerfile HEALTHCHECK NONE disables the image's check") in \
        evidence(result, "obs.health-checks")


def test_inventory_lists_real_dockerfiles_and_compose_files_sorted():
    result = run_memory({
        "services/api/Dockerfile": DOCKERFILE, "Containerfile": DOCKERFILE, "ops/ci.Dockerfile": DOCKERFILE,
        "Dockerfile.prod": DOCKERFILE, "Dockerfile.j2": "FROM {{ x }}\n", "docs/Dockerfile": DOCKERFILE,
        "node_modules/pkg/Dockerfile": DOCKERFILE, "Dockerfile.md": "# how to build\n",
        "stack.yml": COMPOSE_BUILD, "docker-compose.override.yml": COMPOSE_IMAGES, "compose.yaml": "services: []\n",
    })
    assert result.inventory["dockerfiles"] == ["Containerfile", "Dockerfile.prod", "ops/ci.Dockerfile",
                                               "services/api/Dockerfile"]
    assert result.inventory["compose_files"] == ["docker-compose.override.yml", "stack.yml"]


def test_facts_for_other_detectors_are_computed_once_and_frozen():
    import dataclasses

    from devops_scan.detector import ScanContext
    from devops_scan_detectors.containers import container_facts
    from devops_scan_detectors.iac import iac_facts
    from tests.detectors.infra_scan import AS_OF
    from tests.testing.fakes import MemoryClient

    client = MemoryClient({"Dockerfile": DOCKERFILE, ".dockerignore": ".git\n", "web/app.dockerignore": "*\n",
                           "compose.yaml": COMPOSE_BUILD, "k8s/deploy.yaml": DEPLOYMENT})
    context = ScanContext(as_of=AS_OF)
    containers = container_facts(client, context)
    assert container_facts(client, context) is containers
    assert containers.dockerignores == (".dockerignore", "web/app.dockerignore")
    assert [(s.name, s.build) for c in containers.compose_files for s in c.services] == [("web", ".")]
    infrastructure = iac_facts(client, context)
    assert iac_facts(client, context) is infrastructure
    assert [(w.kind, w.name, w.strategy, w.readiness_probe) for w in infrastructure.workloads] == \
        [("Deployment", "web", None, False)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        containers.dockerfiles = ()  # type: ignore[misc]
