"""What a GitLab CI job tells devops-scan: GitLab's predefined variables, and the template's own
`DEVOPS_SCAN_*` variables (docs/gitlab-ci.md), checked once so a typo fails the job with one line
instead of being ignored."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

from devops_scan.action.gitlab_notes import COMMENT_MODES
from devops_scan.errors import ScanError
from devops_scan.model import LEVELS
from devops_scan.platform.connect import PLATFORM_CHOICES

CODEQUALITY_FILE = "gl-code-quality-report.json"
_SHA = re.compile(r"^[0-9a-f]{7,64}$")
_TRUE = ("true", "yes", "1", "on")
_FALSE = ("", "false", "no", "0", "off")


@dataclass(frozen=True)
class JobSettings:
    project_dir: str
    head_sha: str | None
    as_of: datetime | None
    mr_iid: str | None = None          # None: not a merge request pipeline (the default branch)
    base_sha: str | None = None
    base_name: str | None = None       # the target branch, shown instead of the base sha
    head_name: str | None = None       # the source branch, shown instead of the head sha
    project_id: str | None = None
    project_url: str | None = None
    api_root: str | None = None        # the instance's web root, as python-gitlab wants it
    fail_under: str | None = None
    fail_on_regression: bool = False
    regression_practices: tuple[str, ...] = ()
    comment: str = "update"
    model_path: str | None = None
    platform: str = "none"


def read_settings(env: Mapping[str, str]) -> JobSettings:
    def get(name: str) -> str:
        return env.get(name, "").strip()

    fail_under = get("DEVOPS_SCAN_FAIL_UNDER").lower() or None
    if fail_under is not None and fail_under not in LEVELS:
        raise ScanError(f"DEVOPS_SCAN_FAIL_UNDER must be one of {', '.join(LEVELS)} (or empty), not {fail_under!r}")
    comment = get("DEVOPS_SCAN_COMMENT").lower() or "update"
    if comment not in COMMENT_MODES:
        raise ScanError(f"DEVOPS_SCAN_COMMENT must be one of {', '.join(COMMENT_MODES)}, not {comment!r}")
    platform = get("DEVOPS_SCAN_PLATFORM").lower() or "none"
    if platform not in PLATFORM_CHOICES or platform == "github":
        raise ScanError(f"DEVOPS_SCAN_PLATFORM must be one of auto, gitlab, none, not {platform!r}")
    regression, practices = _regression(get("DEVOPS_SCAN_FAIL_ON_REGRESSION"))
    return JobSettings(
        project_dir=get("CI_PROJECT_DIR") or ".",
        head_sha=_sha(get("CI_COMMIT_SHA"), "CI_COMMIT_SHA"),
        as_of=_timestamp(get("CI_COMMIT_TIMESTAMP")),
        mr_iid=get("CI_MERGE_REQUEST_IID") or None,
        base_sha=_sha(get("CI_MERGE_REQUEST_DIFF_BASE_SHA"), "CI_MERGE_REQUEST_DIFF_BASE_SHA"),
        base_name=get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None,
        head_name=get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME") or get("CI_COMMIT_REF_NAME") or None,
        project_id=get("CI_PROJECT_ID") or None,
        project_url=get("CI_PROJECT_URL").rstrip("/") or None,
        api_root=_api_root(get("CI_API_V4_URL"), get("CI_SERVER_URL")),
        fail_under=fail_under,
        fail_on_regression=regression,
        regression_practices=practices,
        comment=comment,
        model_path=get("DEVOPS_SCAN_MODEL") or None,
        platform=platform,
    )


def _regression(value: str) -> tuple[bool, tuple[str, ...]]:
    """`true`: fail when an area's level drops; a list of practice ids: when one of them regresses."""
    if value.lower() in _FALSE:
        return False, ()
    if value.lower() in _TRUE:
        return True, ()
    return True, tuple(part for part in re.split(r"[\s,]+", value) if part)


def _sha(value: str, name: str) -> str | None:
    # The sha becomes a git revision and a URL segment: anything but hex is refused outright.
    if not value:
        return None
    if not _SHA.match(value.lower()):
        raise ScanError(f"{name} is not a commit sha")
    return value.lower()


def _timestamp(value: str) -> datetime | None:
    """CI_COMMIT_TIMESTAMP (ISO 8601, `Z` or an offset). Scanning as of the commit's own time makes
    a retried job produce the same note, so an unchanged note is not rewritten."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _api_root(api_v4: str, server: str) -> str | None:
    # CI_API_V4_URL carries a relative URL root (`https://host/gitlab/api/v4`); CI_SERVER_URL may not.
    api_v4 = api_v4.rstrip("/")
    if api_v4.endswith("/api/v4"):
        return api_v4[: -len("/api/v4")]
    return server.rstrip("/") or None
