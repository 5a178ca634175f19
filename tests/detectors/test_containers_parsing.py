"""The container file readers: Dockerfile names and facts, Compose by content, dev containers (JSONC);
and properties (hypothesis): no reader raises on arbitrary text."""

from __future__ import annotations


import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devops_scan.yamlsafe import YamlProblem, load_yaml
from devops_scan_detectors.containers_compose import compose_problem, read_compose, read_devcontainer
from devops_scan_detectors.json_comments import load_json_with_comments
from devops_scan_detectors.containers_dockerfile import dockerfile_role, parse_dockerfile

NAMES = [
    ("Dockerfile", "dockerfile"), ("Containerfile", "dockerfile"), ("dockerfile", "dockerfile"),
    ("Dockerfile.prod", "dockerfile"), ("Dockerfile-dev", "dockerfile"), ("api.Dockerfile", "dockerfile"),
    ("worker.dockerfile", "dockerfile"), ("Dockerfile.j2", "template"), ("Dockerfile.in", "template"),
    ("Dockerfile.template", "template"), ("api.Dockerfile.tmpl", "template"), ("Dockerfile.erb", "template"),
    ("Dockerfile.dockerignore", None), ("Dockerfile.md", None), ("docker-compose.yml", None),
    ("mydockerfile", None), ("Dockerfiles.txt", None), ("README.Dockerfile.md", None),
]


@pytest.mark.parametrize(("name", "role"), NAMES, ids=[row[0] for row in NAMES])
def test_dockerfile_names(name, role):
    assert dockerfile_role(name) == role


DIGEST = "@sha256:" + "ab" * 32
# (case, Dockerfile text, pins of each stage, final user, runs as root, healthcheck line)
DOCKERFILES = [
    ("digest-pinned-multistage-non-root",
     f"FROM golang:1.22{DIGEST} AS build\nRUN go build -o /app\nFROM gcr.io/distroless/static{DIGEST}\n"
     "COPY --from=build /app /app\nUSER 65532:65532\nHEALTHCHECK CMD [\"/app\", \"-health\"]\n",
     ["digest", "digest"], "65532:65532", False, 6),
    ("latest-and-untagged", "FROM node:latest AS deps\nFROM node\n", ["latest", "untagged"], None, True, None),
    ("registry-port-is-not-a-tag", "FROM registry.local:5000/team/app\n", ["untagged"], None, True, None),
    ("tag", "FROM python:3.12-slim\nUSER root\n", ["tag"], "root", True, None),
    ("uid-zero-is-root", "FROM alpine:3.20\nUSER 0:0\n", ["tag"], "0:0", True, None),
    ("build-arg-with-default", "ARG BASE=python:3.12-slim\nFROM ${BASE}\n", ["tag"], None, True, None),
    ("build-arg-without-default", "ARG BASE\nFROM $BASE\n", ["variable"], None, True, None),
    ("stage-reference-and-scratch", "FROM alpine:3.20 AS certs\nFROM scratch AS run\nFROM run\nUSER 1000\n",
     ["tag", "scratch", "stage"], "1000", False, None),
    ("user-inherited-from-a-stage", "FROM alpine:3.20 AS base\nUSER app\nFROM base\n", ["tag", "stage"], "app", False,
     None),
    ("user-from-a-variable", "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nUSER $APP_UID\n", ["tag"], "$APP_UID", None,
     None),
    ("user-variable-with-a-known-value", "FROM alpine:3.20\nARG UID=10001\nUSER ${UID}\n", ["tag"], "10001", False,
     None),
    ("nonroot-base-without-user", "FROM gcr.io/distroless/base-debian12:nonroot\n", ["tag"], None, False, None),
    ("platform-flag-and-lowercase-as", "FROM --platform=$BUILDPLATFORM golang:1.22 as build\nFROM build\n",
     ["tag", "stage"], None, True, None),
    ("go-template-inside-run-is-not-a-template",
     "FROM alpine:3.20\nHEALTHCHECK CMD docker inspect --format '{{.State.Health}}' x\n", ["tag"], None, True, 2),
]


@pytest.mark.parametrize(("text", "pins", "user", "root", "healthcheck"), [row[1:] for row in DOCKERFILES],
                         ids=[row[0] for row in DOCKERFILES])
def test_dockerfile_facts(text, pins, user, root, healthcheck):
    parsed = parse_dockerfile("Dockerfile", text)
    assert parsed.problem is None
    assert [stage.pin for stage in parsed.stages] == pins
    assert (parsed.user, parsed.runs_as_root, parsed.healthcheck_line) == (user, root, healthcheck)


NOT_DOCKERFILES = [
    ("jinja-tags", "{% if debug %}\nFROM python:3.12\n{% endif %}\n", "template syntax on line 1"),
    ("templated-from", "# base image\nFROM {{ base_image }}\n", "template syntax on line 2"),
    ("erb", "FROM <%= @image %>\n", "template syntax on line 1"),
    ("no-from", "RUN echo hello\n", "no FROM instruction"),
    ("empty", "", "no FROM instruction"),
]


@pytest.mark.parametrize(("text", "problem"), [row[1:] for row in NOT_DOCKERFILES],
                         ids=[row[0] for row in NOT_DOCKERFILES])
def test_templates_and_non_dockerfiles_are_named(text, problem):
    assert problem in parse_dockerfile("Dockerfile", text).problem


COMPOSE = [
    ("image-service", "services:\n  db:\n    image: postgres:16\n", None),
    ("build-service-with-extensions", "x-common: &c\n  restart: always\nservices:\n  api:\n    <<: *c\n    build: .\n",
     None),
    ("extends-only", "services:\n  api:\n    extends:\n      file: base.yml\n      service: api\n", None),
    ("ansible-vars", "services:\n  web:\n    port: 80\napp_user: deploy\n", "top-level keys Compose does not have"),
    ("service-keys-compose-lacks", "services:\n  web:\n    port: 80\n    enabled: true\n",
     "service `web` has keys Compose does not have"),
    ("gitlab-ci-services-list", "services:\n  - postgres:16\ntest:\n  script: [pytest]\n",
     "`services:` is not a mapping"),
    ("no-image-or-build", "services:\n  web:\n    ports: ['80:80']\n",
     "no service has an `image`, `build` or `extends`"),
    ("service-is-a-string", "services:\n  web: nginx\n", "service `web` is not a mapping"),
    ("not-a-mapping", "- services\n", "not a YAML mapping"),
]


@pytest.mark.parametrize(("text", "problem"), [row[1:] for row in COMPOSE], ids=[row[0] for row in COMPOSE])
def test_compose_is_decided_by_content(text, problem):
    found = compose_problem(load_yaml(text).first)
    assert (found is None) if problem is None else (problem in found)


def test_compose_services_carry_lines_build_context_and_healthchecks():
    text = ("services:\n  web:\n    build:\n      context: ./web\n    healthcheck:\n      test: [CMD, curl, x]\n"
            "  db:\n    image: postgres:16\n    healthcheck:\n      test: [NONE]\n"
            "    deploy:\n      replicas: 2\n      update_config: {order: start-first}\n")
    compose = read_compose("compose.yaml", load_yaml(text).first)
    db, web = compose.services
    assert (web.name, web.line, web.build, web.healthcheck_line, web.has_healthcheck) == ("web", 2, "./web", 5, True)
    assert (db.name, db.line, db.build, db.has_healthcheck, db.update_order, db.swarm) == \
        ("db", 7, None, False, "start-first", True)


DEVCONTAINERS = [
    ("dockerfile", '{"build": {"dockerfile": "Dockerfile", "context": ".."}}', "builds .devcontainer/Dockerfile"),
    ("legacy-dockerFile", '{"dockerFile": "../Dockerfile"}', "builds Dockerfile"),
    ("compose-list", '{"dockerComposeFile": ["../compose.yaml", "compose.dev.yaml"], "service": "app"}',
     "Compose compose.yaml, .devcontainer/compose.dev.yaml"),
    ("image-with-comments-and-trailing-commas",
     '// see https://containers.dev\n{\n  "image": "mcr.microsoft.com/devcontainers/python:3.12", /* pinned */\n'
     '  "features": {"ghcr.io/devcontainers/features/node:1": {},},\n}\n',
     "image mcr.microsoft.com/devcontainers/python:3.12"),
    ("names-nothing", '{"name": "x"}', None),
    ("not-json", "name: x\n", None),
]


@pytest.mark.parametrize(("text", "runs"), [row[1:] for row in DEVCONTAINERS], ids=[row[0] for row in DEVCONTAINERS])
def test_devcontainers(text, runs):
    found = read_devcontainer(".devcontainer/devcontainer.json", text)
    assert found.runs == runs
    assert (found.problem is None) == (runs is not None)


def test_jsonc_keeps_comment_markers_and_commas_inside_strings():
    text = '{"url": "https://x//y", "note": "a /* b */ c", "list": "1,]", // end\n}'
    assert load_json_with_comments(text) == {"url": "https://x//y", "note": "a /* b */ c", "list": "1,]"}


# --- properties: arbitrary input never raises -----------------------------------------------------------

DOCKERFILE_WORDS = st.sampled_from(["FROM", "ARG", "USER", "HEALTHCHECK", "NONE", "AS", "as", "${A}", "$B", "\\\n",
                                    "scratch", "@sha256:", ":", "{{", "{%", "--platform=x", "=", "\n", " ", "#"])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(DOCKERFILE_WORDS, max_size=60).map("".join)))
def test_dockerfile_reader_never_raises(text):
    parsed = parse_dockerfile("Dockerfile", text)
    assert parsed.problem is not None or parsed.stages


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=300))
def test_jsonc_reader_never_raises(text):
    found = read_devcontainer(".devcontainer/devcontainer.json", text)
    assert found.runs is not None or found.problem is not None


YAML_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                       max_size=3), max_leaves=12)


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(st.sampled_from(["services", "version", "name", "x-a", "volumes", "other"]), YAML_VALUES,
                       max_size=4))
def test_compose_check_never_raises_on_arbitrary_documents(document):
    problem = compose_problem(document)
    if problem is None:
        read_compose("compose.yaml", document)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=200))
def test_compose_check_never_raises_on_arbitrary_yaml_text(text):
    try:
        document = load_yaml(text).first
    except YamlProblem:
        return
    compose_problem(document)
