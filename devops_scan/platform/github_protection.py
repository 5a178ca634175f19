"""The default branch's protection on GitHub: classic branch protection and rulesets, merged.

Rulesets are read from `GET /repos/{o}/{r}/rules/branches/{branch}`, which lists the rules in force
on the branch (repository and organisation rulesets alike) and needs only read access. Classic
protection needs Administration: read; without it the rulesets still count, and the answer says
what could not be seen. Only when both were readable and neither protects the branch is the
answer "none" — a fail the token really saw.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from devops_scan.platform.facts import Known, Protection, Unknown

if TYPE_CHECKING:
    from devops_scan.platform.github_reader import GitHubReader

CLASSIC_PERMISSION = "Administration: read (classic branch protection)"


def protection_of(reader: "GitHubReader", branch: str) -> Known | Unknown:
    rules = reader.get(f"/repos/{reader.full_name}/rules/branches/{branch}", per_page=100)
    classic = reader.get(f"/repos/{reader.full_name}/branches/{branch}/protection")
    from_rules = _from_rules(rules.data or []) if rules.ok else None
    if classic.ok:
        from_classic = _from_classic(classic.data or {})
    elif classic.status == 404 and classic.message.lower().startswith("branch not protected"):
        from_classic = {}
    else:
        from_classic = None
    if (from_rules is None and not from_classic) or (from_classic is None and not from_rules):
        # One kind is invisible and the other protects nothing: the branch may or may not be protected.
        return Unknown(f"branch protection of {branch}: rulesets {_why(rules, from_rules)}; classic protection "
                       f"{_why(classic, from_classic)}" + ("" if from_classic is not None else
                                                          f" (needs {CLASSIC_PERMISSION})"))
    sources = [name for name, found in (("classic", from_classic), ("rulesets", from_rules)) if found]
    merged = _merge(from_classic or {}, from_rules or {})
    partial = ""
    if from_classic is None:
        partial = f"classic branch protection not visible ({_answered(classic)}; it needs Administration: read)"
    elif from_rules is None:
        partial = f"rulesets not visible ({_answered(rules)})"
    source = "both" if len(sources) == 2 else (sources[0] if sources else "none")
    return Known(Protection(source=source, partial=partial, **merged))


def _answered(answer: Any) -> str:
    return f"GitHub answered {answer.status}" + (f": {answer.message}" if answer.message else "")


def _why(answer: Any, found: dict | None = None) -> str:
    if found == {}:
        return "none in force"
    if answer.ok:
        return "read"
    return f"not readable ({answer.status}{': ' + answer.message if answer.message else ''})"


def _from_classic(data: dict) -> dict:
    reviews = data.get("required_pull_request_reviews") or {}
    checks = data.get("required_status_checks") or {}
    names = [c.get("context", "") for c in checks.get("checks") or []] or list(checks.get("contexts") or [])
    found = {
        "required_approvals": int(reviews.get("required_approving_review_count") or 0) if reviews else 0,
        "code_owner_review": bool(reviews.get("require_code_owner_reviews")),
        "dismiss_stale_reviews": bool(reviews.get("dismiss_stale_reviews")),
        "required_checks": tuple(n for n in names if n),
        "requires_checks": bool(checks),
        "strict_checks": bool(checks.get("strict")),
        "enforce_admins": _enabled(data, "enforce_admins"),
        "linear_history": _enabled(data, "required_linear_history"),
        "signed_commits": _enabled(data, "required_signatures"),
        # Classic protection blocks force pushes and deletion unless they are explicitly allowed.
        "force_push_blocked": not _enabled(data, "allow_force_pushes"),
        "deletion_blocked": not _enabled(data, "allow_deletions"),
        "origins": ("classic branch protection",),
    }
    return found


def _from_rules(rules: list) -> dict:
    found: dict[str, Any] = {"origins": ()}
    origins = []
    for rule in rules if isinstance(rules, list) else []:
        kind, params = rule.get("type"), rule.get("parameters") or {}
        origins.append(f"ruleset {rule.get('ruleset_id')} ({rule.get('ruleset_source_type', '?')} "
                       f"{rule.get('ruleset_source', '?')}): {kind}")
        if kind == "pull_request":
            found["required_approvals"] = max(found.get("required_approvals", 0),
                                              int(params.get("required_approving_review_count") or 0))
            found["code_owner_review"] = found.get("code_owner_review") or bool(params.get("require_code_owner_review"))
            found["dismiss_stale_reviews"] = (found.get("dismiss_stale_reviews")
                                              or bool(params.get("dismiss_stale_reviews_on_push")))
        elif kind == "required_status_checks":
            names = tuple(c.get("context", "") for c in params.get("required_status_checks") or [])
            found["required_checks"] = found.get("required_checks", ()) + tuple(n for n in names if n)
            found["requires_checks"] = True
            found["strict_checks"] = found.get("strict_checks") or bool(params.get("strict_required_status_checks_policy"))
        elif kind in _FLAGS:
            found[_FLAGS[kind]] = True
    found["origins"] = tuple(dict.fromkeys(origins))
    return found if len(found) > 1 else {}


_FLAGS = {"non_fast_forward": "force_push_blocked", "deletion": "deletion_blocked",
          "required_linear_history": "linear_history", "required_signatures": "signed_commits"}


def _merge(classic: dict, rules: dict) -> dict:
    """The stricter of the two for each setting: GitHub enforces classic protection and rulesets together."""
    merged: dict[str, Any] = {}
    for key in set(classic) | set(rules):
        a, b = classic.get(key), rules.get(key)
        if isinstance(a, tuple) or isinstance(b, tuple):
            merged[key] = tuple(dict.fromkeys((a or ()) + (b or ())))
        elif isinstance(a, bool) or isinstance(b, bool):
            merged[key] = bool(a) or bool(b)
        else:
            merged[key] = max(a or 0, b or 0)
    return merged


def _enabled(data: dict, key: str) -> bool:
    value = data.get(key)
    return bool(value.get("enabled")) if isinstance(value, dict) else bool(value)
