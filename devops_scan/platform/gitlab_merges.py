"""Merged merge requests into the default branch: how long they took and who approved them.

The list of merge requests does not say who approved them: that takes one
`GET /projects/:id/merge_requests/:iid/approvals` per merge request (available on every tier,
and anonymously on public projects). To keep a scan near ten requests plus these, only the newest
MAX_MERGE_REQUESTS merged ones are read, and every count (merged, approved, median time) is over
that same set, so the share of approved merge requests stays a share of what was looked at.
"""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING

from devops_scan.platform.facts import Known, PullRequests, Unknown

if TYPE_CHECKING:
    from devops_scan.platform.gitlab_reader import GitLabReader

MAX_MERGE_REQUESTS = 20
SAMPLE = 5


def merged_requests(reader: "GitLabReader", branch: str) -> Known | Unknown:
    from devops_scan.platform.gitlab_reader import READ_API, seconds_of

    answer = reader.get(f"{reader.project}/merge_requests", state="merged", target_branch=branch,
                        updated_after=reader.since_iso, order_by="updated_at", sort="desc",
                        per_page=MAX_MERGE_REQUESTS)
    if not answer.ok or not isinstance(answer.data, list):
        return reader.unreadable(answer, "merged merge requests", READ_API)
    merged = []
    for request in answer.data:
        created = seconds_of(request.get("created_at")) if isinstance(request, dict) else None
        done = seconds_of(request.get("merged_at")) if isinstance(request, dict) else None
        if created is not None and done is not None and reader.since <= done <= reader.as_of:
            merged.append((request, (done - created) / 3600))
    approved: int | None = 0
    sample = []
    for request, _hours in merged:
        author = (request.get("author") or {}).get("username")
        approvers = _approvers(reader, request.get("iid")) if approved is not None else None
        if approvers is None:
            approved = None   # one unreadable answer and the count would be a guess: stop asking
        else:
            approvers = sorted(set(approvers) - {author, None})
            approved = (approved or 0) + bool(approvers)
        if len(sample) < SAMPLE:
            by = "" if approvers is None else (f" (approved by {', '.join(approvers)})" if approvers
                                              else " (no approval by another person)")
            sample.append(f"!{request.get('iid')} {str(request.get('title', ''))[:60]}{by}")
    hours = [value for _request, value in merged]
    return Known(PullRequests(len(merged), approved, round(median(hours), 1) if hours else None, None,
                              tuple(sample)))


def _approvers(reader: "GitLabReader", iid: object) -> list[str] | None:
    """Usernames that approved merge request `iid`, or None when GitLab would not say."""
    answer = reader.get(f"{reader.project}/merge_requests/{iid}/approvals")
    if not answer.ok or not isinstance(answer.data, dict):
        return None
    return [str((entry.get("user") or {}).get("username")) for entry in answer.data.get("approved_by") or []
            if isinstance(entry, dict) and (entry.get("user") or {}).get("username")]
