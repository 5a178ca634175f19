"""A Makefile read the way `make` reads it, enough to say what a target's recipe runs.

Rules (targets, prerequisites, recipe lines with their line numbers), variables (`=`, `:=`, `?=`,
`+=`, `export`, target-specific ones), `include`, `.DEFAULT_GOAL`. Conditionals keep every branch
(which one `make` takes depends on the environment). Variable references expand as `make` would;
an undefined `$(PYTHON)` or `$(NPM)` becomes the program it conventionally names (its default in
most Makefiles), other undefined variables expand to nothing, as in `make`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

_ASSIGNMENT = re.compile(r"^(?:(?:export|override|private)\s+)*([A-Za-z_.][\w.-]*)\s*(:::=|::?=|\?=|\+=|!=|=)\s*(.*)$")
_RULE = re.compile(r"^([^:=#\t][^:=#]*?)\s*(::?)(?!=)\s*(.*)$")
_REFERENCE = re.compile(r"\$[({]([^(){}$]*)[)}]|\$([@<^*?+|])")
_CONVENTIONAL = {"MAKE": "make", "PYTHON": "python", "PYTHON3": "python", "PY": "python", "PIP": "pip",
                 "NPM": "npm", "YARN": "yarn", "PNPM": "pnpm", "NODE": "node", "NPX": "npx", "GO": "go",
                 "GOCMD": "go", "CARGO": "cargo", "DOCKER": "docker", "POETRY": "poetry", "UV": "uv",
                 "PYTEST": "pytest", "TOX": "tox", "NOX": "nox", "MVN": "mvn", "GRADLE": "gradle",
                 "HELM": "helm", "KUBECTL": "kubectl", "TERRAFORM": "terraform", "TF": "terraform",
                 "RUBY": "ruby", "BUNDLE": "bundle", "COMPOSER": "composer", "PHP": "php", "DOTNET": "dotnet",
                 "MIX": "mix", "RSCRIPT": "Rscript", "JULIA": "julia", "SHELL": "sh", "RM": "rm -f",
                 "PIPENV": "pipenv", "HATCH": "hatch", "PDM": "pdm", "COVERAGE": "coverage", "RUFF": "ruff",
                 "BLACK": "black", "MYPY": "mypy", "FLAKE8": "flake8", "ISORT": "isort", "PYLINT": "pylint",
                 "DOCKER_COMPOSE": "docker compose", "COMPOSE": "docker compose", "GOLANGCI_LINT": "golangci-lint"}
_MAX_EXPANSION = 12
# Longest text an expansion may produce; past it the rest is not read (nobody's recipe line is this long).
_MAX_EXPANDED = 20_000
# Variables defined through other variables, this many deep at most.
_MAX_NESTING = 64


@dataclass
class Rule:
    target: str
    # Where the rule is written (an included file's rules keep their own path).
    path: str
    line: int
    prerequisites: list[str] = field(default_factory=list)
    recipe: list[tuple[int, str]] = field(default_factory=list)
    # What `%` matched when the rule comes from a pattern rule (`$*` in its recipe).
    stem: str = ""


@dataclass
class Makefile:
    rules: dict[str, Rule] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    default: str | None = None
    # Included files (path, line of the include): their rules are merged here.
    includes: list[str] = field(default_factory=list)
    # Pattern rules (`%: common-%`, `build-%: ...`): the target holds the pattern.
    patterns: list[Rule] = field(default_factory=list)

    def rule_for(self, target: str) -> Rule | None:
        """The rule that makes `target`: its own, or the first pattern rule that applies.

        As in `make`, a pattern rule applies when its prerequisites can be made; here, when each is a
        rule of its own (this also keeps `%: common-%` from matching its own prerequisites forever)."""
        if target in self.rules:
            return self.rules[target]
        for pattern in self.patterns:
            prefix, _, suffix = pattern.target.partition("%")
            if len(target) < len(prefix) + len(suffix) or not target.startswith(prefix) or not target.endswith(
                    suffix):
                continue
            stem = target[len(prefix): len(target) - len(suffix)]
            prerequisites = [p.replace("%", stem) for p in pattern.prerequisites]
            if all(p in self.rules for p in prerequisites) and (prerequisites or pattern.recipe):
                return Rule(target, pattern.path, pattern.line, prerequisites, pattern.recipe, stem)
        return None

    def expand(self, text: str, rule: Rule | None = None, overrides: dict[str, str] | None = None,
               depth: int = 0) -> str:
        """`$(VAR)`, `${VAR}`, `$@`, `$<`, `$^` expanded; `$$` is a literal `$` for the shell.

        Each variable is expanded once per call and memoised, a variable met again while it is being
        expanded (a cycle) expands to nothing, and the result is capped: Makefiles whose variables
        reference each other many times over must not cost exponential time."""
        return _Expansion(self, rule, overrides or {}).text(text)


class _Expansion:
    def __init__(self, makefile: Makefile, rule: Rule | None, overrides: dict[str, str]) -> None:
        self.makefile, self.rule, self.overrides = makefile, rule, overrides
        self.values: dict[str, str] = {}
        self.active: set[str] = set()

    def text(self, text: str) -> str:
        text = text.replace("$$", "\0")
        for _ in range(_MAX_EXPANSION):
            if len(text) > _MAX_EXPANDED:
                break
            expanded = _REFERENCE.sub(self._replace, text)
            if expanded == text:
                break
            text = expanded
        return text[:_MAX_EXPANDED].replace("\0", "$")

    def _replace(self, match: re.Match[str]) -> str:
        name = match.group(1) if match.group(1) is not None else match.group(2)
        if match.group(2) is not None:
            return _automatic(name, self.rule)
        if " " in name.strip() or "," in name:
            return _function(name)
        name, _, substitution = name.partition(":")
        value = self._variable(name)
        if substitution and "=" in substitution:
            old, new = substitution.split("=", 1)
            value = " ".join(word[: -len(old)] + new if old and word.endswith(old) else word
                             for word in value.split())
        return value

    def _variable(self, name: str) -> str:
        if name in self.values:
            return self.values[name]
        if name in self.active or len(self.active) > _MAX_NESTING:
            return ""  # a variable defined through itself, or nested too deep
        raw = self.overrides.get(name, self.makefile.variables.get(name))
        if raw is None:
            raw = _CONVENTIONAL.get(name, "")
        self.active.add(name)
        value = self.text(raw)
        self.active.discard(name)
        self.values[name] = value
        return value


def _automatic(name: str, rule: Rule | None) -> str:
    if rule is None:
        return ""
    return {"@": rule.target, "<": (rule.prerequisites or [""])[0], "^": " ".join(rule.prerequisites), "*": rule.stem,
            "+": " ".join(rule.prerequisites)}.get(name, "")


def _function(call: str) -> str:
    # `$(shell cmd)` runs cmd in a shell: keep it as a shell command substitution; other functions
    # compute words from files and variables we do not evaluate.
    name, _, argument = call.strip().partition(" ")
    return f"$({argument})" if name == "shell" else ""


Reader = Callable[[str], "tuple[str, str] | None"]


def parse_makefile(text: str, path: str, read_include: Reader | None = None) -> Makefile:
    """`read_include(name)` gives (path, text) of an included file, or None when it is not readable."""
    makefile = Makefile()
    _parse_into(makefile, text, path, read_include, 0)
    return makefile


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines = text.splitlines()
    joined: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        number, line = index + 1, lines[index]
        while line.endswith("\\") and index + 1 < len(lines):
            index += 1
            line = line[:-1] + " " + lines[index].lstrip("\t ")
        joined.append((number, line))
        index += 1
    return joined


def _parse_into(makefile: Makefile, text: str, path: str, read_include: Reader | None, depth: int) -> None:
    current: list[Rule] = []
    in_define = False
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if in_define:
            in_define = not stripped.startswith("endef")
            continue
        if line.startswith("\t") and current:
            recipe = line[1:].strip()
            if recipe and not recipe.startswith("#"):
                for rule in current:
                    rule.recipe.append((number, recipe))
            continue
        if not stripped or stripped.startswith("#"):
            continue
        if re.match(r"^(ifeq|ifneq|ifdef|ifndef|else|endif)\b", stripped):
            continue
        if stripped.startswith("define ") or stripped == "define":
            in_define = True
            continue
        include = re.match(r"^(-|s)?include\s+(.+)$", stripped)
        if include:
            _include(makefile, include.group(2), read_include, depth)
            current = []
            continue
        assignment = _ASSIGNMENT.match(stripped)
        if assignment:
            current = []
            _assign(makefile, *assignment.groups())
            continue
        rule = _RULE.match(stripped)
        if rule:
            current = _rule(makefile, path, number, *rule.groups())
            continue
        current = []


def _assign(makefile: Makefile, name: str, operator: str, value: str) -> None:
    value = value.split(" #", 1)[0].strip()
    if name == ".DEFAULT_GOAL":
        makefile.default = value.split()[0] if value.split() else makefile.default
    elif operator == "+=":
        makefile.variables[name] = (makefile.variables.get(name, "") + " " + value).strip()
    elif operator == "?=":
        makefile.variables.setdefault(name, value)
    elif operator != "!=":  # `!=` assigns a shell command's output: unknown here
        makefile.variables[name] = value


def _rule(makefile: Makefile, path: str, number: int, targets_text: str, _colons: str, rest: str) -> list[Rule]:
    targets = makefile.expand(targets_text).split()
    specific = _ASSIGNMENT.match(rest)
    if specific:  # `test: PYTEST_ARGS = -x` sets a variable for that target (approximated as global)
        _assign(makefile, *specific.groups())
        return []
    recipe_inline = None
    if ";" in rest:
        rest, recipe_inline = rest.split(";", 1)
    prerequisites = [word for word in makefile.expand(rest.split("|", 1)[0]).split() if word]
    rules = []
    for target in targets:
        if "%" in target:
            if target.count("%") == 1 and ":" not in rest:  # static pattern rules (`a b: %-x: %`) are skipped
                pattern = Rule(target, path, number, prerequisites)
                if recipe_inline and recipe_inline.strip():
                    pattern.recipe.append((number, recipe_inline.strip()))
                makefile.patterns.append(pattern)
                rules.append(pattern)
            continue
        rule = makefile.rules.setdefault(target, Rule(target, path, number))
        rule.prerequisites += [p for p in prerequisites if p not in rule.prerequisites]
        if recipe_inline and recipe_inline.strip():
            rule.recipe.append((number, recipe_inline.strip()))
        if makefile.default is None and not target.startswith("."):
            makefile.default = target
        if not target.startswith("."):
            rules.append(rule)
    return rules


def _include(makefile: Makefile, names: str, read_include: Reader | None, depth: int) -> None:
    if read_include is None or depth >= 3:
        return
    for name in makefile.expand(names).split():
        found = read_include(name)
        if found is not None:
            makefile.includes.append(found[0])
            # Parsed in place: as in `make`, the default goal is the first rule read, wherever it is.
            _parse_into(makefile, found[1], found[0], read_include, depth + 1)
