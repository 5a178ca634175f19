"""Coverage settings from the repository's files, computed once per scan for every detector.

`coverage_settings(client, context)` gathers, per tool, what is configured, what the test runner
collects by default, which thresholds exist (with value, location and what enforces them) and which
reporting services are configured. A `[tool.coverage]` section alone is configuration, not
collection. The CI detectors decide the practices by combining this with what pipelines run.

Reporting services read here: Codecov (`codecov.yml` in the root, `dev/` or `.github/`, whose
`coverage.status` targets are gates enforced by the service on pull requests), Coveralls
(`.coveralls.yml`), SonarQube/SonarCloud (`sonar-project.properties`, `sonar.*` properties in a
pom, the `org.sonarqube` Gradle plugin), Code Climate (`.codeclimate.yml`) and Qlty (`.qlty/qlty.toml`).
"""

from __future__ import annotations

import re
from typing import Any

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem, key_line
from devops_scan_detectors import coverage_js, coverage_jvm, coverage_misc, coverage_python
from devops_scan_detectors.common import not_the_projects_own
from devops_scan_detectors.config_readers import line_at, read_text
from devops_scan_detectors.coverage_model import (
    SERVICE, CoverageBuilder, CoverageSettings, ServiceConfig, Threshold, percent,
)
from devops_scan_detectors.xml_reader import xml_file

CODECOV_FILES = tuple(f"{folder}{name}" for folder in ("", "dev/", ".github/")
                      for name in ("codecov.yml", ".codecov.yml", "codecov.yaml", ".codecov.yaml"))
CODECOV_GATE = "Codecov status check on pull requests (blocks merging only where branch protection requires it)"
READERS = (coverage_python.collect, coverage_js.collect, coverage_jvm.collect, coverage_misc.collect)


def coverage_settings(client: RepoClient, context: ScanContext) -> CoverageSettings:
    """Everything the files say about coverage; memoised for the scan."""
    return context.shared("coverage-settings", lambda: _collect(client, context))


def _collect(client: RepoClient, context: ScanContext) -> CoverageSettings:
    out = CoverageBuilder()
    for reader in READERS:
        with out.reading(reader.__module__):
            reader(client, context, out)
    for path in CODECOV_FILES:
        if path in client.files:
            with out.reading(path):
                _codecov(client, context, path, out)
    with out.reading("reporting services"):
        _other_services(client, context, out)
    return out.freeze()


def _codecov(client: RepoClient, context: ScanContext, path: str, out: CoverageBuilder) -> None:
    try:
        data = context.yaml(client, path).first
    except YamlProblem as problem:
        out.problems.append(f"{path}: not valid YAML ({problem}); Codecov would not read it either")
        return
    out.services.append(ServiceConfig("codecov", Location(path), "Codecov configuration"))
    status = _get(_get(data, "coverage"), "status")
    for kind in ("project", "patch"):
        entries = _get(status, kind)
        if not isinstance(entries, dict):
            continue  # `project: off`, absent, or Codecov's defaults
        for flag, settings in sorted(entries.items(), key=lambda item: str(item[0])):
            if not isinstance(settings, dict) or settings.get("informational") is True:
                continue  # an informational status reports without failing
            raw = settings.get("target", "auto")
            value = None if str(raw).strip() == "auto" else percent(raw)
            if value is None and str(raw).strip() != "auto":
                continue
            when = CODECOV_GATE + (" (target `auto`: no drop below the base commit)" if value is None else "")
            out.thresholds.append(Threshold("codecov", value, Location(path, key_line(settings, "target") or
                                                                           key_line(entries, flag)),
                                            SERVICE, when, (), f"{kind} ({flag})"))


def _get(data: Any, key: str) -> Any:
    return data.get(key) if isinstance(data, dict) else None


def _other_services(client: RepoClient, context: ScanContext, out: CoverageBuilder) -> None:
    for path in client.files.named(".coveralls.yml"):
        if not not_the_projects_own(path):
            text = read_text(client, path) or ""
            secret = " — it holds a `repo_token`, a secret that belongs in CI settings" if "repo_token" in text else ""
            out.services.append(ServiceConfig("coveralls", Location(path), "Coveralls configuration" + secret))
    for path in client.files.named("sonar-project.properties", ".sonarcloud.properties"):
        if not not_the_projects_own(path):
            out.services.append(_sonar_properties(client, path))
    for path in client.files.named("pom.xml"):
        root = xml_file(client, context, path).root if not not_the_projects_own(path) else None
        names = [c for p in (root.path("properties") if root is not None else []) for c in p.children
                 if c.tag.startswith("sonar.") and ("coverage" in c.tag or "reportPath" in c.tag)]
        if names:
            out.services.append(ServiceConfig("sonar", Location(path, names[0].line),
                                              "imports coverage: " + ", ".join(sorted({c.tag for c in names}))))
    for path in client.files.with_extension("gradle", "kts"):
        build_script = path.endswith((".gradle", ".gradle.kts")) and not not_the_projects_own(path)
        text = read_text(client, path) if build_script else None
        match = re.search(r"""["']org\.sonarqube["']""", text or "")
        if match:
            out.services.append(ServiceConfig("sonar", Location(path, line_at(text, match.start())),
                                              "SonarQube Gradle plugin applied"))
    for path in client.files.named(".codeclimate.yml"):
        if not not_the_projects_own(path):
            out.services.append(ServiceConfig("codeclimate", Location(path), "Code Climate configuration (coverage "
                                              "arrives through its test reporter in CI)"))
    if ".qlty/qlty.toml" in client.files:
        out.services.append(ServiceConfig("qlty", Location(".qlty/qlty.toml"), "Qlty configuration (coverage arrives "
                                          "through `qlty coverage publish` in CI)"))


def _sonar_properties(client: RepoClient, path: str) -> ServiceConfig:
    text = read_text(client, path) or ""
    keys = [(m.group(1), m.start()) for m in re.finditer(r"(?m)^[ \t]*(sonar\.[\w.\-]+)\s*[=:]", text)]
    coverage = [(key, offset) for key, offset in keys if "coverage" in key.lower() or "lcov" in key.lower()
                or key.lower().endswith(("reportpaths", "reportspaths"))]
    if coverage:
        return ServiceConfig("sonar", Location(path, line_at(text, coverage[0][1])),
                             "imports coverage: " + ", ".join(sorted({key for key, _ in coverage})))
    return ServiceConfig("sonar", Location(path), "SonarQube/SonarCloud configuration, no coverage report imported")
