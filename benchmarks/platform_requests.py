#!/usr/bin/env python3
"""How many API requests does reading one repository's GitHub settings cost, on a cold and a warm cache?

Serves GitHub's documented example payloads (`fixtures/github`) from a simulated GitHub Enterprise
Server on 127.0.0.1, with ETags and 304 answers, and reads it the way a scan does (`connect._composite`):
the GHES URL resolved by `parse_target`, PyGithub routed through `PlatformTransport` with its ETag cache,
`GitHubReader.read()`. No network. Timings are reported, never asserted: the exit status is 1 only when
the client's own request count differs from what the server received, or the reader missed a fact served.

    python benchmarks/platform_requests.py [--runs N] [--secondary-limit]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "github"
REPO = "octocat/Hello-World"        # the examples' repository; repo.json names "master" its default branch
TOKEN = "bench-token-local-only"    # sent to 127.0.0.1 only; the reader needs a token to ask GraphQL
# The examples date from 2011 to 2024. A window opening in 2011 keeps all of them, so the example
# deployment counts as a recent one would (and costs its status lookup).
SINCE = int(datetime(2011, 1, 1, tzinfo=timezone.utc).timestamp())
AS_OF = int(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp())
ENVIRONMENTS = (0, 1, 3, 5, 8)
PER_ENVIRONMENT = 2                 # deployments per environment: only the newest one's status is asked
JSON = "application/json; charset=utf-8"
BASE = "/api/v3/repos/" + re.escape(REPO)
ROUTES = (  # (method, path, fixture served); None answers 204, GitHub's "Dependabot alerts are on"
    ("GET", BASE, "repo.json"),
    ("GET", BASE + "/rules/branches/master", "rules-branch-full.json"),
    ("GET", BASE + "/branches/master/protection", "branch-protection.json"),
    ("GET", BASE + "/environments", "environments.json"),
    ("GET", BASE + "/deployments", "deployments.json"),
    ("GET", BASE + r"/deployments/\d+/statuses", "deployment-statuses.json"),
    ("GET", BASE + "/releases", "releases.json"),
    ("GET", BASE + "/actions/runs", "workflow-runs.json"),
    ("GET", BASE + "/pulls", "pulls.json"),
    ("GET", BASE + "/vulnerability-alerts", None),
    ("GET", BASE + "/code-scanning/default-setup", "code-scanning-default-setup.json"),
    ("POST", "/api/graphql", "graphql-merged-pulls.json"),
)


class SimulatedGitHub(ThreadingHTTPServer):
    """The payloads served, and every request received as (method, path, status), in order."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)   # port 0: the system picks a free one
        names = [name for _method, _path, name in ROUTES if name] + ["error-secondary-rate-limit.json",
                                                                     "error-not-found.json"]
        self.bodies = {name: (FIXTURES / name).read_bytes() for name in names}
        self.lock, self.log, self.limit_next = threading.Lock(), [], False

    def take_log(self) -> list[tuple[str, str, int]]:
        with self.lock:
            log, self.log = self.log, []
        return log


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as GitHub: one read reuses its connection
    # Headers and body leave in one write. Written apart (the default), Nagle's algorithm holds the body
    # until the client's delayed ACK: ~40 ms a request that no real API adds.
    wbufsize = 1 << 16
    server: SimulatedGitHub

    def do_GET(self) -> None:
        self.answer("GET")

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))   # drained, or keep-alive breaks
        self.answer("POST")

    def answer(self, method: str) -> None:
        path = self.path.split("?", 1)[0]
        with self.server.lock:
            limited, self.server.limit_next = self.server.limit_next, False
        status, body, headers = self.route(method, path, limited)
        with self.server.lock:
            self.server.log.append((method, path, status))
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def route(self, method: str, path: str, limited: bool) -> tuple[int, bytes, dict[str, str]]:
        bodies = self.server.bodies
        if limited:   # GitHub's secondary limit: a 403 whose Retry-After says how long to wait
            return 403, bodies["error-secondary-rate-limit.json"], {"Content-Type": JSON, "Retry-After": "1"}
        name = next((name for want, pattern, name in ROUTES if want == method and re.fullmatch(pattern, path)), "")
        if name == "":
            return 404, bodies["error-not-found.json"], {"Content-Type": JSON}
        if name is None:
            return 204, b"", {}
        if method != "GET":   # GraphQL answers carry no ETag: a POST is never revalidated
            return 200, bodies[name], {"Content-Type": JSON}
        etag = f'W/"{hashlib.sha1(bodies[name]).hexdigest()}"'   # weak, as GitHub sends them
        if self.headers.get("If-None-Match") == etag:
            return 304, b"", {"ETag": etag}
        return 200, bodies[name], {"Content-Type": JSON, "ETag": etag}

    def log_message(self, *args: object) -> None:
        """Silent: the benchmark prints its own table of requests."""


def deployments(environments: int) -> bytes:
    """PER_ENVIRONMENT deployments in each of `environments` environments, newest first, in 2025."""
    example = json.loads((FIXTURES / "deployments.json").read_text(encoding="utf-8"))[0]
    found = []
    for number in range(environments * PER_ENVIRONMENT):
        moment = (datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(days=number)).strftime("%Y-%m-%dT%H:%M:%SZ")
        found.append({**example, "id": number + 1, "environment": f"env-{number % environments}",
                      "created_at": moment, "updated_at": moment})
    return json.dumps(found[::-1]).encode()


def read(server: SimulatedGitHub, cache: str, authenticated: bool = True) -> dict:
    """One read, wired as connect._composite wires a scan's; checks the client's count against the server's."""
    from devops_scan.platform.github_reader import GitHubReader
    from devops_scan.platform.httpcache import EtagCache
    from devops_scan.platform.pygithub import github_api
    from devops_scan.platform.targets import parse_target
    from devops_scan.platform.tokens import Token
    from devops_scan.platform.transport import PlatformTransport, RequestStats

    url = f"http://127.0.0.1:{server.server_address[1]}"
    remote = parse_target(f"{url}/{REPO}", github_url=url)   # the GHES form: API at {url}/api/v3
    token = Token(TOKEN, "benchmark") if authenticated else None
    stats = RequestStats()
    transport = PlatformTransport(stats, EtagCache(cache), 60.0, secrets=(TOKEN,))
    started = time.perf_counter()
    try:
        gh = github_api(remote.api_url, token, transport)
        facts = GitHubReader(gh, remote.path, remote.web_url, authenticated, SINCE, AS_OF).read()
    finally:
        transport.close()
    seconds, log = time.perf_counter() - started, server.take_log()
    if stats.requests != len(log):
        raise RuntimeError(f"the client counted {stats.requests} requests, the server received {len(log)}")
    if stats.not_modified != sum(status == 304 for _method, _path, status in log):
        raise RuntimeError(f"the client counted {stats.not_modified} answers of 304, the server sent another number")
    return {"facts": facts, "stats": stats, "seconds": seconds, "log": log,
            "charged": sum(status != 304 for _method, _path, status in log)}


def cold_and_warm(server: SimulatedGitHub, authenticated: bool = True) -> tuple[dict, dict]:
    with tempfile.TemporaryDirectory(prefix="devops-scan-cache-") as cache:
        return read(server, cache, authenticated), read(server, cache, authenticated)


def check_facts(facts, environments: int | None = None) -> None:
    """The reader saw every fact served: a miss would mean the simulation no longer matches the reader."""
    from devops_scan.platform.facts import Known
    from devops_scan.platform.github_reader import MAX_STATUS_LOOKUPS

    names = ("protection", "environments", "deployments", "releases", "ci_runs", "pull_requests")
    missed = [name for name in names if not isinstance(getattr(facts, name), Known)]
    if missed:
        raise RuntimeError(f"the reader did not read {', '.join(missed)} from the simulated API")
    seen = facts.deployments.value
    if environments is not None and (len(seen.per_environment), len(seen.latest_state)) != (
            environments, min(environments, MAX_STATUS_LOOKUPS)):
        raise RuntimeError(f"{environments} environments served, the reader saw {len(seen.per_environment)} "
                           f"with {len(seen.latest_state)} latest states")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed cold+warm read pairs (default 5)")
    parser.add_argument("--secondary-limit", action="store_true",
                        help="also answer one read's first request with a secondary rate limit (Retry-After: 1)")
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("need --runs >= 1")
    server = SimulatedGitHub()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        cold_and_warm(server)   # untimed warm-up: imports PyGithub and requests, opens the first sockets
        pairs = [cold_and_warm(server) for _ in range(args.runs)]
        anonymous = cold_and_warm(server, authenticated=False)
        limited = None
        if args.secondary_limit:
            server.limit_next = True
            with tempfile.TemporaryDirectory(prefix="devops-scan-cache-") as cache:
                limited = read(server, cache)
        sweep = []
        for environments in ENVIRONMENTS:
            server.bodies["deployments.json"] = deployments(environments)
            cold, warm = cold_and_warm(server)
            check_facts(cold["facts"], environments)
            sweep.append((environments, cold, warm))
    finally:
        server.shutdown()
        server.server_close()
    cold, warm = pairs[0]
    check_facts(cold["facts"])
    print(f"\nsimulated GitHub Enterprise Server on 127.0.0.1, GitHub's example payloads for {REPO} "
          f"(1 deployment), token set; {args.runs} runs")
    print(f"\n{'request':<58} {'cold':>5} {'warm':>5}")
    for (method, path, status), (_m, _p, again) in zip(cold["log"], warm["log"]):
        shown = path.replace("/api/v3/repos/" + REPO, "/repos/{o}/{r}")
        print(f"{method + ' ' + shown:<58} {status:>5} {again:>5}")
    for name, pair in (("token set", (cold, warm)), ("anonymous (REST pulls)", anonymous)):
        first, second = pair
        print(f"{name}: {first['stats'].requests} requests cold, {second['stats'].requests} warm of which "
              f"{second['stats'].not_modified} were 304; counted against the rate limit: {first['charged']} cold, "
              f"{second['charged']} warm")

    def best_median(which: int) -> str:
        times = [pair[which]["seconds"] * 1000 for pair in pairs]
        return f"best {min(times):.1f} ms, median {statistics.median(times):.1f} ms"
    print(f"time per read (loopback, so client-side cost only): cold {best_median(0)}; warm {best_median(1)}")
    print(f"\n{'environments with deployments':>30} {'deployments':>12} {'status lookups':>15} {'cold':>5} "
          f"{'warm':>5} {'304s':>5}")
    for environments, first, second in sweep:
        lookups = sum("/statuses" in path for _method, path, _status in first["log"])
        print(f"{environments:>30} {environments * PER_ENVIRONMENT:>12} {lookups:>15} {first['stats'].requests:>5} "
              f"{second['stats'].requests:>5} {second['stats'].not_modified:>5}")
    if limited is not None:
        stats = limited["stats"]
        refused = sum(status == 403 for _method, _path, status in limited["log"])
        print(f"\nsecondary rate limit on the first request (Retry-After: 1): {stats.requests} requests "
              f"({refused} answered 403, counted), waited {stats.waited_seconds:g} s, read took "
              f"{limited['seconds'] * 1000:.0f} ms")
    print("\nthe client's RequestStats matched the server's count on every read")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (RuntimeError, OSError) as error:
        print(f"platform_requests: error: {error}", file=sys.stderr)
        sys.exit(1)
