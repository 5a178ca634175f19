"""Dependency names out of each ecosystem's manifest, read as text (nothing is executed or resolved).

Every parser takes the manifest's text and returns (dependencies, facts about the manifest). A
parser may raise on malformed input; `dependency_manifests` catches that per file.
"""

from __future__ import annotations

import configparser
import json
import re
from typing import Any, Callable

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from devops_scan.yamlsafe import load_yaml
from devops_scan_detectors.json_comments import load_json_with_comments

# (name, line) pairs; the line is where the name first appears, when it can be found.
Names = list[tuple[str, int | None]]
Parsed = tuple[Names, dict[str, Any]]

_PEP508_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def python_name(requirement: str) -> str | None:
    match = _PEP508_NAME.match(requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


def loads_json(text: str) -> Any:
    """Strict JSON first (fast), then JSON with comments."""
    try:
        return json.loads(text)
    except ValueError:
        return load_json_with_comments(text)


def line_of(text: str, name: str) -> int | None:
    """The first line where `name` appears as a whole token (quoted, a key, or a word)."""
    match = re.search(r"(?<![\w./-])" + re.escape(name) + r"(?![\w-])", text, re.IGNORECASE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def _named(text: str, names: list[str]) -> Names:
    return [(name, line_of(text, name)) for name in dict.fromkeys(names)]


def parse_package_json(text: str) -> Parsed:
    data = loads_json(text)
    if not isinstance(data, dict):
        raise ValueError("package.json is not an object")
    names = [name for key in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")
             if isinstance(data.get(key), dict) for name in data[key]]
    return _named(text, [str(name).lower() for name in names]), data


def parse_pyproject(text: str) -> Parsed:
    data = tomllib.loads(text)
    project = data.get("project") if isinstance(data.get("project"), dict) else {}
    requirements: list[str] = list(_strings(project.get("dependencies")))
    for group in _dict(project.get("optional-dependencies")).values():
        requirements += _strings(group)
    for group in _dict(data.get("dependency-groups")).values():
        requirements += _strings(group)
    tool = _dict(data.get("tool"))
    poetry = _dict(tool.get("poetry"))
    keys = list(_dict(poetry.get("dependencies"))) + list(_dict(poetry.get("dev-dependencies")))
    for group in _dict(poetry.get("group")).values():
        keys += list(_dict(_dict(group).get("dependencies")))
    for group in _dict(_dict(tool.get("pdm")).get("dev-dependencies")).values():
        requirements += _strings(group)
    requirements += _strings(_dict(tool.get("uv")).get("dev-dependencies"))
    names = [python_name(r) for r in requirements] + [python_name(k) for k in keys if k != "python"]
    return _named(text, [n for n in names if n]), data


def parse_requirements(text: str) -> Parsed:
    names: Names = []
    pinned = total = hashed = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #")[0].strip()
        if not line or line.startswith(("#", "-", "--")) or "://" in line.split(";")[0].split("@")[0]:
            hashed += "--hash" in line
            continue
        name = python_name(line)
        if name:
            names.append((name, number))
            total += 1
            pinned += bool(re.search(r"===?\s*[\w.*+!-]+", line)) and "*" not in line
            hashed += "--hash" in line
    return names, {"requirements": total, "pinned": pinned, "hashed": hashed > 0}


def parse_setup_cfg(text: str) -> Parsed:
    parser = configparser.RawConfigParser(strict=False)
    parser.read_string(text)
    requirements = []
    if parser.has_option("options", "install_requires"):
        requirements += parser.get("options", "install_requires").splitlines()
    if parser.has_section("options.extras_require"):
        for _, value in parser.items("options.extras_require"):
            requirements += value.splitlines()
    names = [python_name(r) for r in requirements if r.strip() and not r.strip().startswith("#")]
    metadata = dict(parser.items("metadata")) if parser.has_section("metadata") else {}
    return _named(text, [n for n in names if n]), {"metadata": metadata}


def parse_setup_py(text: str) -> Parsed:
    requirements: list[str] = []
    for block in re.finditer(r"(install_requires|extras_require|tests_require)\s*=\s*([\[{].*?[\]}])\s*[,)]",
                             text, re.DOTALL):
        requirements += re.findall(r"[\"']([A-Za-z0-9][^\"']*)[\"']", block.group(2))
    names = [python_name(r) for r in requirements]
    return _named(text, [n for n in names if n]), {"calls_setup": bool(re.search(r"\bsetup\s*\(", text))}


def parse_pipfile(text: str) -> Parsed:
    data = tomllib.loads(text)
    keys = list(_dict(data.get("packages"))) + list(_dict(data.get("dev-packages")))
    return _named(text, [n for n in (python_name(k) for k in keys) if n]), data


def parse_go_mod(text: str) -> Parsed:
    names: Names = []
    in_block = False
    module = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("//")[0].strip()
        if line.startswith("module "):
            module = line.split()[1].strip('"') if len(line.split()) > 1 else None
        elif line.startswith("require ("):
            in_block = True
        elif in_block and line == ")":
            in_block = False
        elif (in_block or line.startswith("require ")) and line:
            parts = line.removeprefix("require ").split()
            if parts:
                names.append((parts[0].strip('"').lower(), number))
    return names, {"module": module}


def parse_cargo_toml(text: str) -> Parsed:
    data = tomllib.loads(text)
    tables = [data.get(k) for k in ("dependencies", "dev-dependencies", "build-dependencies")]
    tables.append(_dict(data.get("workspace")).get("dependencies"))
    tables += [_dict(target).get(k) for target in _dict(data.get("target")).values()
               for k in ("dependencies", "dev-dependencies")]
    names = [str(name).lower() for table in tables for name in _dict(table)]
    return _named(text, names), data


def parse_gemfile(text: str) -> Parsed:
    names = re.findall(r"^\s*gem\s*\(?\s*[\"']([^\"']+)[\"']", text, re.MULTILINE)
    return _named(text, [n.lower() for n in names]), {}


def parse_gemspec(text: str) -> Parsed:
    names = re.findall(r"add_(?:runtime_|development_)?dependency\s*\(?\s*[\"']([^\"']+)[\"']", text)
    license_match = re.search(r"\.licen[cs]es?\s*=\s*\[?\s*[\"']([^\"']+)[\"']", text)
    return _named(text, [n.lower() for n in names]), {"license": license_match.group(1) if license_match else None}


def parse_composer_json(text: str) -> Parsed:
    data = loads_json(text)
    if not isinstance(data, dict):
        raise ValueError("composer.json is not an object")
    names = [str(n).lower() for key in ("require", "require-dev") for n in _dict(data.get(key))
             if n != "php" and not str(n).startswith("ext-")]
    return _named(text, names), data


def parse_msbuild_project(text: str) -> Parsed:
    names = re.findall(r"<PackageReference\s+Include\s*=\s*\"([^\"]+)\"", text, re.IGNORECASE)
    properties = {key: value.strip() for key, value in re.findall(
        r"<(PackageId|IsPackable|OutputType|PackageLicenseExpression|GeneratePackageOnBuild|"
        r"RestorePackagesWithLockFile)>([^<]*)</\1>", text)}
    sdk = re.search(r"<Project\s+Sdk\s*=\s*\"([^\"]+)\"", text)
    properties["Sdk"] = sdk.group(1) if sdk else None
    return _named(text, [n.lower() for n in names]), properties


def parse_pom(text: str) -> Parsed:
    text_no_comments = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    names = [f"{g.strip()}:{a.strip()}".lower() for g, a in re.findall(
        r"<dependency>\s*<groupId>([^<]+)</groupId>\s*<artifactId>([^<]+)</artifactId>", text_no_comments)]
    plugins = [a.strip().lower() for a in re.findall(
        r"<plugin>\s*(?:<groupId>[^<]*</groupId>\s*)?<artifactId>([^<]+)</artifactId>", text_no_comments)]
    head = re.sub(r"<parent>.*?</parent>", "", text_no_comments, count=1, flags=re.DOTALL)
    packaging = re.search(r"<packaging>\s*([^<\s]+)\s*</packaging>", head)
    artifact = re.search(r"<artifactId>\s*([^<\s]+)\s*</artifactId>", head)
    return [(name, line_of(text, name.split(":")[1])) for name in dict.fromkeys(names)], {
        "packaging": packaging.group(1) if packaging else "jar",  # Maven's default packaging
        "artifactId": artifact.group(1) if artifact else None, "plugins": plugins,
        "licenses": re.findall(r"<license>\s*<name>([^<]+)</name>", text_no_comments)}


_GRADLE_DEPENDENCY = re.compile(r"\b\w*(?:[Ii]mplementation|[Aa]pi|[Cc]ompileOnly|[Rr]untimeOnly|compile|kapt|ksp)"
                                r"\s*\(?\s*[\"']([\w.-]+):([\w.-]+)")
_GRADLE_PLUGIN = re.compile(r"\bid\s*\(?\s*[\"']([\w.-]+)[\"']|apply\s+plugin\s*:\s*[\"']([\w.-]+)[\"']|"
                            r"^\s*(java|`java-library`|application|war|`maven-publish`|kotlin\(\"jvm\"\))\s*$",
                            re.MULTILINE)


def parse_gradle(text: str) -> Parsed:
    names = [f"{g}:{a}".lower() for g, a in _GRADLE_DEPENDENCY.findall(text)]
    plugins = sorted({(a or b or c).strip("`") for a, b, c in _GRADLE_PLUGIN.findall(text)})
    return _named(text, names), {"plugins": plugins}


def parse_version_catalog(text: str) -> Parsed:
    data = tomllib.loads(text)
    names = []
    for entry in _dict(data.get("libraries")).values():
        if isinstance(entry, str):
            names.append(":".join(entry.split(":")[:2]).lower())
        elif isinstance(entry, dict):
            module = entry.get("module") or f"{entry.get('group')}:{entry.get('name')}"
            names.append(str(module).lower())
    return _named(text, names), {}


def parse_mix_exs(text: str) -> Parsed:
    return _named(text, [n.lower() for n in re.findall(r"\{\s*:(\w+)\s*,", text)]), {}


def parse_pubspec(text: str) -> Parsed:
    data = load_yaml(text, positions=False).first
    data = data if isinstance(data, dict) else {}
    names = [str(n).lower() for key in ("dependencies", "dev_dependencies") for n in _dict(data.get(key))]
    return _named(text, names), {}


def parse_package_swift(text: str) -> Parsed:
    urls = re.findall(r"\.package\s*\(\s*(?:name:\s*\"[^\"]*\"\s*,\s*)?url:\s*\"([^\"]+)\"", text)
    names = [url.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1].lower() for url in urls]
    return _named(text, names), {}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


PARSERS: dict[str, Callable[[str], Parsed]] = {
    "package.json": parse_package_json, "pyproject.toml": parse_pyproject, "setup.cfg": parse_setup_cfg,
    "setup.py": parse_setup_py, "Pipfile": parse_pipfile, "go.mod": parse_go_mod, "Cargo.toml": parse_cargo_toml,
    "Gemfile": parse_gemfile, "composer.json": parse_composer_json, "pom.xml": parse_pom,
    "build.gradle": parse_gradle, "build.gradle.kts": parse_gradle, "libs.versions.toml": parse_version_catalog,
    "mix.exs": parse_mix_exs, "pubspec.yaml": parse_pubspec, "Package.swift": parse_package_swift,
}
