"""How many deployable artifacts a repository produces, from its package and image definitions.

One component is one folder's package (a pyproject.toml and a setup.py side by side are one
package). A Dockerfile belongs to the package in its folder or the nearest folder above (through
generic folders such as `docker/` or `deploy/`); Dockerfiles in several folders are several images,
while variants in one folder (`Dockerfile`, `Dockerfile.dev`) are one. Distribution formats (a
Helm chart, a .deb, a goreleaser release) package an existing component and add none, unless the
repository defines nothing else; so does a private application inside another component's tree.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from devops_scan_detectors.package_definitions import IMAGE, WRAPPERS, Definition

# Folders that hold a component's build files rather than a component of their own.
_GENERIC_FOLDERS = frozenset({"docker", ".docker", "build", "deploy", "deployment", "deployments", "ci", "container",
                              "containers", "ops", "infra", "packaging", "dockerfiles", "images", "image"})


@dataclass
class Component:
    folder: str
    definitions: list[Definition] = field(default_factory=list)

    def describe(self) -> str:
        main = self.definitions[0]
        name = f" `{main.name}`" if main.name else ""
        return f"{main.kind}{name} ({main.path})"


def components(definitions: tuple[Definition, ...]) -> list[Component]:
    """The deployable components, each with the definitions that build or wrap it; sorted by folder."""
    primaries = [d for d in definitions if d.kind not in WRAPPERS and not d.kind.startswith(IMAGE) and not d.app_only]
    # A private application inside another component's tree is part of it (a UI its server serves).
    apps = [d for d in definitions if d.app_only]
    # Development variants (`Dockerfile.dev`) build no deliverable.
    images = [d for d in definitions if d.kind == IMAGE]
    wrappers = [d for d in definitions if d.kind in WRAPPERS]
    by_folder: dict[str, Component] = {}
    for definition in primaries:
        by_folder.setdefault(definition.folder, Component(definition.folder)).definitions.append(definition)
    for app in apps:
        owner = _ancestor(app.folder, by_folder)
        if owner is None:
            by_folder.setdefault(app.folder, Component(app.folder)).definitions.append(app)
        else:
            by_folder[owner].definitions.append(app)
    image_folders: dict[str, list[Definition]] = {}
    for image in images:
        image_folders.setdefault(image.folder, []).append(image)
    packages = dict(by_folder)
    imaged: set[str] = set()
    for folder, found in sorted(image_folders.items()):
        owner = _owner(folder, packages)
        if owner is None and folder == "" and len(packages) == 1:
            owner = next(iter(packages))  # a root Dockerfile building the repository's only package
        if owner is None or owner in imaged:
            # No package of its own, or its package already has an image from another folder.
            by_folder[f"image:{folder}"] = Component(folder, list(found))
            continue
        imaged.add(owner)
        by_folder[owner].definitions.extend(found)
    result = sorted(by_folder.values(), key=lambda c: (c.folder, c.definitions[0].path))
    if not result:
        return [Component(w.folder, [w]) for w in sorted(wrappers, key=lambda d: d.path)]
    for wrapper in wrappers:
        _nearest(wrapper.folder, result).definitions.append(wrapper)
    return result


def _owner(folder: str, packages: dict[str, Component]) -> str | None:
    """The folder of the package an image in `folder` builds: its own, or one above through generic
    folders (`docker/`, `deploy/`...). A named folder (`services/api`) without a package is its own."""
    current = folder
    while True:
        if current in packages:
            return current
        if not current or posixpath.basename(current) not in _GENERIC_FOLDERS:
            return None
        current = posixpath.dirname(current)


def _ancestor(folder: str, packages: dict[str, Component]) -> str | None:
    """The nearest folder at or above `folder` that holds a package."""
    current = folder
    while True:
        if current in packages and packages[current].definitions and not packages[current].definitions[0].app_only:
            return current
        if not current:
            return None
        current = posixpath.dirname(current)


def _nearest(folder: str, found: list[Component]) -> Component:
    """The component whose folder is the longest prefix of `folder` (the first one otherwise)."""
    best = None
    for component in found:
        prefix = component.folder.rstrip("/")
        if (not prefix or folder == prefix or folder.startswith(prefix + "/")) and \
                (best is None or len(prefix) > len(best.folder.rstrip("/"))):
            best = component
    return best or found[0]
