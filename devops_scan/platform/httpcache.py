"""The on-disk cache of platform API answers, revalidated with ETag / Last-Modified.

A 304 answer costs GitHub no rate-limit budget, so a second scan of an unchanged repository is
nearly free. Entries are keyed by a fingerprint of the token (never the token itself), so what one
token may read is never served to another.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CachedResponse:
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str = ""
    last_modified: str = ""


def default_cache_dir(env: Mapping[str, str] = os.environ) -> Path:
    """DEVOPS_SCAN_CACHE_DIR, else $XDG_CACHE_HOME/devops-scan/http, else ~/.cache/devops-scan/http."""
    if env.get("DEVOPS_SCAN_CACHE_DIR"):
        return Path(env["DEVOPS_SCAN_CACHE_DIR"])
    xdg = env.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # the XDG spec ignores relative paths
    return base / "devops-scan" / "http"


def token_fingerprint(token: str | None) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:16] if token else "anonymous"


class EtagCache:
    """GET responses that carry a validator, one small JSON file each, named by a hash of the key.

    The key holds a fingerprint of the token, so what one token may read is never served to
    another; the token itself is never written. The directory is private (0700): it holds API
    answers about private repositories. A file that does not parse is a miss, never an error."""

    VERSION = 1

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    @staticmethod
    def key(method: str, url: str, token: str | None, accept: str = "") -> str:
        # Accept is part of the key: one URL answers in several media types.
        text = "\n".join((method.upper(), url, accept, token_fingerprint(token)))
        return hashlib.sha256(text.encode()).hexdigest()

    def load(self, key: str) -> CachedResponse | None:
        try:
            data = json.loads((self.directory / f"{key}.json").read_text(encoding="utf-8"))
            if data["v"] != self.VERSION:
                return None
            return CachedResponse(tuple((str(k), str(v)) for k, v in data["headers"]),
                                  base64.b64decode(data["body"], validate=True), str(data["etag"]),
                                  str(data["last_modified"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store(self, key: str, entry: CachedResponse) -> None:
        data = {"v": self.VERSION, "etag": entry.etag, "last_modified": entry.last_modified,
                "headers": [list(pair) for pair in entry.headers], "body": base64.b64encode(entry.body).decode()}
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".tmp-", suffix=".json")
        except OSError as error:
            # A cache that cannot be written only costs requests on the next run.
            _log.debug("http cache not written: %s", error.strerror)
            return
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, separators=(",", ":"))
            os.replace(temporary, self.directory / f"{key}.json")   # readers see the old file or the new one
        except OSError as error:
            _log.debug("http cache not written: %s", error.strerror)
            Path(temporary).unlink(missing_ok=True)
