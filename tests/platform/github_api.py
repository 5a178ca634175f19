"""GitHub's documented example payloads (fixtures/github) served with `responses`, as PyGithub calls them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import responses

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "github"
API = "https://api.github.com:443"
REPO = "octocat/Hello-World"


def payload(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def error(message: str) -> dict:
    return {"message": message, "documentation_url": "https://docs.github.com/rest"}


def serve_repository(mock: responses.RequestsMock, *, repo: dict | None = None,
                     protection: tuple[int, Any] | None = None, rules: tuple[int, Any] | None = None,
                     pulls: tuple[int, Any] | None = None,
                     alerts: int = 404, setup: tuple[int, Any] | None = None,
                     environments_body: str | None = None, deployments: list | None = None) -> None:
    """Every endpoint the GitHub reader asks for, answered with GitHub's own examples unless overridden."""
    base = f"{API}/repos/{REPO}"
    branch = (repo or payload("repo.json"))["default_branch"]
    mock.get(base, json=repo or payload("repo.json"), headers={"ETag": '"repo-v1"'})
    status, body = rules or (200, payload("rules-branch-full.json"))
    mock.get(re.compile(rf"{re.escape(base)}/rules/branches/{branch}(\?.*)?$"), json=body, status=status)
    status, body = protection or (200, payload("branch-protection.json"))
    mock.get(f"{base}/branches/{branch}/protection", json=body, status=status)
    environments = {"body": environments_body} if environments_body else {"json": payload("environments.json")}
    mock.get(re.compile(rf"{re.escape(base)}/environments(\?.*)?$"), content_type="application/json", **environments)
    mock.get(re.compile(rf"{re.escape(base)}/deployments(\?.*)?$"),
             json=payload("deployments.json") if deployments is None else deployments)
    mock.get(re.compile(rf"{re.escape(base)}/deployments/\d+/statuses(\?.*)?$"),
             json=payload("deployment-statuses.json"))
    mock.get(re.compile(rf"{re.escape(base)}/releases(\?.*)?$"), json=payload("releases.json"))
    mock.get(re.compile(rf"{re.escape(base)}/actions/runs(\?.*)?$"), json=payload("workflow-runs.json"))
    status, body = pulls or (200, payload("graphql-merged-pulls.json"))
    mock.post(f"{API}/graphql", json=body, status=status)
    mock.get(re.compile(rf"{re.escape(base)}/pulls(\?.*)?$"), json=payload("pulls.json"))
    mock.get(f"{base}/vulnerability-alerts", status=alerts, **({} if alerts == 204 else {"json": error("Not Found")}))
    status, body = setup or (200, payload("code-scanning-default-setup.json"))
    mock.get(f"{base}/code-scanning/default-setup", json=body, status=status)
