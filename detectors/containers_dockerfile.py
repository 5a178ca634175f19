"""Dockerfiles read as a reviewer reads them: stages, base-image pinning, the user, the health check.

Parsed with dockerfile-parse from the text only (it is given a BytesIO: it never touches the file
system or the environment, and nothing is built). Template files (`Dockerfile.j2`, a Dockerfile full
of `{{ }}`) are found and named, but they are not the project's Dockerfiles: something renders
them first.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

# Suffixes of files that are not Dockerfiles themselves: templates, docs, ignore files, backups.
TEMPLATE_SUFFIXES = ("j2", "jinja", "jinja2", "tmpl", "tpl", "in", "template", "example", "sample", "erb",
                     "mustache", "hbs", "njk", "gotmpl", "tt")
NOT_DOCKERFILE_SUFFIXES = ("dockerignore", "md", "rst", "txt", "orig", "bak", "swp", "lock", "json", "yml", "yaml",
                           "sh", "py", "patch", "diff")
# Template syntax where it replaces Dockerfile syntax: a line that is a template tag, or a templated FROM.
# (`{{ }}` inside a RUN or HEALTHCHECK is Go-template output formatting: `docker inspect --format '{{.State}}'`.)
_TEMPLATE_SYNTAX = re.compile(r"^[ \t]*(\{\{|\{%|<%)|^[ \t]*FROM[ \t][^\n]*(\{\{|\{%|<%)", re.MULTILINE | re.IGNORECASE)
_VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}|\$(\w+)")
_BASE_NAME = re.compile(r"^(docker|container)file([-_][\w-]+)?$")


def dockerfile_role(name: str) -> str | None:
    """'dockerfile', 'template' or None for a basename.

    Dockerfile, Containerfile, `Dockerfile.<variant>`, `Dockerfile-<variant>`, `<variant>.Dockerfile`
    (any case); a template suffix (`Dockerfile.j2`, `api.Dockerfile.tmpl`) makes it a template.
    """
    parts = name.lower().split(".")
    if _BASE_NAME.match(parts[0]):
        if len(parts) > 1 and parts[-1] in TEMPLATE_SUFFIXES:
            return "template"
        if len(parts) > 1 and parts[-1] in NOT_DOCKERFILE_SUFFIXES:
            return None
        return "dockerfile"
    if len(parts) >= 2 and parts[-1] in ("dockerfile", "containerfile"):
        return "dockerfile"
    if len(parts) >= 3 and parts[-2] in ("dockerfile", "containerfile") and parts[-1] in TEMPLATE_SUFFIXES:
        return "template"
    return None


@dataclass(frozen=True)
class BaseImage:
    """The FROM of one stage."""

    reference: str        # the image as written, with build-arg defaults filled in
    pin: str              # digest, tag, latest, untagged, variable, stage or scratch
    stage: str | None     # the stage's `AS` name
    line: int

    def describe(self) -> str:
        words = {"digest": "pinned by digest", "tag": "pinned by tag only (a tag can be moved)",
                 "latest": "`latest`: moves with every release", "untagged": "no tag: means `latest`",
                 "variable": "chosen by a build argument without a default",
                 "stage": "an earlier stage", "scratch": "empty base (`scratch`)"}
        return f"FROM {self.reference}: {words[self.pin]}"


@dataclass(frozen=True)
class Dockerfile:
    path: str
    stages: tuple[BaseImage, ...] = ()
    # The final stage's effective USER (inherited through `FROM <stage>`), or None when none is set.
    user: str | None = None
    user_line: int | None = None
    # True/False when known; None when a build argument or variable decides.
    runs_as_root: bool | None = None
    healthcheck_line: int | None = None
    healthcheck_disabled: bool = False
    # Why this is not read as a Dockerfile (a template, no FROM); None for a real one.
    problem: str | None = None

    @property
    def multistage(self) -> bool:
        return len(self.stages) > 1

    @property
    def has_healthcheck(self) -> bool:
        return self.healthcheck_line is not None and not self.healthcheck_disabled


@dataclass
class _Stage:
    image: BaseImage
    parent: "_Stage | None"
    variables: dict[str, str]
    user: tuple[str, int] | None = None
    healthcheck: tuple[int, bool] | None = None


def parse_dockerfile(path: str, text: str) -> Dockerfile:
    """The facts of one Dockerfile; never raises (an unreadable structure becomes `problem`)."""
    template = _TEMPLATE_SYNTAX.search(text)
    if template:
        line = text.count("\n", 0, template.start()) + 1
        return Dockerfile(path, problem=f"template syntax on line {line}: rendered before it is built")
    try:
        instructions = _instructions(text)
    except Exception as error:  # dockerfile-parse on odd input: the file is reported, never a crash
        return Dockerfile(path, problem=f"could not be parsed ({type(error).__name__})")
    return _facts(path, instructions)


def _instructions(text: str) -> list[tuple[str, str, int]]:
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8", "replace")), env_replace=False)
    return [(item["instruction"].upper(), item["value"], item["startline"] + 1) for item in parser.structure]


def _facts(path: str, instructions: list[tuple[str, str, int]]) -> Dockerfile:
    global_args: dict[str, str] = {}
    stages: list[_Stage] = []
    by_name: dict[str, _Stage] = {}
    for instruction, value, line in instructions:
        if instruction == "FROM":
            stage = _new_stage(value, line, global_args, by_name)
            stages.append(stage)
            if stage.image.stage:
                by_name[stage.image.stage.lower()] = stage
        elif not stages:
            if instruction == "ARG":
                global_args.update(_assignments(value))
        elif instruction in ("ARG", "ENV"):
            stages[-1].variables.update(_assignments(value))
        elif instruction == "USER":
            stages[-1].user = (_substitute(value.strip(), stages[-1].variables), line)
        elif instruction == "HEALTHCHECK":
            stages[-1].healthcheck = (line, value.strip().upper() == "NONE")
    if not stages:
        return Dockerfile(path, problem="no FROM instruction: not a Dockerfile")
    final = stages[-1]
    user = _inherited(final, "user")
    health = _inherited(final, "healthcheck")
    return Dockerfile(
        path, tuple(stage.image for stage in stages),
        user=user[0] if user else None, user_line=user[1] if user else None,
        runs_as_root=_is_root(user[0] if user else None, final),
        healthcheck_line=health[0] if health else None, healthcheck_disabled=bool(health and health[1]),
    )


def _new_stage(value: str, line: int, global_args: dict[str, str], by_name: dict[str, _Stage]) -> _Stage:
    words = [word for word in value.split() if not word.startswith("--")]
    reference = words[0] if words else ""
    name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    resolved = _substitute(reference, global_args)
    parent = by_name.get(resolved.lower())
    return _Stage(BaseImage(resolved, _pin(resolved, parent is not None), name, line), parent, dict(global_args))


def _pin(reference: str, is_stage: bool) -> str:
    if is_stage:
        return "stage"
    if "$" in reference or not reference:
        return "variable"
    if reference.lower() == "scratch":
        return "scratch"
    if "@sha256:" in reference or "@sha512:" in reference:
        return "digest"
    last = reference.rsplit("/", 1)[-1]
    if ":" not in last:
        return "untagged"
    return "latest" if last.rsplit(":", 1)[1] == "latest" else "tag"


def _assignments(value: str) -> dict[str, str]:
    """`ARG A=1 B`, `ENV A=1`, legacy `ENV A 1`: names with their default (only those that have one)."""
    found: dict[str, str] = {}
    words = value.split()
    if len(words) >= 2 and "=" not in words[0]:
        found[words[0]] = " ".join(words[1:]).strip("\"'")  # legacy `ENV NAME value`
        return found
    for word in words:
        name, equals, default = word.partition("=")
        if equals:
            found[name] = default.strip("\"'")
    return found


def _substitute(text: str, variables: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables:
            return variables[name]
        return match.group(2) if match.group(2) is not None else match.group(0)  # `${NAME:-default}`

    return _VARIABLE.sub(replace, text)


def _inherited(stage: _Stage, attribute: str) -> tuple | None:
    seen: set[int] = set()
    current: _Stage | None = stage
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        value = getattr(current, attribute)
        if value is not None:
            return value
        current = current.parent
    return None


def _is_root(user: str | None, final: _Stage) -> bool | None:
    if user is None:
        # No USER: the base image's user, root for nearly every image except the explicit `nonroot` variants.
        root_stage = final
        while root_stage.parent is not None:  # parents are earlier stages: no cycles
            root_stage = root_stage.parent
        return "nonroot" not in root_stage.image.reference.lower()
    if "$" in user:
        return None
    name = user.split(":", 1)[0].strip()
    return name in ("root", "0", "")
