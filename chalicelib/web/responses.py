"""Response models: every route answers through one, so no field leaves the API undocumented.

A route names its success model (``response="module:Class"``); ``shape`` passes the view's
result through it in strict JSON mode. A field the model does not declare, a missing required
field or a value of the wrong type is ``ResponseBreaksContract``: the caller gets a 500 with the
request id, the log says which field, and every test that reaches the route fails. The same
model is the route's success schema in the OpenAPI document, with the model's example.

Fields a handler may leave out have a default; ``shape`` keeps out what the handler left out
(``exclude_unset``), so the body is what the handler returned, checked.
"""

from __future__ import annotations

import importlib
import json
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

# ISO 8601 in UTC, as chalicelib.timestamps writes it; kept as text so the format is the handler's own.
UtcTimestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
# An amount in the currency's minor units (cents, pence): money is never a float.
MinorUnits = Annotated[int, Field(description="Minor units of the currency (cents, pence).")]


def sometimes(description: str, *, format: str | None = None) -> Any:
    """A field the handler gives only in some states: absent otherwise, never null, so the document shows its
    type alone (no ``default: null``). Annotate it ``X | SkipJsonSchema[None]``."""

    def schema(field: dict[str, Any]) -> None:
        field.pop("default", None)
        if format is not None:
            field["format"] = format

    return Field(default=None, description=description, json_schema_extra=schema)


def with_examples(*examples: dict[str, Any]) -> ConfigDict:
    """A model's ``model_config`` carrying its examples (the document shows the first)."""
    return ConfigDict(json_schema_extra={"examples": list(examples)})


class ResponseModel(BaseModel):
    """The base of every response model: undeclared fields are refused, so they cannot slip out."""

    model_config = ConfigDict(extra="forbid")


class ResponseBreaksContract(Exception):
    """A handler answered with something its response model does not describe."""


@cache
def response_model(dotted: str) -> type[BaseModel]:
    module_name, _, class_name = dotted.partition(":")
    model = getattr(importlib.import_module(module_name), class_name)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TypeError(f"{dotted} is not a pydantic model")
    return model


def shape(result: Any, dotted: str) -> str:
    """The JSON body of ``result`` as the model ``dotted`` describes it; ``ResponseBreaksContract`` if it breaks it."""
    model = response_model(dotted)
    if isinstance(result, BaseModel):
        result = result.model_dump(mode="json", exclude_unset=True)
    text = json.dumps(result, default=str)
    try:
        checked = model.model_validate_json(text, strict=True)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in e['loc']) or 'body'}: {e['msg']}" for e in error.errors(include_url=False)
        )
        raise ResponseBreaksContract(f"the answer breaks {dotted}: {problems}") from None
    return checked.model_dump_json(exclude_unset=True)
