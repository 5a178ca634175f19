"""DevEnvironmentDetector: an automated development environment, each source checked by content."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devops_scan_detectors.dev_environment import DevEnvironmentDetector, make_recipes
from tests.detectors.settings_files_support import evidence, outcome, practice, run_on_files, scan_report

NOTHING = "no devcontainer, compose file, Vagrantfile, nix, tool-version manager, setup target or bootstrap script"

FIXTURES = [
    ("svc-node-orders", "pass", "docker compose services api, db, jaeger (docker-compose.yml:2)",
     ["docker-compose.yml:2"]),
    ("lib-go-cli", "pass", "asdf/mise tool versions (.tool-versions:1)", [".tool-versions:1"]),
    ("lib-python-sphinx", "pass", "nox dev session (noxfile.py:15)", ["noxfile.py:15"]),
    # docker-compose.yml there holds Ansible variables, not services.
    ("docs-traps", "fail", NOTHING, []),
    ("ci-polyglot", "fail", NOTHING, []),
]


@pytest.mark.parametrize(("fixture", "expected", "reason", "places"), FIXTURES, ids=[row[0] for row in FIXTURES])
def test_fixture_repositories(fixture_repo, fixture, expected, reason, places):
    assert practice(scan_report(fixture_repo(fixture), DevEnvironmentDetector), "env.dev-setup-automated") == \
        (expected, reason, places)


CASES = [
    ("devcontainer-jsonc", {".devcontainer/devcontainer.json": '{\n  // Python 3.12 with Postgres\n  "name": "api",\n'
                                                                '  "dockerComposeFile": "compose.yaml",\n}\n'},
     "pass", "devcontainer (dockerComposeFile) (.devcontainer/devcontainer.json:4)",
     [".devcontainer/devcontainer.json:4"]),
    ("devcontainer-per-folder", {".devcontainer/python/devcontainer.json": '{"image": "mcr.microsoft.com/devcontainers/'
                                                                            'python:3.12"}'},
     "pass", "devcontainer (image)", [".devcontainer/python/devcontainer.json:1"]),
    ("devcontainer-without-image", {".devcontainer.json": '{"name": "x", "features": {}}'}, "fail",
     ".devcontainer.json: devcontainer names no image, Dockerfile or compose file", [".devcontainer.json"]),
    ("devcontainer-broken", {".devcontainer/devcontainer.json": '{"image": '}, "fail",
     "devcontainer configuration is not valid JSON", [".devcontainer/devcontainer.json:1"]),
    ("compose-yaml", {"compose.yaml": "services:\n  app:\n    build: .\n  redis:\n    image: redis:7\n"}, "pass",
     "docker compose services app, redis (compose.yaml:1)", ["compose.yaml:1"]),
    ("compose-for-production-only", {"docker-compose.prod.yml": "services:\n  app:\n    image: acme/app:1.4\n"}, "fail",
     "docker-compose.prod.yml: compose file for production only (app)", ["docker-compose.prod.yml:1"]),
    ("vagrant", {"Vagrantfile": "Vagrant.configure(\"2\") do |config|\n  config.vm.box = \"ubuntu/jammy64\"\nend\n"},
     "pass", "Vagrant machine (Vagrantfile:1)", ["Vagrantfile:1"]),
    ("flake-dev-shell", {"flake.nix": "{\n  outputs = { nixpkgs, ... }: {\n    devShells.x86_64-linux.default = "
                                      "nixpkgs.legacyPackages.x86_64-linux.mkShell { };\n  };\n}\n"},
     "pass", "nix flake dev shell (flake.nix:3)", ["flake.nix:3"]),
    ("flake-packages-only", {"flake.nix": "{\n  outputs = { self }: { packages.default = self; };\n}\n"}, "fail",
     "flake.nix: flake.nix defines no dev shell", ["flake.nix"]),
    ("mise", {"mise.toml": "[tools]\nnode = \"20\"\n"}, "pass", "mise tools (mise.toml:1)", ["mise.toml:1"]),
    ("make-setup", {"Makefile": ".PHONY: setup\n\nsetup:\n\tpython -m venv .venv\n"}, "pass", "make setup (Makefile:3)",
     ["Makefile:3"]),
    ("make-install-dependencies", {"Makefile": "VENV ?= .venv\nSTAMP := $(VENV)/.done\n\n$(STAMP): pyproject.toml\n"
                                               "\t$(VENV)/bin/pip install -e .\n\ninstall: $(STAMP)\n"},
     "pass", "make install (Makefile:7)", ["Makefile:7"]),
    # `make install` that copies a build into /usr/local installs the software, it sets up nothing.
    ("make-install-system",
     {"Makefile": "PREFIX ?= /usr/local\n\ninstall: build\n\tinstall -m 755 bin/x $(PREFIX)/bin\n"},
     "fail", NOTHING, []),
    ("justfile", {"justfile": "# set up everything\nbootstrap:\n    uv sync\n"}, "pass", "just bootstrap (justfile:2)",
     ["justfile:2"]),
    ("taskfile", {"Taskfile.yml": "version: '3'\ntasks:\n  setup:\n    cmds: [npm ci]\n"}, "pass",
     "task setup (Taskfile.yml:3)", ["Taskfile.yml:3"]),
    ("npm-setup-script", {"package.json": '{\n  "scripts": {\n    "setup": "npm ci && npm run db:migrate"\n  }\n}'},
     "pass", "npm run setup (package.json:3)", ["package.json:3"]),
    ("scripts-to-rule-them-all", {"script/bootstrap": "#!/bin/sh\nbrew bundle\n"}, "pass",
     "setup script (script/bootstrap:1)", ["script/bootstrap:1"]),
    ("rails-bin-setup", {"bin/setup": "#!/usr/bin/env ruby\nsystem('bundle install')\n"}, "pass", "setup script",
     ["bin/setup:1"]),
    ("gitpod", {".gitpod.yml": "tasks:\n  - init: npm ci\n    command: npm run dev\n"}, "pass", "Gitpod workspace",
     [".gitpod.yml:1"]),
    ("tox-dev-env", {"tox.ini": "[tox]\nenv_list = py312\n\n[testenv:dev]\nusedevelop = true\n"}, "pass",
     "tox dev environment (tox.ini:4)", ["tox.ini:4"]),
    ("empty-bootstrap", {"script/bootstrap": "   \n"}, "fail", NOTHING, []),
]


@pytest.mark.parametrize(("files", "expected", "reason", "places"), [row[1:] for row in CASES],
                         ids=[row[0] for row in CASES])
def test_dev_setup_automated(files, expected, reason, places):
    result = run_on_files(files, DevEnvironmentDetector)
    got, why = outcome(result, "env.dev-setup-automated")
    assert (got, evidence(result, "env.dev-setup-automated")) == (expected, places)
    assert reason in why


def test_make_recipes_expand_variables_and_keep_lines():
    recipes = make_recipes("BIN := .venv/bin\n\n$(BIN)/python:\n\tpython3 -m venv .venv\n\ntest: $(BIN)/python\n"
                           "\t$(BIN)/pytest\n")
    assert recipes[".venv/bin/python"] == (3, "\n\tpython3 -m venv .venv\n")
    assert recipes["test"][0] == 6


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(["Makefile", "justfile", "Taskfile.yml", ".devcontainer/devcontainer.json", "compose.yaml",
                        "flake.nix", "package.json", "tox.ini", ".tool-versions"]),
       st.text(max_size=300))
def test_any_text_in_any_setup_file_is_judged(name, text):
    result = run_on_files({name: text}, DevEnvironmentDetector)
    assert not [w for w in result.warnings if w.startswith("detector ")]
    assert result.findings["env.dev-setup-automated"].outcome.value in ("pass", "fail")


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:=$()\t\n .-_")), max_size=200))
def test_make_recipes_never_raise(text):
    for target, (line, _) in make_recipes(text).items():
        assert target and line >= 1
