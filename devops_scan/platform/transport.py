"""The one HTTP layer every platform client (PyGithub, python-gitlab) sends its requests through.

A scan reads many API resources that rarely change between runs, against a rate limit shared with
everything else the token does. So every request passes one `requests` adapter that:
- revalidates GET responses with their ETag / Last-Modified from an on-disk cache (a 304 costs
  GitHub no rate-limit budget) and hands the client the cached body as an ordinary 200;
- waits out a rate limit when the wait fits in the scan's `max_wait`, else stops with one line
  saying when the limit resets;
- retries server errors and dropped connections a few times, for reads only;
- counts what it did in `RequestStats`, and keeps tokens out of every message and log line.
Retrying and waiting happen here and nowhere else: the clients' own retry logic is switched off.
"""

from __future__ import annotations

import contextlib
import logging
import math
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable, Mapping, Sequence
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from devops_scan.errors import ScanError
from devops_scan.platform.httpcache import CachedResponse, EtagCache
from devops_scan.platform.tokens import redact

_log = logging.getLogger(__name__)

SERVER_ERRORS = frozenset({500, 502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SECONDARY_WAIT = 60.0   # GitHub: "wait at least one minute" when a secondary limit names no time
BACKOFF = 0.5           # first retry delay; doubled for each further retry
LONGEST_WAIT = 31 * 86400.0
_CREDENTIAL_HEADERS = ("Authorization", "PRIVATE-TOKEN", "JOB-TOKEN")
# Body phrases of GitHub's 403 rate-limit answers (primary, secondary, and the older abuse wording).
_LIMIT_PHRASES = ("rate limit", "abuse detection", "please retry your request again later",
                  "please wait a few minutes before you try again")
# Headers that describe the bytes on the wire, not the decoded body the cache keeps.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "set-cookie", "connection"})


class RateLimited(ScanError):
    """The platform's rate limit is exhausted and waiting for it would exceed --max-wait."""

    def __init__(self, message: str, reset_at: float) -> None:
        super().__init__(message)
        self.reset_at = reset_at


class PlatformUnavailable(ScanError):
    """The platform could not be reached (connection refused, timeouts) after the retries."""


@dataclass
class RequestStats:
    requests: int = 0             # every HTTP request sent, retries included
    not_modified: int = 0         # 304 answers served from the cache
    retries: int = 0
    waited_seconds: float = 0.0   # rate-limit waits and retry backoff


class PlatformTransport(HTTPAdapter):
    """A requests adapter adding the cache, rate-limit waits, retries and counting (module docstring)."""

    def __init__(self, stats: RequestStats, cache: EtagCache | None = None, max_wait: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 retries: int = 3, secrets: Sequence[str] = ()) -> None:
        super().__init__(max_retries=0)   # urllib3 must not retry behind our back
        self.stats, self.cache, self.sleep, self.clock = stats, cache, sleep, clock
        self.max_wait, self.retries, self.secrets = max_wait, retries, tuple(secrets)
        self._limit_budget = max_wait     # what is left of max_wait for rate-limit waits, scan-wide
        self._lock = threading.Lock()

    def send(self, request: requests.PreparedRequest, stream: bool = False,  # type: ignore[override]
             timeout=None, verify=True, cert=None, proxies=None) -> requests.Response:
        tokens = _request_tokens(request)
        secrets, method, url = self.secrets + tokens, (request.method or "GET").upper(), request.url or ""
        key = cached = None
        if method == "GET" and self.cache is not None and not stream:
            key = self.cache.key(method, url, tokens[0] if tokens else None, request.headers.get("Accept", ""))
            # A caller revalidating on its own expects to see the 304 itself.
            if "If-None-Match" not in request.headers and "If-Modified-Since" not in request.headers:
                cached = self.cache.load(key)
            if cached is not None:
                request = request.copy()
                request.headers.update({name: value for name, value in (
                    ("If-None-Match", cached.etag), ("If-Modified-Since", cached.last_modified)) if value})
        kwargs = dict(stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        response = self._exchange(request, method, url, secrets, kwargs)
        if response.status_code == 304 and cached is not None:
            self._count("not_modified")
            _log.debug(redact(f"{method} {url}: 304, served from the cache", secrets))
            return _from_cache(request, response, cached, self)
        validators = response.headers.get("ETag", ""), response.headers.get("Last-Modified", "")
        if key and self.cache is not None and response.status_code == 200 and any(validators):
            headers = tuple((k, v) for k, v in response.headers.items() if k.lower() not in _WIRE_HEADERS)
            self.cache.store(key, CachedResponse(headers, response.content, *validators))
        return response

    def _exchange(self, request: requests.PreparedRequest, method: str, url: str, secrets: tuple[str, ...],
                  kwargs: dict) -> requests.Response:
        """Send until an answer that is not a rate limit nor a retryable failure comes back."""
        # A non-idempotent request may have taken effect before failing; GraphQL queries are reads.
        retryable = method in SAFE_METHODS or (method == "POST" and urlsplit(url).path.endswith("/graphql"))
        attempt = 0
        while True:
            self._count("requests")
            try:
                response = super().send(request, **kwargs)
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as error:
                # A certificate problem does not go away by asking again.
                if retryable and attempt < self.retries and not isinstance(error, requests.exceptions.SSLError):
                    attempt = self._backoff(attempt, f"{method} {url}: {type(error).__name__}", secrets)
                    continue
                what = "timed out" if isinstance(error, requests.exceptions.Timeout) else "connection failed"
                after = f" after {attempt} retries" if attempt else ""
                host = urlsplit(url).hostname or "the platform"
                raise PlatformUnavailable(redact(f"could not reach {host}: {what}{after}", secrets)) from None
            limit = self._rate_limit(response)
            if limit is not None:
                _discard(response)
                self._wait_out_limit(limit, response, url, secrets)
            elif response.status_code in SERVER_ERRORS and retryable and attempt < self.retries:
                _discard(response)
                attempt = self._backoff(attempt, f"{method} {url}: HTTP {response.status_code}", secrets)
            else:
                return response

    def _count(self, name: str, amount: float = 1) -> None:
        with self._lock:
            setattr(self.stats, name, getattr(self.stats, name) + amount)

    def _backoff(self, attempt: int, what: str, secrets: Sequence[str]) -> int:
        delay = BACKOFF * 2 ** attempt
        _log.info(redact(f"{what}; retrying in {delay:g} s", secrets))
        self._pause(delay)
        return attempt + 1

    def _pause(self, seconds: float) -> None:
        self._count("retries")
        self._count("waited_seconds", seconds)
        self.sleep(seconds)

    def _rate_limit(self, response: requests.Response) -> float | None:
        """Seconds to wait when `response` is a rate-limit answer, else None."""
        headers, status = response.headers, response.status_code
        body = response.text.lower() if status == 403 and response.content else ""
        exhausted = "0" in (headers.get("x-ratelimit-remaining"), headers.get("ratelimit-remaining"))
        if status != 429 and not (status == 403 and (exhausted or "retry-after" in headers
                                                     or any(phrase in body for phrase in _LIMIT_PHRASES))):
            return None   # a permission error is the caller's to report
        now = self.clock()
        retry_after = _retry_after(headers.get("retry-after", ""), now)
        reset = (headers.get("x-ratelimit-reset") or headers.get("ratelimit-reset") or "").strip()
        if retry_after is not None:
            wait = retry_after
        elif exhausted and reset.isdigit():
            # An epoch (GitHub, GitLab) or, in the IETF draft header, seconds from now. The reset
            # is in whole seconds: one more second avoids arriving a moment early.
            wait = (float(reset) - now if float(reset) > 1e9 else float(reset)) + 1
        else:
            wait = SECONDARY_WAIT
        # Never spin on a limit that claims to be over already, nor believe one a month away.
        return min(max(wait, 1.0), LONGEST_WAIT)

    def _wait_out_limit(self, wait: float, response: requests.Response, url: str, secrets: Sequence[str]) -> None:
        with self._lock:
            fits = wait <= self._limit_budget
            self._limit_budget -= wait if fits else 0
        secondary = "secondary" in response.text.lower() or "abuse" in response.text.lower()
        what = f"{_platform_name(url, response.headers)} API {'secondary ' if secondary else ''}rate limit reached"
        if not fits:
            reset_at = self.clock() + wait
            shown = datetime.fromtimestamp(math.ceil(reset_at / 60) * 60, timezone.utc)  # never show a time too early
            raise RateLimited(redact(f"{what}; it resets at {shown:%Y-%m-%d %H:%M} UTC (in "
                                     f"{max(1, round(wait / 60))} min); rerun then or raise --max-wait",
                                     secrets), reset_at)
        _log.warning(redact(f"{what}; waiting {wait:g} s", secrets))
        self._pause(wait)


def session(transport: PlatformTransport) -> requests.Session:
    """A requests Session whose every request goes through `transport` (for python-gitlab)."""
    http = requests.Session()
    http.mount("https://", transport)
    http.mount("http://", transport)
    return http


def _request_tokens(request: requests.PreparedRequest) -> tuple[str, ...]:
    """The credentials a request carries; of "token abc" / "Bearer abc" the last word."""
    values = (request.headers.get(name, "").strip() for name in _CREDENTIAL_HEADERS)
    return tuple(value.split()[-1] for value in values if value)


def _retry_after(value: str, now: float) -> float | None:
    """Retry-After in seconds: it is either a number of seconds or an HTTP date."""
    if value.strip().replace(".", "", 1).isdigit():
        return float(value)
    try:
        return parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError, IndexError):
        return None


def _platform_name(url: str, headers: Mapping[str, str]) -> str:
    host = urlsplit(url).hostname or "the platform"
    if "github" in host or "x-github-request-id" in headers:
        return "GitHub"
    return "GitLab" if "gitlab" in host or "x-gitlab-meta" in headers else host


def _discard(response: requests.Response) -> None:
    """Drop an answer that will be retried; reading it first lets the connection be reused."""
    with contextlib.suppress(requests.exceptions.RequestException):
        response.content
    response.close()


def _from_cache(request: requests.PreparedRequest, fresh: requests.Response, cached: CachedResponse,
                transport: PlatformTransport) -> requests.Response:
    """A 200 carrying the cached body, with the 304's headers (current rate-limit counts) on top."""
    headers = CaseInsensitiveDict(dict(cached.headers))
    # The 304's headers carry current rate-limit counts; the body's own type stays the cached one
    # (a proxy adding a Content-Type to a 304 must not turn cached JSON into text).
    headers.update((k, v) for k, v in fresh.headers.items()
                   if k.lower() not in _WIRE_HEADERS and k.lower() != "content-type")
    headers["Content-Length"] = str(len(cached.body))
    _discard(fresh)
    response = requests.Response()
    response.status_code, response.reason = 200, "OK"
    response.headers = headers
    response._content = cached.body
    response._content_consumed = True  # type: ignore[attr-defined]
    response.encoding = requests.utils.get_encoding_from_headers(headers)
    response.url, response.request, response.connection = request.url or "", request, transport
    return response
