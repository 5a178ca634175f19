"""Pull requests from forks: their workflow token is read-only, so the comment goes in two stages.

Stage one (the `pull_request` run) saves the body and the pull request it belongs to in
`$RUNNER_TEMP/devops-scan-comment/`, which the workflow uploads as an artifact. Stage two (a
`workflow_run` workflow of the base repository, with a write token and no checkout of the pull
request's code) runs `python -m devops_scan.action.github post-comment DIR`.

Stage two treats the artifact as untrusted: the fork's run could have been changed to write
anything. So the pull request is found from the trusted `workflow_run` event, never taken from the
artifact (which must agree with it), the body must carry the marker and fit GitHub's limit, and
@mentions in it are broken, so the bot cannot be made to ping anyone.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping

from devops_scan.action.github_comment import GITHUB_LIMIT, PullRequests, marker_pattern, upsert
from devops_scan.errors import ScanError

ARTIFACT_DIR = "devops-scan-comment"
_LIVE_MENTION = re.compile(r"@(?=[A-Za-z0-9])")


def saved_dir(runner_temp: str | None) -> Path:
    return Path(runner_temp or tempfile.gettempdir()) / ARTIFACT_DIR


def save_for_later(directory: Path, body: str, number: int, pull: Mapping[str, Any]) -> None:
    head = pull.get("head") or {}
    record = {"number": number, "head_sha": head.get("sha"),
              "head_repo": (head.get("repo") or {}).get("full_name"), "head_ref": head.get("ref")}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "comment.md").write_text(body, encoding="utf-8")
        (directory / "pr.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise ScanError(f"cannot save the comment in {directory}: {error.strerror or error}") from None


def post_saved(directory: str, event: Mapping[str, Any], connect: Callable[[], PullRequests], mode: str,
               say: Callable[[str], None]) -> None:
    """Stage two: post the comment saved by the `pull_request` run that triggered this workflow."""
    run = event.get("workflow_run") or {}
    if run.get("event") not in ("pull_request", "pull_request_target"):
        say("devops-scan: the triggering run was not for a pull request; nothing to post")
        return
    body_file, record_file = Path(directory, "comment.md"), Path(directory, "pr.json")
    if not body_file.is_file():
        say("devops-scan: no saved comment (it was posted by the pull request's own run); nothing to post")
        return
    record = _record(record_file)
    head_repo = (run.get("head_repository") or {}).get("full_name")
    head_branch, head_sha = run.get("head_branch"), run.get("head_sha")
    if not (head_repo and head_branch and head_sha):
        raise ScanError("the workflow_run event names no head repository, branch and commit")
    if (record["head_sha"], record["head_repo"]) != (head_sha, head_repo):
        raise ScanError("the saved comment is for another commit than the run that saved it; not posted")
    api = connect()
    number = api.find_pull(head_repo, head_branch, head_sha)
    if number is None:
        say(f"devops-scan: no open pull request has {head_sha[:12]} as its head any more; nothing to post")
        return
    if number != record["number"]:
        raise ScanError(f"the saved comment names pull request #{record['number']}, but the run is for "
                        f"#{number}; not posted")
    body = _body(body_file)
    outcome = upsert(api, number, body, mode)
    say(f"devops-scan: comment {outcome} on #{number}")


def _record(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8")[:10000])
    except (OSError, ValueError):
        raise ScanError(f"{path} is missing or not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("number"), int) or isinstance(data["number"], bool):
        raise ScanError(f"{path} names no pull request number")
    return {"number": data["number"], "head_sha": data.get("head_sha"), "head_repo": data.get("head_repo")}


def _body(path: Path) -> str:
    try:
        body = path.read_text(encoding="utf-8", errors="replace")
    except OSError as error:
        raise ScanError(f"cannot read {path}: {error.strerror or error}") from None
    if len(body) >= GITHUB_LIMIT or not marker_pattern("default").match(body):
        raise ScanError(f"{path} is not a devops-scan comment (no marker, or too long); not posted")
    # The renderer already breaks every mention; this only matters for a body that was tampered with.
    return _LIVE_MENTION.sub("@\u200b", body)
