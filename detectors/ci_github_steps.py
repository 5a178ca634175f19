"""GitHub Actions steps: `run:` and `uses:`, with local composite actions followed into their action.yml.

A step `uses: ./.github/actions/setup` runs whatever that action's `runs.steps` run, so those steps
are inlined after the `uses` step (each keeping its own location in action.yml), two levels deep,
with `${{ inputs.x }}` replaced by what the caller passes or the input's default. A step whose `if:`
can never be true is left out: it does not run.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from devops_scan.clients.base import RepoClient
from devops_scan.detector import ScanContext
from devops_scan.errors import UnreadableFile
from devops_scan.model import Location
from devops_scan.yamlsafe import YamlProblem, item_line, key_line, node_line
from devops_scan_detectors.cimodel import Include, Step, as_text

# How deep local composite actions are followed (an action using an action using an action).
MAX_ACTION_DEPTH = 2
_INPUT = re.compile(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}")


@dataclass
class Reading:
    """One workflow being read: the client, and what reading it found wrong or pulled in."""

    client: RepoClient
    context: ScanContext
    problems: list[str] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)

    def load(self, path: str, what: str) -> dict[str, Any] | None:
        """The first YAML document of `path` if it is a mapping; otherwise a problem and None."""
        try:
            document = self.context.yaml(self.client, path).first
        except UnreadableFile as error:
            self.problems.append(f"{what} {path}: unreadable ({error.reason})")
            return None
        except YamlProblem as error:
            self.problems.append(f"{what} {path}: invalid YAML ({error})")
            return None
        if not isinstance(document, dict):
            self.problems.append(f"{what} {path}: not a YAML mapping")
            return None
        return document

    def problem(self, where: str, message: str, line: int | None) -> None:
        self.problems.append(f"{where}: {message}" + (f" at line {line}" if line is not None else ""))


def substitute(text: str, inputs: Mapping[str, str]) -> str:
    """`${{ inputs.name }}` replaced by known values; unknown ones are left as written."""
    if not inputs or "inputs." not in text:
        return text
    return _INPUT.sub(lambda match: inputs.get(match.group(1), match.group(0)), text)


def input_strings(value: Any, inputs: Mapping[str, str]) -> dict[str, str]:
    """`with:` (or `inputs:` defaults) as strings, sorted by name."""
    if not isinstance(value, dict):
        return {}
    found = {str(key): as_text(item) for key, item in value.items()}
    return {key: substitute(text, inputs) for key, text in sorted(found.items()) if text is not None}


def local_path(reference: str) -> str | None:
    """`./.github/actions/setup` → `.github/actions/setup`; None when it leaves the repository."""
    path = posixpath.normpath(reference[2:] or ".")
    return None if path.startswith("..") or path.startswith("/") else ("" if path == "." else path)


@dataclass(frozen=True)
class StepScope:
    """What steps of one job share: the file, inherited inputs and working directory, the `if` check."""

    path: str
    # Whether an `if:` can be true (given the inputs known here).
    can_run: Callable[[Any, Mapping[str, str]], bool]
    inputs: Mapping[str, str] = field(default_factory=dict)
    working_directory: str | None = None
    depth: int = 0
    followed: tuple[str, ...] = ()


def read_steps(reading: Reading, steps: Any, where: str, scope: StepScope) -> list[Step]:
    if steps is None:
        return []
    if not isinstance(steps, list):
        reading.problem(where, "not a list of steps", node_line(steps))
        return []
    found: list[Step] = []
    for index, item in enumerate(steps):
        here = f"{where}[{index}]"
        if not isinstance(item, dict):
            reading.problem(here, "not a mapping", item_line(steps, index))
            continue
        if "if" in item and not scope.can_run(item.get("if"), scope.inputs):
            continue  # a step that can never run does nothing
        found.extend(_step(reading, item, here, scope, item_line(steps, index)))
    return found


def _step(reading: Reading, item: dict[str, Any], where: str, scope: StepScope, line: int | None) -> list[Step]:
    name = as_text(item.get("name"))
    if "run" in item:
        run = as_text(item.get("run"))
        if run is None:
            reading.problem(where, "`run:` is not text", key_line(item, "run"))
            return []
        directory = as_text(item.get("working-directory")) or scope.working_directory
        inputs = {"working-directory": substitute(directory, scope.inputs)} if directory else {}
        return [Step(Location(scope.path, key_line(item, "run")), name, run=substitute(run, scope.inputs),
                     inputs=inputs)]
    uses = as_text(item.get("uses"))
    if uses is None:
        reading.problem(where, "neither `run:` nor `uses:`", line)
        return []
    uses = substitute(uses, scope.inputs)
    inputs = input_strings(item.get("with"), scope.inputs)
    step = Step(Location(scope.path, key_line(item, "uses")), name, uses=uses, inputs=inputs)
    if not uses.startswith("./"):
        return [step]
    return [step, *_local_action(reading, uses, inputs, where, scope, key_line(item, "uses"))]


def _local_action(reading: Reading, uses: str, inputs: dict[str, str], where: str, scope: StepScope,
                  line: int | None) -> list[Step]:
    folder = local_path(uses)
    if folder is None:
        reading.problem(where, f"local action {uses} points outside the repository", line)
        return []
    candidates = [posixpath.join(folder, name) for name in ("action.yml", "action.yaml")]
    path = next((candidate for candidate in candidates if candidate in reading.client.files), None)
    if path is None:
        reading.problem(where, f"local action {uses} not found (no {candidates[0]} in the repository)", line)
        return []
    if path in scope.followed or scope.depth >= MAX_ACTION_DEPTH:
        return []  # a loop, or deeper than this reader follows: the `uses` step alone stays
    action = reading.load(path, "action")
    runs = action.get("runs") if action else None
    if not isinstance(runs, dict) or str(runs.get("using", "")).lower() != "composite":
        return []  # docker and JavaScript actions: what they do is their code, not steps
    defaults = {str(key): text for key, spec in (action.get("inputs") or {}).items()
                if isinstance(spec, dict) and (text := as_text(spec.get("default"))) is not None} \
        if isinstance(action.get("inputs"), dict) else {}
    inner = StepScope(path, scope.can_run, {**defaults, **inputs}, None, scope.depth + 1, (*scope.followed, path))
    return read_steps(reading, runs.get("steps"), f"{path} runs.steps", inner)
