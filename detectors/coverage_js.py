"""JavaScript/TypeScript coverage settings: jest, vitest, nyc, c8.

Configuration written as JavaScript (`jest.config.js`, `vitest.config.ts`) is read as text with its
comments blanked, never run: a commented-out `// collectCoverage: true` is not set. Jest and
Vitest check their thresholds only when coverage is collected, which the readers say.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any, Callable

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan.yamlsafe import key_line
from devops_scan_detectors import declared_dependencies as deps
from devops_scan_detectors.code_text import blank_comments, object_after
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import json_file, json_line, line_at, read_text
from devops_scan_detectors.coverage_model import (
    RUNNER, CoverageBuilder, DefaultCollection, Threshold, ToolConfig, percent,
)

_JS = ("js", "ts", "mjs", "cjs", "mts", "cts")
METRICS = ("lines", "branches", "functions", "statements")
JEST_KEYS = ("collectCoverage", "coverageThreshold", "coverageReporters", "collectCoverageFrom",
             "coverageDirectory", "coverageProvider")
_METRIC_IN_CODE = re.compile(r"""["']?\b(lines|branches|functions|statements)\b["']?\s*:\s*(-?\d+(?:\.\d+)?)""")
_ALL_100 = re.compile(r"""["']?\b100\b["']?\s*:\s*true""")  # vitest's `thresholds: { 100: true }`
_COLLECT_BY_DEFAULT = re.compile(r"""(?<![\w$])["']?collectCoverage["']?\s*:\s*true\b""")
COLLECTS = "`collectCoverage: true`: every jest run collects coverage"
# keys → line: how each reader locates a (nested) key in its file.
LineOf = Callable[..., "int | None"]


def collect(client: RepoClient, context: ScanContext, out: CoverageBuilder) -> None:
    for path in client.files.named(*(f"jest.config.{ext}" for ext in _JS)):
        with out.reading(path):
            _jest_code(client, path, out)
    for path in client.files.named("jest.config.json", "package.json"):
        with out.reading(path):
            _json_configs(client, context, path, out)
    for path in client.files.named(*(f"{base}.config.{ext}" for base in ("vitest", "vite") for ext in _JS)):
        with out.reading(path):
            _vitest(client, path, out)
    for path in client.files.named(".nycrc", ".nycrc.json", ".c8rc", ".c8rc.json", ".nycrc.yml", ".nycrc.yaml"):
        with out.reading(path):
            _rc_file(client, context, path, out)
    for path in client.files.named("nyc.config.js", "nyc.config.cjs"):
        with out.reading(path):
            _nyc_code(client, path, out)
    for dependency in deps.declared_dependencies(client, context).named(
            deps.NPM, "nyc", "c8", "@vitest/coverage-v8", "@vitest/coverage-istanbul"):
        tool = "vitest" if dependency.name.startswith("@vitest/") else dependency.name
        out.tools.append(ToolConfig(tool, dependency.location, f"`{dependency.name}` declared as a dependency"))


def _own_text(client: RepoClient, path: str) -> str | None:
    return None if not_the_projects_own(path) else read_text(client, path)


# --- jest -------------------------------------------------------------------------------------------


def _jest_code(client: RepoClient, path: str, out: CoverageBuilder) -> None:
    text = _own_text(client, path)
    if text is None:
        return
    code = blank_comments(text)
    keys = [(key, match.start()) for key in JEST_KEYS
            for match in [re.search(r"(?<![\w$])[\"']?" + key + r"[\"']?\s*:", code)] if match]
    if not keys:
        return
    out.tools.append(ToolConfig("jest", Location(path, line_at(code, keys[0][1])),
                                "coverage options: " + ", ".join(key for key, _ in keys)))
    by_default = _COLLECT_BY_DEFAULT.search(code)
    if by_default:
        location = Location(path, line_at(code, by_default.start()))
        out.default_collection.append(DefaultCollection("jest", "jest", location, COLLECTS))
    block = object_after(code, "coverageThreshold")
    scope = object_after(block[0], "global") if block else None
    for metric, raw, offset in _metrics_in_code(scope[0]) if block and scope else ():
        location = Location(path, line_at(code, block[1] + scope[1] + offset))
        _jest_threshold(out, location, metric, raw, bool(by_default))


def _metrics_in_code(code: str) -> list[tuple[str, str, int]]:
    return [(m.group(1), m.group(2), m.start()) for m in _METRIC_IN_CODE.finditer(code)]


def _jest_threshold(out: CoverageBuilder, location: Location, metric: str, raw: Any, by_default: bool) -> None:
    value = percent(raw)
    if value is None or float(raw) < 0:  # a negative number is a count of uncovered entities, not a percent
        return
    when = ("every jest run (`collectCoverage: true`)" if by_default
            else "jest runs that collect coverage (`jest --coverage`)")
    out.thresholds.append(Threshold("jest", value, location, RUNNER, when,
                                    ("jest",) if by_default else ("jest --coverage",), metric))


def _json_configs(client: RepoClient, context: ScanContext, path: str, out: CoverageBuilder) -> None:
    data = json_file(client, context, path) if not not_the_projects_own(path) else None
    if not isinstance(data, dict):
        return
    text = read_text(client, path) or ""
    outer = () if path.endswith("jest.config.json") else ("jest",)
    jest = data if not outer else data.get("jest")
    if isinstance(jest, dict) and any(key in jest for key in JEST_KEYS):
        _jest_json(jest, path, lambda *keys: json_line(text, *outer, *keys), out)
    if posixpath.basename(path) == "package.json":
        for key in ("nyc", "c8"):
            if isinstance(data.get(key), dict):
                _rc_settings(out, key, data[key], path,
                             lambda *keys, k=key: json_line(text, k, *keys, object_last=not keys))


def _jest_json(jest: dict[str, Any], path: str, line_of: LineOf, out: CoverageBuilder) -> None:
    present = [key for key in JEST_KEYS if key in jest]
    out.tools.append(ToolConfig("jest", Location(path, line_of(present[0])), "coverage options: " + ", ".join(present)))
    by_default = jest.get("collectCoverage") is True
    if by_default:
        out.default_collection.append(DefaultCollection("jest", "jest", Location(path, line_of("collectCoverage")),
                                                        COLLECTS))
    thresholds = jest.get("coverageThreshold")
    scope = thresholds.get("global") if isinstance(thresholds, dict) else None
    for metric in METRICS if isinstance(scope, dict) else ():
        if metric in scope:
            location = Location(path, line_of("coverageThreshold", "global", metric))
            _jest_threshold(out, location, metric, scope[metric], by_default)


# --- vitest -----------------------------------------------------------------------------------------


def _vitest(client: RepoClient, path: str, out: CoverageBuilder) -> None:
    text = _own_text(client, path)
    code = blank_comments(text) if text is not None else ""
    block = object_after(code, "coverage")
    if block is None:
        return
    body, start = block
    out.tools.append(ToolConfig("vitest", Location(path, line_at(code, start)), "`coverage` settings"))
    enabled = re.search(r"\benabled\s*:\s*true\b", body)
    if enabled:
        out.default_collection.append(DefaultCollection(
            "vitest", "vitest", Location(path, line_at(code, start + enabled.start())),
            "`coverage.enabled: true`: every vitest run collects coverage"))
    # Vitest ≥ 1 writes `thresholds: {...}`; older versions put the metrics in `coverage` itself.
    thresholds = object_after(body, "thresholds")
    scope, scope_start = thresholds if thresholds else (body, 0)
    found = _metrics_in_code(scope)
    all_100 = _ALL_100.search(scope)
    if all_100:
        found = [(metric, "100", all_100.start()) for metric in METRICS]
    when = "every vitest run (`coverage.enabled: true`)" if enabled else "vitest runs with `--coverage`"
    commands = ("vitest",) if enabled else ("vitest --coverage",)
    for metric, raw, offset in found:
        value = percent(raw)
        if value is not None and float(raw) >= 0:
            location = Location(path, line_at(code, start + scope_start + offset))
            out.thresholds.append(Threshold("vitest", value, location, RUNNER, when, commands, metric))


# --- nyc / c8 ---------------------------------------------------------------------------------------


def _rc_file(client: RepoClient, context: ScanContext, path: str, out: CoverageBuilder) -> None:
    if not_the_projects_own(path):
        return
    tool = "c8" if posixpath.basename(path).startswith(".c8rc") else "nyc"
    if path.endswith((".yml", ".yaml")):
        data = context.yaml(client, path).first
        _rc_settings(out, tool, data, path, lambda *keys: key_line(data, keys[-1]) if keys else None)
        return
    data = json_file(client, context, path)
    text = read_text(client, path) or ""
    _rc_settings(out, tool, data, path, lambda *keys: json_line(text, *keys))


def _nyc_code(client: RepoClient, path: str, out: CoverageBuilder) -> None:
    """`nyc.config.js`: the exported object's literal values, read as text (a value computed at run
    time, such as `process.env.X === 'true'`, is not `true` here)."""
    text = _own_text(client, path)
    code = blank_comments(text) if text is not None else ""
    block = object_after(code, "exports") or object_after(code, "default")
    if block is None:
        return
    body, start = block
    settings: dict[str, Any] = {}
    lines: dict[str, int] = {}
    check = re.search(r"""["']check-coverage["']\s*:\s*true\b|\bcheckCoverage\s*:\s*true\b""", body)
    if check:
        settings["check-coverage"], lines["check-coverage"] = True, line_at(code, start + check.start())
    for metric, raw, offset in _metrics_in_code(body):
        settings[metric], lines[metric] = raw, line_at(code, start + offset)
    _rc_settings(out, "nyc", settings, path, lambda *keys: lines.get(keys[-1]) if keys else line_at(code, start))


def _rc_settings(out: CoverageBuilder, tool: str, data: Any, path: str, line_of: LineOf) -> None:
    """nyc/c8 settings: configuration always; thresholds only with `check-coverage: true`."""
    if not isinstance(data, dict):
        return
    out.tools.append(ToolConfig(tool, Location(path, line_of()),
                                f"configuration (applies when a command is run through `{tool}`)"))
    check_key = "check-coverage" if "check-coverage" in data else "checkCoverage"
    if data.get(check_key) is not True:
        return
    stated = [metric for metric in METRICS if percent(data.get(metric)) is not None]
    when = f"commands run through `{tool}` (check-coverage)"
    for metric in stated:
        location = Location(path, line_of(metric))
        out.thresholds.append(Threshold(tool, percent(data[metric]), location, RUNNER, when, (tool,), metric))
    if not stated:
        out.thresholds.append(Threshold(tool, None, Location(path, line_of(check_key)), RUNNER,
                                        f"commands run through `{tool}` (check-coverage with {tool}'s default numbers)",
                                        (tool,)))
