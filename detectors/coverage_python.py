"""Python coverage settings: coverage.py configuration, pytest-cov, and pytest's default options.

Both tools read only ONE configuration file per directory, the first that has their settings:
coverage.py `.coveragerc` → `setup.cfg` → `tox.ini` → `pyproject.toml`; pytest `pytest.ini` →
`.pytest.ini` → `pyproject.toml` → `tox.ini` → `setup.cfg`. A setting in a file the tool does not
read is reported as ignored, not as configured: that is how a naive scanner is fooled.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors import declared_dependencies as deps
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import IniEntry, dig, ini_file, read_text, toml_file, toml_line
from devops_scan_detectors.coverage_model import (
    RUNNER, CoverageBuilder, DefaultCollection, Threshold, ToolConfig, percent,
)

COVERAGE_FILES = (".coveragerc", "setup.cfg", "tox.ini", "pyproject.toml")
PYTEST_FILES = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


@dataclass(frozen=True)
class _Settings:
    """One file's settings for a tool: where, a few values with their lines."""

    path: str
    line: int | None
    values: dict[str, tuple[Any, int | None]]  # key → (value, line)
    # For INI files, the entry itself: a multi-line value's options each have their own line.
    entry: IniEntry | None = None

    def line_of(self, key: str, token: str) -> int | None:
        return self.entry.line_of(token) if self.entry is not None else self.values[key][1]


def collect(client: RepoClient, context: ScanContext, out: CoverageBuilder) -> None:
    collecting_dirs = _pytest(client, context, out)
    _coverage_py(client, context, out, collecting_dirs)
    for dependency in deps.declared_dependencies(client, context).named(deps.PYPI, "pytest-cov", "coverage"):
        tool = "pytest-cov" if dependency.name == "pytest-cov" else "coverage.py"
        out.tools.append(ToolConfig(tool, dependency.location, "declared as a dependency"))


def _by_directory(client: RepoClient, names: tuple[str, ...]) -> dict[str, list[str]]:
    folders: dict[str, list[str]] = {}
    for path in client.files.named(*names):
        if not not_the_projects_own(path):
            folders.setdefault(posixpath.dirname(path), []).append(path)
    return {folder: sorted(paths, key=lambda p: names.index(posixpath.basename(p)))
            for folder, paths in sorted(folders.items())}


# --- pytest -----------------------------------------------------------------------------------------


def _pytest_settings(client: RepoClient, context: ScanContext, path: str) -> _Settings | None:
    name = posixpath.basename(path)
    if name.endswith(".toml"):
        data = toml_file(client, context, path)
        table = dig(data, "tool", "pytest", "ini_options")
        if not isinstance(table, dict):
            return None
        text = read_text(client, path) or ""
        addopts = table.get("addopts", "")
        return _Settings(path, toml_line(text, "tool.pytest.ini_options"),
                         {"addopts": (addopts, toml_line(text, "tool.pytest.ini_options.addopts"))})
    ini = ini_file(client, context, path)
    section_name = {"tox.ini": "pytest", "setup.cfg": "tool:pytest"}.get(name, "pytest")
    section = ini.section(section_name) if ini else None
    if section is None and name not in ("pytest.ini", ".pytest.ini"):
        return None
    entry = section.get("addopts") if section else None
    return _Settings(path, section.line if section else None,
                     {"addopts": (entry.value, entry.line) if entry else ("", None)}, entry)


def _addopts_tokens(raw: Any) -> list[str]:
    if isinstance(raw, list):
        return [str(item) for item in raw]
    try:
        return shlex.split(str(raw))
    except ValueError:  # an unbalanced quote: pytest would fail too, read the words anyway
        return str(raw).split()


def _pytest(client: RepoClient, context: ScanContext, out: CoverageBuilder) -> dict[str, bool]:
    """pytest-cov options in each directory's effective pytest configuration; returns the
    directories where every pytest run collects coverage (→ whether addopts sets its own threshold)."""
    collecting: dict[str, bool] = {}
    for folder, paths in _by_directory(client, PYTEST_FILES).items():
        effective: _Settings | None = None
        for path in paths:
            with out.reading(path):
                settings = _pytest_settings(client, context, path)
                if settings is None:
                    continue
                if effective is None:
                    effective = settings
                    active, own_threshold = _read_addopts(settings, out)
                    if active:
                        collecting[folder] = own_threshold
                elif any(t.startswith("--cov") for t in _addopts_tokens(settings.values["addopts"][0])):
                    ignored = f"`--cov` options here are ignored: pytest reads {effective.path} first"
                    out.tools.append(ToolConfig("pytest-cov", Location(path, settings.values["addopts"][1]), ignored))
    return collecting


def _read_addopts(settings: _Settings, out: CoverageBuilder) -> tuple[bool, bool]:
    """(every run collects coverage, addopts sets --cov-fail-under)."""
    raw, line = settings.values["addopts"]
    tokens = _addopts_tokens(raw)
    location = Location(settings.path, line)
    disabled = "--no-cov" in tokens or any(a == "-p" and b in ("no:cov", "no:pytest_cov")
                                           for a, b in zip(tokens, tokens[1:], strict=False))
    cov = next((t for t in tokens if t == "--cov" or t.startswith("--cov=")), None)
    fail_under = None
    for index, token in enumerate(tokens):
        if token.startswith("--cov-fail-under="):
            fail_under = percent(token.split("=", 1)[1])
        elif token == "--cov-fail-under" and index + 1 < len(tokens):
            fail_under = percent(tokens[index + 1])
    if cov is None or disabled:
        if cov or fail_under is not None:
            why = ("`--no-cov` / `-p no:cov` turns it off" if disabled
                   else "there is no `--cov`, so pytest-cov is not active")
            out.tools.append(ToolConfig("pytest-cov", location, f"coverage options in pytest addopts, but {why}"))
        return False, False
    location = Location(settings.path, settings.line_of("addopts", cov))
    out.tools.append(ToolConfig("pytest-cov", location, f"pytest addopts `{cov}`"))
    out.default_collection.append(DefaultCollection(
        "pytest-cov", "pytest", location, f"pytest addopts has `{cov}`: every pytest run collects coverage"))
    if fail_under is not None:
        threshold_at = Location(settings.path, settings.line_of("addopts", "--cov-fail-under"))
        out.thresholds.append(Threshold("pytest-cov", fail_under, threshold_at, RUNNER,
                                        "every pytest run (addopts `--cov-fail-under`)", ("pytest",)))
    return True, fail_under is not None


# --- coverage.py ------------------------------------------------------------------------------------


def _coverage_settings(client: RepoClient, context: ScanContext, path: str) -> _Settings | None:
    name = posixpath.basename(path)
    if name == "pyproject.toml":
        table = dig(toml_file(client, context, path), "tool", "coverage")
        if not isinstance(table, dict):
            return None
        text = read_text(client, path) or ""
        fail_under = dig(table, "report", "fail_under")
        return _Settings(path, toml_line(text, "tool.coverage"),
                         {"fail_under": (fail_under, toml_line(text, "tool.coverage.report.fail_under"))})
    ini = ini_file(client, context, path)
    prefix = "" if name == ".coveragerc" else "coverage:"
    sections = [s for s in (ini.sections if ini else ()) if s.name.startswith(prefix)
                and s.name[len(prefix):] in ("run", "report", "html", "xml", "json", "lcov", "paths")]
    if not sections and name != ".coveragerc":
        return None
    report = next((s for s in sections if s.name == f"{prefix}report"), None)
    entry = report.get("fail_under") if report else None
    return _Settings(path, sections[0].line if sections else None,
                     {"fail_under": (entry.value, entry.line) if entry else (None, None)})


def _coverage_py(client: RepoClient, context: ScanContext, out: CoverageBuilder,
                 pytest_collects: dict[str, bool]) -> None:
    for folder, paths in _by_directory(client, COVERAGE_FILES).items():
        effective: _Settings | None = None
        for path in paths:
            with out.reading(path):
                settings = _coverage_settings(client, context, path)
                if settings is None:
                    continue
                if effective is not None:
                    out.tools.append(ToolConfig("coverage.py", Location(path, settings.line),
                                                f"settings here are ignored: coverage.py reads {effective.path} first"))
                    continue
                effective = settings
                out.tools.append(ToolConfig("coverage.py", Location(path, settings.line), "configuration"))
                raw, line = settings.values["fail_under"]
                value = percent(raw)
                if value is None:
                    continue
                # pytest-cov applies coverage.py's fail_under unless --cov-fail-under overrides it.
                if pytest_collects.get(folder) is False:
                    when, commands = "every pytest run (addopts has --cov; pytest-cov applies fail_under)", \
                        ("pytest", "coverage report")
                elif folder in pytest_collects:
                    when, commands = "`coverage report` (pytest runs use addopts' --cov-fail-under instead)", \
                        ("coverage report",)
                else:
                    when, commands = "`coverage report`, or pytest run with --cov", ("coverage report", "pytest --cov")
                out.thresholds.append(Threshold("coverage.py", value, Location(path, line), RUNNER, when, commands))
