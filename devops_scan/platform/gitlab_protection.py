"""The default branch's protection on GitLab: protected branches, merge settings and approval rules.

- Protected branches come from the project's list (`GET /projects/:id/protected_branches`), not
  from `/protected_branches/:name`: that one finds exact names only and would miss a wildcard
  rule (`release/*`, `*`) that protects the branch. When several rules match, GitLab grants the
  most permissive of them, so one rule allowing force pushes allows them.
- "Pipelines must succeed" and the merge method are project settings read with the project.
- Required approvals come from approval rules (GitLab Premium); on GitLab Free, or for a token
  without the Developer role, they are not visible and the answer says so (`partial`).
An unprotected branch takes pushes from every Developer, so nothing else gates it: its merge
settings and approval rules are not read. `source` is "protected_branch" for a protected branch (GitLab's
protected branches are per-branch rules, like GitHub's classic protection) and "none" otherwise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from devops_scan.platform.facts import Known, Protection, Unknown

if TYPE_CHECKING:
    from devops_scan.platform.gitlab_reader import GitLabReader

BRANCHES_NEED = "read_api (and, on older GitLab versions, the Maintainer role)"
RULES_NEED = "read_api and at least the Developer role"
# GitLab refuses to delete a project's default branch, protected or not, through the UI, the API and git push.
DEFAULT_BRANCH = "the default branch cannot be deleted on GitLab"
NO_ACCESS = 0


def protection_of(reader: "GitLabReader", project: dict, branch: str) -> Known | Unknown:
    answer = reader.get(f"{reader.project}/protected_branches", per_page=100)
    if not answer.ok or not isinstance(answer.data, list):
        return reader.unreadable(answer, f"protected branches (is {branch} protected?)", BRANCHES_NEED)
    matched = [rule for rule in answer.data if isinstance(rule, dict) and matches(str(rule.get("name", "")), branch)]
    if not matched:
        return Known(Protection(source="none", deletion_blocked=True,
                                origins=(f"no protected branch rule matches {branch}", DEFAULT_BRANCH)))
    found = _from_protected(matched)
    settings = _merge_settings(project)
    approvals, approval_origins, not_visible = _approvals(reader, branch, {str(r.get("name")) for r in matched})
    partial = settings.pop("partial")
    origins = found.pop("origins") + settings.pop("origins") + approval_origins + (DEFAULT_BRANCH,)
    return Known(Protection(source="protected_branch", required_approvals=approvals, origins=origins,
                            partial=partial, approvals_partial=not_visible, deletion_blocked=True, **found,
                            **settings))


def matches(pattern: str, branch: str) -> bool:
    """GitLab's wildcard rule: `*` stands for any run of characters, `/` included; the rest is literal."""
    if "*" not in pattern:
        return pattern == branch
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), branch) is not None


def _from_protected(rules: list[dict]) -> dict[str, Any]:
    origins = []
    for rule in rules:
        inherited = " (inherited from the group)" if rule.get("inherited") else ""
        extra = "".join(text for flag, text in ((rule.get("allow_force_push") is True, ", force push allowed"),
                                                (rule.get("code_owner_approval_required") is True,
                                                 ", code owners' approval required")) if flag)
        push, merge = _who(rule.get("push_access_levels")), _who(rule.get("merge_access_levels"))
        origins.append(f"protected branch '{rule.get('name')}'{inherited}: push {push}, merge {merge}{extra}")
    return {
        "force_push_blocked": not any(rule.get("allow_force_push") is True for rule in rules),
        "code_owner_review": any(rule.get("code_owner_approval_required") is True for rule in rules),
        "origins": tuple(origins),
    }


def _who(levels: Any) -> str:
    """Who an access level list lets in; "no one" means changes arrive only through merge requests."""
    entries = [level for level in levels or [] if isinstance(level, dict)]
    granted = [level for level in entries if level.get("access_level") != NO_ACCESS
               or any(level.get(key) for key in ("user_id", "group_id", "deploy_key_id"))]
    if not granted:
        return "no one (changes only through merge requests)"
    return ", ".join(dict.fromkeys(str(level.get("access_level_description") or level.get("access_level"))
                                   for level in granted))


def _merge_settings(project: dict) -> dict[str, Any]:
    """What merging waits for, from the project's merge request settings."""
    if "only_allow_merge_if_pipeline_succeeds" not in project:
        # Some instances or roles get a reduced project view: absent is not "off".
        return {"requires_checks": False, "required_checks": (), "strict_checks": False, "linear_history": False,
                "origins": (), "partial": "the project's merge checks are missing from GitLab's answer"}
    checks = tuple(name for name, on in (
        ("a successful pipeline", project.get("only_allow_merge_if_pipeline_succeeds") is True),
        ("external status checks", project.get("only_allow_merge_if_all_status_checks_passed") is True)) if on)
    method = str(project.get("merge_method") or "merge")
    origins = [f"merge method: {method}"]
    if checks:
        origins.append("merge request settings: merging waits for " + " and ".join(checks)
                       + (" (a skipped pipeline counts as passed)" if project.get("allow_merge_on_skipped_pipeline")
                          else ""))
    return {
        "requires_checks": bool(checks),
        "required_checks": checks,
        # Fast-forward and semi-linear merges need the source branch rebased on the target, so the
        # pipeline that must pass ran on what will land: GitHub's "up to date before merging".
        "strict_checks": bool(checks) and method in ("ff", "rebase_merge"),
        "linear_history": method == "ff",
        "origins": tuple(origins),
        "partial": "",
    }


def _approvals(reader: "GitLabReader", branch: str, protected_names: set[str]) -> tuple[int, tuple[str, ...], str]:
    """Approvals required on `branch` (the largest count among rules that apply), their origins,
    and why they are not visible when they are not."""
    answer = reader.get(f"{reader.project}/approval_rules", per_page=100)
    if not answer.ok or not isinstance(answer.data, list):
        return 0, (), reader.unreadable(answer, "approval rules", RULES_NEED, premium=True).reason
    required, origins = 0, []
    for rule in answer.data:
        # A report_approver rule asks for approvals only when a security or coverage report finds something.
        if not isinstance(rule, dict) or rule.get("rule_type") == "report_approver":
            continue
        scoped = [str(item.get("name", "")) for item in rule.get("protected_branches") or [] if isinstance(item, dict)]
        if not (rule.get("applies_to_all_protected_branches") or not scoped
                or any(name in protected_names or matches(name, branch) for name in scoped)):
            continue
        count = int(rule.get("approvals_required") or 0)
        required = max(required, count)
        origins.append(f"approval rule '{rule.get('name')}': {count} approval(s)")
    return required, tuple(origins), ""
