"""Dependencies the project declares in its manifests, with the line that declares each.

Test frameworks and coverage tools are mostly proven by a dependency (pytest-cov in the test extra,
jest in devDependencies, junit-jupiter in the pom). Manifests are read as data, never executed:
setup.py and Gemfiles are searched as text. Vendored and test-data copies are not the project's.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import location_key, parse_json, read_text
from devops_scan_detectors.python_requirements import pipfile, pyproject, requirements_txt, setup_cfg, setup_py, tox_ini
from devops_scan_detectors.xml_reader import parse_xml

PYPI, NPM, GO, MAVEN, NUGET, RUBYGEMS, COMPOSER = "pypi", "npm", "go", "maven", "nuget", "rubygems", "composer"
# PyPI names are compared normalised (PEP 503): `Pytest_Cov` is `pytest-cov`.


@dataclass(frozen=True)
class Dependency:
    ecosystem: str
    # Normalised: PyPI names lower-case with `-`; Maven `group:artifact`; others as written.
    name: str
    location: Location


@dataclass(frozen=True)
class DeclaredDependencies:
    items: tuple[Dependency, ...]
    problems: tuple[str, ...] = ()

    def named(self, ecosystem: str, *names: str) -> tuple[Dependency, ...]:
        wanted = {name.lower() for name in names}
        return tuple(d for d in self.items if d.ecosystem == ecosystem and d.name.lower() in wanted)

    def matching(self, ecosystem: str, pattern: re.Pattern[str]) -> tuple[Dependency, ...]:
        return tuple(d for d in self.items if d.ecosystem == ecosystem and pattern.search(d.name))


def declared_dependencies(client: RepoClient, context: ScanContext) -> DeclaredDependencies:
    """Every dependency of every manifest of the project, computed once per scan."""
    return context.shared("declared-dependencies", lambda: _collect(client))


def _collect(client: RepoClient) -> DeclaredDependencies:
    items: set[Dependency] = set()
    problems: list[str] = []
    for path in client.files:
        if not_the_projects_own(path):
            continue
        reader = _reader_for(path)
        if reader is None:
            continue
        text = read_text(client, path)
        if text is None:
            continue
        try:
            items.update(Dependency(eco, name, Location(path, line)) for eco, name, line in reader(text))
        except Exception as error:  # one odd manifest must not cost the others
            problems.append(f"{path}: dependencies not read ({type(error).__name__}: {error})")
    ordered = sorted(items, key=lambda d: (d.ecosystem, d.name, location_key(d.location)))
    return DeclaredDependencies(tuple(ordered), tuple(problems))


Found = Iterator[tuple[str, str, int | None]]


def _reader_for(path: str) -> Callable[[str], Found] | None:
    name = posixpath.basename(path)
    lower = name.lower()
    if name == "pyproject.toml":
        return _python(pyproject)
    if name == "Pipfile":
        return _python(pipfile)
    if name == "setup.cfg":
        return _python(setup_cfg)
    if name == "tox.ini":
        return _python(tox_ini)
    if name == "setup.py":
        return _python(setup_py)
    in_requirements_folder = posixpath.basename(posixpath.dirname(path)) == "requirements"
    if lower.endswith((".txt", ".in")) and ("requirements" in lower or in_requirements_folder):
        return _python(requirements_txt)
    if name == "package.json":
        return _package_json
    if name == "go.mod":
        return _go_mod
    if name == "pom.xml":
        return _pom
    if lower.endswith((".gradle", ".gradle.kts")) or lower.endswith(".versions.toml"):
        return _gradle
    if lower.endswith((".csproj", ".fsproj", ".vbproj", ".props")) or name == "packages.config":
        return _nuget
    if name in ("Gemfile", "gems.rb") or lower.endswith(".gemspec"):
        return _ruby
    if name == "composer.json":
        return _composer
    return None


def _python(reader: Callable[[str], Iterator[tuple[str, int | None]]]) -> Callable[[str], Found]:
    return lambda text: ((PYPI, name, line) for name, line in reader(text))


# --- other ecosystems -------------------------------------------------------------------------------


def _package_json(text: str) -> Found:
    data = parse_json(text)
    if not isinstance(data, dict):
        return
    for section in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        table = data.get(section)
        for name in table if isinstance(table, dict) else ():
            yield NPM, name, _json_key_after(text, section, name)


def _json_key_after(text: str, section: str, key: str) -> int | None:
    head = re.search(r'"' + re.escape(section) + r'"\s*:', text)
    match = re.compile(r'"' + re.escape(key) + r'"\s*:').search(text, head.end() if head else 0)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _go_mod(text: str) -> Found:
    in_block = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if line.startswith("require ("):
            in_block = True
            continue
        if in_block and line == ")":
            in_block = False
            continue
        words = line.split()
        if in_block and len(words) >= 2:
            yield GO, words[0], number
        elif len(words) >= 3 and words[0] == "require":
            yield GO, words[1], number


def _pom(text: str) -> Found:
    root = parse_xml(text).root
    if root is None:
        return
    holders = [root] + root.path("profiles", "profile")
    for holder in holders:
        for dependency in holder.path("dependencies", "dependency"):
            group, artifact = dependency.text_of("groupId"), dependency.text_of("artifactId")
            if group and artifact:
                yield MAVEN, f"{group}:{artifact}", dependency.line


_GRADLE_COORDINATE = re.compile(r"""["']([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)(?::[^"'\s]*)?["']""")
_GRADLE_MAP = re.compile(r"""group\s*[:=]\s*["']([^"']+)["']\s*,\s*name\s*[:=]\s*["']([^"']+)["']""")


def _gradle(text: str) -> Found:
    """Coordinates written in Gradle build scripts and version catalogs (`gradle/libs.versions.toml`)."""
    for pattern in (_GRADLE_COORDINATE, _GRADLE_MAP):
        for match in pattern.finditer(text):
            yield MAVEN, f"{match.group(1)}:{match.group(2)}", text.count("\n", 0, match.start()) + 1


def _nuget(text: str) -> Found:
    root = parse_xml(text).root
    if root is None:
        return
    for element in root.iter():
        if element.tag in ("PackageReference", "PackageVersion", "package"):
            name = element.attrs.get("Include") or element.attrs.get("Update") or element.attrs.get("id")
            if name:
                yield NUGET, name, element.line


_GEM = re.compile(r"""^[ \t]*(?:gem|\w+\.add_(?:development_|runtime_)?dependency)\s*\(?\s*["']([^"']+)["']""",
                  re.MULTILINE)


def _ruby(text: str) -> Found:
    for match in _GEM.finditer(text):
        yield RUBYGEMS, match.group(1), text.count("\n", 0, match.start()) + 1


def _composer(text: str) -> Found:
    data = parse_json(text)
    if not isinstance(data, dict):
        return
    for section in ("require", "require-dev"):
        table = data.get(section)
        for name in table if isinstance(table, dict) else ():
            yield COMPOSER, name, _json_key_after(text, section, name)
