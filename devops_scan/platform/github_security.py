"""GitHub's security settings, where the token can see them.

`security_and_analysis` (secret scanning, push protection, Dependabot security updates) comes with
the repository itself, but only for tokens with admin rights; vulnerability alerts answer 204 or
404, and a 404 means "off" only to an admin (to others GitHub hides the setting the same way).
Code scanning's default setup needs Code scanning alerts: read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from devops_scan.platform.facts import Known, Security, Unknown

if TYPE_CHECKING:
    from devops_scan.platform.github_reader import GitHubReader

_ADMIN_ONLY = "visible to tokens with admin rights on the repository only"


def security_of(reader: "GitHubReader", repo: dict, admin: bool) -> Security:
    analysis = repo.get("security_and_analysis")

    def status(key: str) -> Known | Unknown:
        if not isinstance(analysis, dict):
            return Unknown(f"{key.replace('_', ' ')}: {_ADMIN_ONLY}")
        value = (analysis.get(key) or {}).get("status")
        return Known(value == "enabled") if value in ("enabled", "disabled") else Unknown(f"{key}: not reported")

    alerts = reader.get(f"/repos/{reader.full_name}/vulnerability-alerts")
    if alerts.ok:
        vulnerability: Known | Unknown = Known(True)
    elif alerts.status == 404 and admin:
        vulnerability = Known(False)
    else:
        vulnerability = Unknown(f"Dependabot alerts: {_ADMIN_ONLY}")
    setup = reader.get(f"/repos/{reader.full_name}/code-scanning/default-setup")
    if setup.ok and isinstance(setup.data, dict) and setup.data.get("state") in ("configured", "not-configured"):
        code_scanning: Known | Unknown = Known(setup.data["state"] == "configured")
    else:
        code_scanning = reader.unreadable(setup, "code scanning's default setup", "Code scanning alerts: read")
    return Security(
        secret_scanning=status("secret_scanning"),
        push_protection=status("secret_scanning_push_protection"),
        dependabot_security_updates=status("dependabot_security_updates"),
        vulnerability_alerts=vulnerability,
        code_scanning_default_setup=code_scanning,
    )
