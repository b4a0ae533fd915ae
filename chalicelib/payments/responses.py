"""What the card and payment routes and Stripe's webhook answer (``chalicelib.payments.views``, ``card_payments``)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.money.currency import CurrencyCode
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp

PaymentStatus = Literal[
    "awaiting_confirmation", "authorised", "failed", "released", "captured", "partly_refunded", "refunded"
]


class CardSetup(ResponseModel):
    """A Stripe SetupIntent: confirm it with Stripe.js (``client_secret``) to save a card to the customer."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "setup_intent_id": "seti_1QxYzA2eZvKYlo2C0a1b2c3d",
                    "client_secret": "seti_1QxYzA2eZvKYlo2C0a1b2c3d_secret_Q9rS8tU7vW6xY5zA4bC3dE2f",
                    "customer_id": "cus_R2d2C3poBb8Yx1",
                }
            ]
        }
    )

    setup_intent_id: str
    client_secret: str
    customer_id: str = Field(description="The caller's Stripe customer (made on first use).")


class PaymentView(ResponseModel):
    """One card payment: the hold, what was captured and refunded, and how the net splits."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "payment_id": "pay:session:5f0c2a9e8d7b4c1e9a3f6b2d1c0e4a7b",
                    "purpose": "session:5f0c2a9e8d7b4c1e9a3f6b2d1c0e4a7b",
                    "status": "partly_refunded",
                    "currency": "USD",
                    "authorised": 18000,
                    "captured": 2400,
                    "refunded": 400,
                    "net": 2000,
                    "platform_fee": 400,
                    "expert_earnings": 1600,
                    "disputed": False,
                    "created_at": "2026-11-23T15:00:20+00:00",
                }
            ]
        }
    )

    payment_id: str
    purpose: str = Field(description="What it pays for: session:<id>, appointment:<id>, checkout:<id> or lead:<id>.")
    status: PaymentStatus = Field(
        description="partly_refunded and refunded are a captured payment some or all of which was given back."
    )
    currency: CurrencyCode
    authorised: MinorUnits = Field(ge=0, description="The most held on the card.")
    captured: MinorUnits = Field(ge=0)
    refunded: MinorUnits = Field(ge=0)
    net: MinorUnits = Field(ge=0, description="captured - refunded: platform_fee + expert_earnings.")
    platform_fee: MinorUnits = Field(ge=0)
    expert_earnings: MinorUnits = Field(ge=0)
    disputed: bool = Field(description="The cardholder's bank opened a dispute.")
    created_at: UtcTimestamp


class StripeWebhookReceipt(ResponseModel):
    """The event was verified and taken: ``handled``, a ``duplicate`` of one already handled, or ``ignored``
    (a type Parley does not act on)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"received": True, "outcome": "handled"}]})

    received: Literal[True]
    outcome: Literal["handled", "duplicate", "ignored"]
