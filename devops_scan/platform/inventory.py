"""The report's `platform` inventory key: PlatformFacts as plain JSON, unknowns with their reason."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from devops_scan.platform.facts import Known, PlatformFacts, Unknown


def platform_inventory(facts: PlatformFacts) -> dict[str, Any]:
    return {
        "name": facts.name,
        "url": facts.url,
        "full_name": facts.full_name,
        "default_branch": facts.default_branch,
        "archived": facts.archived,
        "fork": facts.fork,
        "visibility": facts.visibility,
        "authenticated": facts.authenticated,
        "protection": _plain(facts.protection),
        "environments": _plain(facts.environments),
        "deployments": _deployments(facts.deployments),
        "releases": _plain(facts.releases, lambda value: {"count": len(value)}),
        "ci_runs": _plain(facts.ci_runs, _runs),
        "pull_requests": _plain(facts.pull_requests),
        "security": {key: _plain(value) for key, value in asdict_shallow(facts.security).items()},
    }


def asdict_shallow(value: Any) -> dict[str, Any]:
    return {name: getattr(value, name) for name in value.__dataclass_fields__}


def _plain(fact: Known | Unknown, shape=None) -> Any:
    if isinstance(fact, Unknown):
        return {"unknown": fact.reason}
    value = fact.value
    if shape is not None:
        return shape(value)
    if is_dataclass(value):
        return _jsonable(asdict(value))
    if isinstance(value, tuple):
        return [_jsonable(asdict(item)) if is_dataclass(item) else _jsonable(item) for item in value]
    return _jsonable(value)


def _deployments(fact: Known | Unknown) -> Any:
    if isinstance(fact, Unknown):
        return {"unknown": fact.reason}
    value = fact.value
    return {"total": value.total, "per_environment": value.per_environment, "latest": value.latest,
            "latest_state": value.latest_state}


def _runs(value: Any) -> dict[str, Any]:
    rate = round(value.succeeded / value.total, 3) if value.total else None
    return {"total": value.total, "succeeded": value.succeeded, "failed": value.failed, "success_rate": rate,
            "median_minutes": value.median_minutes, "system": value.system}


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value
