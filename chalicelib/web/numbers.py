"""Numbers in query strings: only ASCII digits count ("²" and "٣" are digits to str.isdigit, not to int)."""

from __future__ import annotations

MAX_DIGITS = 9


def is_plain_digits(text: str) -> bool:
    """True for "0".."999999999": what ``int(text)`` accepts without surprise."""
    return 0 < len(text) <= MAX_DIGITS and text.isascii() and text.isdigit()
