"""GitLab REST payloads (fixtures/gitlab) served with `responses`, at the URLs python-gitlab calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import responses

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "gitlab"
INSTANCE = "https://gitlab.example.com"
PROJECT = "acme/platform/api"
BASE = f"{INSTANCE}/api/v4/projects/{quote(PROJECT, safe='')}"
MERGED_IIDS = (58, 57, 56, 55)   # the merged merge requests inside the window, newest first

Answer = tuple[int, Any]


def payload(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def error(status: int) -> Answer:
    """GitLab's own error bodies: `{"message": "403 Forbidden"}` and the like."""
    name = {401: "error-401.json", 403: "error-403.json", 404: "error-404.json"}[status]
    return status, payload(name)


def _path(tail: str) -> re.Pattern[str]:
    return re.compile(rf"{re.escape(BASE)}{tail}(\?.*)?$")


def serve_project(mock: responses.RequestsMock, *, project: dict | None = None,
                  protected_branches: Answer | None = None, approval_rules: Answer | None = None,
                  environments: Answer | None = None, protected_environments: Answer | None = None,
                  deployments: Answer | None = None, pipelines: Answer | None = None,
                  merge_requests: Answer | None = None, approvals: Answer | None = None) -> None:
    """Every endpoint the GitLab reader asks for; a protected `main` taking changes only through
    merge requests unless overridden. `approvals` overrides every merge request's approvals."""
    mock.get(BASE, json=project or payload("project.json"), headers={"ETag": 'W/"project-v1"'})
    answers = {
        "/protected_branches": protected_branches or (200, payload("protected-branches-merge-only.json")),
        "/approval_rules": approval_rules or (200, payload("approval-rules.json")),
        "/environments": environments or (200, payload("environments.json")),
        "/protected_environments": protected_environments or (200, payload("protected-environments.json")),
        "/deployments": deployments or (200, payload("deployments.json")),
        "/releases": (200, payload("releases.json")),
        "/pipelines": pipelines or (200, payload("pipelines.json")),
        "/merge_requests": merge_requests or (200, payload("merge-requests.json")),
    }
    for tail, (status, body) in answers.items():
        mock.get(_path(tail), json=body, status=status)
    for iid in MERGED_IIDS:
        status, body = approvals or (200, payload(f"merge-request-approvals-{iid}.json"))
        mock.get(_path(f"/merge_requests/{iid}/approvals"), json=body, status=status)
