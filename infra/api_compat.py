"""Breaking changes between the released OpenAPI document and the current one (the README's versioning policy).

    python -m infra.api_compat check     # the current document against docs/api/openapi-release.json
    python -m infra.api_compat release   # write the current document there (scripts/release-api)

Old versions of the mobile app stay installed for months, so a change may add to the API but
not take away from what a released client relies on. The question asked of each schema is the
client's: a response must still be something the old client can read (``Direction.RESPONSE``:
nothing removed, nothing that was always sent made optional or nullable, no type changed, no
enum value or constant gone), and a request the old client sends must still be accepted
(``Direction.REQUEST``: nothing newly required, no type, bound, pattern, format or enum
narrowed, null still taken where it was). Anything else the document gains is an addition:
new operations, optional request fields, response fields, enum values, and a schema that was
untyped (``{}`` or no schema at all) becoming typed.

Written for OpenAPI 3.1 with JSON Schema 2020-12 as our document uses it: ``$ref`` with
sibling keywords, ``anyOf`` / ``oneOf`` with a ``{"type": "null"}`` branch, ``type`` lists,
``const``. The npm differs tried did not check those soundly (see the commit that added this).
"""

from __future__ import annotations

import argparse
import enum
import importlib
import json
import operator
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RELEASE_PATH = REPO / "docs" / "api" / "openapi-release.json"
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

Schema = Mapping[str, Any]

# Keywords that only describe: a schema made of these alone constrains nothing (it is untyped).
ANNOTATIONS = frozenset(
    {"title", "description", "examples", "example", "default", "deprecated", "readOnly", "writeOnly",
     "$comment", "externalDocs", "xml"}
)  # fmt: skip
# Request bounds: a lower upper bound (or a new one) refuses values an old client sends.
UPPER_BOUNDS = ("maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum")
LOWER_BOUNDS = ("minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum")
# Request keywords whose addition or change refuses values an old client sends.
EXACT_RULES = ("pattern", "format", "multipleOf")


class Direction(enum.Enum):
    """Who reads the schema: the old client (a response) or the new server (a request)."""

    REQUEST = "request"
    RESPONSE = "response"


@dataclass(frozen=True)
class BreakingChange:
    operation: str  # "GET /experts/{expert_id}"
    where: str  # "response 200 field `currencies`", "" for the operation itself
    change: str  # "was removed"

    def __str__(self) -> str:
        return f"{self.operation}: {self.where}: {self.change}" if self.where else f"{self.operation}: {self.change}"


@dataclass
class _Walk:
    """One comparison of two documents: where their ``$ref`` s point, and the pairs already compared."""

    old_doc: Schema
    new_doc: Schema
    operation: str = ""
    found: list[BreakingChange] = field(default_factory=list)
    open_pairs: set[tuple[str, str, Direction]] = field(default_factory=set)  # being compared: a $ref cycle

    def flag(self, where: _At | str, change: str) -> None:
        self.found.append(BreakingChange(self.operation, str(where), change))


@dataclass(frozen=True)
class _At:
    """Where a schema sits: its place in the operation, and the field path inside it."""

    place: str  # "response 200", "request body", "query parameter `limit`"
    path: str = ""  # "categories[].name"

    def __str__(self) -> str:
        return f"{self.place} field `{self.path}`" if self.path else self.place

    def field(self, name: str) -> _At:
        return _At(self.place, f"{self.path}.{name}" if self.path else name)

    def items(self) -> _At:
        return _At(self.place, f"{self.path}[]" if self.path else "[]")

    def values(self) -> _At:
        return _At(self.place, f"{self.path}.*" if self.path else "*")


def breaking_changes(released: Schema, current: Schema) -> list[BreakingChange]:
    """Every change from ``released`` to ``current`` that a client built against ``released`` would meet."""
    walk = _Walk(released, current)
    new_operations = dict(_operations(current))
    for key, (label, old_op) in _operations(released):
        walk.operation = label
        if key not in new_operations:
            walk.flag("", "the operation was removed (a renamed path or method is a removed one)")
            continue
        _compare_operation(walk, released, current, old_op, new_operations[key][1])
    return walk.found


def _operations(doc: Schema) -> Iterator[tuple[tuple[str, str], tuple[str, Schema]]]:
    """Each operation keyed by method and path template: a path parameter's name is not part of the URL."""
    for path, item in doc.get("paths", {}).items():
        template = _template(path)
        for method in METHODS:
            if method in item:
                operation = dict(item[method])
                operation["parameters"] = [*item.get("parameters", []), *operation.get("parameters", [])]
                yield (method, template), (f"{method.upper()} {path}", operation)


def _template(path: str) -> str:
    parts = path.split("/")
    return "/".join("{}" if part.startswith("{") and part.endswith("}") else part for part in parts)


def _compare_operation(walk: _Walk, old_doc: Schema, new_doc: Schema, old: Schema, new: Schema) -> None:
    if _is_public(old, old_doc) and not _is_public(new, new_doc):
        walk.flag("security", "the public operation now needs a token")
    _compare_parameters(walk, old.get("parameters", []), new.get("parameters", []))
    _compare_request_body(walk, old.get("requestBody"), new.get("requestBody"))
    _compare_responses(walk, old.get("responses", {}), new.get("responses", {}))


def _is_public(operation: Schema, doc: Schema) -> bool:
    requirements = operation.get("security", doc.get("security", []))
    return not requirements or any(not requirement for requirement in requirements)


def _parameter_key(parameter: Schema, path_index: int) -> tuple[str, str]:
    where = parameter.get("in", "")
    if where == "path":
        return where, str(path_index)  # matched by position: renaming {id} keeps the URL
    name = str(parameter.get("name", ""))
    return where, name.lower() if where == "header" else name


def _keyed_parameters(parameters: list[Any], doc: Schema) -> dict[tuple[str, str], Schema]:
    keyed: dict[tuple[str, str], Schema] = {}
    path_index = 0
    for raw in parameters:
        parameter = _resolve(raw, doc)
        keyed[_parameter_key(parameter, path_index)] = parameter
        path_index += parameter.get("in") == "path"
    return keyed


def _compare_parameters(walk: _Walk, old: list[Any], new: list[Any]) -> None:
    old_keyed = _keyed_parameters(old, walk.old_doc)
    new_keyed = _keyed_parameters(new, walk.new_doc)
    for key, parameter in new_keyed.items():
        label = f"{key[0]} parameter `{parameter.get('name')}`"
        before = old_keyed.get(key)
        if before is None:
            if parameter.get("required"):
                walk.flag(label, "was added as required")
            continue
        if parameter.get("required") and not before.get("required"):
            walk.flag(label, "became required")
        _compare(walk, before.get("schema", {}), parameter.get("schema", {}), Direction.REQUEST, _At(label))
    for key, parameter in old_keyed.items():
        if key not in new_keyed and key[0] != "path":
            walk.flag(f"{key[0]} parameter `{parameter.get('name')}`", "was removed")


def _compare_request_body(walk: _Walk, old_raw: Any, new_raw: Any) -> None:
    if new_raw is None:
        return
    new = _resolve(new_raw, walk.new_doc)
    if old_raw is None:
        if new.get("required"):
            walk.flag("request body", "a required body was added")
        return
    old = _resolve(old_raw, walk.old_doc)
    if new.get("required") and not old.get("required"):
        walk.flag("request body", "became required")
    new_content = new.get("content", {})
    for media_type, old_media in old.get("content", {}).items():
        if media_type not in new_content:
            walk.flag("request body", f"{media_type} is no longer taken")
            continue
        label = "request body" if media_type == "application/json" else f"request body ({media_type})"
        old_schema, new_schema = old_media.get("schema", {}), new_content[media_type].get("schema", {})
        _compare(walk, old_schema, new_schema, Direction.REQUEST, _At(label))


def _compare_responses(walk: _Walk, old: Schema, new: Schema) -> None:
    for status, old_raw in old.items():
        if status not in new:
            if status.startswith("2"):
                walk.flag(f"response {status}", "is no longer answered")
            continue
        old_response = _resolve(old_raw, walk.old_doc)
        new_content = _resolve(new[status], walk.new_doc).get("content", {})
        for media_type, old_media in old_response.get("content", {}).items():
            label = f"response {status}" if media_type == "application/json" else f"response {status} ({media_type})"
            if media_type not in new_content:
                walk.flag(label, "is no longer sent")
                continue
            old_schema, new_schema = old_media.get("schema", {}), new_content[media_type].get("schema", {})
            _compare(walk, old_schema, new_schema, Direction.RESPONSE, _At(label))


def _resolve(node: Any, doc: Schema) -> Schema:
    """``node`` with its ``$ref`` followed (its sibling keywords kept on top, as OpenAPI 3.1 allows)."""
    if not isinstance(node, Mapping):
        return {}
    seen: set[str] = set()
    merged: dict[str, Any] = {}
    while isinstance(node, Mapping) and "$ref" in node:
        ref = str(node["$ref"])
        if ref in seen or not ref.startswith("#/"):
            break
        seen.add(ref)
        merged = {**{k: v for k, v in node.items() if k != "$ref"}, **merged}
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, Mapping) else {}
        node = target
    if isinstance(node, Mapping):
        merged = {**{k: v for k, v in node.items() if k != "$ref"}, **merged}
    return merged


@dataclass(frozen=True)
class _Shape:
    """A schema as a client sees it: whether null is allowed, and its non-null alternatives."""

    nullable: bool
    branches: tuple[Schema, ...]  # empty: no constraint at all (untyped)


def _shape(raw: Any, doc: Schema) -> _Shape:
    schema = _resolve(raw, doc)
    if isinstance(schema.get("allOf"), list) and len(schema["allOf"]) == 1:  # pydantic's way to describe a $ref
        schema = {**_resolve(schema["allOf"][0], doc), **{k: v for k, v in schema.items() if k != "allOf"}}
    alternatives = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(alternatives, list):
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
        nullable, branches = False, list[Schema]()
        for alternative in alternatives:
            inner = _shape({**rest, **_resolve(alternative, doc)}, doc)
            nullable = nullable or inner.nullable
            branches.extend(inner.branches)
        return _Shape(nullable, tuple(branches))
    types = _types(schema)
    nullable = types is not None and "null" in types
    if types is not None and types <= {"null"}:
        return _Shape(True, ())
    if nullable:
        schema = {**schema, "type": sorted(types - {"null"})} if types else schema
    if "enum" in schema and None in schema["enum"]:
        nullable = True
        schema = {**schema, "enum": [value for value in schema["enum"] if value is not None]}
    if "const" in schema and schema["const"] is None:
        return _Shape(True, ())
    if set(schema) <= ANNOTATIONS:
        return _Shape(nullable, ())
    return _Shape(nullable, (schema,))


def _types(schema: Schema) -> set[str] | None:
    declared = schema.get("type")
    if declared is None:
        return None
    return {declared} if isinstance(declared, str) else set(declared)


def _compare(walk: _Walk, old_raw: Any, new_raw: Any, direction: Direction, where: _At) -> None:
    old, new = _shape(old_raw, walk.old_doc), _shape(new_raw, walk.new_doc)
    if not old.branches and not old.nullable:
        return  # untyped before: whatever it says now is an addition
    if direction is Direction.RESPONSE and new.nullable and not old.nullable:
        walk.flag(where, "may now be null")
    if direction is Direction.REQUEST and old.nullable and not new.nullable:
        walk.flag(where, "no longer takes null")
    if not old.branches:
        return
    if not new.branches:
        if direction is Direction.RESPONSE:
            walk.flag(where, "is no longer typed: it may now be anything")
        return
    if len(old.branches) == 1 and len(new.branches) == 1:
        _compare_branch(walk, old.branches[0], new.branches[0], direction, where)
        return
    # Unions: each value one side may produce must be one the other side takes.
    produced, taken = (new.branches, old.branches) if direction is Direction.RESPONSE else (old.branches, new.branches)
    for branch in produced:
        if not any(_fits(walk, branch, other, direction) for other in taken):
            verb = "may now be" if direction is Direction.RESPONSE else "no longer takes"
            walk.flag(where, f"{verb} {_describe(branch)}")


def _fits(walk: _Walk, produced: Schema, taken: Schema, direction: Direction) -> bool:
    trial = _Walk(walk.old_doc, walk.new_doc, walk.operation, open_pairs=set(walk.open_pairs))
    old, new = (taken, produced) if direction is Direction.RESPONSE else (produced, taken)
    _compare_branch(trial, old, new, direction, _At(""))
    return not trial.found


def _describe(schema: Schema) -> str:
    types = _types(schema)
    if "const" in schema:
        return f"the constant {schema['const']!r}"
    return "/".join(sorted(types)) if types else "another kind of value"


def _compare_branch(walk: _Walk, old: Schema, new: Schema, direction: Direction, where: _At) -> None:
    pair = (json.dumps(old, sort_keys=True, default=str), json.dumps(new, sort_keys=True, default=str), direction)
    if pair in walk.open_pairs:
        return  # a recursive schema met again inside itself: its first comparison covers it
    walk.open_pairs.add(pair)
    try:
        if not _compare_types(walk, old, new, direction, where):
            return  # a different type: its keywords mean something else
        _compare_values(walk, old, new, direction, where)
        if direction is Direction.REQUEST:
            _compare_bounds(walk, old, new, where)
        _compare_object(walk, old, new, direction, where)
        if "items" in old and "items" in new:
            _compare(walk, old["items"], new["items"], direction, where.items())
        old_extra, new_extra = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(old_extra, Mapping) and isinstance(new_extra, Mapping):
            _compare(walk, old_extra, new_extra, direction, where.values())
    finally:
        walk.open_pairs.discard(pair)


def _widen(types: set[str]) -> set[str]:
    return types | {"integer"} if "number" in types else types


def _compare_types(walk: _Walk, old: Schema, new: Schema, direction: Direction, where: _At) -> bool:
    old_types, new_types = _types(old), _types(new)
    if direction is Direction.RESPONSE:
        if old_types is not None and (new_types is None or not new_types <= _widen(old_types)):
            walk.flag(where, f"type changed from {_type_text(old_types)} to {_type_text(new_types)}")
            return False
    elif new_types is not None and (old_types is None or not old_types <= _widen(new_types)):
        walk.flag(where, f"type tightened from {_type_text(old_types)} to {_type_text(new_types)}")
        return False
    return True


def _type_text(types: set[str] | None) -> str:
    return "any" if types is None else "/".join(sorted(types))


def _values(schema: Schema) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    if isinstance(schema.get("enum"), list):
        return list(schema["enum"])
    return None


def _compare_values(walk: _Walk, old: Schema, new: Schema, direction: Direction, where: _At) -> None:
    old_values, new_values = _values(old), _values(new)
    if old_values is None:
        if new_values is not None and direction is Direction.REQUEST:
            walk.flag(where, f"is now limited to {_quoted(new_values)}")
        return
    if new_values is None:
        return  # open now: for a response that is new values, an addition like a new enum value
    removed = [value for value in old_values if value not in new_values]
    if removed and "const" in old:
        walk.flag(where, f"the constant {_quoted(removed)} is gone (now {_quoted(new_values)})")
    elif removed:
        noun = "value" if len(removed) == 1 else "values"
        walk.flag(where, f"enum {noun} {_quoted(removed)} removed")


def _quoted(values: list[Any], shown: int = 8) -> str:
    text = ", ".join(json.dumps(value) for value in values[:shown])
    return f"{text}, … ({len(values)} values)" if len(values) > shown else text


def _compare_bounds(walk: _Walk, old: Schema, new: Schema, where: _At) -> None:
    for keywords, tighter, verb in ((UPPER_BOUNDS, operator.lt, "lowered"), (LOWER_BOUNDS, operator.gt, "raised")):
        for keyword in keywords:
            if keyword not in new:
                continue
            if keyword not in old:
                walk.flag(where, f"{keyword} {new[keyword]} was added")
            elif tighter(new[keyword], old[keyword]):
                walk.flag(where, f"{keyword} {verb} from {old[keyword]} to {new[keyword]}")
    for keyword in EXACT_RULES:
        if keyword in new and new[keyword] != old.get(keyword):
            before = f"changed from {old[keyword]!r}" if keyword in old else "added"
            walk.flag(where, f"{keyword} {before}: {new[keyword]!r}")
    if new.get("uniqueItems") and not old.get("uniqueItems"):
        walk.flag(where, "items must now be unique")


def _compare_object(walk: _Walk, old: Schema, new: Schema, direction: Direction, where: _At) -> None:
    old_properties: Schema = old.get("properties", {})
    new_properties: Schema = new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    for name, old_property in old_properties.items():
        label = where.field(name)
        if name not in new_properties:
            walk.flag(label, "was removed (a renamed field is a removed one)")
            continue
        if direction is Direction.RESPONSE and name in old_required and name not in new_required:
            walk.flag(label, "is no longer always sent (it was required)")
        _compare(walk, old_property, new_properties[name], direction, label)
    if direction is Direction.REQUEST:
        for name in sorted(new_required - old_required):
            walk.flag(where.field(name), "became required" if name in old_properties else "was added as required")
        if new.get("additionalProperties") is False and old.get("additionalProperties") is not False:
            walk.flag(where, "now refuses fields it does not name")


def current_document() -> dict[str, Any]:
    """The document the code builds now, as ``GET /openapi.json`` serves it."""
    importlib.import_module("app")  # registers every route
    from chalicelib.web.openapi import openapi_document

    document: dict[str, Any] = json.loads(json.dumps(openapi_document()))
    return document


def write_release(document: Mapping[str, Any], path: Path = RELEASE_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _relative(path: Path) -> str:
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.api_compat", description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("command", choices=("check", "release"))
    parser.add_argument("--release-file", type=Path, default=RELEASE_PATH)
    parser.add_argument("--allow-breaking", action="store_true",
                        help="release: publish even though clients of the last release would break "
                             "(retiring an old version after its notice period)")  # fmt: skip
    args = parser.parse_args(argv)
    release_file: Path = args.release_file
    current = current_document()
    released = json.loads(release_file.read_text(encoding="utf-8")) if release_file.exists() else None
    found = breaking_changes(released, current) if released is not None else []
    for change in found:
        print(f"  breaking: {change}")
    if args.command == "check":
        if released is None:
            print(f"no released document at {_relative(release_file)}: run scripts/release-api", file=sys.stderr)
            return 1
        operations = sum(1 for _ in _operations(released))
        if found:
            print(f"{len(found)} breaking change(s) against {_relative(release_file)}. Old app versions call the "
                  "released API for months: add the change under a new version (README, 'Versioning the API') "
                  "instead of changing what was released.", file=sys.stderr)  # fmt: skip
            return 1
        print(f"API compatible with {_relative(release_file)} ({operations} released operations checked)")
        return 0
    if found and not args.allow_breaking:
        print(f"not written: {len(found)} breaking change(s) against the last release; "
              "--allow-breaking only when retiring a version whose notice period is over", file=sys.stderr)  # fmt: skip
        return 1
    write_release(current, release_file)
    print(f"wrote {_relative(release_file)} (API version {current['info']['version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
