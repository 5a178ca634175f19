"""Lock files per ecosystem: is every dependency manifest of the project locked, and by what?

A manifest is locked by a lock file of its ecosystem in its folder or an ancestor folder (npm,
Cargo and Composer workspaces lock at the root). Where a lock is the ecosystem's norm only for
applications, a library without one is reported as `optional` (a Python package, a Rust library,
a gem, a Composer library) rather than unlocked. Maven, Gradle and NuGet resolve the exact versions
a build file lists; they are `exact-versions` unless it uses ranges or dynamic versions.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.errors import UnreadableFile
from devops_scan_detectors.dependency_manifests import Manifest, Manifests

LOCKED = "locked"
UNLOCKED = "unlocked"
OPTIONAL = "optional"
EXACT = "exact-versions"
UNKNOWN = "unknown"

LOCK_FILES: dict[str, tuple[str, ...]] = {
    "npm": ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "bun.lock"),
    "python": ("poetry.lock", "uv.lock", "Pipfile.lock", "pdm.lock", "pylock.toml"),
    "go": ("go.sum",),
    "cargo": ("Cargo.lock",),
    "ruby": ("Gemfile.lock", "gems.locked"),
    "php": ("composer.lock",),
    "dotnet": ("packages.lock.json",),
    "gradle": ("gradle.lockfile",),
    "elixir": ("mix.lock",),
    "dart": ("pubspec.lock",),
    "swift": ("Package.resolved",),
}
# Each of these folders climbs to its parent for locks (workspaces); Go and .NET lock per module/project.
_PER_FOLDER_ONLY = frozenset({"go", "dotnet"})
_DOC_FOLDERS = frozenset({"docs", "doc", "documentation"})
# Requirements files that set up development tools rather than the software itself.
_TOOLING_REQUIREMENTS = re.compile(r"(dev|test|tests|testing|lint|docs?|ci|tox|typing|mypy|bench|tools?)"
                                   r"[^/]*\.(txt|in)$|"
                                   r"requirements[-_/](dev|test|tests|testing|lint|docs?|ci|typing|tools?)",
                                   re.IGNORECASE)
_DYNAMIC_VERSIONS = {
    "dotnet": re.compile(r"Version\s*=\s*\"[^\"]*[*\[(]"),
    "maven": re.compile(r"<version>\s*([\[(]|LATEST|RELEASE)"),
    "gradle": re.compile(r"[\"'][\w.-]+:[\w.-]+:[^\"']*(\+|latest\.)[^\"']*[\"']"),
}


_TOOL_NAMES = {"dotnet": "NuGet", "maven": "Maven", "gradle": "Gradle"}


@dataclass(frozen=True)
class LockState:
    ecosystem: str
    manifest: str
    status: str
    detail: str
    lock: str | None = None


def lock_states(client: RepoClient, found: Manifests, runs_as_service: bool = False) -> list[LockState]:
    """One state per manifest that declares dependencies (requirements files grouped by folder).

    A Python package of a repository that does not run as a service is a library: its development
    requirements files (requirements-dev.txt, requirements/test.txt...) set up tooling, and a lock
    is optional.
    """
    states: list[LockState] = []
    python_folders: dict[str, list[Manifest]] = {}
    for manifest in found.manifests:
        if manifest.ecosystem == "python":
            folder = manifest.folder
            if posixpath.basename(folder) == "requirements":
                folder = posixpath.dirname(folder)
            if not _DOC_FOLDERS.intersection(manifest.path.split("/")[:-1]):
                python_folders.setdefault(folder, []).append(manifest)
            continue
        state = _state(client, manifest)
        if state is not None:
            states.append(state)
    for folder, group in sorted(python_folders.items()):
        state = _python_state(client, folder, group, runs_as_service)
        if state is not None:
            states.append(state)
    return sorted(states, key=lambda s: (s.ecosystem, s.manifest))


def _find_lock(client: RepoClient, ecosystem: str, folder: str) -> str | None:
    while True:
        for name in LOCK_FILES.get(ecosystem, ()):
            path = posixpath.join(folder, name) if folder else name
            if path in client.files:
                return path
        if ecosystem == "python":
            pylock = [p for p in client.files.in_folder(folder)
                      if re.match(r"pylock\.[\w-]+\.toml$", posixpath.basename(p))]
            if pylock:
                return pylock[0]
        if ecosystem == "gradle" and client.files.in_folder(posixpath.join(folder, "gradle/dependency-locks")):
            return posixpath.join(folder, "gradle/dependency-locks") + "/"
        if not folder or ecosystem in _PER_FOLDER_ONLY:
            return None
        folder = posixpath.dirname(folder)


def _state(client: RepoClient, manifest: Manifest) -> LockState | None:
    ecosystem, path = manifest.ecosystem, manifest.path
    if manifest.problem:
        return LockState(ecosystem, path, UNKNOWN, f"{path} {manifest.problem}")
    if not manifest.dependencies or manifest.kind == "libs.versions.toml":
        return None
    lock = _find_lock(client, ecosystem, manifest.folder)
    if lock:
        return LockState(ecosystem, path, LOCKED, f"{path} is locked by {lock}", lock)
    if ecosystem in _DYNAMIC_VERSIONS:
        text = _text(client, path)
        match = _DYNAMIC_VERSIONS[ecosystem].search(text)
        if match:
            line = text.count("\n", 0, match.start()) + 1
            return LockState(ecosystem, path, UNLOCKED, f"{path}:{line} uses a version range or dynamic version "
                             "and no lock file pins what it resolves to")
        return LockState(ecosystem, path, EXACT, f"{path} lists exact versions (no ranges), which "
                         f"{_TOOL_NAMES[ecosystem]} resolves the same way every time")
    library = _library_reason(client, manifest)
    if library:
        return LockState(ecosystem, path, OPTIONAL, f"{path} is {library}: a lock file is optional")
    locks = LOCK_FILES.get(ecosystem, ("a lock file",))[:3]
    wanted = ", ".join(locks[:-1]) + f" or {locks[-1]}" if len(locks) > 1 else locks[0]
    count = len(manifest.dependencies)
    return LockState(ecosystem, path, UNLOCKED, f"{path} declares {count} dependenc{'y' if count == 1 else 'ies'} "
                     f"and has no {wanted}")


def _library_reason(client: RepoClient, manifest: Manifest) -> str | None:
    folder = manifest.folder
    if manifest.ecosystem == "cargo":
        binary = "bin" in manifest.data or posixpath.join(folder, "src/main.rs") in client.files \
            or bool(client.files.in_folder(posixpath.join(folder, "src/bin")))
        return None if binary or "package" not in manifest.data else "a Rust library"
    if manifest.ecosystem == "ruby" and any(p.endswith(".gemspec") for p in client.files.in_folder(folder)):
        return "a gem"
    if manifest.ecosystem == "php" and manifest.data.get("type") == "library":
        return "a Composer library"
    if manifest.ecosystem == "swift":
        return "a Swift package (SwiftPM resolves applications' versions in their own Package.resolved)"
    return None


def _python_state(client: RepoClient, folder: str, group: list[Manifest], runs_as_service: bool) -> LockState | None:
    where = folder or "the root"
    problems = [m for m in group if m.problem]
    if not problems and not any(m.dependencies for m in group):
        return None  # nothing to lock
    lock = _find_lock(client, "python", folder)
    first = group[0].path
    if lock:
        return LockState("python", first, LOCKED, f"Python dependencies in {where} are locked by {lock}", lock)
    requirements = [m for m in group if m.kind == "requirements" and not m.path.endswith(".in")
                    and m.data.get("requirements")]
    pinned = [m for m in requirements if m.data["hashed"] or m.data["pinned"] == m.data["requirements"]]
    if pinned:
        how = "with hashes" if pinned[0].data["hashed"] else "every requirement with `==`"
        return LockState("python", pinned[0].path, LOCKED, f"{pinned[0].path} pins {how}", pinned[0].path)
    if any(m.kind == "Pipfile" and m.dependencies for m in group):
        return LockState("python", posixpath.join(folder, "Pipfile").lstrip("/"), UNLOCKED,
                         "Pipfile without Pipfile.lock")
    package = [m for m in group if _python_package(m)]
    if package and not runs_as_service:
        requirements = [m for m in requirements if not _TOOLING_REQUIREMENTS.search(m.path)]
    if package and not requirements:
        return LockState("python", package[0].path, OPTIONAL,
                         f"{package[0].path} defines a Python package (a library pins ranges; a lock file is optional)")
    if requirements:
        worst = min(requirements, key=lambda m: m.data["pinned"] / m.data["requirements"])
        return LockState("python", worst.path, UNLOCKED, f"{worst.path} pins {worst.data['pinned']} of "
                         f"{worst.data['requirements']} requirements with `==` and no lock file exists")
    if problems:
        return LockState("python", problems[0].path, UNKNOWN, f"{problems[0].path} {problems[0].problem}")
    return None


def _python_package(manifest: Manifest) -> bool:
    data = manifest.data
    if manifest.kind == "pyproject.toml":
        return "project" in data or "build-system" in data or "poetry" in data.get("tool", {})
    if manifest.kind == "setup.py":
        return bool(data.get("calls_setup"))
    if manifest.kind == "setup.cfg":
        return bool(data.get("metadata", {}).get("name"))
    return False


def _text(client: RepoClient, path: str) -> str:
    try:
        return client.read_text(path).text
    except UnreadableFile:
        return ""
