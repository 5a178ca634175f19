"""A python-gitlab `Gitlab` object whose every HTTP request goes through one `PlatformTransport`.

python-gitlab takes the `requests.Session` it sends with (`session=`), so, unlike PyGithub, no
connection class has to be swapped: the transport is mounted on a session of our own. Its own
retries are switched off (`retry_transient_errors=False`; the readers also pass
`obey_rate_limit=False`) because retrying and waiting out rate limits are the transport's job.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import gitlab

from devops_scan import __version__
from devops_scan.errors import BadTargetError
from devops_scan.platform.tokens import Token, redact
from devops_scan.platform.transport import PlatformTransport, session

USER_AGENT = f"devops-scan/{__version__}"


def gitlab_api(url: str, token: Token | None, transport: PlatformTransport, timeout: float = 15) -> gitlab.Gitlab:
    """A Gitlab client for the instance at `url` (its web root, `https://gitlab.com` or
    `https://git.example.com/gitlab`); anonymous when `token` is None.

    A CI job token authenticates with the `JOB-TOKEN` header, every other token (personal, project,
    group access token) with `PRIVATE-TOKEN`; GitLab rejects a job token sent the other way."""
    root = url.strip().rstrip("/")
    parts = urlsplit(root)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadTargetError(redact(f"not a GitLab URL: {root}", ()))
    credentials: dict[str, str] = {}
    if token is not None:
        credentials = {"job_token": token.value} if token.kind == "job" else {"private_token": token.value}
    return gitlab.Gitlab(
        url=root,
        timeout=timeout,
        user_agent=USER_AGENT,
        per_page=100,                    # fewest pages, so fewest requests
        retry_transient_errors=False,    # the transport retries server errors and timeouts
        session=session(transport),
        **credentials,
    )
