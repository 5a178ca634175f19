"""Verdicts on infrastructure state and pins, from the facts the IaC detector collected.

Kept apart from the collection so each rule reads as a table: what makes it fail, what leaves it
unknown (decided outside the repository), what is not applicable.
"""

from __future__ import annotations

from devops_scan.model import Evidence, Finding, Outcome

_LIMIT = 12


def remote_state_finding(evidence: Evidence) -> Finding:
    practice = "infra.remote-state"
    backends = list(evidence.of_kind("state-backend"))
    if not backends:
        terraform = [f for f in evidence.of_kind("iac-file") if f.data["kind"] == "terraform"]
        if terraform:
            return Finding(practice, Outcome.NOT_APPLICABLE,
                           "only reusable Terraform modules (no root module: no backend, lock file, provider "
                           "configuration or Terragrunt unit); their state belongs to the configurations that "
                           "call them", tuple(terraform[:3]))
        return Finding(practice, Outcome.NOT_APPLICABLE, "no Terraform/OpenTofu or Pulumi: no state to keep")
    local = [f for f in backends if f.data["remote"] is False]
    unlocked = [f for f in backends if f.data["remote"] and f.data["locked"] is False]
    undecided = [f for f in backends if f.data["remote"] is None or (f.data["remote"] and f.data["locked"] is None)]
    if local or unlocked:
        parts = []
        if local:
            parts.append(f"{len(local)} of {len(backends)} root(s) keep state locally")
        if unlocked:
            parts.append(f"{len(unlocked)} remote backend(s) without locking")
        return Finding(practice, Outcome.FAIL, "; ".join(parts), tuple((local + unlocked)[:_LIMIT]),
                       remediation=_LOCAL_REMEDIATION if local else _LOCK_REMEDIATION)
    if undecided:
        return Finding(practice, Outcome.UNKNOWN,
                       "where state lives or how it is locked is decided outside the repository (backend "
                       "settings passed at init, or `pulumi login`)", tuple(undecided[:_LIMIT]))
    return Finding(practice, Outcome.PASS, f"{len(backends)} root(s), all with remote, locked state",
                   tuple(backends[:_LIMIT]))


_LOCAL_REMEDIATION = (
    "Add a remote backend to each root module (`backend \"s3\"` with `use_lockfile = true`, `backend \"gcs\"`, "
    "`backend \"azurerm\"`, or a `cloud {}` block for HCP Terraform) and run `terraform init -migrate-state`."
)
_LOCK_REMEDIATION = (
    "Turn on state locking: `use_lockfile = true` (Terraform ≥ 1.10 / OpenTofu ≥ 1.8) or a `dynamodb_table` "
    "in the S3 backend, `lock_address` for the HTTP backend."
)


def pinned_finding(evidence: Evidence) -> Finding:
    practice = "infra.pinned-modules"
    pinned = list(evidence.of_kind("pinned-dependency"))
    unpinned = list(evidence.of_kind("unpinned-dependency"))
    locks = list(evidence.of_kind("lock-file"))
    if not pinned and not unpinned:
        if locks:
            return Finding(practice, Outcome.PASS, "provider versions locked", tuple(locks[:_LIMIT]))
        return Finding(practice, Outcome.NOT_APPLICABLE,
                       "no external modules, providers, charts, roles or remote bases to pin")
    if unpinned:
        ecosystems = sorted({f.data["ecosystem"] for f in unpinned})
        return Finding(practice, Outcome.FAIL,
                       f"{len(unpinned)} of {len(pinned) + len(unpinned)} infrastructure dependencies are not "
                       f"pinned ({', '.join(ecosystems)})", tuple(unpinned[:_LIMIT]))
    ecosystems = sorted({f.data["ecosystem"] for f in pinned})
    count = "the one infrastructure dependency is" if len(pinned) == 1 else \
        f"all {len(pinned)} infrastructure dependencies are"
    return Finding(practice, Outcome.PASS, f"{count} pinned ({', '.join(ecosystems)})",
                   tuple((pinned + locks)[:_LIMIT]))

