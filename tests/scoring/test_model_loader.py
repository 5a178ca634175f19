from __future__ import annotations

import re
from pathlib import Path

import pytest

from devops_scan.errors import ModelError
from devops_scan.model import CAMS
from devops_scan.scoring.loader import load_model

SHARED = Path(__file__).resolve().parents[3] / "shared" / "MATURITY-MODEL.md"

VALID = """\
schema: devops-scan/model/v1
name: tiny
version: "1"
areas:
  - id: build
    title: Build
practices:
  ci.pipeline:
    title: CI exists
    area: build
    level: beginner
    cams: automation
    remediation: Add CI.
"""

AREA_IDS = ["source-control", "build-test", "deployment", "environments", "reporting", "infrastructure",
            "observability", "security"]


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "model.yml"
    path.write_text(text)
    return str(path)


def test_default_model_has_the_eight_areas_in_order():
    model = load_model()
    assert [area.id for area in model.areas] == AREA_IDS
    assert model.overall == "lowest"


def test_default_model_is_valid_against_the_model_schema():
    # Scans skip this check for the packaged model (it costs ~30 ms); this test is its guard.
    from importlib import resources

    from devops_scan.scoring.loader import _check_schema
    from devops_scan.yamlsafe import load_yaml

    text = resources.files("devops_scan.models").joinpath("default.yml").read_text("utf-8")
    _check_schema("default.yml", load_yaml(text).first)


def test_every_practice_has_cams_remediation_and_a_known_home():
    model = load_model()
    for practice in model.practices.values():
        assert practice.cams in CAMS
        assert practice.remediation and practice.title
        assert (practice.area is None) == (practice.level is None)


@pytest.mark.skipif(not SHARED.exists(), reason="MATURITY-MODEL.md is beside the project, not in it")
def test_default_model_encodes_every_practice_of_maturity_model_md():
    ids = set(re.findall(r"`([a-z]+\.[a-z0-9-]+(?:\.[a-z0-9-]+)*)`", SHARED.read_text()))
    ids = {i for i in ids if not i.endswith((".md", ".yml", ".txt"))}
    assert ids - set(load_model().practices) == set()


def test_cross_area_requirements_and_alternatives():
    model = load_model()
    environments = model.area("environments").requirements_at("advanced")
    assert {r.any_of for r in environments} >= {("infra.as-code",), ("infra.validated-in-ci",)}
    reporting = model.area("reporting").requirements_at("beginner")
    assert [r.any_of for r in reporting] == [("test.results-reported", "test.coverage-measured")]


def test_a_valid_custom_model_loads(tmp_path):
    model = load_model(write(tmp_path, VALID))
    assert model.name == "tiny" and model.practices["ci.pipeline"].weight == 1.0


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (VALID.replace("cams: automation", "cams: vibes"), 12, "'vibes' is not one of"),
        (VALID.replace("    remediation: Add CI.\n", ""), 8, "'remediation' is a required property"),
        (VALID.replace("level: beginner", "level: guru"), 11, "'guru' is not one of"),
        (VALID.replace("area: build", "area: nowhere"), 10, "no area 'nowhere'"),
        (VALID.replace("schema: devops-scan/model/v1", "schema: v0"), 1, "schema"),
        (VALID.replace("  ci.pipeline:", "  CI Pipeline:"), 8, "does not match"),
        (VALID + "  extra:\n    title: [unclosed\n", 15, "expected"),
        (VALID.replace("    title: Build\n", "    title: Build\n    also_require:\n      beginner: [nope.x]\n"),
         8, "unknown practice 'nope.x'"),
    ],
)
def test_bad_model_files_name_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(ModelError) as caught:
        load_model(path)
    assert str(caught.value).startswith(f"{path}:{line}: "), str(caught.value)
    assert message in str(caught.value)


def test_missing_model_file_is_a_clear_error(tmp_path):
    with pytest.raises(ModelError, match="cannot read model file"):
        load_model(str(tmp_path / "absent.yml"))


def test_billion_laughs_model_is_refused(tmp_path):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 10) + "]")
    with pytest.raises(ModelError, match="aliases expand"):
        load_model(write(tmp_path, "\n".join(lines) + "\n"))
