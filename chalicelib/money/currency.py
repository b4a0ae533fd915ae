"""The currencies Parley charges and pays out in, all with two decimal places."""

from __future__ import annotations

from typing import Literal, get_args

CurrencyCode = Literal["USD", "GBP", "EUR", "CAD", "CHF"]
CURRENCIES: tuple[str, ...] = get_args(CurrencyCode)

MINOR_UNITS_PER_MAJOR = 100


def is_currency(code: str) -> bool:
    return code in CURRENCIES
