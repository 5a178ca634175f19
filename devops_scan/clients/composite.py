"""Files and history from a clone, settings and activity from its hosting platform (DESIGN.md).

The platform is read lazily, once, the first time a detector asks; a scan whose detectors need no
platform facts sends no request. If reading fails (bad token, repository not visible, API down),
the platform capabilities become missing with that reason, so every platform practice is
`unknown` with it, and the files and history results stand.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from devops_scan.clients.base import RepoClient, RepoInfo
from devops_scan.errors import ScanError
from devops_scan.model import Capability

if TYPE_CHECKING:
    from devops_scan.history.gitsource import GitHistory
    from devops_scan.platform.facts import PlatformFacts

PLATFORM_CAPABILITIES = frozenset({Capability.PLATFORM_SETTINGS, Capability.CI_RUNS, Capability.REVIEWS})


class CompositeClient(RepoClient):
    """`inner` for files and history; `read_platform()` for the platform, called at most once."""

    def __init__(self, inner: RepoClient, read_platform: Callable[[], "PlatformFacts"], url: str,
                 requests: Callable[[], int], on_close: Callable[[], None] = lambda: None) -> None:
        super().__init__()
        self._on_close = on_close
        self._inner = inner
        self._read_platform = read_platform
        self._requests = requests
        self._facts: PlatformFacts | None = None
        self._failure: str | None = None
        self._info = replace(inner.info, url=url)

    @property
    def info(self) -> RepoInfo:
        return self._info

    def _tracked_paths(self) -> Iterable[str]:
        return self._inner._tracked_paths()

    def _read_bytes(self, path: str, limit: int) -> bytes:
        return self._inner._read_bytes(path, limit)

    @property
    def capabilities(self) -> frozenset[Capability]:
        if self._failure is not None:
            return self._inner.capabilities
        return self._inner.capabilities | PLATFORM_CAPABILITIES

    def missing_capability_reasons(self) -> Mapping[Capability, str]:
        missing = {cap: why for cap, why in self._inner.missing_capability_reasons().items()
                   if cap not in PLATFORM_CAPABILITIES}
        if self._failure is not None:
            missing.update(dict.fromkeys(PLATFORM_CAPABILITIES, self._failure))
        return missing

    def history(self) -> "GitHistory | None":
        return self._inner.history()

    def platform(self) -> "PlatformFacts | None":
        if self._facts is None and self._failure is None:
            try:
                self._facts = self._read_platform()
            except ScanError as error:  # one line, token already redacted by the transport
                self._failure = str(error)
        return self._facts

    def platform_failure(self) -> str | None:
        return self._failure

    def api_requests(self) -> int | None:
        return self._requests()

    def close(self) -> None:
        try:
            self._on_close()
        finally:
            self._inner.close()
