"""What the GitHub Action was asked to do: action.yml passes every input as an INPUT_* variable
(never inside a script's text), and the runner sets the GITHUB_* ones."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from devops_scan.action.github_comment import COMMENT_MODES
from devops_scan.errors import ScanError
from devops_scan.model import LEVELS
from devops_scan.scoring.maturity import MaturityModel

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")


@dataclass(frozen=True)
class Settings:
    token: str
    path: str                          # the folder to scan, absolute
    workspace: str
    fail_under: str | None
    fail_on_regression: tuple[str, ...] | None   # None: off; (): any area down; ids: those practices
    comment: str
    sarif_file: str | None
    model: str | None
    event_name: str
    event: dict[str, Any]
    repository: str
    server_url: str
    api_url: str
    sha: str | None
    summary_file: str | None
    output_file: str | None
    runner_temp: str | None
    now: datetime              # one moment for both scans of a pull request


def read_settings(env: Mapping[str, str], now: datetime | None = None) -> Settings:
    workspace = env.get("GITHUB_WORKSPACE") or os.getcwd()
    fail_under = _get(env, "INPUT_FAIL_UNDER")
    if fail_under is not None:
        fail_under = fail_under.lower()
        if fail_under not in LEVELS:
            raise ScanError(f"fail-under must be one of {', '.join(LEVELS)}, not {fail_under!r}")
    comment = (_get(env, "INPUT_COMMENT") or "update").lower()
    if comment not in COMMENT_MODES:
        raise ScanError(f"comment must be one of {', '.join(COMMENT_MODES)}, not {comment!r}")
    sarif, model = _get(env, "INPUT_SARIF_FILE"), _get(env, "INPUT_MODEL")
    return Settings(
        token=env.get("INPUT_GITHUB_TOKEN", "").strip(),
        path=os.path.join(workspace, _get(env, "INPUT_PATH") or "."),
        workspace=workspace,
        fail_under=fail_under,
        fail_on_regression=_regression(_get(env, "INPUT_FAIL_ON_REGRESSION") or "false"),
        comment=comment,
        sarif_file=os.path.join(workspace, sarif) if sarif else None,
        model=os.path.join(workspace, model) if model else None,
        event_name=env.get("GITHUB_EVENT_NAME", ""),
        event=_event(env.get("GITHUB_EVENT_PATH")),
        repository=env.get("GITHUB_REPOSITORY", ""),
        server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
        api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
        sha=env.get("GITHUB_SHA") or None,
        summary_file=env.get("GITHUB_STEP_SUMMARY") or None,
        output_file=env.get("GITHUB_OUTPUT") or None,
        runner_temp=env.get("RUNNER_TEMP") or None,
        now=(now or datetime.now(timezone.utc)).replace(microsecond=0),
    )


def check_practices(settings: Settings, model: MaturityModel) -> None:
    """A misspelt practice id would make the regression gate silently pass: refuse it."""
    unknown = [pid for pid in settings.fail_on_regression or () if pid not in model.practices]
    if unknown:
        raise ScanError(f"fail-on-regression names practices the model does not have: {', '.join(unknown)}")


def _get(env: Mapping[str, str], name: str) -> str | None:
    # An input left empty arrives as an empty string.
    value = env.get(name, "").strip()
    return value or None


def _regression(value: str) -> tuple[str, ...] | None:
    lowered = value.lower()
    if lowered in ("false", "no", "0", "off"):
        return None
    if lowered in ("true", "yes", "1", "on"):
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _event(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as error:
        raise ScanError(f"cannot read the event file {path}: {getattr(error, 'strerror', None) or error}") from None
    return data if isinstance(data, dict) else {}
