"""The generated references in docs/ match the metadata they are generated from."""

from __future__ import annotations

from pathlib import Path

from devops_scan import docgen
from devops_scan.scoring.loader import load_model

ROOT = Path(__file__).resolve().parents[1]


def test_generated_reference_is_up_to_date():
    assert docgen.main([str(ROOT / "docs" / "reference"), "--check"]) == 0, "run `make docs`"


def test_practice_reference_lists_every_practice_with_how_to_improve():
    page = (ROOT / "docs" / "reference" / "practices.md").read_text()
    for practice in load_model().practices.values():
        assert f"#### `{practice.id}`" in page
        assert practice.remediation.split()[0] in page


def test_check_mode_reports_stale_docs(tmp_path, capsys):
    assert docgen.main([str(tmp_path), "--check"]) == 1
    assert "stale generated docs" in capsys.readouterr().err
    assert docgen.main([str(tmp_path)]) == 0
    assert docgen.main([str(tmp_path), "--check"]) == 0
