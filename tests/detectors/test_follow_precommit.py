"""`pre-commit run` followed into .pre-commit-config.yaml: what the hooks really check."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.ci_activities import command_activities, command_notes
from tests.testing.fakes import MemoryClient

CONFIG = """\
repos:
  - repo: https://github.com/antonbabenko/pre-commit-terraform
    rev: v1.99.0
    hooks:
      - id: terraform_fmt
      - id: terraform_validate
      - id: terraform_tflint
        args: ['--args=--only=terraform_deprecated_interpolation']
      - id: terraform_checkov
  - repo: https://github.com/gitleaks/gitleaks
    rev: v8.24.0
    hooks:
      - id: gitleaks
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v5.0.0
    hooks:
      - id: trailing-whitespace
  - repo: local
    hooks:
      - id: unit-tests
        name: unit tests
        entry: python -m pytest -q
        language: system
"""


def activities(command: str, files: dict[str, str] | None = None):
    client = MemoryClient(files if files is not None else {".pre-commit-config.yaml": CONFIG})
    context = ScanContext(as_of=datetime(2026, 1, 1, tzinfo=timezone.utc))
    where = Location(".github/workflows/ci.yml", 20)
    return (command_activities(client, context, command, where), command_notes(client, context, command, where))


def test_every_hook_is_followed_with_its_line():
    found, notes = activities("pre-commit run --all-files")
    kinds = {(a.kind, a.tool, a.location.line) for a in found}
    assert {("iac-validate", "terraform", 5), ("iac-validate", "terraform", 6), ("iac-validate", "tflint", 7),
            ("policy-check", "checkov", 9), ("secret-scan", "gitleaks", 13), ("test", "pytest", 20)} <= kinds
    assert ("pre-commit", "pre-commit", 20) in kinds  # the command itself still counts
    assert all(a.chain for a in found if a.location.path == ".pre-commit-config.yaml")
    assert notes == ()


def test_one_hook_by_id():
    found, _ = activities("pre-commit run gitleaks --all-files")
    assert {a.tool for a in found if a.location.path == ".pre-commit-config.yaml"} == {"gitleaks"}


@pytest.mark.parametrize("command", ["pre-commit install", "pre-commit autoupdate"])
def test_commands_that_check_nothing(command):
    found, _ = activities(command)
    assert not [a for a in found if a.location.path == ".pre-commit-config.yaml"]


def test_missing_configuration_is_a_note_not_a_crash():
    found, notes = activities("pre-commit run -a", files={"README.md": "x"})
    assert {a.tool for a in found} == {"pre-commit"}
    assert notes and "no .pre-commit-config.yaml" in notes[0]
