"""Environments and deployments on GitLab.

Whether a deployment waits for someone's approval is a property of a *protected* environment
(GitLab Premium, readable with the Maintainer role), not of the environment list itself. So when
there are environments but their protection is not visible, the environments are `Unknown`: a
list with no reviewers would read as "no environment needs an approval", which nobody saw.
GitLab deployments carry their status, so unlike GitHub no request per deployment is needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from devops_scan.platform.facts import Deployments, Environment, Known, Unknown

if TYPE_CHECKING:
    from devops_scan.platform.gitlab_reader import GitLabReader

ENVIRONMENTS_NEED = "read_api and at least the Reporter role"
PROTECTED_NEED = "read_api and the Maintainer role"


def environments_of(reader: "GitLabReader") -> Known | Unknown:
    answer = reader.get(f"{reader.project}/environments", per_page=100)
    if not answer.ok or not isinstance(answer.data, list):
        return reader.unreadable(answer, "environments", ENVIRONMENTS_NEED)
    listed = [env for env in answer.data if isinstance(env, dict) and env.get("name")]
    if not listed:
        return Known(())  # nothing to protect: protected environments are not asked for
    protected = reader.get(f"{reader.project}/protected_environments", per_page=100)
    if not protected.ok or not isinstance(protected.data, list):
        names = ", ".join(sorted(str(env["name"]) for env in listed)[:6])
        why = reader.unreadable(protected, "protected environments", PROTECTED_NEED, premium=True).reason
        return Unknown(f"whether deployments to {names} wait for an approval is not known; {why}")
    approvals = {str(env.get("name")): _required_approvals(env) for env in protected.data if isinstance(env, dict)}
    found = [Environment(str(env["name"]), required_reviewers=approvals.get(str(env["name"]), 0),
                         url=str(env.get("external_url") or "")) for env in listed]
    return Known(tuple(sorted(found, key=lambda env: env.name)))


def _required_approvals(protected: dict) -> int:
    """Approvals a deployment waits for: the unified setting, or every approval rule's count
    (each rule must be satisfied on its own)."""
    rules = sum(int(rule.get("required_approvals") or 0) for rule in protected.get("approval_rules") or []
                if isinstance(rule, dict))
    return max(int(protected.get("required_approval_count") or 0), rules)


def deployments_of(reader: "GitLabReader") -> Known | Unknown:
    # Since GitLab 16.0 an updated_at filter is refused (400) unless the order is by updated_at too.
    answer = reader.get(f"{reader.project}/deployments", updated_after=reader.since_iso, order_by="updated_at",
                        sort="desc", per_page=100)
    if not answer.ok or not isinstance(answer.data, list):
        return reader.unreadable(answer, "deployments", ENVIRONMENTS_NEED)
    from devops_scan.platform.gitlab_reader import iso_of, seconds_of

    counts: dict[str, int] = {}
    latest: dict[str, tuple[int, str]] = {}   # environment -> (time, status) of its newest deployment
    events = []
    for deployment in answer.data:
        if not isinstance(deployment, dict):
            continue
        moment = seconds_of(deployment.get("created_at"))
        # updated_after also returns older deployments touched lately: the window is about creation.
        if moment is None or not reader.since <= moment <= reader.as_of:
            continue
        env = str((deployment.get("environment") or {}).get("name") or "(none)")
        counts[env] = counts.get(env, 0) + 1
        events.append((env, moment))
        if moment > latest.get(env, (0, ""))[0]:
            latest[env] = (moment, str(deployment.get("status") or ""))
    return Known(Deployments(
        total=len(events), per_environment=dict(sorted(counts.items())),
        latest={env: iso_of(moment) for env, (moment, _status) in sorted(latest.items())},
        latest_state={env: status for env, (_moment, status) in sorted(latest.items()) if status},
        events=tuple(sorted(events, key=lambda event: (-event[1], event[0])))))
