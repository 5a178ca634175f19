"""The repository's dependency manifests, found in the file index and parsed once per scan.

Several detectors ask "does the project depend on X?" (a logging library, a web framework, a
config library) or "which ecosystems does it use?" (lock files). They share this one reading.
Vendored and test-data trees are not the project's; a manifest that cannot be parsed is kept with
its problem so a detector can say so instead of guessing.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.manifest_parsers import PARSERS, parse_gemspec, parse_msbuild_project, parse_requirements

# Ecosystem of each manifest basename (patterns for names that vary).
ECOSYSTEMS: dict[str, str] = {
    "package.json": "npm", "pyproject.toml": "python", "setup.py": "python", "setup.cfg": "python",
    "Pipfile": "python", "go.mod": "go", "Cargo.toml": "cargo", "Gemfile": "ruby", "composer.json": "php",
    "pom.xml": "maven", "build.gradle": "gradle", "build.gradle.kts": "gradle", "libs.versions.toml": "gradle",
    "mix.exs": "elixir", "pubspec.yaml": "dart", "Package.swift": "swift",
}
_REQUIREMENTS = re.compile(r"^(.*requirements.*|constraints.*)\.(txt|in)$|^requirements/.*\.(txt|in)$")
_MSBUILD = re.compile(r"\.(cs|fs|vb)proj$")
# A monorepo can hold thousands of package.json files; past this many per ecosystem, the rest are skipped.
MAX_PER_ECOSYSTEM = 300


@dataclass(frozen=True)
class Manifest:
    path: str
    ecosystem: str
    # (normalised name, line) of every declared dependency.
    dependencies: tuple[tuple[str, int | None], ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    problem: str | None = None

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path)

    @property
    def kind(self) -> str:
        """The manifest's kind: its basename, or `requirements`, `gemspec`, `msbuild`."""
        name = posixpath.basename(self.path)
        if name.endswith(".gemspec"):
            return "gemspec"
        if _MSBUILD.search(name):
            return "msbuild"
        return "requirements" if self.ecosystem == "python" and name not in ECOSYSTEMS else name


@dataclass(frozen=True)
class Manifests:
    manifests: tuple[Manifest, ...]

    def of(self, ecosystem: str) -> tuple[Manifest, ...]:
        return tuple(m for m in self.manifests if m.ecosystem == ecosystem)

    def ecosystems(self) -> list[str]:
        return sorted({m.ecosystem for m in self.manifests})

    def find(self, names: Iterable[str], prefixes: Iterable[str] = ()) -> list[tuple[Manifest, str, int | None]]:
        """(manifest, dependency, line) for every declared dependency named in `names` or starting
        with one of `prefixes`; sorted by path."""
        wanted, starts = frozenset(names), tuple(prefixes)
        return [(manifest, name, line) for manifest in self.manifests for name, line in manifest.dependencies
                if name in wanted or (starts and name.startswith(starts))]


def manifests(client: RepoClient, context: ScanContext) -> Manifests:
    """Every dependency manifest of the project, parsed once per scan."""
    return context.shared("dependency-manifests", lambda: _read_all(client))


def ecosystem_of(path: str) -> str | None:
    name = posixpath.basename(path)
    if name in ECOSYSTEMS:
        return ECOSYSTEMS[name]
    if name.endswith(".gemspec"):
        return "ruby"
    if _MSBUILD.search(name):
        return "dotnet"
    if _REQUIREMENTS.match(name) or _REQUIREMENTS.match("/".join(path.split("/")[-2:])):
        return "python"
    return None


def _read_all(client: RepoClient) -> Manifests:
    found: dict[str, list[str]] = {}
    for path in client.files:
        ecosystem = ecosystem_of(path)
        if ecosystem is None or not_the_projects_own(path):
            continue
        if posixpath.basename(path) == "package.json" and "node_modules" in path.split("/"):
            continue
        found.setdefault(ecosystem, []).append(path)
    result: list[Manifest] = []
    for ecosystem, paths in sorted(found.items()):
        # Shallow manifests first: the root's manifest matters more than the hundredth package's.
        for path in sorted(paths, key=lambda p: (p.count("/"), p))[:MAX_PER_ECOSYSTEM]:
            result.append(_read_one(client, path, ecosystem))
    return Manifests(tuple(sorted(result, key=lambda m: m.path)))


def _read_one(client: RepoClient, path: str, ecosystem: str) -> Manifest:
    try:
        text = client.read_text(path).text
    except UnreadableFile as error:
        return Manifest(path, ecosystem, problem=f"unreadable ({error.reason})")
    name = posixpath.basename(path)
    parser = PARSERS.get(name)
    if parser is None:
        if name.endswith(".gemspec"):
            parser = parse_gemspec
        elif _MSBUILD.search(name):
            parser = parse_msbuild_project
        else:
            parser = parse_requirements
    try:
        names, data = parser(text)
    except Exception as error:  # any malformed manifest: keep the others' evidence
        return Manifest(path, ecosystem, problem=f"could not be parsed ({type(error).__name__}: {_first_line(error)})")
    return Manifest(path, ecosystem, tuple(names), data)


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:120] if text else "no detail"
