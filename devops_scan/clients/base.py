"""The RepoClient interface: what every source of a repository (clone, git ref, platform) offers.

No GitPython, PyGithub or python-gitlab object crosses this interface: detectors see plain values.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

from devops_scan.clients.fileindex import FileIndex
from devops_scan.errors import UnreadableFile
from devops_scan.model import Capability

if TYPE_CHECKING:
    from devops_scan.history.gitsource import GitHistory
    from devops_scan.platform.facts import PlatformFacts

# Contents are read only for candidate files, and never more than this (DESIGN.md budgets).
MAX_FILE_BYTES = 1024 * 1024
_BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class RepoInfo:
    """Identity of what was scanned."""

    path: str | None
    url: str | None
    head: str | None
    branch: str | None
    default_branch: str | None
    commit_count: int | None
    shallow: bool = False
    bare: bool = False
    ref: str | None = None
    # How the target was read, when that is not obvious (a bare repository, a parent work tree).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileText:
    """A file's decoded text. `lossy` when it was not UTF-8; `truncated` past MAX_FILE_BYTES."""

    path: str
    text: str
    truncated: bool = False
    lossy: bool = False

    def lines(self) -> list[str]:
        return self.text.splitlines()


class RepoClient(abc.ABC):
    """One repository, seen through one source. Subclasses implement the raw reads."""

    def __init__(self) -> None:
        self._texts: dict[str, FileText | UnreadableFile] = {}
        self._read_warnings: dict[str, str] = {}
        self._index: FileIndex | None = None
        self._excluded: Callable[[str], bool] = lambda _path: False

    @property
    @abc.abstractmethod
    def info(self) -> RepoInfo:
        """HEAD, branches and commit count of what is scanned."""

    @abc.abstractmethod
    def _tracked_paths(self) -> Iterable[str]:
        """Every tracked path, from the client's one listing."""

    @property
    def files(self) -> FileIndex:
        """Every tracked file not excluded by the scan's configuration, listed and indexed once."""
        if self._index is None:
            self._index = FileIndex(path for path in self._tracked_paths() if not self._excluded(path))
        return self._index

    def exclude(self, is_excluded: Callable[[str], bool]) -> None:
        """Leave paths out of the scan (`exclude:` in .devops-scan.yml): detectors never see them."""
        self._excluded = is_excluded
        self._index = None

    @property
    @abc.abstractmethod
    def capabilities(self) -> frozenset[Capability]:
        """What this client can answer."""

    @abc.abstractmethod
    def missing_capability_reasons(self) -> Mapping[Capability, str]:
        """Why each capability this client lacks is missing, in words a user can act on."""

    @abc.abstractmethod
    def _read_bytes(self, path: str, limit: int) -> bytes:
        """Up to `limit` bytes of a tracked file; raise UnreadableFile with the reason."""

    def read_text(self, path: str) -> FileText:
        """Decoded text of a tracked file, read at most once per scan however many ask for it.

        Raises UnreadableFile (missing, a symlink out of the repository, binary, permission);
        the reason is also kept in `read_warnings` so the report shows it.
        """
        cached = self._texts.get(path)
        if cached is None:
            cached = self._decode(path)
            self._texts[path] = cached
        if isinstance(cached, UnreadableFile):
            raise cached
        return cached

    def read_warnings(self) -> dict[str, str]:
        """Files that could not be read or were read lossily, with why; sorted by path."""
        return dict(sorted(self._read_warnings.items()))

    def history(self) -> "GitHistory | None":
        """Tags and commits, when the client has them (Capability.HISTORY); None otherwise."""
        return None

    def platform(self) -> "PlatformFacts | None":
        """The hosting platform's settings and activity (Capability.PLATFORM_SETTINGS), read on first
        use; None when this source has no platform or could not read it (the reason is then in
        `missing_capability_reasons()`)."""
        return None

    def platform_failure(self) -> str | None:
        """Why the platform could not be read, once a read was attempted and failed; None otherwise."""
        return None

    def api_requests(self) -> int | None:
        """HTTP requests sent to a platform API so far; None for a source that sends none."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook: most clients hold nothing to release
        """Release processes or handles; the client is unusable afterwards."""

    def __enter__(self) -> "RepoClient":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _decode(self, path: str) -> FileText | UnreadableFile:
        if path not in self.files:
            return UnreadableFile(path, "not a tracked file")
        try:
            data = self._read_bytes(path, MAX_FILE_BYTES + 1)
        except UnreadableFile as error:
            self._read_warnings[path] = error.reason
            return error
        truncated = len(data) > MAX_FILE_BYTES
        data = data[:MAX_FILE_BYTES]
        if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
            error = UnreadableFile(path, "binary content, not text")
            self._read_warnings[path] = error.reason
            return error
        try:
            text, lossy = data.decode("utf-8"), False
        except UnicodeDecodeError as error:
            if truncated and error.start >= len(data) - 4:
                # The cap cut a multi-byte character in two: that is not a lossy file.
                text, lossy = data[: error.start].decode("utf-8", "replace"), False
            else:
                text, lossy = data.decode("utf-8", "replace"), True
                self._read_warnings[path] = "not UTF-8; read with replacement characters"
        if text.startswith("\ufeff"):
            text = text[1:]
        if truncated:
            self._read_warnings[path] = f"larger than {MAX_FILE_BYTES} bytes; read the first part only"
        return FileText(path, text, truncated=truncated, lossy=lossy)
