"""The GitLab CI template: valid YAML with the rules, clone depth, artifact and gates it promises."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from devops_scan.action.gitlab_settings import CODEQUALITY_FILE
from devops_scan.render.codequality import SEVERITY

TEMPLATE = Path(__file__).resolve().parents[2] / "templates" / "devops-scan.gitlab-ci.yml"
MR = '$CI_PIPELINE_SOURCE == "merge_request_event"'
DEFAULT_BRANCH = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"


@pytest.fixture(scope="module")
def template() -> dict:
    return YAML(typ="safe").load(TEMPLATE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hidden(template) -> dict:
    return template[".devops-scan"]


def test_a_hidden_job_and_a_job_that_extends_it(template):
    assert set(template) == {".devops-scan", "devops-scan"}
    assert template["devops-scan"] == {"extends": ".devops-scan"}


def test_runs_in_merge_request_pipelines_and_on_the_default_branch_only(hidden):
    conditions = [rule["if"] for rule in hidden["rules"]]
    assert any(condition.startswith(MR) for condition in conditions)
    assert any(condition.startswith(DEFAULT_BRANCH) for condition in conditions)
    assert all(condition.startswith((MR, DEFAULT_BRANCH)) for condition in conditions)
    assert all("when" not in rule or rule["when"] != "never" for rule in hidden["rules"])


def test_allow_failure_follows_the_variable_in_every_pipeline(hidden):
    rules = hidden["rules"]
    assert "allow_failure" not in hidden   # a job-level value would hide the rules' own
    for start in (MR, DEFAULT_BRANCH):
        mine = [rule for rule in rules if rule["if"].startswith(start)]
        assert [rule["allow_failure"] for rule in mine] == [True, False]
        assert '$DEVOPS_SCAN_ALLOW_FAILURE == "true"' in mine[0]["if"] and mine[1]["if"] == start
    assert hidden["variables"]["DEVOPS_SCAN_ALLOW_FAILURE"] in ("true", "false")


def test_full_history_and_pinned_install(hidden):
    variables = hidden["variables"]
    assert variables["GIT_DEPTH"] == "0"
    assert re.fullmatch(r"\d+\.\d+\.\d+", variables["DEVOPS_SCAN_VERSION"])
    install = " ".join(hidden["before_script"])
    assert '"${DEVOPS_SCAN_PIP_SPEC:-devops-scan==${DEVOPS_SCAN_VERSION}}"' in install
    assert hidden["script"] == ["python -m devops_scan.action.gitlab"]
    assert hidden["image"].startswith("python:3.12-slim")


def test_gate_and_comment_variables_have_valid_defaults(hidden):
    variables = hidden["variables"]
    assert variables["DEVOPS_SCAN_FAIL_UNDER"] == ""
    assert variables["DEVOPS_SCAN_FAIL_ON_REGRESSION"] == "false"
    assert variables["DEVOPS_SCAN_COMMENT"] in ("update", "new", "off")
    assert all(isinstance(value, str) for value in variables.values()), "GitLab variables are strings"


def test_the_code_quality_report_is_uploaded_always(hidden):
    artifacts = hidden["artifacts"]
    assert artifacts["reports"]["codequality"] == CODEQUALITY_FILE == "gl-code-quality-report.json"
    assert artifacts["when"] == "always"
    assert set(SEVERITY) == {"beginner", "intermediate", "advanced", "expert"}


def test_no_secret_is_written_in_the_template(hidden):
    text = TEMPLATE.read_text(encoding="utf-8")
    assert not re.search(r"gl[a-z]{2,5}-[A-Za-z0-9_\-]{16,}", text)   # GitLab token shapes
    assert not re.search(r"(?i)(private|job)[-_]token\s*[:=]", text)
    assert not any(re.search(r"(?i)token|password|secret", name) for name in hidden["variables"])
    # The token reaches the job only as the project's own CI/CD variable.
    assert "GITLAB_TOKEN" not in str(hidden["variables"]) and "$GITLAB_TOKEN" not in text
