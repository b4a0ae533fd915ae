"""The platform's balance, computed from its balance transactions.

localstripe records a balance transaction for each captured charge (+) and each
refund (-); the stand-in adds transfers (-), disputes (- then + if won) and
top-ups (+). Everything is available at once (no pending period).
``GET /v1/balance`` sums them per currency; ``POST /_config/balance`` with
``amount`` and ``currency`` tops the balance up, as a test's setup needs.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from localstripe import resources

from infra.local.stripe_stand_in.fixtures import fixture
from infra.local.stripe_stand_in.params import Params, answer

PLATFORM_CURRENCY = "usd"


class PlatformTransaction(resources.BalanceTransaction):
    """A balance transaction localstripe has no type for: transfer, adjustment (dispute), topup."""

    def __init__(
        self,
        *,
        amount: int,
        currency: str,
        type: str,
        reporting_category: str,
        source: str,
        description: str | None = None,
    ) -> None:
        resources.StripeObject.__init__(self)  # localstripe's own checks allow only charges and refunds
        template = fixture("balance_transaction")
        for key in ("fee", "fee_details", "exchange_rate", "balance_type"):
            setattr(self, key, template[key])
        self.amount = amount
        self.available_on = self.created
        self.currency = currency
        self.description = description
        self.reporting_category = reporting_category
        self.source = source
        self.status = "available"
        self.type = type


def transactions() -> list[Any]:
    return [obj for key, obj in resources.store.items() if key.startswith("balance_transaction:")]


def available(currency: str) -> int:
    return sum(int(t.amount) - int(t.fee) for t in transactions() if t.currency == currency and t.status == "available")


def balance() -> dict[str, Any]:
    currencies = sorted({PLATFORM_CURRENCY} | {str(t.currency) for t in transactions()})
    body = fixture("balance")
    body["available"] = [
        {"amount": available(c), "currency": c, "source_types": {"card": available(c)}} for c in currencies
    ]
    body["pending"] = [{"amount": 0, "currency": c, "source_types": {"card": 0}} for c in currencies]
    body["connect_reserved"] = [{"amount": 0, "currency": c} for c in currencies]
    return body


async def get_balance(request: web.Request) -> web.Response:
    return answer(balance())


async def top_up(request: web.Request) -> web.Response:
    params = await Params.of(request)
    amount = params.required_integer("amount", minimum=1)
    currency = params.required_text("currency").lower()
    params.done()
    PlatformTransaction(
        amount=amount,
        currency=currency,
        type="topup",
        reporting_category="topup",
        source="tu_" + resources.random_id(24),
        description="Test top-up (POST /_config/balance)",
    )
    return answer(balance())
