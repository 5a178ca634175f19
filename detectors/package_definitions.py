"""Package and image definitions: what the repository can build as a versioned deliverable.

Decided by content: a pyproject.toml with only `[tool.black]` defines no package, a `package.json`
with `"private": true` is an application (it may still be packaged by a Dockerfile), a Dockerfile
template (`Dockerfile.j2`) is not a Dockerfile, a `pom` packaging only aggregates modules.
Examples, samples, tests and the devcontainer are not deliverables.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.dependency_manifests import Manifest, manifests
from devops_scan_detectors.source_scan import folder_roles

IMAGE = "container image"
DEV_IMAGE = "container image (development variant)"
# Formats that distribute another component (a chart deploys an image, a .deb wraps a binary).
WRAPPERS = frozenset({"Helm chart", "Debian package", "RPM spec", "snap", "Flatpak", "goreleaser release",
                      "conda recipe", "Arch package"})
# Development tooling folders (`internal/tools` for Go tool pins, `hack/`, `scripts/`) are not deliverables either.
_NOT_DELIVERABLE = frozenset({"examples", "example", "samples", "sample", "demo", "demos", "test", "tests", "e2e",
                              ".devcontainer", ".github", "testdata", "fixtures", "benchmarks", "tools", "hack",
                              "scripts"})
_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".template", ".in", ".erb", ".mustache", ".hbs",
                      ".example", ".sample", ".orig", ".bak")
_DEV_VARIANT = re.compile(r"(^|[._-])(dev|devel|development|test|tests|ci|local|debug|playwright|cypress|e2e)"
                          r"([._-]|$)", re.IGNORECASE)
# What makes a private package.json an application someone deploys: a server start, or a web app framework.
_APP_SCRIPTS = ("start", "serve")
_APP_FRAMEWORKS = frozenset({"next", "nuxt", "vite", "react-scripts", "@angular/core", "@sveltejs/kit", "astro",
                             "gatsby", "@remix-run/react", "vue", "svelte", "express", "fastify", "koa", "@nestjs/core",
                             "hono", "electron"})
_GRADLE_ARTIFACT_PLUGINS = frozenset({"java", "java-library", "application", "war", "maven-publish",
                                      "org.springframework.boot", "com.android.application", "com.android.library",
                                      "org.jetbrains.kotlin.jvm", "kotlin(\"jvm\")", "io.quarkus",
                                      "io.micronaut.application", "io.micronaut.library"})
# A private package.json beside one of these is a monorepo's root, not an application.
_WORKSPACE_MARKERS = ("pnpm-workspace.yaml", "lerna.json", "nx.json", "turbo.json", "rush.json")
# (kind, glob, content pattern); the value after the pattern (a `name:`) is the artifact's name.
_FILE_DEFINITIONS: tuple[tuple[str, str, str], ...] = (
    # `includes:` pulls a shared configuration (often from the organisation's meta repository).
    ("goreleaser release", ".goreleaser.y*ml", r"^(builds|archives|project_name|includes)\s*:"),
    ("goreleaser release", "goreleaser.y*ml", r"^(builds|archives|project_name|includes)\s*:"),
    ("gem", "**/*.gemspec", r"^\s*\w+\.name\s*=\s*"),
    ("Helm chart", "**/Chart.yaml", r"^name\s*:"),
    ("Debian package", "**/debian/control", r"^Package\s*:"),
    ("RPM spec", "**/*.spec", r"^Name\s*:"),
    ("snap", "snapcraft.yaml", r"^name\s*:"), ("snap", "snap/snapcraft.yaml", r"^name\s*:"),
    ("conda recipe", "**/meta.yaml", r"^package\s*:"),
    ("Arch package", "**/PKGBUILD", r"^pkgname="),
    ("Flatpak", "**/*.*.*.yml", r"^(app-id|id)\s*:\s*\w+\.\w+"), ("Flatpak", "**/*.*.*.json", r"\"(app-id|id)\"\s*:"),
)


@dataclass(frozen=True)
class Definition:
    kind: str
    path: str
    line: int | None = None
    name: str | None = None
    # A private application manifest: not a package, but a deployable app when it builds or starts.
    app_only: bool = False

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.path)


def package_definitions(client: RepoClient, context: ScanContext) -> tuple[Definition, ...]:
    """Every package, image and distribution definition of the project, found once per scan."""
    return context.shared("package-definitions", lambda: _find(client, context))


def deliverable(path: str) -> bool:
    return not not_the_projects_own(path) and not _NOT_DELIVERABLE.intersection(folder_roles(path))


def _find(client: RepoClient, context: ScanContext) -> tuple[Definition, ...]:
    found: list[Definition] = []
    seen_python: set[str] = set()
    for manifest in manifests(client, context).manifests:
        if not deliverable(manifest.path) or manifest.problem:
            continue
        definition = _from_manifest(client, manifest)
        if definition is None or (definition.kind == "Python package" and definition.folder in seen_python):
            continue
        if definition.kind == "Python package":
            seen_python.add(definition.folder)
        found.append(definition)
    found.extend(_dockerfiles(client))
    for kind, pattern, proof in _FILE_DEFINITIONS:
        for path in client.files.glob(pattern):
            if not deliverable(path) or (kind == "Flatpak" and not _flatpak(client, path)):
                continue
            match = _search(client, path, proof)
            if match is not None and not (kind == "Helm chart" and _search(client, path, r"^type:\s*library")):
                found.append(Definition(kind, path, match[0], match[1]))
    return tuple(sorted(set(found), key=lambda d: (d.path, d.kind)))


def _search(client: RepoClient, path: str, pattern: str) -> tuple[int, str | None] | None:
    """(line, the value after the key when there is one) of the first match, or None."""
    try:
        text = client.read_text(path).text
    except UnreadableFile:
        return None
    match = re.search(pattern, text, re.MULTILINE)
    if not match:
        return None
    rest = text[match.end():text.find("\n", match.end()) if "\n" in text[match.end():] else len(text)]
    value = rest.strip().strip("\"'").removesuffix(".freeze").strip("\"'") or None
    return text.count("\n", 0, match.start()) + 1, value[:60] if value else None


def _flatpak(client: RepoClient, path: str) -> bool:
    return _search(client, path, r"^\s*[\"']?runtime[\"']?\s*:") is not None \
        and _search(client, path, r"^\s*[\"']?modules[\"']?\s*:") is not None


def _from_manifest(client: RepoClient, manifest: Manifest) -> Definition | None:
    data, kind, path = manifest.data, manifest.kind, manifest.path
    if kind == "pyproject.toml":
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        poetry = (data.get("tool") or {}).get("poetry") or {}
        name = project.get("name") or (poetry.get("name") if isinstance(poetry, dict) else None)
        if name or "build-system" in data:
            return Definition("Python package", path, 1, str(name) if name else None)
    elif kind == "setup.py" and data.get("calls_setup"):
        return Definition("Python package", path, None, None)
    elif kind == "setup.cfg" and (data.get("metadata") or {}).get("name"):
        return Definition("Python package", path, None, data["metadata"]["name"])
    elif kind == "package.json":
        return _npm(client, manifest)
    elif kind == "pom.xml" and data.get("packaging") != "pom":
        return Definition(f"Maven {data.get('packaging')}", path, 1, data.get("artifactId"))
    elif kind in ("build.gradle", "build.gradle.kts") \
            and _GRADLE_ARTIFACT_PLUGINS.intersection(data.get("plugins", ())):
        return Definition("Gradle artifact", path, 1, posixpath.basename(manifest.folder) or None)
    elif kind == "Cargo.toml" and isinstance(data.get("package"), dict):
        # `publish = false` below the root marks an internal crate (tests, examples, xtask), not a deliverable.
        if data["package"].get("publish") is False and "/" in path:
            return None
        return Definition("Cargo crate", path, 1, data["package"].get("name"))
    elif kind == "go.mod":
        return Definition("Go module", path, 1, data.get("module"))
    elif kind == "composer.json" and data.get("name"):
        return Definition("Composer package", path, 1, data.get("name"))
    elif kind == "msbuild" and (data.get("PackageId") or str(data.get("IsPackable", "")).lower() == "true"
                                or str(data.get("GeneratePackageOnBuild", "")).lower() == "true"):
        name = data.get("PackageId") or posixpath.basename(path).rsplit(".", 1)[0]
        return Definition("NuGet package", path, None, name)
    elif kind == "mix.exs" and _has(client, path, r"\bpackage:"):
        return Definition("Hex package", path, None, None)
    return None


def _npm(client: RepoClient, manifest: Manifest) -> Definition | None:
    data = manifest.data
    name = data.get("name") if isinstance(data.get("name"), str) else None
    if data.get("private") is True:
        scripts = data.get("scripts") if isinstance(data.get("scripts"), dict) else {}
        workspace_root = "workspaces" in data or any(
            posixpath.join(manifest.folder, marker) in client.files for marker in _WORKSPACE_MARKERS)
        framework = any(dependency in _APP_FRAMEWORKS for dependency, _ in manifest.dependencies)
        if not workspace_root and (any(key in scripts for key in _APP_SCRIPTS) or framework):
            return Definition("npm application (private)", manifest.path, 1, name, app_only=True)
        return None
    return Definition("npm package", manifest.path, 1, name) if name else None


def _has(client: RepoClient, path: str, pattern: str) -> bool:
    return _search(client, path, pattern) is not None


def _dockerfiles(client: RepoClient) -> list[Definition]:
    found = []
    for path in client.files:
        name = posixpath.basename(path)
        lower = name.lower()
        is_dockerfile = lower in ("dockerfile", "containerfile") or lower.endswith(".dockerfile") \
            or lower.startswith(("dockerfile.", "containerfile."))
        if not is_dockerfile or lower.endswith(_TEMPLATE_SUFFIXES) or not deliverable(path):
            continue
        match = _search(client, path, r"^\s*FROM\s+(\S+)")
        if match is not None:
            variant = bool(_DEV_VARIANT.search(name.replace("Dockerfile", "").replace("dockerfile", "")))
            kind = DEV_IMAGE if variant else IMAGE
            found.append(Definition(kind, path, match[0], None))
    return found
