"""Plugin discovery: built-ins through the entry-point group, and a real third-party distribution."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devops_scan.detector import Detector
from devops_scan.plugins import PluginSpec, find_plugins, load_plugins, validate
from tests.testing.fakes import FileExistsDetector
from tests.testing.repos import make_repo

DOCS = Path(__file__).resolve().parents[1] / "docs" / "plugins.md"


def worked_example() -> tuple[str, str]:
    """The plugin module and pyproject.toml of docs/plugins.md, so the documented example is what we test."""
    text = DOCS.read_text()
    module = re.search(r"```python\n(# acme_checks.py\n.*?)```", text, re.S).group(1)
    pyproject = re.search(r"```toml\n(.*?)```", text, re.S).group(1)
    # A second, broken entry point in the same distribution: it must be reported, not fatal.
    pyproject = pyproject.replace("[tool.setuptools]\npy-modules = [\"acme_checks\"]",
                                  "[tool.setuptools]\npy-modules = [\"acme_checks\", \"acme_broken\"]")
    entry = 'license-header = "acme_checks:LicenseHeaderDetector"'
    pyproject = pyproject.replace(entry, entry + '\nbroken = "acme_broken:Nothing"')
    build_system = '[build-system]\nrequires = ["setuptools>=70"]\nbuild-backend = "setuptools.build_meta"\n\n'
    return module, build_system + pyproject


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory) -> Path:
    """Build and install a tiny third-party distribution into its own site dir (no network)."""
    source = tmp_path_factory.mktemp("acme")
    module, pyproject = worked_example()
    (source / "pyproject.toml").write_text(pyproject)
    (source / "acme_checks.py").write_text(module)
    (source / "acme_broken.py").write_text("import a_module_that_does_not_exist\n")
    site = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    "--no-build-isolation", "--target", str(site), str(source)], check=True,
                   capture_output=True)
    return site


def run_cli(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(site)}
    return subprocess.run([sys.executable, "-m", "devops_scan", *args], capture_output=True, text=True,
                          env=env, cwd=cwd)


def test_builtin_detectors_are_registered_through_the_entry_point_group():
    specs = find_plugins()
    builtin = {spec.name: spec for spec in specs if spec.builtin}
    assert {"ci-presence", "tests-present", "scm-basics"} <= set(builtin)
    assert builtin["ci-presence"].value.startswith("devops_scan_detectors.")
    plugins = load_plugins([s for s in specs if s.builtin])
    assert plugins.problems == ()
    assert {d.detector.id for d in plugins.detectors} >= {"ci-presence", "tests-present", "scm-basics"}


def test_third_party_plugin_is_listed_and_a_broken_one_names_its_distribution(plugin_site):
    listed = run_cli(plugin_site, "detectors", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    data = json.loads(listed.stdout)
    plugin = next(d for d in data["detectors"] if d["id"] == "acme-license-header")
    assert plugin["practices"] == ["acme.license-header"]
    assert plugin["distribution"] == "acme-devops-checks 1.2.0"
    [problem] = data["problems"]
    assert "distribution acme-devops-checks 1.2.0 failed to import" in problem
    assert "ModuleNotFoundError" in problem


def test_third_party_plugin_runs_in_a_scan(plugin_site, tmp_path):
    path = make_repo(tmp_path / "r", {"ok.py": "# SPDX-License-Identifier: MIT\n", "bad.py": "x = 1\n"})
    result = run_cli(plugin_site, "scan", str(path), "--format", "json", "--as-of", "2026-01-01")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    practice = report["practices"]["acme.license-header"]
    assert practice["outcome"] == "fail"
    assert practice["evidence"] == [{"path": "bad.py", "line": 1, "detail": "no SPDX header"}]
    assert practice["area"] is None  # not in the default model: reported, not scored
    assert any("not scored by model 'default'" in w for w in report["warnings"])
    assert any("acme-devops-checks" in w and "failed to import" in w for w in report["warnings"])
    # The built-ins still ran: one broken plugin does not stop the scan.
    assert report["practices"]["ci.pipeline"]["outcome"] == "fail"


class NotADetector:
    id = "x"


class BadIds(FileExistsDetector):
    id = "Bad_Id"
    practices = ("nodot", "ok.practice")


class Abstract(Detector):
    id = "abstract"
    title = "abstract"
    practices = ("a.b",)


@pytest.mark.parametrize(
    ("obj", "problem"),
    [
        (NotADetector, "is not a subclass"),
        (Abstract, "does not implement"),
        (BadIds, "id 'Bad_Id'"),
        (BadIds, "'nodot'"),
        (FileExistsDetector, None),
    ],
)
def test_validation(obj, problem):
    problems = validate(obj)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems


def test_duplicate_detector_ids_keep_the_first_and_report_the_second(monkeypatch):
    specs = [PluginSpec("a", "tests.testing.fakes:FileExistsDetector", "first-dist", "1"),
             PluginSpec("b", "tests.testing.fakes:FileExistsDetector", "second-dist", "2")]
    plugins = load_plugins(specs)
    assert [d.spec.distribution for d in plugins.detectors] == ["first-dist"]
    assert "reuses the id 'file-exists' of distribution first-dist" in plugins.problems[0]
