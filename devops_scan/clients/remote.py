"""Scan a GitHub or GitLab repository without a checkout: one partial clone into a temporary directory.

Why a partial clone and not the REST API. Reading files through the API costs one tree listing
plus one request per file read (hundreds of candidates in a large repository, against a rate limit
of 60 an hour without a token) and gives no history, so every history-based practice would be
unknown. `git clone --filter=blob:limit=1m --no-checkout` is ONE network operation that brings every
commit, tree and tag plus the blobs of at most 1 MiB; everything afterwards (the listing, file reads,
tags, the commit walk) runs offline through the same GitRefClient as `--ref`. Blobs over 1 MiB stay
on the server: the scan reads at most 1 MiB of a file anyway, and such files are mostly binaries.

Nothing from the repository runs: no checkout (so no hooks, no filters, no LFS), an empty template
directory, and git's safe `-c` flags on every call. The token never reaches the URL, argv or a file:
git reads it from GIT_CONFIG_* environment variables of the clone process alone.
"""

from __future__ import annotations

import base64
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace

from devops_scan.clients.base import RepoClient
from devops_scan.clients.git import _SAFE_CONFIG, Git, open_git
from devops_scan.clients.gitref import GitRefClient
from devops_scan.errors import BadTargetError, UnreadableFile
from devops_scan.platform.targets import RemoteTarget, shown

_FILTER = "blob:limit=1m"
_FILTER_IGNORED = "filtering not recognized by server"
# ext:: and fd:: transports run programs; a clone URL never needs them.
_ALLOWED_PROTOCOLS = "https:http:ssh:file"
_TOKEN_VARIABLE = {"github": "GITHUB_TOKEN", "gitlab": "GITLAB_TOKEN"}
# Substrings of git's (English, GitPython sets LC_ALL=C) stderr, by what the user should do.
_NOT_FOUND = ("repository not found", "not found", "does not appear to be a git repository", "does not exist",
              "could not read username", "terminal prompts disabled", "permission denied")
_REFUSED = ("authentication failed", "access denied", "bad credentials", "returned error: 401", "returned error: 403")


class RemoteCloneClient(GitRefClient):
    """The HEAD tree of a partial clone; closing it deletes the clone."""

    def __init__(self, git: Git, tempdir: str, web_url: str, notes: tuple[str, ...]) -> None:
        self._tempdir = tempdir
        super().__init__(git, "HEAD", path=web_url, notes=notes)
        self._info = replace(self._info, url=web_url)

    def _read_bytes(self, path: str, limit: int) -> bytes:
        # ls-tree reports no size for a blob the clone does not hold: only the server has it.
        if self._resolve(path).size is None:
            raise UnreadableFile(path, "larger than 1 MiB: left on the server by the partial clone, not read")
        return super()._read_bytes(path, limit)

    def close(self) -> None:
        try:
            super().close()
        finally:
            remove_tree(self._tempdir)


def clone_remote(target: RemoteTarget, token: str | None = None, workdir: str | None = None) -> RepoClient:
    """A client over HEAD of `target`, from one partial clone in a temporary directory under `workdir`.

    The directory is removed by close(), and at once on any failure. Failures are one-line
    BadTargetErrors that never contain the token.
    """
    try:
        tempdir = tempfile.mkdtemp(prefix="devops-scan-", dir=workdir)
    except OSError as error:
        raise BadTargetError(f"cannot create a temporary directory in {workdir or tempfile.gettempdir()}: "
                             f"{error.strerror or error}") from None
    try:
        clone_dir = os.path.join(tempdir, "repo")
        notes = (_clone(target, token, tempdir, clone_dir),)
        git = open_git(clone_dir)
        try:
            _stay_offline(git)
            if git.rev("HEAD") is None:
                raise BadTargetError(f"{target.web_url} has no commits on its default branch: nothing to scan")
            return RemoteCloneClient(git, tempdir, target.web_url, notes)
        except BaseException:
            git.close()
            raise
    except BaseException:  # KeyboardInterrupt included: never leave a clone behind
        remove_tree(tempdir)
        raise


def clone_environment(target: RemoteTarget, token: str | None) -> dict[str, str]:
    """Environment for the clone process: no prompts, no program-running transports, the token as a header.

    GIT_CONFIG_COUNT/KEY/VALUE (git >= 2.31) is config that lives in this one process's environment,
    invisible to `ps` and never written to disk; entries already set by the caller are kept.
    """
    env = {"GIT_TERMINAL_PROMPT": "0", "GCM_INTERACTIVE": "never", "GIT_ALLOW_PROTOCOL": _ALLOWED_PROTOCOLS}
    scheme, _, rest = target.clone_url.partition("://")
    if not token or scheme.lower() not in ("https", "http"):
        return env  # ssh and file transports never send HTTP headers
    # GitHub takes the token as the password of any user; GitLab's git-over-HTTP accepts Basic auth
    # only (no Bearer, PRIVATE-TOKEN is API-only), with "oauth2" as the user for every kind of token.
    user = "x-access-token" if target.platform == "github" else "oauth2"
    credentials = base64.b64encode(f"{user}:{token}".encode()).decode("ascii")
    index = _config_count()
    env["GIT_CONFIG_COUNT"] = str(index + 1)
    # Scoped to the clone's host so a redirect elsewhere never receives the header.
    env[f"GIT_CONFIG_KEY_{index}"] = f"http.{scheme.lower()}://{rest.split('/', 1)[0]}/.extraHeader"
    env[f"GIT_CONFIG_VALUE_{index}"] = f"Authorization: Basic {credentials}"
    return env


def remove_tree(path: str) -> None:
    """Delete a clone; pack files are read-only, which Windows refuses to delete without a chmod."""
    def make_writable(function: Callable[[str], object], failed: str, *_error: object) -> None:
        os.chmod(failed, stat.S_IWRITE)
        function(failed)

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=make_writable)
    else:
        shutil.rmtree(path, onerror=make_writable)


def _clone(target: RemoteTarget, token: str | None, tempdir: str, clone_dir: str) -> str:
    """Run the clone and say how it went. One retry without the filter if the server rejects it."""
    try:
        import git as gitpython
    except ImportError as error:  # GitPython raises ImportError when no git executable is found
        raise BadTargetError(f"git is not available: {_one_line(error)}") from None
    runner = gitpython.Git(tempdir)
    if token and runner.version_info[:2] < (2, 31):
        raise BadTargetError("git 2.31 or newer is needed to pass a token to git safely; upgrade git")
    env = clone_environment(target, token)
    for options in ((f"--filter={_FILTER}",), ()):
        # `--` ends the options: a clone URL starting with "-" is never read as one (--upload-pack=...).
        command = ["git", *_SAFE_CONFIG, "clone", *options, "--no-checkout", "--quiet", "--template=",
                   "--", target.clone_url, clone_dir]
        try:
            with runner.custom_environment(**env):
                # Run here rather than through Git.run: a successful clone's stderr says whether the
                # server honoured the filter.
                _status, _out, stderr = runner.execute(command, with_extended_output=True)
        except gitpython.GitCommandNotFound as error:
            raise BadTargetError(f"git is not available: {_one_line(error)}") from None
        except gitpython.GitCommandError as error:
            message = _text(error.stderr)
            # The URL is left out of the check: a repository may well be called "filter-tools".
            about_filter = "filter" in message.replace(target.clone_url, "").lower()
            if options and about_filter:
                if os.path.isdir(clone_dir):
                    remove_tree(clone_dir)
                continue
            raise BadTargetError(_failure(target, token, message)) from None
        if not options:
            return f"full clone of {target.web_url}: the server refused the partial-clone filter"
        if _FILTER_IGNORED in _text(stderr):
            return f"full clone of {target.web_url}: the server does not support partial clone"
        return f"partial clone of {target.web_url} (blobs over 1 MiB left on the server)"
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def _stay_offline(git: Git) -> None:
    """Make the clone self-contained: no lazy fetch for a missing blob, .mailmap read from HEAD.

    A partial clone fetches a missing blob on demand, and `ls-tree -l` asks for every size: that
    would be one unauthenticated request per large file. Without the promisor settings git reports
    the size as unknown and the file is skipped. A checkout-less clone has no .mailmap on disk.
    """
    for key in ("remote.origin.promisor", "remote.origin.partialclonefilter", "extensions.partialclone"):
        git.run("config", "--unset-all", key, check=False)
    git.run("config", "mailmap.blob", "HEAD:.mailmap")


def _failure(target: RemoteTarget, token: str | None, stderr: str) -> str:
    """One line naming what to do; anything resembling the token is masked first."""
    variable = _TOKEN_VARIABLE.get(target.platform, "a token")
    lowered = stderr.lower()
    if token and any(marker in lowered for marker in _REFUSED):
        reason = f"the token was refused (check {variable})"
    elif any(marker in lowered for marker in _NOT_FOUND):
        reason = (f"repository not found, or the token cannot read it (check {variable})" if token
                  else f"repository not found or private (set {variable})")
    else:
        reason = _first_line(stderr) or "git clone failed"
    return _mask(f"could not clone {target.web_url}: {reason}", token)


def _first_line(stderr: str) -> str:
    for line in stderr.splitlines():
        line = line.strip().removeprefix("stderr:").strip().strip("'").strip()
        if line:
            return shown(line)
    return ""


def _mask(message: str, token: str | None) -> str:
    if not token:
        return message
    # Longest first: a header's base64 can end with the base64 of the bare token.
    secrets = [base64.b64encode(f"{user}:{token}".encode()).decode("ascii") for user in ("x-access-token", "oauth2")]
    secrets += [base64.b64encode(token.encode()).decode("ascii"), token]
    for secret in secrets:
        message = message.replace(secret, "***")
    return message


def _one_line(error: object) -> str:
    return shown(" ".join(str(error).split()))


def _config_count() -> int:
    value = os.environ.get("GIT_CONFIG_COUNT", "0")
    return int(value) if value.isdigit() else 0


def _text(value: str | bytes | None) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value or ""
