"""action.yml and the example workflows: what GitHub would accept, and what keeps them safe."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterator

import pytest
from ruamel.yaml import YAML

from devops_scan.action.github_fork import ARTIFACT_DIR

ROOT = Path(__file__).resolve().parents[2]
ACTION = ROOT / "action.yml"
EXAMPLES = ROOT / "docs" / "examples"
SCAN_WORKFLOW = EXAMPLES / "devops-scan.yml"
FORK_WORKFLOW = EXAMPLES / "devops-scan-fork-comment.yml"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def steps(document: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "runs" in document:
        yield from document["runs"]["steps"]
    for job in (document.get("jobs") or {}).values():
        yield from job.get("steps") or []


def test_action_is_a_composite_with_the_documented_inputs_and_outputs():
    action = load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"github-token", "path", "fail-under", "fail-on-regression", "comment",
                                     "sarif-file", "model", "python-version"}
    assert action["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert action["inputs"]["comment"]["default"] == "update" and action["inputs"]["path"]["default"] == "."
    assert set(action["outputs"]) == {"overall", "levels", "regressed"}


def test_every_input_referenced_is_declared():
    text = ACTION.read_text(encoding="utf-8")
    used = set(re.findall(r"inputs\.([A-Za-z0-9_-]+)", text))
    assert used and used <= set(load(ACTION)["inputs"])


@pytest.mark.parametrize("path", [ACTION, SCAN_WORKFLOW, FORK_WORKFLOW], ids=lambda p: p.name)
def test_no_expression_inside_a_script(path):
    # An expression in `run:` is pasted into the script before the shell reads it: a branch name
    # or path could then run as code. Values go through `env:` instead.
    scripts = [step["run"] for step in steps(load(path)) if "run" in step]
    assert scripts or path == SCAN_WORKFLOW
    assert all("${{" not in script for script in scripts)


@pytest.mark.parametrize("path", [ACTION, SCAN_WORKFLOW, FORK_WORKFLOW], ids=lambda p: p.name)
def test_every_action_is_pinned_to_a_commit(path):
    uses = [step["uses"] for step in steps(load(path)) if "uses" in step]
    assert uses
    for ref in uses:
        assert ref == "./" or PINNED.match(ref), f"{ref} is not pinned to a full commit sha"
    # The version a sha stands for is written next to it, for people and for Dependabot.
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.match(r"\s*(- )?uses: [^.]", line):
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_the_action_passes_every_input_through_env_to_names_the_scanner_reads():
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "devops_scan" / "action").glob("github*.py"))
    scan = next(step for step in steps(load(ACTION)) if step.get("id") == "scan")
    names = {name for name in scan["env"] if name.startswith("INPUT_")}
    assert names == {"INPUT_GITHUB_TOKEN", "INPUT_PATH", "INPUT_FAIL_UNDER", "INPUT_FAIL_ON_REGRESSION",
                     "INPUT_COMMENT", "INPUT_SARIF_FILE", "INPUT_MODEL"}
    assert all(f'"{name}"' in source for name in names)
    assert "devops_scan.action.github" in scan["run"]


@pytest.mark.parametrize("path", [SCAN_WORKFLOW, FORK_WORKFLOW], ids=lambda p: p.name)
def test_example_workflows_set_least_permissions(path):
    workflow = load(path)
    # Nothing writable for the whole workflow; the one job that comments asks for it.
    assert isinstance(workflow["permissions"], dict) and "write" not in str(workflow["permissions"])
    (job,) = workflow["jobs"].values()
    assert job["permissions"].get("pull-requests") == "write" and "write-all" not in str(job["permissions"])


def test_the_scan_workflow_runs_on_pull_requests_and_the_default_branch_with_full_history():
    workflow = load(SCAN_WORKFLOW)
    assert "pull_request" in workflow["on"] and "push" in workflow["on"]
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["jobs"]["scan"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    checkout = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0
    upload = next(step for step in steps(workflow) if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "${{ runner.temp }}/" + ARTIFACT_DIR
    assert upload["with"]["if-no-files-found"] == "ignore"


def test_the_fork_comment_workflow_never_runs_pull_request_code():
    scan, fork = load(SCAN_WORKFLOW), load(FORK_WORKFLOW)
    trigger = fork["on"]["workflow_run"]
    assert trigger["workflows"] == [scan["name"]] and trigger["types"] == ["completed"]
    # contents: read only for the checkout of the default branch, which holds the scanner here.
    assert fork["permissions"] == {}
    assert fork["jobs"]["comment"]["permissions"] == {"pull-requests": "write", "actions": "read", "contents": "read"}
    for step in steps(fork):
        if step.get("uses", "").startswith("actions/checkout@"):
            options = step.get("with") or {}
            # The default branch only: no ref, no repository, nothing from the triggering run.
            assert not {"ref", "repository"} & set(options), options
            assert "workflow_run" not in str(options) and "pull_request" not in str(options)
    download = next(step for step in steps(fork) if step.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"]["run-id"] == "${{ github.event.workflow_run.id }}"
    assert download["with"]["github-token"] == "${{ github.token }}"
    assert download["with"]["pattern"] == ARTIFACT_DIR
    post = next(step for step in steps(fork) if "post-comment" in step.get("run", ""))
    assert "devops_scan.action.github post-comment" in post["run"]
