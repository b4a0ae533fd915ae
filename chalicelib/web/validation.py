"""Request bodies parsed by pydantic models, with every problem named by field."""

from __future__ import annotations

import json
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from chalicelib.errors import FieldProblem, InvalidInput

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_EXACT_INTEGER = 2**53  # beyond it a float no longer names one integer


def json_number(text: str) -> int | float:
    """JSON Schema's rule: a number without a fractional part is an integer, however written (28, 28.0, 2.8e1).
    So an integer field takes ``28.0``; ``28.5`` stays a float and an integer field refuses it."""
    value = float(text)
    return int(value) if value.is_integer() and abs(value) <= MAX_EXACT_INTEGER else value


def iso_text(value: object) -> object:
    """A ``BeforeValidator`` for dates and times: JSON gives them as ISO 8601 text, as the document says. pydantic
    alone would read a number as seconds since 1970 (``"date": 0`` as 1970-01-01)."""
    from pydantic_core import PydanticCustomError

    if value is not None and not isinstance(value, str):
        raise PydanticCustomError(
            "not_iso_text", "Give it as ISO 8601 text, such as 2026-03-02 or 2026-03-02T14:00:00Z."
        )
    return value


def parse_body(raw: bytes | None, schema: type[ModelT]) -> ModelT:
    try:
        data = json.loads(raw or b"null", parse_float=json_number)
    except ValueError:
        raise InvalidInput("The request body is not valid JSON.", code="invalid_json") from None
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.", code="invalid_json")
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        problems = [_problem(e) for e in error.errors(include_url=False)]
        codes = {p.code for p in problems}
        code = codes.pop() if len(codes) == 1 else "invalid_input"
        names = ", ".join(sorted({p.field for p in problems}))
        raise InvalidInput(f"Some fields are not valid: {names}.", problems, code=code) from None


def _problem(error: object) -> FieldProblem:
    assert isinstance(error, dict)
    location = ".".join(str(part) for part in error.get("loc", ())) or "body"
    context = error.get("ctx") or {}
    code = context.get("code") if isinstance(context, dict) else None
    message = str(error.get("msg", "invalid"))
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    return FieldProblem(field=location, code=str(code or error.get("type", "invalid")), message=message)
