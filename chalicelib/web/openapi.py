"""The OpenAPI 3.1 document, built from the routes as registered and the pydantic request models."""

from __future__ import annotations

import importlib
import re
from functools import lru_cache
from typing import Any

from chalicelib.web.api import ROUTE_DOCS, QueryParam, RouteDoc

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "request_id"],
            "properties": {
                "code": {"type": "string", "description": "Stable machine-readable code, e.g. slug_taken."},
                "message": {"type": "string", "description": "What went wrong, for people."},
                "request_id": {"type": "string"},
                "fields": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string"},
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                },
            },
        }
    },
}

STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted", 400: "Invalid input", 401: "Missing, invalid or expired token",
    402: "The card was declined", 403: "Not allowed", 404: "Not found", 409: "Conflict with the current state",
    410: "Gone", 413: "The request body is over 256 KiB", 415: "The body is not sent as application/json",
    422: "Not possible as asked", 429: "Too many requests: wait as long as Retry-After says",
    502: "A service Parley depends on refused the request", 503: "A service Parley depends on is unavailable",
}  # fmt: skip


def _stripped_length_pattern(min_length: int) -> str:
    """A string of at least ``min_length`` characters once stripped: one that holds a non-space character and,
    for more than one, another that far after it."""
    return r"\S" if min_length == 1 else rf"\S[\s\S]{{{min_length - 2},}}\S"


def _schema_generator() -> type:
    from pydantic.json_schema import GenerateJsonSchema

    class StatedConstraints(GenerateJsonSchema):
        """pydantic's JSON Schema, with what a stripped string's ``min_length`` means stated: ``"   "`` is
        refused as empty, so ``minLength`` alone would call it valid."""

        def str_schema(self, schema: Any) -> Any:
            json_schema = super().str_schema(schema)
            if schema.get("strip_whitespace") and schema.get("min_length") and "pattern" not in json_schema:
                json_schema["pattern"] = _stripped_length_pattern(schema["min_length"])
            return json_schema

    return StatedConstraints


def _schema(dotted: str, components: dict[str, Any], mode: str = "validation") -> dict[str, Any]:
    module_name, _, class_name = dotted.partition(":")
    model = getattr(importlib.import_module(module_name), class_name)
    schema = model.model_json_schema(
        ref_template="#/components/schemas/{model}", mode=mode, schema_generator=_schema_generator()
    )
    for name, definition in schema.pop("$defs", {}).items():
        _add_component(components, name, definition)
    _add_component(components, class_name, schema)
    return {"$ref": f"#/components/schemas/{class_name}"}


class SchemaNameClash(ValueError):
    """Two different request models share one name: the document would describe only one of them."""


def _add_component(components: dict[str, Any], name: str, definition: dict[str, Any]) -> None:
    if name in components and components[name] != definition:
        raise SchemaNameClash(f"two different schemas are named {name!r}; rename one or share one model")
    components[name] = definition


def _query_schema(param: QueryParam) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": param.type}
    if param.enum:
        schema["enum"] = list(param.enum)
    for keyword, value in (
        ("minimum", param.minimum), ("maximum", param.maximum), ("default", param.default),
        ("format", param.format), ("maxLength", param.max_length), ("pattern", param.pattern),
    ):  # fmt: skip
        if value is not None:
            schema[keyword] = value
    return schema


def _parameters(route: RouteDoc) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in re.findall(r"{(\w+)}", route.path)
    ]
    for param in route.query:
        parameters.append(
            {"name": param.name, "in": "query", "required": param.required, "description": param.description,
             "schema": _query_schema(param)}
        )  # fmt: skip
    for header in route.headers:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if header.max_length is not None:
            schema["maxLength"] = header.max_length
        parameters.append(
            {"name": header.name, "in": "header", "required": header.required, "description": header.description,
             "schema": schema}
        )  # fmt: skip
    return parameters


def error_statuses(route: RouteDoc) -> list[int]:
    """The errors a route can answer: those it declares, and those every route of its kind can meet."""
    statuses = set(route.errors) | {429}  # the stage's throttling answers any route
    if not route.public:
        statuses.add(401)
    if route.body or any(param.typed or param.required for param in route.query) or route.headers:
        statuses.add(400)
    statuses.add(415)  # Chalice refuses a Content-Type other than JSON on any route, with a body or not
    if route.body:
        statuses.add(413)
    if "{" in route.path:
        statuses.add(404)
    if any(param.name == "cursor" for param in route.query):
        statuses.add(422)  # a cursor this listing did not issue: invalid_cursor
    return sorted(statuses)


def _success(route: RouteDoc, components: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {"description": STATUS_TEXT.get(route.status, "OK")}
    if route.response is None:
        response["content"] = {"application/json": {}}
        return response
    media: dict[str, Any] = {"schema": _schema(route.response, components, mode="serialization")}
    examples = components[route.response.partition(":")[2]].get("examples")
    if examples:
        media["example"] = examples[0]
    response["content"] = {"application/json": media}
    return response


def _operation(route: RouteDoc, components: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": route.summary,
        "tags": [route.tag],
        "operationId": f"{route.method}_{re.sub(r'[^a-zA-Z0-9]+', '_', route.path).strip('_')}",
        "responses": {str(route.status): _success(route, components)},
    }
    parameters = _parameters(route)
    if parameters:
        operation["parameters"] = parameters
    if route.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _schema(route.body, components)}},
        }
    operation["security"] = [] if route.public else [{"cognito": []}]
    notes = dict(route.notes)
    for status in error_statuses(route):
        error: dict[str, Any] = {
            "description": _error_description(route, status, notes.get(status)),
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        if status == 429:
            error["headers"] = {
                "Retry-After": {
                    "description": "Whole seconds to wait before trying again.",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
        operation["responses"][str(status)] = error
    return operation


def _error_description(route: RouteDoc, status: int, note: str | None) -> str:
    text = STATUS_TEXT.get(status, "Error")
    if status == 429 and route.limit is not None:
        from chalicelib.limits.rate_limits import rate_limit

        text += f"; rate_limited: {rate_limit(route.limit).stated()} per account, besides the stage's throttling"
    return f"{text}; {note}" if note else text


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    return build_document(ROUTE_DOCS)


def build_document(routes: list[RouteDoc]) -> dict[str, Any]:
    """The document of ``routes``; raises ``SchemaNameClash`` if two different schemas share a name."""
    components: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, Any] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method] = _operation(route, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parley API",
            "version": "1.0.0",
            "description": "Find experts, book them or call them at once, and pay by the minute. "
            "Errors are JSON: {error: {code, message, request_id, fields?}}, whatever refuses the request "
            "(an unknown path, a method the path lacks, a body that is not JSON or over 256 KiB). "
            "Numbers: an integer field takes any JSON number without a fractional part (28 or 28.0), "
            "and refuses 28.5. Query values: a number, boolean or enumerated parameter given empty "
            "(?limit=) is refused with 400 empty_query_value; leave it out for its default. "
            "A number out of its range (limit=-5) is 400 invalid_number, naming the range. "
            "Path ids may be sent percent-encoded (pay%3Aappointment%3A1 is pay:appointment:1).",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "cognito": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Cognito ID or access token from Parley's user pool.",
                }
            },
        },
    }
