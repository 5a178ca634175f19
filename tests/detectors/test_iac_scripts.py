"""`infra.scripted`: scripts count by what they run, not by where they sit or what they are called."""

from __future__ import annotations

import pytest

from tests.detectors.infra_scan import evidence, outcome, run_memory

SCRIPTED = [
    ("kubectl-in-a-deploy-script", {"scripts/deploy.sh": "#!/bin/sh\nset -e\nkubectl apply -f k8s/\n"}, "pass"),
    ("aws-cli-after-a-pipe", {"ops/backup.sh": "pg_dump app | aws s3 cp - s3://acme-backups/app.sql\n"}, "pass"),
    ("makefile-deploy-target", {"Makefile": "test:\n\tpytest\n\ndeploy:\n\t@helm upgrade --install web charts/web\n"},
     "pass"),
    ("justfile-terraform", {"justfile": "plan:\n    terraform -chdir=infra plan\n"}, "pass"),
    ("taskfile-list-item",
     {"Taskfile.yml": "version: '3'\ntasks:\n  up:\n    cmds:\n      - ansible-playbook site.yml\n"}, "pass"),
    ("sudo-systemctl", {"bin/restart": "#!/usr/bin/env bash\nsudo systemctl restart web\n"}, "pass"),
    ("rsync-to-a-host", {"deploy.sh": "rsync -az dist/ deploy@web1.acme.example:/srv/www/\n"}, "pass"),
    ("docker-push", {"scripts/release.sh": "docker build -t x .\ndocker push ghcr.io/acme/x:1\n"}, "pass"),
    ("python-boto3-in-tools", {"tools/rotate_keys.py": "import boto3\n\niam = boto3.client('iam')\n"}, "pass"),
    ("fabfile",
     {"fabfile.py": "from fabric import task\n\n@task\ndef deploy(c):\n    c.run('systemctl restart app')\n"}, "pass"),
    ("vagrantfile", {"Vagrantfile": "Vagrant.configure('2') do |config|\n  config.vm.box = 'ubuntu/jammy64'\nend\n"},
     "pass"),
    ("cloud-init", {"user-data": "#cloud-config\npackages: [nginx]\n"}, "pass"),
    ("infrastructure-as-code-counts", {"infra/main.tf": 'resource "aws_s3_bucket" "b" {}\n'}, "pass"),
    # Development commands are not operations.
    ("docker-build-and-compose-up", {"scripts/dev.sh": "docker build -t x .\ndocker compose up -d\n"}, "fail"),
    ("helm-lint-only", {"Makefile": "lint:\n\thelm lint charts/web\n"}, "fail"),
    ("commented-out", {"scripts/old.sh": "#!/bin/sh\n# kubectl apply -f k8s/\necho done\n"}, "fail"),
    ("ssh-keygen-is-not-ssh", {"scripts/keys.sh": "ssh-keygen -t ed25519 -f id\n"}, "fail"),
    ("boto3-in-application-code", {"app/storage.py": "import boto3\n", "Dockerfile": "FROM python:3.12\n"}, "fail"),
    ("extensionless-non-script-in-bin", {"bin/README": "kubectl is needed\n", "Dockerfile": "FROM python:3.12\n"},
     "fail"),
    ("vendored-scripts", {"vendor/tool/deploy.sh": "kubectl apply -f .\n", "Dockerfile": "FROM python:3.12\n"},
     "fail"),
    ("library-with-nothing-to-provision", {"pyproject.toml": "[project]\nname = \"lib\"\nversion = \"1\"\n",
                                           "src/lib/__init__.py": ""}, "not_applicable"),
    ("application-without-scripts", {"Dockerfile": "FROM python:3.12\n", "app.py": "print()\n"}, "fail"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in SCRIPTED], ids=[row[0] for row in SCRIPTED])
def test_scripted(files, expected):
    assert outcome(run_memory(files), "infra.scripted") == expected


def test_evidence_is_the_command_line():
    script = "#!/bin/sh\n# deploy\n\nset -e\nkubectl -n web rollout restart deploy/web\n"
    result = run_memory({"scripts/deploy.sh": script})
    assert evidence(result, "infra.scripted") == [("scripts/deploy.sh", 5, "runs `kubectl -n web rollout restart`")]


SERVICE_OR_LIBRARY = [
    ("python-library", {"pyproject.toml": "[project]\nname = \"lib\"\ndependencies = [\"requests\"]\n"},
     "not_applicable"),
    ("python-service",
     {"pyproject.toml": "[project]\nname = \"api\"\ndependencies = [\"fastapi\", \"uvicorn>=0.30\"]\n"}, "fail"),
    ("requirements-with-gunicorn", {"setup.py": "from setuptools import setup\nsetup(name='app')\n",
                                    "requirements.txt": "django==5.0\ngunicorn==22.0\n"}, "fail"),
    ("npm-library", {"package.json": '{"name": "left-pad", "main": "index.js"}'}, "not_applicable"),
    ("npm-service-with-start-script", {"package.json": '{"name": "api", "scripts": {"start": "node server.js"}}'},
     "fail"),
    ("private-npm-app", {"package.json": '{"name": "web", "private": true}'}, "fail"),
    ("go-program", {"go.mod": "module example.com/tool\n", "main.go": "package main\n\nfunc main() {}\n"}, "fail"),
    ("go-library", {"go.mod": "module example.com/lib\n", "lib.go": "package lib\n"}, "not_applicable"),
    ("go-library-with-a-test-program", {"go.mod": "module example.com/lib\n", "lib.go": "package lib\n",
                                        "testing/cmd/fake/main.go": "package main\n"}, "not_applicable"),
    ("integration-module-named-asgi", {"pyproject.toml": "[project]\nname = \"tracer\"\n",
                                       "tracer/contrib/asgi.py": "def middleware(app):\n    return app\n"},
     "not_applicable"),
    ("django-wsgi-entry-point", {"pyproject.toml": "[project]\nname = \"shop\"\n",
                                 "shop/wsgi.py": "from django.core.wsgi import get_wsgi_application\n\n"
                                                 "application = get_wsgi_application()\n"}, "fail"),
    ("maven-library", {"pom.xml": "<project><artifactId>git-plugin</artifactId><packaging>hpi</packaging></project>"},
     "not_applicable"),
    ("spring-boot-service", {"pom.xml": "<project><artifactId>shop</artifactId><dependencies><dependency>"
                                        "<artifactId>spring-boot-starter-web</artifactId></dependency>"
                                        "</dependencies></project>"}, "fail"),
    ("library-whose-tests-have-a-wsgi-app", {"pyproject.toml": "[project]\nname = \"web-lib\"\n",
                                             "tests/test_apps/hello/wsgi.py": "application = make_app()\n"},
     "not_applicable"),
]


@pytest.mark.parametrize(("files", "expected"), [row[1:] for row in SERVICE_OR_LIBRARY],
                         ids=[row[0] for row in SERVICE_OR_LIBRARY])
def test_a_library_has_nothing_to_provision_but_a_service_does(files, expected):
    assert outcome(run_memory(files), "infra.scripted") == expected
