"""A pull request, the runner's files, and GitHub's issue-comments API as an in-memory issue served
by `responses`: what the Action's test modules share."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import responses

from devops_scan.action.github import main
from tests.conftest import AS_OF

API = "https://api.github.com:443"
REPO = "octo-org/app"
NUMBER = 7
# No well-known prefix: only the action's own redaction can keep this one out of the logs.
TOKEN = "s3cret-Token-value-0123456789"
BOT = "github-actions[bot]"
DEPLOY = """name: ci
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python -m pytest
  deploy:
    needs: test
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: ./deploy.sh production
"""
BASE_FILES = {
    "README.md": "# App\n\n## Build\n\n```sh\npip install .\n```\n\n## Test\n\n```sh\npython -m pytest\n```\n",
    ".gitignore": "__pycache__/\n",
    "pyproject.toml": "[project]\nname = 'app'\nversion = '1.0'\n",
    "app.py": "print('hi')\n",
    "tests/test_app.py": "def test_app():\n    assert True\n",
}
EVIL = "@team <img src=x onerror=alert(1)>[x](https://evil)"


class FakeIssue:
    """Pull request #7's comments, as GitHub's REST API lists, creates and edits them."""

    def __init__(self, mock: responses.RequestsMock, user: tuple[int, dict] = (403, {"message": "Resource not "
                 "accessible by integration"}), post_status: int = 201) -> None:
        self.comments: list[dict[str, Any]] = []
        self.writes: list[tuple[str, int]] = []
        self.post_status = post_status
        base = f"{API}/repos/{REPO}/issues"
        mock.get(f"{API}/user", status=user[0], json=user[1])
        mock.add_callback("GET", re.compile(rf"{API}/(repos/{REPO}|repositories/1)/issues/{NUMBER}/comments.*"),
                          callback=self._list, content_type="application/json")
        mock.add_callback("POST", f"{base}/{NUMBER}/comments", callback=self._create, content_type="application/json")
        mock.add_callback("PATCH", re.compile(rf"{base}/comments/\d+"), callback=self._edit,
                          content_type="application/json")

    def add(self, body: str, login: str = BOT) -> dict[str, Any]:
        comment = {"id": 1000 + len(self.comments), "body": body, "user": {"login": login}}
        self.comments.append(comment)
        return comment

    def _list(self, request: Any) -> tuple[int, dict, str]:
        found = re.search(r"[?&]page=(\d+)", request.url)
        page = int(found.group(1)) if found else 1
        headers = {}
        if page * 100 < len(self.comments):   # GitHub's next link names the repository by id
            headers["Link"] = (f'<https://api.github.com/repositories/1/issues/{NUMBER}/comments?per_page=100&'
                               f'page={page + 1}>; rel="next"')
        return 200, headers, json.dumps(self.comments[(page - 1) * 100:page * 100])

    def _create(self, request: Any) -> tuple[int, dict, str]:
        if self.post_status != 201:
            return self.post_status, {}, json.dumps({"message": "Resource not accessible by integration"})
        comment = self.add(json.loads(request.body)["body"])
        self.writes.append(("POST", comment["id"]))
        return 201, {}, json.dumps(comment)

    def _edit(self, request: Any) -> tuple[int, dict, str]:
        comment_id = int(request.url.rsplit("/", 1)[1])
        comment = next(c for c in self.comments if c["id"] == comment_id)
        comment["body"] = json.loads(request.body)["body"]
        self.writes.append(("PATCH", comment_id))
        return 200, {}, json.dumps(comment)

    @property
    def ours(self) -> list[dict[str, Any]]:
        return [c for c in self.comments if c["user"]["login"] == BOT]


def pull_event(project: dict[str, Any], head: str | None = None, head_repo: str = REPO) -> dict[str, Any]:
    return {"number": NUMBER, "pull_request": {
        "number": NUMBER, "base": {"sha": project["base"], "ref": "main", "repo": {"full_name": REPO}},
        "head": {"sha": head or project["head"], "ref": "feature/ci", "repo": {"full_name": head_repo}}}}


def run_action(project: dict[str, Any], event: dict[str, Any], event_name: str = "pull_request",
               argv: list[str] | None = None, **inputs: str) -> tuple[int, dict[str, Any]]:
    tmp = project["tmp"]
    runner = tmp / "runner"
    runner.mkdir(exist_ok=True)
    (runner / "event.json").write_text(json.dumps(event), encoding="utf-8")
    for name in ("summary.md", "output.txt"):
        (runner / name).write_text("", encoding="utf-8")
    env = {"GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(runner / "event.json"),
           "GITHUB_REPOSITORY": REPO, "GITHUB_SERVER_URL": "https://github.com",
           "GITHUB_API_URL": "https://api.github.com", "GITHUB_WORKSPACE": str(project["path"]),
           "GITHUB_STEP_SUMMARY": str(runner / "summary.md"), "GITHUB_OUTPUT": str(runner / "output.txt"),
           "GITHUB_SHA": project["head"], "RUNNER_TEMP": str(runner), "INPUT_GITHUB_TOKEN": TOKEN,
           **{f"INPUT_{key.upper()}": value for key, value in inputs.items()}}
    code = main(env, argv or [], now=AS_OF)
    return code, {"summary": (runner / "summary.md").read_text(encoding="utf-8"),
                  "outputs": parse_outputs((runner / "output.txt").read_text(encoding="utf-8")),
                  "saved": runner / "devops-scan-comment"}


def parse_outputs(text: str) -> dict[str, str]:
    found, lines = {}, iter(text.splitlines())
    for line in lines:
        name, delimiter = line.split("<<", 1)
        value = []
        for item in lines:
            if item == delimiter:
                break
            value.append(item)
        found[name] = "\n".join(value)
    return found


def outside_code(body: str) -> str:
    """The text GitHub renders as Markdown: code spans show their content literally."""
    return re.sub(r"`[^`\n]*`", "", body)


def workflow_run(project: dict[str, Any], head_repo: str = "forker/app") -> dict[str, Any]:
    return {"workflow_run": {"event": "pull_request", "head_sha": project["head"], "head_branch": "feature/ci",
                             "head_repository": {"full_name": head_repo}, "pull_requests": []}}


def serve_pulls(mock: responses.RequestsMock, project: dict[str, Any], number: int = NUMBER) -> None:
    mock.get(f"{API}/repos/{REPO}/pulls", json=[
        {"number": number, "head": {"sha": project["head"], "ref": "feature/ci", "repo": {"full_name": "forker/app"}}}],
        match=[responses.matchers.query_param_matcher({"head": "forker:feature/ci", "state": "open",
                                                       "per_page": "100"})])


def fork_stage_one(project: dict[str, Any]) -> Path:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        FakeIssue(mock, post_status=403)
        code, files = run_action(project, pull_event(project, head_repo="forker/app"))
    assert code == 0
    return files["saved"]
