"""Merged pull requests into the default branch: how long they took and who approved them.

With a token, ONE GraphQL query returns the newest 50 merged pull requests with their approvals
(REST would need one reviews request per pull request). Without a token GraphQL is closed, so one
REST page of closed pull requests gives the time to merge, and approvals stay unknown.
"""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING

from devops_scan.platform.facts import Known, PullRequests, Unknown

if TYPE_CHECKING:
    from devops_scan.platform.github_reader import GitHubReader

PULLS = 50
SAMPLE = 5


def merged_pulls_graphql(reader: "GitHubReader", query: str, owner: str, name: str, branch: str
                         ) -> Known | Unknown:
    from devops_scan.platform.github_reader import seconds_of

    answer = reader.graphql(query, {"owner": owner, "name": name, "base": branch, "first": PULLS})
    if not answer.ok or not isinstance(answer.data, dict):
        return reader.unreadable(answer, "merged pull requests", "Pull requests: read")
    nodes = ((answer.data.get("repository") or {}).get("pullRequests") or {}).get("nodes") or []
    merged, approved, hours, sizes, sample = 0, 0, [], [], []
    for pull in nodes:
        created, done = seconds_of(pull.get("createdAt")), seconds_of(pull.get("mergedAt"))
        if done is None or not reader.since <= done <= reader.as_of:
            continue
        merged += 1
        author = (pull.get("author") or {}).get("login")
        approvers = sorted({(r.get("author") or {}).get("login") for r in (pull.get("reviews") or {}).get("nodes") or []}
                           - {author, None})
        approved += bool(approvers)
        if created is not None:
            hours.append((done - created) / 3600)
        sizes.append(int(pull.get("additions") or 0) + int(pull.get("deletions") or 0))
        if len(sample) < SAMPLE:
            by = f"approved by {', '.join(approvers)}" if approvers else "no approval by another person"
            sample.append(f"#{pull.get('number')} {str(pull.get('title', ''))[:60]} ({by})")
    return Known(PullRequests(merged, approved, _median(hours), _median(sizes), tuple(sample)))


def merged_pulls_rest(reader: "GitHubReader", branch: str) -> Known | Unknown:
    from devops_scan.platform.github_reader import seconds_of

    answer = reader.get(f"/repos/{reader.full_name}/pulls", state="closed", base=branch, sort="updated",
                        direction="desc", per_page=PULLS)
    if not answer.ok:
        return reader.unreadable(answer, "merged pull requests", "Pull requests: read")
    hours, sample = [], []
    for pull in answer.data or []:
        created, done = seconds_of(pull.get("created_at")), seconds_of(pull.get("merged_at"))
        if done is None or created is None or not reader.since <= done <= reader.as_of:
            continue
        hours.append((done - created) / 3600)
        if len(sample) < SAMPLE:
            sample.append(f"#{pull.get('number')} {str(pull.get('title', ''))[:60]}")
    return Known(PullRequests(len(hours), None, _median(hours), None, tuple(sample)))


def _median(values: list) -> float | None:
    return round(median(values), 1) if values else None
