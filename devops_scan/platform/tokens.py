"""API tokens: where they come from, and keeping them out of everything a user or a log sees.

A token is read from the environment variables each platform's own tooling uses, or from a file
named with `--token-file`; nothing else (no git credential helper, no config file), so what a scan
can see is decided by the person running it. The value never appears in a repr, an error message or
a log line: `Token` hides it, and `redact` scrubs text before it is shown.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from devops_scan.errors import ScanError

# Checked in order; the first variable set to a non-blank value wins. CI_JOB_TOKEN is what a GitLab
# pipeline gives every job, so it is the fallback when no personal token was configured.
_VARIABLES = {
    "github": (("GITHUB_TOKEN", "personal"), ("GH_TOKEN", "personal")),
    "gitlab": (("GITLAB_TOKEN", "personal"), ("CI_JOB_TOKEN", "job")),
}

MASK = "***"
MIN_SECRET = 4  # shorter "secrets" would mangle ordinary words and hide nothing worth hiding


@dataclass(frozen=True, repr=False)
class Token:
    """A token and where it was read. `kind` decides the GitLab header: a CI job token
    authenticates with `JOB-TOKEN`, a personal or project token with `PRIVATE-TOKEN`."""

    value: str = field(repr=False)
    source: str                    # "GITHUB_TOKEN", "--token-file /path", ...
    kind: str = "personal"         # "personal" | "job"

    def __repr__(self) -> str:
        return f"Token(from {self.source})"

    __str__ = __repr__


def token_for(platform: str, env: Mapping[str, str] = os.environ, token_file: str | None = None) -> Token | None:
    """The token to use for `platform` ("github" or "gitlab"), or None for anonymous access.

    An explicit `--token-file` wins over the environment; an unreadable or empty file is an error
    rather than a silent fall back to another token the user did not choose."""
    if platform not in _VARIABLES:
        raise ValueError(f"unknown platform {platform!r}")
    if token_file is not None:
        return Token(_read_token_file(token_file), f"--token-file {token_file}")
    for name, kind in _VARIABLES[platform]:
        value = env.get(name, "").strip()
        if value:
            return Token(value, name, kind)
    return None


def _read_token_file(path: str) -> str:
    # Messages name the file and the reason, never a byte of what it holds.
    try:
        with open(path, encoding="utf-8") as handle:
            first = handle.readline()
    except OSError as error:
        raise ScanError(f"cannot read token file {path}: {error.strerror or type(error).__name__}") from None
    except UnicodeDecodeError:
        raise ScanError(f"token file {path} is not UTF-8 text") from None
    value = first.strip()
    if not value:
        raise ScanError(f"token file {path} is empty (the token must be on its first line)")
    return value


# Credentials that have a recognisable shape are scrubbed even when no secret was passed in: a
# header dumped by a library, a URL with userinfo, a token in a query string.
_PATTERNS = (
    # "Authorization: token abc", "'Authorization': 'Bearer abc'": keep the scheme, hide the value.
    (re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?(?:(?:token|bearer|basic)\s+)?)[^\s'\",;}]+"),
     r"\g<1>***"),
    (re.compile(r"(?i)((?:private|job)-token['\"]?\s*[:=]\s*['\"]?)[^\s'\",;}]+"), r"\g<1>***"),
    # "token <value>" / "Bearer <value>" anywhere; a value needs a digit so prose ("token file") survives.
    (re.compile(r"(?i)(\b(?:token|bearer)\s+)(?=[^\s'\",;}]*\d)[^\s'\",;}]{8,}"), r"\g<1>***"),
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.\-]*://)[^/\s@'\"]+@"), r"\g<1>***@"),
    (re.compile(r"(?i)([?&](?:private_token|access_token|job_token|token)=)[^&#\s'\"]+"), r"\g<1>***"),
    # Well-known token prefixes (GitHub classic/fine-grained, GitLab personal/deploy/CI tokens).
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}|gl[a-z]{2,5}-[A-Za-z0-9_\-]{16,})"),
     MASK),
)


def redact(text: str, secrets: Iterable[str]) -> str:
    """`text` with every secret (at least MIN_SECRET long) and every credential-shaped value masked."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    # Longest first, so a secret that contains another is masked whole. Masking can join the text
    # around it into a new occurrence ("a" + "***" when a secret is "a***"); every pass shortens
    # the text, so repeating until none is left terminates.
    wanted = sorted({secret for secret in secrets if len(secret) >= MIN_SECRET}, key=lambda s: (-len(s), s))
    while any(secret in text for secret in wanted):
        for secret in wanted:
            text = text.replace(secret, MASK)
    return text
