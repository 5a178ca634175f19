"""Python dependency names from pyproject.toml, setup.cfg, tox.ini, Pipfile, requirements files and
setup.py — each read as data or text, never executed. Names are normalised (PEP 503)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from devops_scan_detectors.config_readers import dig, parse_ini, parse_toml

Names = Iterator[tuple[str, int | None]]


_PEP508_NAME = re.compile(r"^[ \t]*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def normalise_pypi(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: Any) -> str | None:
    # Options (`-r base.txt`), comments, tox substitutions (`{[base]deps}`) and URLs name no package.
    if not isinstance(spec, str) or spec.lstrip().startswith(("-", "#", "{")):
        return None
    if "://" in spec.split(";")[0].split("@")[0]:
        return None
    match = _PEP508_NAME.match(spec)
    return normalise_pypi(match.group(1)) if match else None


def _name_line(text: str, name: str) -> int | None:
    """Line where a dependency name is written, quoted (`"pytest>=8"`) or as a key (`pytest = "^8"`)."""
    flexible = r"[-_.]".join(re.escape(part) for part in re.split(r"[-_.]", name))
    pattern = re.compile(rf"""["']{flexible}(?![A-Za-z0-9_.-]*[A-Za-z0-9])|^[ \t]*["']?{flexible}["']?\s*=""",
                         re.IGNORECASE | re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else None


def pyproject(text: str) -> Names:
    data = parse_toml(text)
    if data is None:
        return
    specs: list[Any] = list(dig(data, "project", "dependencies") or [])
    for group in (dig(data, "project", "optional-dependencies") or {}).values():
        specs.extend(group if isinstance(group, list) else [])
    for group in (data.get("dependency-groups") or {}).values():
        specs.extend(group if isinstance(group, list) else [])
    for group in (dig(data, "tool", "pdm", "dev-dependencies") or {}).values():
        specs.extend(group if isinstance(group, list) else [])
    specs.extend(dig(data, "tool", "uv", "dev-dependencies") or [])
    for env in (dig(data, "tool", "hatch", "envs") or {}).values():
        if isinstance(env, dict):
            specs.extend((env.get("dependencies") or []) + (env.get("extra-dependencies") or []))
    poetry = dig(data, "tool", "poetry") or {}
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [dig(group, "dependencies") for group in (poetry.get("group") or {}).values()]
    for table in tables:
        if isinstance(table, dict):
            specs.extend(key for key in table if key.lower() != "python")
    for spec in specs:
        name = _requirement_name(spec)
        if name:
            yield name, _name_line(text, name)


def pipfile(text: str) -> Names:
    data = parse_toml(text) or {}
    for section in ("packages", "dev-packages"):
        for key in data.get(section) or {}:
            yield normalise_pypi(key), _name_line(text, key)


def setup_cfg(text: str) -> Names:
    ini = parse_ini(text)
    entries = []
    options = ini.section("options")
    if options:
        entries += [e for e in (options.get("install_requires"), options.get("tests_require")) if e]
    extras = ini.section("options.extras_require")
    entries += list(extras.entries) if extras else []
    yield from _ini_requirements(entries)


def tox_ini(text: str) -> Names:
    ini = parse_ini(text)
    entries = [e for section in ini.sections_starting("testenv") for e in [section.get("deps")] if e]
    yield from _ini_requirements(entries)


def _ini_requirements(entries: list[Any]) -> Names:
    for entry in entries:
        for offset, line in enumerate(entry.value.splitlines()):
            name = _requirement_name(line.strip())
            if name:
                yield name, entry.line + offset


def setup_py(text: str) -> Names:
    start = re.search(r"\b(install_requires|extras_require|tests_require)\b", text)
    if start is None:
        return
    for match in re.finditer(r"""["']([A-Za-z0-9][A-Za-z0-9._-]*(?:\[[^\]'"]*\])?\s*(?:[<>=!~]=?[^"']*)?)["']""",
                             text[start.start():]):
        name = _requirement_name(match.group(1))
        if name:
            yield name, text.count("\n", 0, start.start() + match.start()) + 1


def requirements_txt(text: str) -> Names:
    for number, line in enumerate(text.splitlines(), start=1):
        name = _requirement_name(line.split("#", 1)[0].strip())
        if name:
            yield name, number
