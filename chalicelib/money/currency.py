"""The currencies Parley charges and pays out in, all with two decimal places."""

from __future__ import annotations

from typing import Literal, get_args

CurrencyCode = Literal["USD", "GBP", "EUR", "CAD", "CHF"]
CURRENCIES: tuple[str, ...] = get_args(CurrencyCode)

MINOR_UNITS_PER_MAJOR = 100


def is_currency(code: str) -> bool:
    return code in CURRENCIES


def format_money(amount: int, currency: str) -> str:
    """``USD 90.00`` for 9000: how amounts read in emails, receipts and conversation events."""
    whole, part = divmod(amount, MINOR_UNITS_PER_MAJOR)
    return f"{currency} {whole}.{part:02d}"
