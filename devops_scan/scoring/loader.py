"""Loading a maturity model file: ruamel.yaml for line numbers, JSON Schema for structure,
then the cross-references a schema cannot express. Every error names the file and line."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from devops_scan.errors import ModelError
from devops_scan.model import LEVELS
from devops_scan.scoring.maturity import Area, MaturityModel, Practice, Requirement
from devops_scan.yamlsafe import YamlProblem, item_line, key_line, load_yaml

DEFAULT_MODEL = "default.yml"
_PACKAGED = f"devops_scan/models/{DEFAULT_MODEL}"


def load_model(path: str | None = None) -> MaturityModel:
    """The model at `path`, or the packaged default model."""
    if path is None:
        source = _PACKAGED
        text = resources.files("devops_scan.models").joinpath(DEFAULT_MODEL).read_text("utf-8")
    else:
        source = path
        text = _read(path)
    try:
        return _load(source, text, positions=False)
    except ModelError:
        # Line numbers need the slower round-trip parse: pay for it only to explain an error.
        return _load(source, text, positions=True)


def _load(source: str, text: str, positions: bool) -> MaturityModel:
    try:
        documents = load_yaml(text, positions=positions).documents
    except YamlProblem as problem:
        raise ModelError(source, problem.line, problem.message) from None
    if len(documents) != 1:
        raise ModelError(source, None, f"expected one YAML document, found {len(documents)}")
    data = documents[0]
    if source != _PACKAGED:  # the packaged model is validated by the test suite, not on every scan
        _check_schema(source, data)
    return _build(source, data)


def _read(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except UnicodeDecodeError:
        raise ModelError(path, None, "not UTF-8 text") from None
    except OSError as error:
        raise ModelError(path, None, f"cannot read model file: {error.strerror or error}") from None


def _check_schema(source: str, data: Any) -> None:
    import jsonschema

    schema = json.loads(resources.files("devops_scan.schemas").joinpath("model.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(_plain(data)))
    if error is None:
        return
    path = list(error.absolute_path)
    if "propertyNames" in error.relative_schema_path and isinstance(error.instance, str):
        path.append(error.instance)  # the offending key itself, so the line points at it
    where = "/".join(str(part) for part in error.absolute_path) or "top level"
    raise ModelError(source, _line_at(data, path), f"{where}: {error.message}")


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts/lists, for jsonschema."""
    if isinstance(node, dict):
        return {str(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    return node


def _line_at(data: Any, path: list[Any]) -> int | None:
    """The deepest line known for a JSON-pointer-like path into ruamel data."""
    line = 1
    node = data
    for part in path:
        found = key_line(node, part) if isinstance(node, dict) else item_line(node, part)
        if found is None:
            break
        line = found
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
    return line


def _build(source: str, data: Any) -> MaturityModel:
    practices = _practices(data["practices"])
    area_ids = [area["id"] for area in data["areas"]]
    for index, area_id in enumerate(area_ids):
        if area_ids.index(area_id) != index:
            raise ModelError(source, item_line(data["areas"], index), f"area '{area_id}' is defined twice")
    for practice in practices.values():
        if practice.area is not None and practice.area not in area_ids:
            line = key_line(data["practices"][practice.id], "area")
            raise ModelError(source, line, f"practice '{practice.id}': no area '{practice.area}' in this model")
    areas = tuple(_area(source, node, practices, item_line(data["areas"], index))
                  for index, node in enumerate(data["areas"]))
    return MaturityModel(
        name=data["name"],
        version=str(data["version"]),
        title=str(data.get("title", data["name"])),
        description=str(data.get("description", "")).strip(),
        overall=data.get("overall", "lowest"),
        areas=areas,
        practices=practices,
        source=source,
    )


def _practices(node: Any) -> dict[str, Practice]:
    def text(spec: Any, key: str) -> str | None:
        return str(spec[key]).strip() if spec.get(key) else None

    return {
        practice_id: Practice(
            id=practice_id,
            title=str(spec["title"]).strip(),
            cams=spec["cams"],
            remediation=str(spec["remediation"]).strip(),
            weight=float(spec.get("weight", 1)),
            area=spec.get("area"),
            level=spec.get("level"),
            evidence=text(spec, "evidence") or "",
            platform=text(spec, "platform"),
            local_proxy=text(spec, "local_proxy"),
        )
        for practice_id, spec in node.items()
    }


def _area(source: str, node: Any, practices: dict[str, Practice], line: int | None) -> Area:
    """An area's requirements: the practices whose home it is, plus its `also_require` entries."""
    requirements: dict[str, list[Requirement]] = {level: [] for level in LEVELS[1:]}
    for practice in practices.values():
        if practice.area == node["id"]:
            requirements[practice.level].append(Requirement((practice.id,)))
    for level, entries in (node.get("also_require") or {}).items():
        for position, entry in enumerate(entries):
            group = tuple(entry["any_of"]) if isinstance(entry, dict) else (entry,)
            for practice_id in group:
                if practice_id not in practices:
                    raise ModelError(source, item_line(node["also_require"][level], position),
                                     f"area '{node['id']}' requires unknown practice '{practice_id}'")
            requirements[level].append(Requirement(group))
    if not any(requirements.values()):
        raise ModelError(source, line, f"area '{node['id']}' requires no practice at any level")
    return Area(
        id=node["id"],
        title=str(node["title"]),
        descriptions={level: str(text).strip() for level, text in (node.get("levels") or {}).items()},
        requirements={level: tuple(reqs) for level, reqs in requirements.items() if reqs},
    )
