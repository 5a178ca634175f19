"""The scanned repository's own settings: `.devops-scan.yml`, or `[tool.devops-scan]` in pyproject.toml.

    exclude:                      # gitignore-style patterns: vendored code, examples, test data
      - examples/
      - "**/testdata/**"
    not_applicable:               # practices that do not apply here, each with its reason
      - practice: deploy.continuous
        reason: A library; releases are published by maintainers from a tag.

A broken configuration never stops a scan: it is reported as a warning and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from devops_scan.clients.base import RepoClient
from devops_scan.detector import PRACTICE_ID
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Finding, Location, Outcome
from devops_scan.yamlsafe import YamlProblem, item_line, load_yaml

CONFIG_FILES = (".devops-scan.yml", ".devops-scan.yaml")


@dataclass(frozen=True)
class NotApplicable:
    practice: str
    reason: str
    where: Location


@dataclass(frozen=True)
class ScanConfig:
    source: str | None = None
    exclude: tuple[str, ...] = ()
    not_applicable: tuple[NotApplicable, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def excluder(self) -> Callable[[str], bool]:
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(self.exclude).match_file

    def apply(self, findings: Mapping[str, Finding]) -> dict[str, Finding]:
        """Findings with the declared not_applicable practices overriding what detectors said."""
        result = dict(findings)
        for entry in self.not_applicable:
            fact = Fact("config", "declared not applicable", entry.where)
            result[entry.practice] = Finding(entry.practice, Outcome.NOT_APPLICABLE,
                                             f"declared not applicable in {self.source}: {entry.reason}", (fact,))
        return dict(sorted(result.items()))


def load_config(client: RepoClient) -> ScanConfig:
    """The repository's configuration (empty when it has none); problems become warnings."""
    for name in CONFIG_FILES:
        if name in client.files:
            try:
                data = load_yaml(client.read_text(name).text).first
            except (UnreadableFile, YamlProblem) as error:
                return ScanConfig(source=name, warnings=(f"{name}: ignored, {error}",))
            return _parse(name, data)
    if "pyproject.toml" in client.files:
        return _from_pyproject(client)
    return ScanConfig()


def _from_pyproject(client: RepoClient) -> ScanConfig:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    try:
        data = tomllib.loads(client.read_text("pyproject.toml").text)
    except (UnreadableFile, tomllib.TOMLDecodeError):
        return ScanConfig()  # not ours to report: the packaging detectors read pyproject.toml
    tools = data.get("tool")
    section = tools.get("devops-scan") if isinstance(tools, dict) else None  # `tool = 3` is valid TOML
    if section is None:
        return ScanConfig()
    return _parse("pyproject.toml [tool.devops-scan]", section)


def _parse(source: str, data: Any) -> ScanConfig:
    if data is None:
        return ScanConfig(source=source)
    if not isinstance(data, dict):
        return ScanConfig(source=source, warnings=(f"{source}: ignored, expected a mapping",))
    warnings: list[str] = []
    unknown = sorted(str(key) for key in data if key not in ("exclude", "not_applicable"))
    if unknown:
        warnings.append(f"{source}: unknown setting(s) ignored: {', '.join(unknown)}")
    exclude = data.get("exclude") or []
    if not isinstance(exclude, list) or not all(isinstance(item, str) for item in exclude):
        warnings.append(f"{source}: `exclude` must be a list of path patterns; ignored")
        exclude = []
    declared: list[NotApplicable] = []
    entries = data.get("not_applicable") or []
    if not isinstance(entries, list):
        warnings.append(f"{source}: `not_applicable` must be a list of {{practice, reason}}; ignored")
        entries = []
    for index, entry in enumerate(entries):
        line = item_line(entries, index)
        where = f"{source}:{line}" if line else source
        if not isinstance(entry, dict) or not isinstance(entry.get("practice"), str):
            warnings.append(f"{where}: a not_applicable entry needs `practice:`; ignored")
        elif not PRACTICE_ID.match(entry["practice"]):
            warnings.append(f"{where}: '{entry['practice']}' is not a practice id; ignored")
        elif not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            warnings.append(f"{where}: not_applicable '{entry['practice']}' has no `reason:`; ignored "
                            "(say why it does not apply, it is shown in the report)")
        else:
            path = source.split(" ")[0]
            declared.append(NotApplicable(entry["practice"], entry["reason"].strip(), Location(path, line)))
    return ScanConfig(source=source, exclude=tuple(exclude), not_applicable=tuple(declared),
                      warnings=tuple(warnings))
