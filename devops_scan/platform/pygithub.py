"""A PyGithub `Github` object whose every HTTP request goes through one `PlatformTransport`.

PyGithub opens its own `requests.Session` inside a connection class that its `Requester` picks
from a class attribute; the only public hook is `Requester.injectConnectionClasses`, which is
process-wide. And a Requester is re-created from its constructor arguments all the time
(`withLazy`, `withApiVersion`, `withAuth`), so anything set on one instance is soon lost.

The one argument that does travel everywhere a connection is made (the first connection, every
re-created Requester, the extra connections a redirect to another host opens) is `retry`. So the
transport rides on it: `retry` is a `_Route`, a urllib3 `Retry` that never retries (retrying is the
transport's job) and carries the transport. The injected connection classes mount the transport
when they find a `_Route`, and behave exactly like PyGithub's own otherwise, so a `Github` object
made elsewhere is untouched and two objects with different transports never share one.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlsplit

import github
from github.Requester import HTTPRequestsConnectionClass, HTTPSRequestsConnectionClass, Requester
from urllib3.util import Retry

from devops_scan import __version__
from devops_scan.errors import BadTargetError, ScanError
from devops_scan.platform.tokens import Token, redact
from devops_scan.platform.transport import PlatformTransport

USER_AGENT = f"devops-scan/{__version__}"


class _Route(Retry):
    """No retries at all, plus the transport (and exact timeout) for the connections made with it."""

    def __init__(self, *args: Any, transport: PlatformTransport | None = None, timeout: float | None = None,
                 **kwargs: Any) -> None:
        kwargs.setdefault("total", 0)
        kwargs.setdefault("redirect", 0)
        kwargs.setdefault("raise_on_redirect", False)
        kwargs.setdefault("raise_on_status", False)
        super().__init__(*args, **kwargs)
        self.transport = transport
        self.timeout = timeout

    def new(self, **kwargs: Any) -> _Route:
        # urllib3 copies a Retry through new(); the copy must keep the route.
        copy = super().new(**kwargs)
        copy.transport, copy.timeout = self.transport, self.timeout
        return copy


class _Routed:
    """Mixin for PyGithub's connection classes: mount the route's transport, if there is one."""

    session: Any
    timeout: Any

    def _route(self, retry: object) -> None:
        self.routed = isinstance(retry, _Route) and retry.transport is not None
        if self.routed:
            assert isinstance(retry, _Route)  # noqa: S101 - narrowed for the type checker
            self.session.mount("https://", retry.transport)
            self.session.mount("http://", retry.transport)
            self.timeout = retry.timeout

    def close(self) -> None:
        # The transport (and its connection pool) is shared by every connection of the Github
        # object; PyGithub closes connections often, which must not drop the pool.
        if not self.routed:
            self.session.close()


class RoutedHTTPS(_Routed, HTTPSRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        HTTPSRequestsConnectionClass.__init__(self, *args, **kwargs)
        self._route(self.retry)


class RoutedHTTP(_Routed, HTTPRequestsConnectionClass):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        HTTPRequestsConnectionClass.__init__(self, *args, **kwargs)
        self._route(self.retry)


def github_api(base_url: str | None, token: Token | None, transport: PlatformTransport,
               timeout: float = 15) -> github.Github:
    """A Github client for api.github.com (`base_url` None) or a GitHub Enterprise Server
    (`https://ghe.example.com/api/v3`); anonymous when `token` is None."""
    url = (base_url or "https://api.github.com").rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadTargetError(redact(f"not a GitHub API URL: {url}", ()))
    # Installed on every call: it is idempotent, and survives someone resetting PyGithub's classes.
    Requester.injectConnectionClasses(RoutedHTTP, RoutedHTTPS)
    return github.Github(
        base_url=url,
        auth=github.Auth.Token(token.value) if token is not None else None,
        timeout=max(1, math.ceil(timeout)),   # PyGithub wants an int; the route carries the exact value
        user_agent=USER_AGENT,
        per_page=100,                         # fewest pages, so fewest requests
        retry=_Route(transport=transport, timeout=timeout),
        seconds_between_requests=None,        # rate limits are waited out in the transport
        seconds_between_writes=None,
    )


def graphql(gh: github.Github, query: str, variables: dict) -> dict:
    """The `data` of a GraphQL query; GraphQL `errors` become one ScanError line.

    HTTP failures raise PyGithub's exceptions, as REST calls do, so callers handle both alike."""
    requester = gh.requester
    _, answer = requester.requestJsonAndCheck("POST", requester.graphql_url,
                                              input={"query": query, "variables": variables})
    errors = answer.get("errors") if isinstance(answer, dict) else None
    if errors:
        first = errors[0].get("message", "unknown error") if isinstance(errors[0], dict) else str(errors[0])
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        line = " ".join(str(first).split())
        raise ScanError(redact(f"GitHub GraphQL query failed: {line}{more}", ()))
    data = answer.get("data") if isinstance(answer, dict) else None
    if not isinstance(data, dict):
        raise ScanError("GitHub GraphQL query failed: the answer has no data")
    return data
