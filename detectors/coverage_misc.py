"""Coverage settings of Ruby (SimpleCov), Rust (cargo-tarpaulin) and .NET (coverlet).

SimpleCov collects when the test helper every spec/test loads requires it — unless the require is
guarded by an environment variable (`if ENV["COVERAGE"]`), which makes it opt-in. coverlet.msbuild
collects on every `dotnet test` when a project sets `<CollectCoverage>true</CollectCoverage>`.
"""

from __future__ import annotations

import posixpath
import re

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan_detectors import declared_dependencies as deps
from devops_scan_detectors.code_text import blank_comments
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import line_at, read_text, toml_file, toml_line
from devops_scan_detectors.coverage_model import (
    RUNNER, CoverageBuilder, DefaultCollection, Threshold, ToolConfig, percent,
)
from devops_scan_detectors.xml_reader import XmlElement, xml_file

# Test helpers every test loads, and the command that runs them.
RUBY_HELPERS = {"spec_helper.rb": "rspec", "rails_helper.rb": "rspec", "test_helper.rb": "rake test",
                "env.rb": "cucumber"}
RUBY_RUNNERS = ("rspec", "rake test", "rails test")
_REQUIRE_SIMPLECOV = re.compile(r"""^[ \t]*require[ \t(]+["']simplecov["'][^\n]*$""", re.MULTILINE)
_GUARD = re.compile(r"""\b(if|unless)\b[^\n]*ENV|ENV\[[^\n]*\]\s*(&&|and)\s*require""")
# `minimum_coverage 90`, `minimum_coverage(90)`, `minimum_coverage line: 90, branch: 80`.
_MINIMUM = re.compile(r"""\bminimum_coverage\b\s*\(?\s*(?:(line|branch)\s*:\s*)?(\d+(?:\.\d+)?)"""
                      r"""(?:\s*,\s*(branch|line)\s*:\s*(\d+(?:\.\d+)?))?""")


def collect(client: RepoClient, context: ScanContext, out: CoverageBuilder) -> None:
    _simplecov(client, out)
    for path in client.files.named("tarpaulin.toml", ".tarpaulin.toml"):
        with out.reading(path):
            _tarpaulin(client, context, path, out)
    _coverlet(client, context, out)
    for dependency in deps.declared_dependencies(client, context).named(deps.RUBYGEMS, "simplecov"):
        out.tools.append(ToolConfig("simplecov", dependency.location, "declared in the Gemfile/gemspec"))


def _simplecov(client: RepoClient, out: CoverageBuilder) -> None:
    helpers = [p for p in client.files.named(*RUBY_HELPERS)
               if posixpath.basename(p) != "env.rb" or p.endswith("features/support/env.rb")]
    for path in sorted(client.files.named(".simplecov") + helpers):
        if not_the_projects_own(path):
            continue
        with out.reading(path):
            text = read_text(client, path)
            if text is None:
                continue
            code = blank_comments(text, hash_comments=True)
            start = re.search(r"\bSimpleCov\.start\b", code)
            if start:
                location = Location(path, line_at(code, start.start()))
                out.tools.append(ToolConfig("simplecov", location, "`SimpleCov.start`"))
            require = _REQUIRE_SIMPLECOV.search(code)
            runner = RUBY_HELPERS.get(posixpath.basename(path))
            if require and runner:
                _helper_require(code, path, require, runner, out)
            for match in _MINIMUM.finditer(code):
                pairs = [(match.group(1) or "line", match.group(2)), (match.group(3), match.group(4))]
                for metric, raw in pairs:
                    value = percent(raw) if metric else None
                    if value is not None:
                        out.thresholds.append(Threshold(
                            "simplecov", value, Location(path, line_at(code, match.start())), RUNNER,
                            "test runs that load SimpleCov (`minimum_coverage` fails the run)", RUBY_RUNNERS, metric))


def _helper_require(code: str, path: str, require: re.Match[str], runner: str, out: CoverageBuilder) -> None:
    before = code[:require.start()].rstrip().rsplit("\n", 1)[-1]
    location = Location(path, line_at(code, require.start()))
    if _GUARD.search(require.group(0)) or re.match(r"\s*(if|unless)\b", before):
        out.tools.append(ToolConfig("simplecov", location,
                                    "required only when an environment variable is set (opt-in)"))
        return
    out.default_collection.append(DefaultCollection(
        "simplecov", runner, location,
        f"{posixpath.basename(path)} requires simplecov: every `{runner}` run collects coverage"))


def _tarpaulin(client: RepoClient, context: ScanContext, path: str, out: CoverageBuilder) -> None:
    data = toml_file(client, context, path)
    if not isinstance(data, dict) or not_the_projects_own(path):
        return
    out.tools.append(ToolConfig("tarpaulin", Location(path),
                                "cargo-tarpaulin configuration (applies to `cargo tarpaulin`)"))
    text = read_text(client, path) or ""
    # Each table is a named configuration (`[report]`, `[default]`) that may set its own fail-under.
    for name, table in sorted(data.items()):
        value = percent(table.get("fail-under")) if isinstance(table, dict) else None
        if value is not None:
            location = Location(path, toml_line(text, f"{name}.fail-under"))
            out.thresholds.append(Threshold("tarpaulin", value, location, RUNNER,
                                            f"`cargo tarpaulin` (configuration `{name}`)", ("cargo tarpaulin",),
                                            "lines"))


def _coverlet(client: RepoClient, context: ScanContext, out: CoverageBuilder) -> None:
    packages = deps.declared_dependencies(client, context).matching(deps.NUGET, re.compile(r"^coverlet\.", re.I))
    for dependency in packages:
        out.tools.append(ToolConfig("coverlet", dependency.location, f"`{dependency.name}` package reference"))
    msbuild = any(d.name.lower() == "coverlet.msbuild" for d in packages)
    if not msbuild:  # the MSBuild properties below belong to coverlet.msbuild; without it they do nothing
        return
    projects = client.files.with_extension("csproj", "fsproj", "vbproj") + client.files.named("Directory.Build.props")
    for path in sorted(projects):
        root = xml_file(client, context, path).root if not not_the_projects_own(path) else None
        for group in root.children_named("PropertyGroup") if root is not None else ():
            with out.reading(path):
                _coverlet_properties(path, group, out)


def _coverlet_properties(path: str, group: XmlElement, out: CoverageBuilder) -> None:
    collect_flag = group.child("CollectCoverage")
    if collect_flag is not None and collect_flag.text.strip().lower() == "true":
        out.default_collection.append(DefaultCollection(
            "coverlet", "dotnet test", Location(path, collect_flag.line),
            "`<CollectCoverage>true</CollectCoverage>` with coverlet.msbuild: every `dotnet test` collects coverage"))
    threshold = group.child("Threshold")
    value = percent(threshold.text) if threshold is not None else None
    if value is None:
        return
    # coverlet's default ThresholdType is every metric: line, branch and method.
    kinds = group.text_of("ThresholdType") or "line,branch,method"
    for metric in [kind.strip() for kind in kinds.split(",") if kind.strip()]:
        out.thresholds.append(Threshold("coverlet", value, Location(path, threshold.line), RUNNER,
                                        "`dotnet test` with coverlet.msbuild collecting", ("dotnet test",), metric))
