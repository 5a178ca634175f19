"""JSON: the versioned contract (docs/report-json.md, devops_scan/schemas/report.schema.json)."""

from __future__ import annotations

import json
from typing import Any


def render(report: dict[str, Any], **_options: Any) -> str:
    # sort_keys for byte-stable output; ensure_ascii keeps undecodable path bytes valid JSON.
    return json.dumps(report, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
