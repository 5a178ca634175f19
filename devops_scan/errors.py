"""Exceptions that carry a user-facing message and an exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_USAGE = 2
EXIT_UNEXPECTED = 3


class ScanError(Exception):
    """An error the user can fix: printed as one line, exit code 2."""

    exit_code = EXIT_USAGE


class BadTargetError(ScanError):
    """The path or target given to scan cannot be scanned (not a repo, bare and empty, ...)."""


class ModelError(ScanError):
    """A maturity model file is invalid; the message names the file and line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class UnreadableFile(Exception):
    """A tracked file could not be read; detectors turn this into a warning, never a crash."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
