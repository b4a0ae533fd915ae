"""Every route's success answer is a named, typed model in the document, with an example that fits it."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

import app  # noqa: F401  (registers every route)
from chalicelib.web.api import ROUTE_DOCS, RouteDoc
from chalicelib.web.openapi import openapi_document
from chalicelib.web.responses import ResponseModel, response_model


def _name(route: RouteDoc) -> str:
    return f"{route.method.upper()} {route.path}"


def test_every_route_names_a_response_model() -> None:
    untyped = [_name(route) for route in ROUTE_DOCS if route.response is None]
    assert not untyped, f"{len(untyped)} of {len(ROUTE_DOCS)} routes answer without a response model: {untyped}"


@pytest.mark.parametrize("route", [r for r in ROUTE_DOCS if r.response], ids=_name)
def test_each_response_model_refuses_undeclared_fields_and_has_an_example_that_fits_it(route: RouteDoc) -> None:
    assert route.response is not None
    model = response_model(route.response)
    assert issubclass(model, ResponseModel)
    examples = (model.model_config.get("json_schema_extra") or {}).get("examples")  # type: ignore[union-attr]
    assert examples, f"{route.response} has no example"
    for example in examples:
        model.model_validate(example, strict=False)  # the example is a real answer
    media = openapi_document()["paths"][route.path][route.method]["responses"][str(route.status)]["content"]
    assert media["application/json"]["example"] == examples[0]


def _schemas_of(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return list(document["components"]["schemas"].items())


def test_every_schema_in_the_document_is_valid_json_schema() -> None:
    for name, schema in _schemas_of(openapi_document()):
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as error:  # pragma: no cover - the message is the point
            raise AssertionError(f"{name}: {error}") from None


def test_every_declared_error_uses_the_one_error_schema() -> None:
    for path, methods in openapi_document()["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {status}"
