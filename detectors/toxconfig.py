"""tox configuration, from any of its homes, reduced to what each environment runs (with lines).

Homes: `tox.ini`, `setup.cfg` (`[tox:tox]`), `pyproject.toml` (`[tool.tox]` with `legacy_tox_ini`,
or native TOML like `tox.toml`). An environment without its own `commands` takes `[testenv]`'s, as
tox does; factor-conditional lines (`py312,lint: ...`, `!ci: ...`) are kept when the environment's
factors match; `{posargs:default}` becomes its default and `{[testenv]commands}` what it names.
"""

from __future__ import annotations

import itertools
import re
import shlex
from dataclasses import dataclass, field

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, as a package (declared in pyproject.toml)
    import tomli as tomllib

Lines = list[tuple[int | None, str]]
_SECTION = re.compile(r"^\[([^\]]+)\]\s*$")
_KEY = re.compile(r"^([A-Za-z_][\w.-]*)\s*[=:]\s*(.*)$")
_CONDITION = re.compile(r"^([\w{},.!-]+):\s+(.*)$")
_REFERENCE = re.compile(r"^\{\[([^\]]+)\]([\w-]+)\}$")
_COMMAND_KEYS = ("commands_pre", "commands", "commands_post")


@dataclass
class ToxConfig:
    path: str
    env_list: list[str] = field(default_factory=list)
    # section ("testenv", "testenv:lint") → key → value lines with their file lines
    sections: dict[str, dict[str, Lines]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)

    def environments(self) -> list[str]:
        named = [name.split(":", 1)[1] for name in self.sections if name.startswith("testenv:")]
        return list(dict.fromkeys(self.env_list + named))

    def commands(self, env: str, _depth: int = 0) -> tuple[Lines, str | None]:
        """(command lines of `env` in the order tox runs them, its changedir or None)."""
        own = self.sections.get(f"testenv:{env}", {})
        base = self.sections.get("testenv", {})
        factors = set(env.split("-"))
        result: Lines = []
        for key in _COMMAND_KEYS:
            lines = own[key] if key in own else base.get(key, [])
            result += self._expand(lines, env, factors, 0)
        changedir = own.get("changedir") or base.get("changedir")
        return result, _substitute(changedir[0][1], env) if changedir else None

    def _expand(self, lines: Lines, env: str, factors: set[str], depth: int) -> Lines:
        expanded: Lines = []
        for line, text in lines:
            condition = _CONDITION.match(text)
            if condition and _factors_match(condition.group(1), factors):
                text = condition.group(2)
            elif condition:
                continue
            reference = _REFERENCE.match(text.strip())
            if reference and depth < 4:
                section, key = reference.groups()
                expanded += self._expand(self.sections.get(section, {}).get(key, []), env, factors, depth + 1)
                continue
            text = _substitute(text, env).strip()
            text = re.sub(r"^-\s*", "", text)
            if text:
                expanded.append((line, text))
        return expanded


def _factors_match(condition: str, factors: set[str]) -> bool:
    for alternative in _brace_expand(condition):
        for option in alternative.split(","):
            wanted = [factor for factor in option.split("-") if factor]
            if wanted and all((factor[1:] not in factors) if factor.startswith("!") else (factor in factors)
                              for factor in wanted):
                return True
    return False


def _substitute(text: str, env: str) -> str:
    text = re.sub(r"\{posargs:([^}]*)\}", r"\1", text)
    text = re.sub(r"\{env:[^:}]+:([^}]*)\}", r"\1", text)
    replacements = {"{posargs}": "", "{envpython}": "python", "{envbindir}/": "", "{envbindir}": "",
                    "{toxinidir}/": "", "{toxinidir}": ".", "{tox_root}/": "", "{tox_root}": ".", "{envname}": env,
                    "{env_name}": env, "{envsitepackagesdir}": "site-packages", "{envtmpdir}": "tmp",
                    "{env_tmp_dir}": "tmp", "{envdir}": ".tox", "{env_dir}": ".tox", "[]": ""}
    for old, new in replacements.items():
        text = text.replace(old, new)
    return re.sub(r"\{env:[^}]*\}", "", text)


def _brace_expand(text: str) -> list[str]:
    """`py{38,39}-django{3,4}` → four names; `py3{10-12}` → py310, py311, py312."""
    parts = re.split(r"(\{[^{}]*\})", text)
    choices: list[list[str]] = []
    for part in parts:
        if part.startswith("{") and part.endswith("}"):
            options: list[str] = []
            for item in part[1:-1].split(","):
                numbers = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", item)
                if numbers and int(numbers.group(2)) - int(numbers.group(1)) < 50:
                    options += [str(n) for n in range(int(numbers.group(1)), int(numbers.group(2)) + 1)]
                else:
                    options.append(item.strip())
            choices.append(options)
        else:
            choices.append([part])
    return ["".join(combination) for combination in itertools.islice(itertools.product(*choices), 200)]


def split_env_list(value: str) -> list[str]:
    names: list[str] = []
    for item in re.split(r"[\n,](?![^{]*\})", value):
        item = item.strip()
        if item and not item.startswith("#"):
            names += _brace_expand(item)
    return names


def parse_ini(text: str, first_line: int = 1) -> dict[str, dict[str, Lines]]:
    sections: dict[str, dict[str, Lines]] = {}
    current: dict[str, Lines] | None = None
    key: str | None = None
    for number, raw in enumerate(text.splitlines(), first_line):
        stripped = raw.strip()
        if not stripped or stripped.startswith(("#", ";")):
            continue
        header = _SECTION.match(stripped) if raw[:1] not in (" ", "\t") else None
        if header:
            current, key = sections.setdefault(header.group(1).strip(), {}), None
            continue
        if raw[:1] in (" ", "\t") and current is not None and key is not None:
            current[key].append((number, stripped))
            continue
        entry = _KEY.match(stripped)
        if entry and current is not None:
            key = entry.group(1)
            current[key] = [(number, entry.group(2).strip())] if entry.group(2).strip() else []
    return sections


def from_ini(path: str, text: str, first_line: int = 1) -> ToxConfig:
    sections = parse_ini(text, first_line)
    if "tox:tox" in sections:  # setup.cfg
        sections["tox"] = sections.pop("tox:tox")
    tox = sections.get("tox", {})
    listed = tox.get("envlist") or tox.get("env_list") or []
    config = ToxConfig(path, split_env_list("\n".join(text for _line, text in listed)), sections)
    for _line, text in tox.get("labels", []):
        name, _, envs = text.partition("=")
        if envs:
            config.labels[name.strip()] = split_env_list(envs)
    return config


def from_toml(path: str, text: str, table_prefix: str) -> ToxConfig | None:
    """Native TOML: `tox.toml` (no prefix) or `[tool.tox]` of pyproject.toml (prefix `tool.tox.`)."""
    data = tomllib.loads(text)
    table = data.get("tool", {}).get("tox") if table_prefix else data
    if not isinstance(table, dict):
        return None
    legacy = table.get("legacy_tox_ini")
    if isinstance(legacy, str):
        raw = text.splitlines()
        start = next((n for n, line in enumerate(raw, 1) if "legacy_tox_ini" in line), 1)
        # TOML drops the newline right after the opening quotes: the INI text starts on the next line.
        opens_alone = re.search(r"(\"\"\"|\'\'\')\s*$", raw[start - 1]) if raw else None
        return from_ini(path, legacy, start + (1 if opens_alone else 0))
    lines = text.splitlines()
    env_list = table.get("env_list") or table.get("envlist") or []
    config = ToxConfig(path, [str(name) for name in env_list] if isinstance(env_list, list) else [])
    sources = [("testenv", table.get("env_run_base"), f"{table_prefix}env_run_base")]
    envs = table.get("env")
    if isinstance(envs, dict):
        sources += [(f"testenv:{name}", value, f"{table_prefix}env.{name}") for name, value in envs.items()]
    for section, values, header in sources:
        if isinstance(values, dict):
            config.sections[section] = {key: _toml_commands(values[key], lines, header, key)
                                        for key in _COMMAND_KEYS if isinstance(values.get(key), list)}
            if isinstance(values.get("change_dir"), str):
                config.sections[section]["changedir"] = [(None, values["change_dir"])]
    return config


def _toml_commands(commands: list, lines: list[str], header: str, key: str) -> Lines:
    start = next((n for n, line in enumerate(lines, 1) if re.match(
        rf"^\s*\[\s*{re.escape(header)}\s*\]", line)), None)
    key_at = next((n for n, line in enumerate(lines, 1) if start and n > start and re.match(
        rf"^\s*{key}\s*=", line)), start)
    found: Lines = []
    for command in commands:
        words = [word if isinstance(word, str) else _toml_replacement(word) for word in command] \
            if isinstance(command, list) else [str(command)]
        words = [word for word in words if word]
        if not words:
            continue
        first = f'"{words[0]}"'
        line = next((n for n, text in enumerate(lines, 1) if key_at and n >= key_at and first in text), key_at)
        found.append((line, shlex.join(words)))
    return found


def _toml_replacement(value: object) -> str:
    # `{ replace = "posargs", default = ["tests"] }`: the default is what runs in CI.
    if isinstance(value, dict) and isinstance(value.get("default"), list):
        return " ".join(str(word) for word in value["default"])
    return ""
