"""What a platform client reports: plain values, each fact either known or unknown with why.

No PyGithub or python-gitlab object crosses this line (DESIGN.md): detectors read these dataclasses.
A fact the token could not see is `Unknown(reason)`, never an empty value that reads as "missing".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar, Union

T = TypeVar("T")


@dataclass(frozen=True)
class Unknown:
    """Why a fact could not be read: no token, no permission, an API error."""

    reason: str


@dataclass(frozen=True)
class Known(Generic[T]):
    value: T


Fact = Union[Known[T], Unknown]


@dataclass(frozen=True)
class Protection:
    """What protects the default branch.

    `source` says where the rules were read. GitHub: "classic" (branch protection), "rulesets",
    "both", or "none" when both were readable and neither protects the branch. GitLab:
    "protected_branch" (a protected branch rule matches), or "none"."""

    source: str
    required_approvals: int = 0
    code_owner_review: bool = False
    dismiss_stale_reviews: bool = False
    required_checks: tuple[str, ...] = ()
    requires_checks: bool = False          # "status checks must pass", even when none are named
    strict_checks: bool = False            # branches must be up to date before merging
    enforce_admins: bool = False
    linear_history: bool = False
    signed_commits: bool = False
    force_push_blocked: bool = False
    deletion_blocked: bool = False
    # Where each rule came from, for evidence: ("rulesets: ruleset 42 'main'", "classic protection")
    origins: tuple[str, ...] = ()
    # What could not be read although the rest could (classic protection without admin rights).
    partial: str = ""
    # Only the review requirement could not be read (GitLab approval rules on the Free tier).
    approvals_partial: str = ""


@dataclass(frozen=True)
class Environment:
    name: str
    required_reviewers: int = 0
    wait_timer_minutes: int = 0
    branch_policy: str = ""               # "protected branches", "custom", ""
    url: str = ""


@dataclass(frozen=True)
class Deployments:
    """Deployments recorded by the platform over the window, per environment."""

    total: int
    per_environment: dict[str, int] = field(default_factory=dict)
    latest: dict[str, str] = field(default_factory=dict)      # environment -> ISO date of the newest
    latest_state: dict[str, str] = field(default_factory=dict)  # environment -> success / failure / ...
    events: tuple[tuple[str, int], ...] = ()  # (environment, Unix seconds) of each deployment, newest first


@dataclass(frozen=True)
class CIRuns:
    """Completed CI runs on the default branch (the newest ones the platform returned)."""

    total: int
    succeeded: int
    failed: int
    median_minutes: float | None
    system: str = ""                      # "github-actions", "gitlab-ci"


@dataclass(frozen=True)
class PullRequests:
    """Merged pull/merge requests into the default branch over the window (the newest first)."""

    merged: int
    # At least one approval by someone other than the author; None when reviews were not readable
    # (GitHub's GraphQL API, which returns them in one request, needs a token).
    approved_by_other: int | None
    median_hours_to_merge: float | None
    median_changed_lines: float | None
    sample: tuple[str, ...] = ()          # "#123 Fix the parser (approved by alice)"


@dataclass(frozen=True)
class Security:
    secret_scanning: Fact[bool] = Unknown("not read")
    push_protection: Fact[bool] = Unknown("not read")
    dependabot_security_updates: Fact[bool] = Unknown("not read")
    vulnerability_alerts: Fact[bool] = Unknown("not read")
    code_scanning_default_setup: Fact[bool] = Unknown("not read")


@dataclass(frozen=True)
class PlatformFacts:
    """Everything one platform scan learned about one repository."""

    name: str                             # "github", "gitlab"
    url: str                              # the repository's web page
    full_name: str                        # "owner/repo", "group/sub/project"
    default_branch: str | None
    archived: bool
    fork: bool
    visibility: str                       # "public", "private", "internal"
    authenticated: bool
    protection: Fact[Protection]
    environments: Fact[tuple[Environment, ...]]
    deployments: Fact[Deployments]
    releases: Fact[tuple[tuple[str, int], ...]]   # (tag name, Unix published time), newest first
    ci_runs: Fact[CIRuns]
    pull_requests: Fact[PullRequests]
    security: Security
    api_requests: int = 0
    cached_responses: int = 0
    notes: tuple[str, ...] = ()
