"""Whose card it is: a hold is placed only on a card of the paying client's own.

A PaymentMethod id is a bearer token for a card: anyone who learns one could ask us
to charge it. Before any payment path writes anything or holds anything, the card
must be attached to the caller's own Stripe customer, or attached to nobody yet (a
card the client has just typed in Stripe.js; Stripe lets such a card be used once,
and never again unattached). A card attached to another customer, or an id Stripe
does not know, is refused with ``card_not_yours``, both alike, so the answer tells
nothing about other people's cards.
"""

from __future__ import annotations

from chalicelib.errors import FieldProblem, InvalidInput
from chalicelib.payments.stripe_gateway import StripeGateway

NOT_YOURS = "card_not_yours"


class CardNotYours(InvalidInput):
    code = NOT_YOURS


def own_card(customer_id: str | None, payment_method_id: str, gateway: StripeGateway) -> None:
    """Refuse unless the card is the customer's (``customer_id`` is None for a client with no customer yet)."""
    found, owner = gateway.payment_method_owner(payment_method_id)
    if found and (owner is None or owner == customer_id):
        return
    message = "This card is not one of yours: use a card saved to your account, or enter a new one."
    raise CardNotYours(message, [FieldProblem("payment_method_id", NOT_YOURS, message)], code=NOT_YOURS)


def clients_own_card(client_id: str, payment_method_id: str | None, gateway: StripeGateway) -> None:
    """``own_card`` for a Parley account: its Stripe customer, if it has one yet. Nothing to check without a card."""
    if not payment_method_id:
        return
    from chalicelib.accounts.account_records import get_account

    own_card(get_account(client_id).stripe_customer_id, payment_method_id, gateway)
