"""From what the user typed to a client: a local clone, a clone enriched with its platform, or a
remote repository (partial clone for files and history, the API for settings).

`--platform auto` (the default) enriches a local clone only when a token is present, so a plain
`devops-scan scan .` stays offline; `--platform github|gitlab` asks the platform even anonymously
(public facts), `--platform none` never does. A remote target always reads its platform.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Mapping

from devops_scan.clients.base import RepoClient
from devops_scan.errors import BadTargetError

PLATFORM_CHOICES = ("auto", "github", "gitlab", "none")
WINDOW_DAYS = 365


@dataclass(frozen=True)
class PlatformOptions:
    platform: str = "auto"
    github_url: str | None = None
    gitlab_url: str | None = None
    token_file: str | None = None
    max_wait: float = 60.0
    cache: bool = True


def open_target(target: str, ref: str | None, options: PlatformOptions, as_of: datetime,
                env: Mapping[str, str] = os.environ) -> RepoClient:
    """The client for `target` (a path, `github:o/r`, `gitlab:g/p`, or a repository URL)."""
    from devops_scan.clients.open import open_local
    from devops_scan.platform.targets import parse_target

    remote = None if os.path.exists(target) else parse_target(target, options.github_url, options.gitlab_url)
    if remote is None:
        client = open_local(target, ref=ref)
        if options.platform == "none":
            return client
        return _enrich_local(client, target, options, as_of, env)
    from devops_scan.clients.remote import clone_remote
    from devops_scan.platform.tokens import token_for

    if ref is not None:
        raise BadTargetError("--ref applies to local clones; a remote target is scanned at its default branch")
    token = token_for(remote.platform, env, options.token_file)
    clone = clone_remote(remote, token.value if token else None)
    return _composite(clone, remote, token, options, as_of)


def _enrich_local(client: RepoClient, path: str, options: PlatformOptions, as_of: datetime,
                  env: Mapping[str, str]) -> RepoClient:
    from devops_scan.clients.git import open_git
    from devops_scan.platform.targets import remote_of_clone
    from devops_scan.platform.tokens import token_for

    runner = open_git(path)
    try:
        origin = runner.text("config", "--get", "remote.origin.url", check=False)
    finally:
        runner.close()
    remote = remote_of_clone(origin, options.github_url, options.gitlab_url) if origin else None
    if remote is None or (options.platform not in ("auto", remote.platform)):
        return client
    token = token_for(remote.platform, env, options.token_file)
    if token is None and options.platform == "auto":
        return client  # offline by default: a token is the user's consent to call the API
    return _composite(client, remote, token, options, as_of)


def _composite(client: RepoClient, remote, token, options: PlatformOptions, as_of: datetime) -> RepoClient:
    from devops_scan.clients.composite import CompositeClient
    from devops_scan.platform.httpcache import EtagCache, default_cache_dir
    from devops_scan.platform.transport import PlatformTransport, RequestStats

    stats = RequestStats()
    cache = EtagCache(default_cache_dir()) if options.cache else None
    transport = PlatformTransport(stats, cache, options.max_wait, secrets=(token.value,) if token else ())
    end = int(as_of.timestamp())
    since = int((as_of - timedelta(days=WINDOW_DAYS)).timestamp())

    def read():
        if remote.platform == "gitlab":
            from devops_scan.platform.gitlab_reader import GitLabReader
            from devops_scan.platform.pygitlab import gitlab_api

            gl = gitlab_api(remote.api_url, token, transport)
            return GitLabReader(gl, remote.path, remote.web_url, token is not None, since, end).read()
        from devops_scan.platform.github_reader import GitHubReader
        from devops_scan.platform.pygithub import github_api

        api = None if remote.api_url == "https://api.github.com" else remote.api_url
        gh = github_api(api, token, transport)
        return GitHubReader(gh, remote.path, remote.web_url, token is not None, since, end).read()

    return CompositeClient(client, read, remote.web_url, lambda: stats.requests, on_close=transport.close)
