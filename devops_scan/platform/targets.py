"""What the user typed, as a repository on GitHub or GitLab (or None for a local path). Pure: no I/O.

Accepted: `github:OWNER/REPO`, `gitlab:GROUP/SUB/PROJECT`, web and clone URLs (`/tree/...` and
`/-/tree/...` tails are ignored), `ssh://git@HOST/PATH.git` and `git@HOST:PATH.git`. Hosts other
than github.com and gitlab.com are known only through --github-url / --gitlab-url.
Credentials in a URL are dropped from everything returned and from every message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from devops_scan.errors import BadTargetError


@dataclass(frozen=True)
class RemoteTarget:
    platform: str          # "github" | "gitlab"
    host: str              # "github.com", "ghe.example.com" (the web host, port included when not default)
    path: str              # "owner/repo" or "group/subgroup/project", without .git
    api_url: str           # "https://api.github.com", "https://ghe.example.com/api/v3", "https://gitlab.example.com"
    web_url: str           # "https://github.com/owner/repo"
    clone_url: str         # "https://github.com/owner/repo.git"


@dataclass(frozen=True)
class _Instance:
    platform: str
    hostnames: frozenset[str]   # names that reach it, over https or ssh
    base: str                   # web root, "https://gitlab.example.com/gitlab"
    prefix: tuple[str, ...]     # path segments of a relative root ("gitlab",), https URLs only
    api_url: str


_GITHUB = _Instance("github", frozenset({"github.com", "www.github.com", "ssh.github.com"}),
                    "https://github.com", (), "https://api.github.com")
_GITLAB = _Instance("gitlab", frozenset({"gitlab.com", "www.gitlab.com", "altssh.gitlab.com"}),
                    "https://gitlab.com", (), "https://gitlab.com")
_SHORTHAND = re.compile(r"(github|gitlab):(.*)", re.IGNORECASE | re.DOTALL)
# git's own rule for scp-like syntax: a colon before any slash; `user@` optional.
_SCP = re.compile(r"(?:(?P<user>[^@/:\s]+)@)?(?P<host>[A-Za-z0-9][A-Za-z0-9.-]*):(?P<path>.*)", re.DOTALL)
_SEGMENT = re.compile(r"[A-Za-z0-9_.-]+")
_SSH_SCHEMES = {"ssh", "git+ssh", "ssh+git"}
_URL_SCHEMES = {"https", "http", "git"} | _SSH_SCHEMES
_USERINFO = re.compile(r"(?<=://)[^/\s]*@")  # greedy: a password may hold an unescaped "@"
_FORMS = {"github": "OWNER/REPO", "gitlab": "GROUP/[SUBGROUP/]PROJECT"}


def parse_target(text: str, github_url: str | None = None, gitlab_url: str | None = None) -> RemoteTarget | None:
    """The remote repository `text` names; None when it names none (a local path).

    Raises a one-line BadTargetError for a malformed remote form, an unsupported URL scheme,
    or a host that is neither github.com, gitlab.com nor the host of --github-url / --gitlab-url.
    """
    return _parse(text.strip(), _instances(github_url, gitlab_url), strict=True)


def remote_of_clone(origin_url: str, github_url: str | None = None,
                    gitlab_url: str | None = None) -> RemoteTarget | None:
    """The platform repository a clone's `origin` URL points at; None for unknown hosts and non-URLs."""
    instances = _instances(github_url, gitlab_url)
    try:
        return _parse(origin_url.strip(), instances, strict=False)
    except BadTargetError:
        return None


def shown(text: str) -> str:
    """`text` safe to print on one line: URL credentials removed, control characters replaced."""
    cleaned = _USERINFO.sub("", text)
    cleaned = "".join(char if char.isprintable() else "?" for char in cleaned)
    return cleaned if len(cleaned) <= 200 else cleaned[:197] + "..."


def _parse(text: str, instances: list[_Instance], strict: bool) -> RemoteTarget | None:
    shorthand = _SHORTHAND.fullmatch(text)
    if shorthand:
        platform = shorthand.group(1).lower()
        instance = next(item for item in instances if item.platform == platform)
        return _target(instance, shorthand.group(2), text, web_form=False, example=f"{platform}:")
    if "://" in text:
        return _parse_url(text, instances, strict)
    scp = _SCP.fullmatch(text)
    if scp is None or len(scp.group("host")) < 2:  # "C:\work" is a Windows drive, not a host
        return None
    host = scp.group("host").lower()
    instance = _find(instances, host, (), ssh=True)
    if instance is None:
        # Without `user@`, "name:thing" is more likely a local file than a host nobody configured.
        if strict and scp.group("user"):
            raise _unknown_host(host, text)
        return None
    return _target(instance, scp.group("path").lstrip("/"), text, web_form=False, example=f"git@{host}:")


def _parse_url(text: str, instances: list[_Instance], strict: bool) -> RemoteTarget | None:
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a non-numeric or out-of-range port
    except ValueError:
        raise BadTargetError(f"not a valid URL: {shown(text)}") from None
    scheme = parts.scheme.lower()
    if scheme not in _URL_SCHEMES:
        if scheme == "file":
            raise BadTargetError(f"{shown(text)}: give the local path of the repository, not a file:// URL")
        raise BadTargetError(f"unsupported URL scheme {scheme}:// in {shown(text)}: use https://, ssh:// or git@HOST:PATH")
    host = (parts.hostname or "").lower()
    if not host:
        raise BadTargetError(f"no host in {shown(text)}")
    ssh = scheme in _SSH_SCHEMES or scheme == "git"
    segments = tuple(parts.path.strip("/").split("/"))
    instance = _find(instances, host, segments, ssh=ssh)
    if instance is None:
        if strict:
            raise _unknown_host(host, text)
        return None
    path = "/".join(segments[0 if ssh else len(instance.prefix):])
    return _target(instance, path, text, web_form=not ssh, example=f"{instance.base}/")


def _target(instance: _Instance, raw_path: str, text: str, web_form: bool, example: str) -> RemoteTarget:
    """Check and normalise the repository path; web URLs may carry a page tail (/tree/main, /-/issues)."""
    form = example + _FORMS[instance.platform]
    segments = raw_path.split("/") if raw_path else []
    if web_form:
        if instance.platform == "github":
            segments = segments[:2]  # github.com/OWNER/REPO/anything-else is a page of that repository
        elif "-" in segments:
            segments = segments[: segments.index("-")]
    wanted = len(segments) == 2 if instance.platform == "github" else len(segments) >= 2
    if segments:
        segments[-1] = segments[-1].removesuffix(".git")
    for segment in segments:
        if not segment:
            raise _bad(text, "empty part in the path", form)
        if segment in (".", ".."):
            raise _bad(text, f"'{segment}' is not a name", form)
        if not _SEGMENT.fullmatch(segment):
            raise _bad(text, f"'{shown(segment)}' has characters a repository name cannot have", form)
    if not wanted:
        count = "exactly two parts" if instance.platform == "github" else "at least two parts"
        raise _bad(text, f"a repository path has {count}", form)
    path = "/".join(segments)
    web_url = f"{instance.base}/{path}"
    return RemoteTarget(instance.platform, urlsplit(instance.base).netloc, path, instance.api_url,
                        web_url, web_url + ".git")


def _find(instances: list[_Instance], host: str, segments: tuple[str, ...], ssh: bool) -> _Instance | None:
    for instance in instances:
        if host in instance.hostnames and (ssh or segments[: len(instance.prefix)] == instance.prefix):
            return instance
    return None


def _instances(github_url: str | None, gitlab_url: str | None) -> list[_Instance]:
    """Configured instances first, so a self-managed root with a path prefix wins over a plain host."""
    configured = []
    if github_url:
        configured.append(_configured("github", github_url, "--github-url", "/api/v3"))
    if gitlab_url:
        configured.append(_configured("gitlab", gitlab_url, "--gitlab-url", "/api/v4"))
    configured.sort(key=lambda item: -len(item.prefix))
    # github: / gitlab: shorthands name the configured instance when there is one.
    return [*configured, _GITHUB, _GITLAB]


def _configured(platform: str, url: str, option: str, api_suffix: str) -> _Instance:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        raise BadTargetError(f"{option} must be the instance's web address, like https://{platform}.example.com "
                             f"(got {shown(url)})")
    host = parts.hostname.lower()
    default = _GITHUB if platform == "github" else _GITLAB
    if host in default.hostnames or host == "api.github.com":
        return default
    root = parts.path.rstrip("/").removesuffix(api_suffix).rstrip("/")
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    base = f"{parts.scheme.lower()}://{netloc}{root}"
    prefix = tuple(segment for segment in root.split("/") if segment)
    api_url = base + "/api/v3" if platform == "github" else base
    return _Instance(platform, frozenset({host}), base, prefix, api_url)


def _bad(text: str, why: str, form: str) -> BadTargetError:
    return BadTargetError(f"bad repository target {shown(text)}: {why} (expected {form})")


def _unknown_host(host: str, text: str) -> BadTargetError:
    return BadTargetError(
        f"unknown host {shown(host)} in {shown(text)}: pass --github-url https://{shown(host)} "
        f"(GitHub Enterprise Server) or --gitlab-url https://{shown(host)} (GitLab self-managed)"
    )
