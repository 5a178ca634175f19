"""The one pull request comment: found again by its marker and its author, edited in place.

Every call is a plain REST request through PyGithub's requester (built by `github_api`, so it goes
through the project's transport): PyGithub's objects would first fetch the repository and the
issue, two requests that tell us nothing.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import github
from requests.utils import parse_header_links

from devops_scan.errors import ScanError
from devops_scan.platform.pygithub import github_api
from devops_scan.platform.tokens import Token, redact
from devops_scan.platform.transport import PlatformTransport, RequestStats
from devops_scan.render.comment import MARKER_PREFIX
from devops_scan.render.markdown import escape

COMMENT_MODES = ("update", "new", "off")
# The workflow token cannot call GET /user; comments it writes are by this app's bot user.
WORKFLOW_BOT = "github-actions[bot]"
GITHUB_LIMIT = 65536


class Forbidden(ScanError):
    """The token may not write here (a fork's read-only workflow token)."""


class PullRequests:
    """The REST calls the comment needs, on one repository."""

    def __init__(self, api_url: str, token: Token, repo: str) -> None:
        self.secrets = (token.value,)
        transport = PlatformTransport(RequestStats(), None, max_wait=60.0, secrets=self.secrets)
        self.gh = github_api(api_url, token, transport)
        self.repo = repo
        self._login: str | None = None

    def call(self, verb: str, url: str, what: str, **kwargs: Any) -> tuple[dict[str, Any], Any]:
        """One request; a refusal becomes Forbidden, any other failure one redacted ScanError line."""
        try:
            return self.gh.requester.requestJsonAndCheck(verb, url, **kwargs)
        except github.GithubException as error:
            message = error.data.get("message") if isinstance(error.data, dict) else None
            line = redact(f"GitHub API: {what} failed: HTTP {error.status} {message or ''}".rstrip(), self.secrets)
            raise (Forbidden if error.status == 403 else ScanError)(line) from None

    def login(self) -> str:
        """Who the token is: a personal token says so at /user; the workflow token may not ask."""
        if self._login is None:
            try:
                _, user = self.call("GET", "/user", "reading the token's user")
                self._login = str(user["login"])
            except Forbidden:
                self._login = WORKFLOW_BOT
        return self._login

    def comments(self, number: int) -> Iterator[dict[str, Any]]:
        """Every comment of the pull request, following the Link header page by page."""
        url: str | None = f"/repos/{self.repo}/issues/{number}/comments"
        params: dict[str, Any] | None = {"per_page": 100}
        while url:
            headers, page = self.call("GET", url, f"listing the comments of #{number}", parameters=params)
            yield from page or []
            url, params = _next_page(headers.get("link", "")), None   # the next URL carries its query

    def create(self, number: int, body: str) -> int:
        _, made = self.call("POST", f"/repos/{self.repo}/issues/{number}/comments",
                            f"commenting on #{number}", input={"body": body})
        return int(made["id"])

    def edit(self, comment_id: int, body: str) -> None:
        self.call("PATCH", f"/repos/{self.repo}/issues/comments/{comment_id}", f"editing comment {comment_id}",
                  input={"body": body})

    def find_pull(self, head_repo: str, head_branch: str, head_sha: str) -> int | None:
        """The open pull request whose head is `head_repo`:`head_branch` at `head_sha`."""
        owner = head_repo.split("/")[0]
        _, pulls = self.call("GET", f"/repos/{self.repo}/pulls", "finding the pull request",
                             parameters={"head": f"{owner}:{head_branch}", "state": "open", "per_page": 100})
        for pull in pulls or []:
            head = pull.get("head") or {}
            if (head.get("sha") == head_sha and (head.get("repo") or {}).get("full_name") == head_repo):
                return int(pull["number"])
        return None


def marker_pattern(key: str) -> re.Pattern[str]:
    """The marker of `key` in any marker version, so a newer release edits an older one's comment."""
    return re.compile(rf"<!-- {re.escape(MARKER_PREFIX)} v\d+ {re.escape(escape(key))} -->")


def upsert(api: PullRequests, number: int, body: str, mode: str, key: str = "default") -> str:
    """Create or edit the comment; says what happened: created, updated, unchanged or off."""
    if mode == "off":
        return "off"
    if len(body) >= GITHUB_LIMIT:
        raise ScanError(f"the comment is {len(body)} characters; GitHub accepts fewer than {GITHUB_LIMIT}")
    if mode == "new":
        api.create(number, body)
        return "created"
    mine = _own_comment(api, number, key)
    if mine is None:
        api.create(number, body)
        return "created"
    if (mine.get("body") or "").replace("\r\n", "\n") == body:
        return "unchanged"
    api.edit(int(mine["id"]), body)
    return "updated"


def _own_comment(api: PullRequests, number: int, key: str) -> dict[str, Any] | None:
    """The first comment that starts with the marker AND is by the token's own user: a person
    quoting the marker, or another bot, never gets their comment overwritten."""
    pattern, login = marker_pattern(key), None
    for comment in api.comments(number):
        if not pattern.match((comment.get("body") or "").lstrip()):
            continue
        login = login or api.login()   # asked only when a marked comment exists at all
        if (comment.get("user") or {}).get("login") == login:
            return comment
    return None


def _next_page(link: str) -> str | None:
    for item in parse_header_links(link) if link else []:
        if item.get("rel") == "next" and item.get("url"):
            return item["url"]
    return None
