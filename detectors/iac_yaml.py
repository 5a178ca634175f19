"""YAML (and JSON) files as candidates for the IaC readers: listed once, parsed only when worth it.

Reading every YAML file of a large repository is cheap (the client caps and caches contents);
parsing every one is not. Readers pass a cheap text pre-check (`apiVersion:` for Kubernetes,
`AWSTemplateFormatVersion` or `AWS::` for CloudFormation...) and only files that pass are parsed,
through the scan's shared, memoised parser.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Fact, Location
from devops_scan.yamlsafe import YamlProblem
from devops_scan_detectors.iac_scope import own_paths


@dataclass(frozen=True)
class Parsed:
    path: str
    text: str
    documents: tuple[Any, ...]


@dataclass(frozen=True)
class Unparsable:
    path: str
    problem: Fact


def yaml_paths(client: RepoClient, context: ScanContext) -> tuple[str, ...]:
    """The project's own `*.yml`/`*.yaml` files (not vendored, test data or samples), once per scan."""
    return context.shared("iac-yaml-paths", lambda: tuple(own_paths(client.files.with_extension("yml", "yaml"))))


def json_paths(client: RepoClient, context: ScanContext) -> tuple[str, ...]:
    """The project's own JSON files, without dependency lock files (large, and never infrastructure)."""
    return context.shared("iac-json-paths", lambda: tuple(
        path for path in own_paths(client.files.with_extension("json"))
        if not path.endswith(("package-lock.json", "-lock.json", ".lock.json", "composer.json", "tsconfig.json"))))


def read_text(client: RepoClient, path: str) -> str | None:
    try:
        return client.read_text(path).text
    except UnreadableFile:
        return None


def parse_candidates(client: RepoClient, context: ScanContext, paths: Iterator[str] | tuple[str, ...],
                     marker: re.Pattern[str], what: str) -> Iterator[Parsed | Unparsable]:
    """Files among `paths` whose text matches `marker`, parsed; invalid YAML is reported as `what`."""
    for path in paths:
        text = read_text(client, path)
        if text is None or not marker.search(text):
            continue
        try:
            documents = context.yaml(client, path).documents
        except YamlProblem as error:
            yield Unparsable(path, Fact("iac-unreadable", f"looks like {what} but is not valid YAML: {error.message}",
                                        Location(path, error.line)))
            continue
        except UnreadableFile:
            continue
        yield Parsed(path, text, tuple(documents))


def parse_json(client: RepoClient, path: str, marker: re.Pattern[str]) -> tuple[str, Any] | None:
    """(text, value) of a JSON file whose text matches `marker`; None when unreadable, unmatched or invalid."""
    text = read_text(client, path)
    if text is None or not marker.search(text):
        return None
    try:
        return text, json.loads(text)
    except (ValueError, RecursionError):
        return None


def mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text_line(text: str, needle: str) -> int | None:
    """1-based line of the first occurrence of `needle`, or None."""
    index = text.find(needle)
    return None if index < 0 else text.count("\n", 0, index) + 1
