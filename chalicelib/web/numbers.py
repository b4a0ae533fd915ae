"""Numbers in query strings: only ASCII digits count ("²" and "٣" are digits to str.isdigit, not to int)."""

from __future__ import annotations

from typing import overload

MAX_DIGITS = 15  # up to 999 999 999 999 999: every range the API states (prices reach 10^11)


def is_plain_digits(text: str) -> bool:
    """True for "0".."999999999999999": what ``int(text)`` accepts without surprise."""
    return 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()


@overload
def whole_number_in_range(name: str, raw: str | None, low: int, high: int, default: int) -> int: ...
@overload
def whole_number_in_range(name: str, raw: str | None, low: int, high: int, default: None = None) -> int | None: ...
def whole_number_in_range(name: str, raw: str | None, low: int, high: int, default: int | None = None) -> int | None:
    """A query parameter that is a whole number from ``low`` to ``high`` (``default`` when absent); otherwise
    400 ``invalid_number`` naming the range, on the parameter's field."""
    from chalicelib.errors import FieldProblem, InvalidInput

    if raw is None:
        return default
    if not (is_plain_digits(raw) and low <= int(raw) <= high):
        message = f"'{name}' is a whole number from {low} to {high}."
        raise InvalidInput(message, [FieldProblem(name, "invalid_number", message)], code="invalid_number")
    return int(raw)
