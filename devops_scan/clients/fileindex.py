"""An index of a tree's paths, built once from one listing, queried by every detector."""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from typing import Iterable, Iterator


class FileIndex:
    """Tracked paths (POSIX, relative to the root) indexed by basename, extension and folder.

    Detectors ask the index instead of walking the tree, so a scan lists the tree exactly once.
    """

    def __init__(self, paths: Iterable[str]) -> None:
        self._paths: tuple[str, ...] = tuple(sorted(set(paths)))
        self._by_name: dict[str, list[str]] = defaultdict(list)
        self._by_lower_name: dict[str, list[str]] = defaultdict(list)
        self._by_ext: dict[str, list[str]] = defaultdict(list)
        self._by_folder: dict[str, list[str]] = defaultdict(list)
        self._folders: set[str] = set()
        for path in self._paths:
            folder, name = posixpath.split(path)
            self._by_name[name].append(path)
            self._by_lower_name[name.lower()].append(path)
            self._by_ext[extension(name)].append(path)
            self._by_folder[folder].append(path)
            while folder and folder not in self._folders:
                self._folders.add(folder)
                folder = posixpath.dirname(folder)

    def __len__(self) -> int:
        return len(self._paths)

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str) and path in self._by_folder.get(posixpath.dirname(path), ())

    def named(self, *names: str, ignore_case: bool = False) -> list[str]:
        """Paths whose basename is one of `names`, anywhere in the tree."""
        table = self._by_lower_name if ignore_case else self._by_name
        keys = (name.lower() for name in names) if ignore_case else names
        return sorted({path for key in keys for path in table.get(key, ())})

    def with_extension(self, *extensions: str) -> list[str]:
        """Paths whose extension (lower-case, without the dot) is one of `extensions`."""
        return sorted({path for ext in extensions for path in self._by_ext.get(ext.lower(), ())})

    def in_folder(self, folder: str, recursive: bool = False) -> list[str]:
        """Paths directly in `folder` ('' is the root), or anywhere below it if `recursive`."""
        folder = folder.strip("/")
        if not recursive:
            return list(self._by_folder.get(folder, ()))
        prefix = folder + "/" if folder else ""
        return [path for path in self._paths if path.startswith(prefix)]

    def has_folder(self, folder: str) -> bool:
        return folder.strip("/") in self._folders

    def folders(self) -> frozenset[str]:
        return frozenset(self._folders)

    def glob(self, pattern: str) -> list[str]:
        """Paths matching a glob where `*` stays inside one path segment and `**/` spans folders.

        Patterns are answered from the name and folder indexes where their shape allows, so that
        dozens of detector patterns do not each scan every path of a large tree.
        """
        folder, _, name = pattern.rpartition("/")
        if not _is_wild(folder):
            candidates = self._by_folder.get(folder, ())
        elif folder == "**" and not _is_wild(name):
            return list(self._by_name.get(name, ()))
        elif folder == "**":
            matcher = _compile_glob(name)
            return sorted(p for key, paths in self._by_name.items() if matcher.match(key) for p in paths)
        else:
            candidates = self._paths
        regex = _compile_glob(pattern)
        return [path for path in candidates if regex.match(path)]


def _is_wild(text: str) -> bool:
    return "*" in text or "?" in text


def extension(name: str) -> str:
    """Lower-case extension without the dot; '' for none. Dotfiles such as `.gitignore` have none."""
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


_GLOB_CACHE: dict[str, re.Pattern[str]] = {}


def _compile_glob(pattern: str) -> re.Pattern[str]:
    cached = _GLOB_CACHE.get(pattern)
    if cached is not None:
        return cached
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    compiled = re.compile("".join(parts) + r"\Z")
    _GLOB_CACHE[pattern] = compiled
    return compiled

