"""One Terraform/OpenTofu (or Terragrunt) file → what it declares, with lines; never raises.

HCL is parsed with python-hcl2 (JSON syntax `*.tf.json` with json); python-hcl2 8 keeps no line
numbers, so lines are found in the text next to the parsed block (`module "vpc"`, `backend "s3"`).
Only files that declare `terraform`, `module`, `provider`, `remote_state` or Terragrunt blocks are
parsed: resource-only files are recognised from their block headers, which is far cheaper.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

TOP_LEVEL_BLOCK = re.compile(
    r"^(resource|data|module|terraform|provider|variable|output|locals|import|moved|check|removed)\s*(\"|\{|\w)",
    re.MULTILINE)
_NEEDS_PARSING = re.compile(r"^[ \t]*(terraform|module|provider|remote_state|include|dependency)\s*(\{|\")",
                            re.MULTILINE)
_RESOURCE = re.compile(r'^resource\s+"', re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """A named thing a file declares: a backend, a module call, a provider requirement."""

    name: str
    line: int | None
    attributes: dict[str, Any]


@dataclass(frozen=True)
class TerraformFile:
    path: str
    is_terraform: bool
    resources: int = 0
    first_line: int | None = None                # the first top-level block
    backends: tuple[Block, ...] = ()          # name = backend type; Terragrunt remote_state too
    cloud: Block | None = None                # `terraform { cloud { ... } }` (HCP Terraform)
    required_providers: tuple[Block, ...] = ()
    providers: tuple[Block, ...] = ()         # `provider "aws" { ... }` configurations
    modules: tuple[Block, ...] = ()           # name = module name; attributes hold source/version
    terragrunt_source: Block | None = None    # Terragrunt `terraform { source = ... }`
    problem: str | None = None
    problem_line: int | None = None


def read_terraform(path: str, text: str) -> TerraformFile:
    is_terragrunt = path.rsplit("/", 1)[-1] == "terragrunt.hcl"
    is_json = path.endswith(".json")
    first = TOP_LEVEL_BLOCK.search(text)
    if not is_terragrunt and not is_json and not first:
        return TerraformFile(path, False)
    resources = len(_RESOURCE.findall(text))
    first_line = text.count("\n", 0, first.start()) + 1 if first else None
    if not is_json and not _NEEDS_PARSING.search(text):
        return TerraformFile(path, True, resources, first_line)
    try:
        data = json.loads(text) if is_json else _hcl(_relevant_blocks(text))
    except Exception as error:  # lark's syntax errors, RecursionError on absurd nesting: the file is reported
        line = getattr(error, "line", None)
        fallback = tuple(Block(kind, _line(text, rf'backend\s+"{re.escape(kind)}"'), {})
                         for kind in re.findall(r'backend\s+"(\w+)"', text))
        return TerraformFile(path, True, resources, first_line, fallback,
                             problem=f"HCL syntax error ({type(error).__name__})",
                             problem_line=line if isinstance(line, int) and line > 0 else None)
    if not isinstance(data, dict):
        return TerraformFile(path, False)
    if is_json:
        resources = sum(len(_as_dicts(item)) for item in _as_dicts(data.get("resource")))
        if not any(key in data for key in ("resource", "data", "module", "terraform", "provider", "variable",
                                            "output", "locals")):
            return TerraformFile(path, False)
    return _blocks(path, text, data, resources, first_line, is_terragrunt)


# Top-level blocks whose content the verdicts read. python-hcl2 (a lark grammar) takes up to a second
# on a large module file, so only these blocks are handed to it; resources are counted by regex.
_RELEVANT_START = re.compile(r'^(terraform|module\s+"[^"\n]*"|provider\s+"[^"\n]*"|remote_state|include(\s+"[^"\n]*")?|'
                             r'dependency\s+"[^"\n]*")\s*\{', re.MULTILINE)
_HEREDOC = re.compile(r"<<-?\s*([A-Za-z_]\w*)")


def _relevant_blocks(text: str) -> str:
    """The relevant top-level blocks of an HCL file, each cut at its matching brace, blank lines between.
    Braces inside strings, comments and heredocs do not count. When a block never closes, the whole
    text is returned and the parser reports the syntax error."""
    blocks = []
    for match in _RELEVANT_START.finditer(text):
        end = _block_end(text, match.end())
        if end is None:
            return text
        blocks.append(text[match.start():end])
    return "\n\n".join(blocks) + "\n"


def _block_end(text: str, start: int) -> int | None:
    """Offset just after the `}` that closes the block whose `{` ends at `start`."""
    depth, i, length = 1, start, len(text)
    while i < length:
        char = text[i]
        if char == '"':
            i += 1
            while i < length and text[i] != '"' and text[i] != "\n":
                i += 2 if text[i] == "\\" else 1
        elif char == "#" or text.startswith("//", i):
            newline = text.find("\n", i)
            i = length if newline < 0 else newline
            continue
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = length if close < 0 else close + 1
        elif text.startswith("<<", i):
            heredoc = _HEREDOC.match(text, i)
            if heredoc:
                closing = re.compile(rf"^\s*{re.escape(heredoc.group(1))}\s*$", re.MULTILINE)
                found = closing.search(text, heredoc.end())
                i = length if found is None else found.end()
                continue
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def _hcl(text: str) -> dict[str, Any]:
    import hcl2

    options = hcl2.SerializationOptions(strip_string_quotes=True, with_comments=False)
    return hcl2.loads(text, serialization_options=options)


def _blocks(path: str, text: str, data: dict[str, Any], resources: int, first_line: int | None,
            terragrunt: bool) -> TerraformFile:
    backends: list[Block] = []
    required: list[Block] = []
    cloud: Block | None = None
    source: Block | None = None
    for settings in _as_dicts(data.get("terraform")):
        for kind, body in _labelled(settings.get("backend")):
            backends.append(Block(kind, _line(text, rf'backend\s+"{re.escape(kind)}"'), _clean(body)))
        for body in _as_dicts(settings.get("cloud")):
            cloud = Block("cloud", _line(text, r"^[ \t]*cloud\s*\{"), _clean(body))
        for group in _as_dicts(settings.get("required_providers")):
            start = _offset(text, r"required_providers\s*\{")
            for name, spec in _clean(group).items():
                attributes = spec if isinstance(spec, dict) else {"version": spec}
                required.append(Block(name, _line(text, rf"^[ \t]*\"?{re.escape(name)}\"?\s*[=:]", start), attributes))
        if terragrunt and isinstance(settings.get("source"), str):
            source = Block("source", _line(text, r"^[ \t]*source\s*="), {"source": settings["source"]})
    for state in _as_dicts(data.get("remote_state")):
        kind = str(state.get("backend", "unknown"))
        backends.append(Block(kind, _line(text, r"^[ \t]*remote_state\s*\{"), _clean(state.get("config") or {})))
    modules = [Block(name, _line(text, rf'^[ \t]*module\s+"{re.escape(name)}"'), _clean(body))
               for name, body in _labelled(data.get("module"))]
    providers = [Block(name, _line(text, rf'^[ \t]*provider\s+"{re.escape(name)}"'), _clean(body))
                 for name, body in _labelled(data.get("provider"))]
    return TerraformFile(path, True, resources, first_line, tuple(backends), cloud, tuple(required),
                         tuple(providers), tuple(modules), source)


def _as_dicts(value: Any) -> list[dict[str, Any]]:
    """Blocks come as a list of dicts from HCL and as a dict (or list) from JSON syntax."""
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _labelled(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(label, body) of `block "label" { body }` entries."""
    for item in _as_dicts(value):
        for label, body in item.items():
            if label.startswith("__"):
                continue
            for each in _as_dicts(body) or [{}]:
                yield str(label), each


def _clean(body: Any) -> dict[str, Any]:
    return {str(key): value for key, value in body.items() if not str(key).startswith("__")} \
        if isinstance(body, dict) else {}


def _offset(text: str, pattern: str) -> int:
    match = re.search(pattern, text, re.MULTILINE)
    return match.start() if match else 0


def _line(text: str, pattern: str, start: int = 0) -> int | None:
    match = re.compile(pattern, re.MULTILINE).search(text, start)
    return text.count("\n", 0, match.start()) + 1 if match else None
