"""The plugin API: a Detector is metadata plus `collect` (facts) and `evaluate` (findings).

Third-party detectors subclass `Detector` and register it under the entry-point group
`devops_scan.detectors`, exactly as the built-ins do (see docs/plugins.md).
"""

from __future__ import annotations

import abc
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, ClassVar, TypeVar

from devops_scan.model import Capability, Evidence, Finding

if TYPE_CHECKING:
    from devops_scan.clients.base import RepoClient
    from devops_scan.yamlsafe import YamlDocuments

T = TypeVar("T")
DETECTOR_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
PRACTICE_ID = re.compile(r"^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")


@dataclass
class ScanContext:
    """What every detector may use besides the client: the scan's clock and shared parses.

    `as_of` ends every history window, so a scan with `--as-of` is reproducible. Parsed YAML is
    memoised here so that a file several detectors read is parsed once.
    """

    as_of: datetime
    _yaml: dict[str, Any] = field(default_factory=dict, repr=False)
    _shared: dict[str, Any] = field(default_factory=dict, repr=False)
    # Notes what each detector depends on, for `devops-scan diff`'s cheap head scan (incremental.py).
    observer: Any = field(default=None, repr=False)

    def shared(self, key: str, compute: Callable[[], T]) -> T:
        """A value several detectors need (the parsed CI pipelines, say), computed once per scan."""
        if key not in self._shared:
            if self.observer is not None:
                self.observer.enter(key)
                try:
                    self._shared[key] = compute()
                finally:
                    self.observer.leave()
            else:
                self._shared[key] = compute()
        if self.observer is not None:
            self.observer.use(key)
        return self._shared[key]

    def yaml(self, client: "RepoClient", path: str, last_key_wins: bool = False) -> "YamlDocuments":
        """The parsed documents of `path`; raises UnreadableFile or YamlProblem (memoised too).

        `last_key_wins` for files whose tool accepts duplicate keys (GitLab CI)."""
        from devops_scan.yamlsafe import load_yaml

        key = (path, last_key_wins)
        if self.observer is not None:
            self.observer.path(path)
        cached = self._yaml.get(key)
        if cached is None:
            try:
                cached = load_yaml(client.read_text(path).text, last_key_wins=last_key_wins)
            except Exception as error:  # memoise failures too: one parse attempt per file
                cached = error
            self._yaml[key] = cached
        if isinstance(cached, Exception):
            raise cached
        return cached


class Detector(abc.ABC):
    """Subclass and fill in the metadata; docs and the `detectors` listing are generated from it."""

    id: ClassVar[str]
    title: ClassVar[str]
    practices: ClassVar[tuple[str, ...]]
    requires: ClassVar[frozenset[Capability]] = frozenset({Capability.FILES})
    # How the detector decides, for users reading docs/reference/detectors.md (Markdown).
    description: ClassVar[str] = ""

    @abc.abstractmethod
    def collect(self, client: "RepoClient", context: ScanContext) -> Evidence:
        """Gather facts from the client. No judgement here."""

    @abc.abstractmethod
    def evaluate(self, evidence: Evidence) -> list[Finding]:
        """Turn facts into one Finding per practice in `practices`."""
