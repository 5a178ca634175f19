"""PyGithub routed through the transport: ETag revalidation seen through `Github`, GHES URLs,
anonymous access, PyGithub's own retries and sleeps switched off, one transport per Github object,
and GraphQL `data` / `errors`."""

from __future__ import annotations

import json
import logging

import github
import pytest
import responses

from devops_scan.errors import BadTargetError, ScanError
from devops_scan.platform.pygithub import USER_AGENT, github_api, graphql
from devops_scan.platform.tokens import Token
from devops_scan.platform.httpcache import EtagCache
from devops_scan.platform.transport import PlatformTransport, RateLimited, RequestStats

API = "https://api.github.com:443"
GHES = "https://ghe.example.com:443/api/v3"
TOKEN = Token("ghp_pygithubTOKEN0123456789abcdefghijkl", "GITHUB_TOKEN")
REPO = {"full_name": "o/r", "name": "r", "default_branch": "main", "private": True}


def transport(tmp_path=None, sleeps: list[float] | None = None, **options) -> PlatformTransport:
    recorded = sleeps if sleeps is not None else []
    cache = EtagCache(tmp_path / "cache") if tmp_path is not None else None
    return PlatformTransport(RequestStats(), cache, sleep=recorded.append, clock=lambda: 1_795_305_540.0, **options)


@responses.activate
def test_a_304_reaches_pygithub_as_the_cached_repository(tmp_path):
    responses.get(f"{API}/repos/o/r", json=REPO, headers={"ETag": '"r1"'})
    responses.get(f"{API}/repos/o/r", status=304, headers={"ETag": '"r1"'})
    route = transport(tmp_path)
    gh = github_api(None, TOKEN, route)
    assert gh.get_repo("o/r").default_branch == "main"
    assert gh.get_repo("o/r").default_branch == "main"
    first, second = (call.request.headers for call in responses.calls)
    assert first["Authorization"] == f"token {TOKEN.value}" and first["User-Agent"] == USER_AGENT
    assert "If-None-Match" not in first and second["If-None-Match"] == '"r1"'
    assert (route.stats.requests, route.stats.not_modified) == (2, 1)
    written = b"".join(path.read_bytes() for path in (tmp_path / "cache").iterdir())
    assert TOKEN.value.encode() not in written


@responses.activate
def test_enterprise_server_base_url_and_its_graphql_endpoint():
    responses.get(f"{GHES}/repos/o/r", json=REPO)
    responses.post("https://ghe.example.com:443/api/graphql", json={"data": {"viewer": {"login": "me"}}})
    route = transport()
    gh = github_api("https://ghe.example.com/api/v3/", TOKEN, route)
    assert gh.get_repo("o/r").full_name == "o/r"
    assert graphql(gh, "query { viewer { login } }", {}) == {"viewer": {"login": "me"}}
    assert route.stats.requests == 2


@responses.activate
def test_anonymous_access_sends_no_credentials():
    responses.get(f"{API}/repos/o/r", json=REPO)
    github_api(None, None, transport()).get_repo("o/r").default_branch
    assert "Authorization" not in responses.calls[0].request.headers


@responses.activate
def test_the_exact_timeout_reaches_the_transport():
    responses.get(f"{API}/repos/o/r", json=REPO)
    github_api(None, TOKEN, transport(), timeout=2.5).get_repo("o/r").name
    assert responses.calls[0].request.req_kwargs["timeout"] == 2.5


@responses.activate
def test_pygithub_does_not_retry_on_its_own():
    responses.get(f"{API}/repos/o/r", status=502, json={"message": "Server Error"})
    route = transport(retries=0)
    with pytest.raises(github.GithubException) as caught:
        github_api(None, TOKEN, route).get_repo("o/r").name
    assert caught.value.status == 502 and route.stats.requests == len(responses.calls) == 1


@responses.activate
def test_retries_and_rate_limit_waits_happen_once_in_the_transport():
    responses.get(f"{API}/repos/o/r", status=403, headers={"Retry-After": "3"},
                  json={"message": "You have exceeded a secondary rate limit."})
    responses.get(f"{API}/repos/o/r", status=503)
    responses.get(f"{API}/repos/o/r", json=REPO)
    sleeps: list[float] = []
    route = transport(sleeps=sleeps)
    assert github_api(None, TOKEN, route).get_repo("o/r").name == "r"
    assert sleeps == [3.0, 0.5] and route.stats.requests == 3 and route.stats.retries == 2


@responses.activate
def test_a_rate_limit_beyond_max_wait_surfaces_through_pygithub_as_one_line(caplog):
    caplog.set_level(logging.DEBUG)
    responses.get(f"{API}/repos/o/r", status=403, json={"message": "API rate limit exceeded"},
                  headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(1_795_305_540 + 840)})
    with pytest.raises(RateLimited) as caught:
        github_api(None, TOKEN, transport(max_wait=10, secrets=[TOKEN.value])).get_repo("o/r").name
    assert "it resets at 2026-11-22 00:14 UTC (in 14 min)" in str(caught.value)
    assert all(TOKEN.value not in record.getMessage() for record in caplog.records)


@responses.activate
def test_two_github_objects_keep_their_own_transports():
    responses.get(f"{API}/repos/o/r", json=REPO)
    one, two = transport(), transport()
    first, second = github_api(None, TOKEN, one), github_api(None, None, two)
    first.get_repo("o/r").name
    second.get_repo("o/r").name
    first.get_repo("o/r").name
    first.withLazy(True).get_repo("o/r").default_branch   # re-created from the Requester's arguments
    first.requester.withApiVersion("2022-11-28").requestJsonAndCheck("GET", "/repos/o/r")
    assert (one.stats.requests, two.stats.requests, len(responses.calls)) == (4, 1, 5)


@responses.activate
def test_a_github_object_made_elsewhere_is_left_alone():
    responses.get(f"{API}/repos/o/r", json=REPO)
    route = transport()
    github_api(None, TOKEN, route)
    assert github.Github(retry=None).get_repo("o/r").name == "r"
    assert route.stats.requests == 0


def test_a_base_url_that_is_not_an_api_url():
    with pytest.raises(BadTargetError, match="not a GitHub API URL"):
        github_api("ghe.example.com", TOKEN, transport())


@responses.activate
def test_graphql_errors_are_one_line():
    responses.post(f"{API}/graphql", json={"data": None, "errors": [
        {"type": "FORBIDDEN", "message": "Resource not accessible\nby integration"}, {"message": "second"}]})
    with pytest.raises(ScanError) as caught:
        graphql(github_api(None, TOKEN, transport()), "query { x }", {"a": 1})
    assert str(caught.value) == "GitHub GraphQL query failed: Resource not accessible by integration (and 1 more)"
    assert responses.calls[0].request.body and json.loads(responses.calls[0].request.body)["variables"] == {"a": 1}
