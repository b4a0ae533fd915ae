"""A local Stripe for Parley: localstripe, extended with what Parley needs and localstripe lacks.

``build_app()`` returns localstripe's aiohttp app with, installed once:

* Connect: Express accounts, onboarding links a browser completes, transfers
  (``connect``, ``onboarding``, ``transfers``);
* the platform balance, with a top-up helper (``balance``);
* Stripe's idempotency (``idempotency``) and refund limits (``refund_limits``);
* PaymentIntents that accept ``application_fee_amount``/``transfer_group``, confirm with a
  payment method, refuse a card attached to another customer, and decline test cards as Stripe
  does (``payment_intents``, ``card_declines``);
* disputes (``disputes``), and the events Stripe sends for all of these (``events``).

New objects are built from Stripe's own example objects (``fixtures``). The ``stripe``
library talks to it as to Stripe: ``stripe.StripeClient(key, base_addresses={"api": url})``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web


def build_app() -> web.Application:
    from infra.local.stripe_stand_in.app import build_app as build

    return build()


__all__ = ["build_app"]
