"""The runner's side of a step: workflow commands on stdout, and the files named by GITHUB_OUTPUT
and GITHUB_STEP_SUMMARY.

Everything here may carry text from the scanned repository (paths, YAML values), so every value is
escaped the way the workflow-command spec says: a newline in a file name must not start a command
of its own, and a comma or colon must not end a property early.
"""

from __future__ import annotations

import uuid
from typing import Any, Callable, Mapping

from devops_scan.errors import ScanError

MAX_ANNOTATIONS = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: Any) -> str:
    """`::name key=value,...::message` with every part escaped; None properties are left out."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def write_outputs(path: str | None, values: Mapping[str, str]) -> None:
    """Step outputs in the heredoc form, with a delimiter no value can contain (a value spanning
    lines, or one that tries to end the block and set another output, stays one value)."""
    if not path:
        return
    lines = []
    for name, value in values.items():
        delimiter = f"ghadelimiter_{uuid.uuid4()}"
        while delimiter in value:
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
        lines.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    _append(path, "".join(lines), "GITHUB_OUTPUT")


def append_summary(path: str | None, markdown: str) -> None:
    if path:
        _append(path, markdown.rstrip("\n") + "\n", "GITHUB_STEP_SUMMARY")


def _append(path: str, text: str, what: str) -> None:
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise ScanError(f"cannot write {what} ({path}): {error.strerror or error}") from None


def regression_annotations(delta: dict[str, Any], head_has: Callable[[str], bool], prefix: str = "") -> list[str]:
    """`::warning` lines at the evidence of practices that regressed, at most MAX_ANNOTATIONS.

    Added evidence points at head lines. Removed evidence points at base lines: it is annotated on
    the head file when that file still exists (the line is near what was removed), else on the path
    without a line, since the file is gone from the change's tree."""
    found: list[str] = []
    for practice in (p for p in delta["practices"] if p["change"] == "regressed"):
        message = (f"{practice['id']} regressed: {practice['before']} → {practice['after']}: "
                   f"{practice['reason_after'] or practice['reason_before'] or ''}").rstrip(": ")
        places = [(item, True) for item in practice["evidence_added"] if item.get("path")]
        places += [(item, False) for item in practice["evidence_removed"] if item.get("path")]
        if not places:
            found.append(command("warning", message, title="devops-scan"))
        for item, in_head in places:
            path, line = item["path"], item.get("line")
            if not in_head and not head_has(path):
                line = None
            found.append(command("warning", message, file=prefix + path, line=line, title="devops-scan"))
    return found[:MAX_ANNOTATIONS]
