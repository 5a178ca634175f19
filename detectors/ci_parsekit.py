"""What the CI parsers of ci_jenkins / ci_hosted / ci_selfhosted share: guarded entry points, YAML
access that tolerates any shape, and command lists with their lines.

Every parser must give a Pipeline for any file: a file it cannot read gives a Pipeline without jobs
whose `problems` say why, so one odd file never costs the evidence of the others.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Callable, Iterator

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem, item_line, key_line, node_line
from devops_scan_detectors.cimodel import Pipeline, Step, Triggers, as_text

Parser = Callable[[RepoClient, ScanContext, str], Pipeline]


def empty_pipeline(system: str, path: str, problem: str) -> Pipeline:
    return Pipeline(system, path, Triggers(frozenset()), (), problems=(problem,))


def guarded(system: str) -> Callable[[Parser], Parser]:
    """Turn any failure of a parser into a Pipeline that says why it has no jobs."""

    def wrap(parser: Parser) -> Parser:
        @functools.wraps(parser)
        def run(client: RepoClient, context: ScanContext, path: str) -> Pipeline:
            try:
                return parser(client, context, path)
            except UnreadableFile as error:
                return empty_pipeline(system, path, f"unreadable ({error.reason})")
            except YamlProblem as error:
                return empty_pipeline(system, path, f"invalid YAML: {error}")
            except Exception as error:  # arbitrary input must never cost the other files' evidence
                return empty_pipeline(system, path, f"could not be analysed ({type(error).__name__}: {error})")

        return run

    return wrap


def first_document(client: RepoClient, context: ScanContext, path: str) -> dict[Any, Any]:
    """The first YAML document when it is a mapping, else an empty mapping."""
    documents = context.yaml(client, path).documents
    return documents[0] if documents and isinstance(documents[0], dict) else {}


def mapping(value: Any) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def sequence(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def strings(value: Any) -> tuple[str, ...]:
    """A scalar or a list of scalars as strings (`branches: main` and `branches: [main, dev]`)."""
    if isinstance(value, list):
        return tuple(text for text in (as_text(item) for item in value) if text is not None)
    text = as_text(value)
    return (text,) if text is not None else ()


def line_of(parent: Any, key: Any) -> int | None:
    """The line of `parent[key]` for a mapping key or a list index, falling back to the parent's line."""
    if isinstance(parent, dict):
        return key_line(parent, key) or node_line(parent)
    if isinstance(parent, list) and isinstance(key, int):
        return item_line(parent, key) or node_line(parent)
    return None


def command_steps(path: str, parent: Any, key: Any, name: str | None = None) -> list[Step]:
    """Shell steps from `parent[key]`: a string (one step) or a list of strings (one step each)."""
    value = parent.get(key) if isinstance(parent, dict) else None
    if isinstance(value, list):
        return [Step(Location(path, line_of(value, index)), name=name, run=text)
                for index, text in ((index, as_text(item)) for index, item in enumerate(value)) if text]
    text = as_text(value)
    return [Step(Location(path, line_of(parent, key)), name=name, run=text)] if text else []


def named_items(value: Any) -> Iterator[tuple[str, Any, int | None]]:
    """(name, body, line) of `{name: body}` mappings and of lists of one-key mappings or strings."""
    if isinstance(value, dict):
        for key, body in value.items():
            yield str(key), body, line_of(value, key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict) and len(item) == 1:
                key, body = next(iter(item.items()))
                yield str(key), body, line_of(value, index)
            elif isinstance(item, str):
                yield item, None, line_of(value, index)


_CREDENTIAL_KEY = re.compile(r"(password|passwd|token|secret|private_key|api_key|access_key|credentials?)$",
                             re.IGNORECASE)


def inputs_of(value: Any) -> dict[str, str]:
    """Scalar entries of a mapping as strings (a step's `with:`/`settings:`/`inputs:`), without the ones
    named like credentials: a report has no use for them, whatever they hold."""
    return {str(key): text for key, text in ((key, as_text(item)) for key, item in mapping(value).items())
            if text is not None and not _CREDENTIAL_KEY.search(str(key))}


def in_directory(directory: str | None) -> str | None:
    """A step's working directory as the command follower needs it (`make test` in `services/api` is
    that folder's Makefile); None for the repository root or a folder decided at run time."""
    if not directory or directory in (".", "./") or "$" in directory or directory.startswith(("/", "~")):
        return None
    return directory


def only_except(value: Any) -> tuple[tuple[str, ...] | None, tuple[str, ...]]:
    """(branches, branches_ignore) of `{only: [...], except/ignore/exclude: [...]}`, a list or a string."""
    if isinstance(value, dict):
        only = value.get("only", value.get("include"))
        excluded = value.get("except", value.get("ignore", value.get("exclude")))
        return (strings(only) or None) if only is not None else None, strings(excluded)
    if value is None:
        return None, ()
    return strings(value) or None, ()


def loc(path: str, line: int | None) -> Location:
    return Location(path, line)


def overlay(base: dict[Any, Any], top: dict[Any, Any], keys: tuple[str, ...] | None = None) -> dict[Any, Any]:
    """`top` over (the `keys` of) `base`, keeping each key's line from the mapping it came from
    (a Travis job inherits the top-level phases it does not set)."""
    from devops_scan.yamlpos import PositionedMap

    merged = PositionedMap(node_line(top) or node_line(base) or 0)
    for source in (base, top):
        for key, value in source.items():
            if source is top or keys is None or key in keys:
                merged[key] = value
                line = key_line(source, key)
                if line is not None:
                    merged.key_lines[key] = line
    return merged


_DEPLOY_WORDS = re.compile(r"deploy|release|promot|publish|rollout|ship", re.IGNORECASE)
_ENVIRONMENTS = re.compile(r"\b(production|prod|live|staging|qa|uat|preview|pre-?prod|sandbox|canary|"
                           r"development|dev|integration)\b", re.IGNORECASE)


def environment_in_name(name: str) -> str | None:
    """`Deploy to Staging` → staging, for systems without an environment keyword (Jenkins stages,
    Semaphore promotions): a deploy step's name is where such teams write the environment."""
    if not _DEPLOY_WORDS.search(name):
        return None
    match = _ENVIRONMENTS.search(name.rsplit("/", 1)[-1]) or _ENVIRONMENTS.search(name)
    return match.group(1).lower() if match else None


def shell_join(words: list[str] | tuple[str, ...]) -> str:
    """An argument list as a command line that reads like the shell the CI system hands it to: words
    with spaces or quotes are double-quoted, `$VARIABLES` are left to expand (shlex.join would
    single-quote them, changing what the command means)."""
    parts = []
    for word in words:
        if word and not any(char in word for char in " \t\n\"'\\;&|<>()`*?"):
            parts.append(word)
        else:
            parts.append('"' + word.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`") + '"')
    return " ".join(parts)
