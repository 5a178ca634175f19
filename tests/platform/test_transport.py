"""The HTTP layer: counting, the ETag cache (per token, corrupt files), rate-limit waits and their
budget, retries of reads only, and the token kept out of errors, logs and the cache on disk."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import requests
import responses

from devops_scan.errors import ScanError
from devops_scan.platform.httpcache import EtagCache, default_cache_dir
from devops_scan.platform.transport import PlatformTransport, PlatformUnavailable, RateLimited, RequestStats, session

API = "https://api.github.com"
URL = f"{API}/repos/o/r"
TOKEN = "ghp_tokenTOKENtoken0123456789abcdefghij"
OTHER = "ghp_otherOTHERother0123456789abcdefghij"
NOW = 1_795_305_540.0   # 2026-11-21 23:59:00 UTC


class Clock:
    """A fake clock and sleep: sleeping moves the clock, and every sleep is recorded."""

    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(tmp_path: Path) -> EtagCache:
    return EtagCache(tmp_path / "cache")


def client(clock: Clock, cache: EtagCache | None = None, **options) -> tuple[requests.Session, RequestStats]:
    stats = RequestStats()
    transport = PlatformTransport(stats, cache, sleep=clock.sleep, clock=clock, **options)
    return session(transport), stats


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"token {token}"}


@responses.activate
def test_every_request_is_counted(clock):
    responses.get(URL, json={})
    http, stats = client(clock)
    for _ in range(3):
        http.get(URL)
    assert stats == RequestStats(requests=3)


@responses.activate
def test_a_304_is_served_as_the_cached_200(clock, cache):
    responses.get(URL, json={"n": 1}, headers={"ETag": '"v1"', "X-RateLimit-Remaining": "4999"})
    responses.get(URL, status=304, headers={"ETag": '"v1"', "X-RateLimit-Remaining": "4998"})
    http, stats = client(clock, cache)
    first = http.get(URL, headers=auth(TOKEN))
    second = http.get(URL, headers=auth(TOKEN))
    assert "If-None-Match" not in responses.calls[0].request.headers
    assert responses.calls[1].request.headers["If-None-Match"] == '"v1"'
    assert (second.status_code, second.json()) == (200, {"n": 1}) == (first.status_code, first.json())
    assert second.headers["X-RateLimit-Remaining"] == "4998"   # the 304's current counts
    assert (stats.requests, stats.not_modified) == (2, 1)


@responses.activate
def test_last_modified_is_revalidated_too(clock, cache):
    stamp = "Sat, 21 Nov 2026 20:00:00 GMT"
    responses.get(URL, json={"n": 1}, headers={"Last-Modified": stamp})
    responses.get(URL, status=304)
    http, stats = client(clock, cache)
    http.get(URL)
    assert http.get(URL).json() == {"n": 1}
    assert responses.calls[1].request.headers["If-Modified-Since"] == stamp and stats.not_modified == 1


@responses.activate
def test_one_tokens_cache_entry_is_never_used_for_another(clock, cache):
    responses.get(URL, json={"private": True}, headers={"ETag": '"v1"'})
    responses.get(URL, json={"private": False}, headers={"ETag": '"v2"'})
    http, stats = client(clock, cache)
    http.get(URL, headers=auth(TOKEN))
    assert http.get(URL, headers=auth(OTHER)).json() == {"private": False}
    assert "If-None-Match" not in responses.calls[1].request.headers
    assert http.get(URL).status_code == 200 and "If-None-Match" not in responses.calls[2].request.headers
    assert stats.not_modified == 0


@responses.activate
def test_a_corrupt_cache_file_is_ignored_and_replaced(clock, cache):
    responses.get(URL, json={"n": 1}, headers={"ETag": '"v1"'})
    http, stats = client(clock, cache)
    http.get(URL)
    (entry,) = cache.directory.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert http.get(URL).json() == {"n": 1}
    assert "If-None-Match" not in responses.calls[1].request.headers
    assert json.loads(entry.read_text(encoding="utf-8"))["etag"] == '"v1"'


@responses.activate
def test_without_a_cache_nothing_is_revalidated(clock):
    responses.get(URL, json={"n": 1}, headers={"ETag": '"v1"'})
    http, stats = client(clock, None)
    http.get(URL)
    http.get(URL)
    assert "If-None-Match" not in responses.calls[1].request.headers and stats.not_modified == 0


@responses.activate
def test_an_unwritable_cache_costs_nothing_but_the_cache(clock, tmp_path):
    (tmp_path / "file").write_text("", encoding="utf-8")
    responses.get(URL, json={"n": 1}, headers={"ETag": '"v1"'})
    http, _ = client(clock, EtagCache(tmp_path / "file" / "cache"))
    assert http.get(URL).json() == {"n": 1}


def test_default_cache_dir(tmp_path):
    assert default_cache_dir({"DEVOPS_SCAN_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x"}) == Path("/c")
    assert default_cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/devops-scan/http")
    assert default_cache_dir({"XDG_CACHE_HOME": "relative"}) == Path.home() / ".cache/devops-scan/http"


@responses.activate
def test_429_waits_for_retry_after_then_succeeds(clock):
    responses.get(URL, status=429, headers={"Retry-After": "2"})
    responses.get(URL, json={"ok": True})
    http, stats = client(clock)
    assert http.get(URL).json() == {"ok": True}
    assert clock.sleeps == [2.0]
    assert stats == RequestStats(requests=2, retries=1, waited_seconds=2.0)


@responses.activate
def test_primary_limit_beyond_max_wait_names_the_reset_time(clock):
    reset = int(NOW) + 600
    responses.get(URL, status=403, json={"message": "API rate limit exceeded for user ID 1."},
                  headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)})
    http, stats = client(clock, max_wait=60)
    with pytest.raises(RateLimited) as caught:
        http.get(URL, headers=auth(TOKEN))
    assert str(caught.value) == ("GitHub API rate limit reached; it resets at 2026-11-22 00:10 UTC (in 10 min); "
                                 "rerun then or raise --max-wait")
    assert isinstance(caught.value, ScanError) and clock.sleeps == [] and stats.requests == 1


@responses.activate
def test_primary_limit_within_max_wait_is_waited_out(clock):
    responses.get(URL, status=403, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW) + 30)})
    responses.get(URL, json={})
    http, _ = client(clock, max_wait=60)
    assert http.get(URL).status_code == 200
    assert clock.sleeps == [31.0]   # until the reset, and a second for rounding


@responses.activate
def test_max_wait_is_a_budget_for_the_whole_scan(clock):
    for _ in range(2):
        responses.get(URL, status=429, headers={"Retry-After": "40"})
        responses.get(URL, json={})
    http, _ = client(clock, max_wait=60)
    http.get(URL)
    with pytest.raises(RateLimited, match=r"in 1 min"):
        http.get(URL)
    assert clock.sleeps == [40.0]


@responses.activate
def test_secondary_limit_with_retry_after(clock):
    message = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    responses.get(URL, status=403, headers={"Retry-After": "30"}, json={"message": message})
    responses.get(URL, json={"ok": True})
    http, stats = client(clock, max_wait=60)
    assert http.get(URL).json() == {"ok": True}
    assert clock.sleeps == [30.0] and stats.retries == 1


@responses.activate
def test_secondary_limit_without_a_time_waits_a_minute(clock):
    responses.get(URL, status=403, json={"message": "You have exceeded a secondary rate limit."})
    http, _ = client(clock, max_wait=30)
    with pytest.raises(RateLimited) as caught:
        http.get(URL)
    assert str(caught.value).startswith("GitHub API secondary rate limit reached; it resets at 2026-11-22 00:00 UTC "
                                        "(in 1 min)")


@responses.activate
def test_gitlab_429_waits_until_ratelimit_reset(clock):
    url = "https://gitlab.example.com/api/v4/projects/1"
    responses.get(url, status=429, headers={"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW) + 9)})
    responses.get(url, json={})
    http, _ = client(clock)
    assert http.get(url).status_code == 200 and clock.sleeps == [10.0]


@responses.activate
def test_a_permission_403_is_returned_as_it_is(clock):
    responses.get(URL, status=403, json={"message": "Resource not accessible by integration"},
                  headers={"X-RateLimit-Remaining": "4000"})
    http, stats = client(clock)
    response = http.get(URL)
    assert response.status_code == 403 and response.json()["message"].startswith("Resource not accessible")
    assert clock.sleeps == [] and stats == RequestStats(requests=1)


@responses.activate
def test_502_then_200_is_one_retry(clock):
    responses.get(URL, status=502)
    responses.get(URL, json={"ok": True})
    http, stats = client(clock)
    assert http.get(URL).json() == {"ok": True}
    assert clock.sleeps == [0.5] and stats == RequestStats(requests=2, retries=1, waited_seconds=0.5)


@responses.activate
def test_server_errors_past_the_retries_return_the_last_answer(clock):
    for status in (500, 503, 504, 502):
        responses.get(URL, status=status)
    http, stats = client(clock)
    assert http.get(URL).status_code == 502
    assert clock.sleeps == [0.5, 1.0, 2.0] and stats.requests == 4


@responses.activate
def test_timeouts_past_the_retries_are_platform_unavailable(clock):
    for _ in range(4):
        responses.get(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    http, stats = client(clock)
    with pytest.raises(PlatformUnavailable) as caught:
        http.get(URL, timeout=5)
    assert str(caught.value) == "could not reach api.github.com: timed out after 3 retries"
    assert clock.sleeps == [0.5, 1.0, 2.0] and stats.requests == 4 and stats.retries == 3


@responses.activate
def test_a_refused_connection_then_success(clock):
    responses.get(URL, body=requests.exceptions.ConnectionError("refused"))
    responses.get(URL, json={})
    http, stats = client(clock)
    assert http.get(URL).status_code == 200 and stats.retries == 1


@responses.activate
def test_a_post_is_not_retried_on_a_server_error(clock):
    responses.post(f"{API}/repos/o/r/issues", status=502)
    http, stats = client(clock)
    assert http.post(f"{API}/repos/o/r/issues", json={}).status_code == 502
    assert clock.sleeps == [] and stats.requests == 1


@responses.activate
def test_a_post_is_not_retried_after_a_timeout(clock):
    responses.post(f"{API}/repos/o/r/issues", body=requests.exceptions.ReadTimeout("read timed out"))
    http, _ = client(clock)
    with pytest.raises(PlatformUnavailable, match=r"^could not reach api.github.com: timed out$"):
        http.post(f"{API}/repos/o/r/issues", json={})


@responses.activate
def test_a_graphql_post_is_a_read_and_is_retried(clock):
    responses.post(f"{API}/graphql", status=502)
    responses.post(f"{API}/graphql", json={"data": {}})
    http, stats = client(clock)
    assert http.post(f"{API}/graphql", json={"query": "{viewer{login}}"}).status_code == 200
    assert stats.retries == 1


@responses.activate
def test_the_token_never_leaks_into_errors_logs_or_the_cache(clock, cache, caplog):
    caplog.set_level(logging.DEBUG)
    leaky = f"https://x-access-token:{TOKEN}@api.github.com/repos/o/r"
    responses.get(URL, json={"n": 1}, headers={"ETag": '"v1"'})
    responses.get(URL, status=304)
    responses.get(URL, status=502)
    responses.get(URL, status=429, headers={"Retry-After": "600"})
    responses.get(f"{API}/slow", body=requests.exceptions.ConnectTimeout(f"timed out {TOKEN}"))
    http, _ = client(clock, cache, retries=1, secrets=[TOKEN])
    http.get(URL, headers=auth(TOKEN))
    http.get(URL, headers=auth(TOKEN))
    errors = []
    for url in (URL, f"{API}/slow", leaky):
        try:
            http.get(url, headers=auth(TOKEN))
        except ScanError as error:
            errors.append(str(error))
    assert len(errors) == 3 and all(TOKEN not in message for message in errors)
    assert caplog.records and all(TOKEN not in record.getMessage() for record in caplog.records)
    written = b"".join(path.read_bytes() for path in cache.directory.rglob("*") if path.is_file())
    assert written and TOKEN.encode() not in written


def test_cache_keys_depend_on_method_url_accept_and_token():
    key = EtagCache.key("GET", URL, TOKEN)
    assert key == EtagCache.key("get", URL, TOKEN)
    assert len({key, EtagCache.key("GET", URL + "?page=2", TOKEN), EtagCache.key("GET", URL, OTHER),
                EtagCache.key("GET", URL, None), EtagCache.key("GET", URL, TOKEN, "application/vnd.github.raw")}) == 5
