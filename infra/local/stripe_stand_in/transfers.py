"""Transfers from the platform's balance to a connected account (separate charges and transfers).

Refused, with Stripe's errors, when the destination does not exist, cannot
receive transfers yet (onboarding not finished), or the platform's available
balance in that currency is too small. A transfer debits the platform's balance
and sends ``transfer.created``.
"""

from __future__ import annotations

from aiohttp import web
from localstripe import resources

from infra.local.stripe_stand_in.balance import PlatformTransaction, available
from infra.local.stripe_stand_in.connect import Account
from infra.local.stripe_stand_in.errors import StripeError, invalid, no_such
from infra.local.stripe_stand_in.events import emit
from infra.local.stripe_stand_in.fixtures import fixture
from infra.local.stripe_stand_in.params import Params, answer, merge_metadata

INSUFFICIENT_FUNDS = (
    "You have insufficient available funds in your Stripe account. Try adding funds directly to your "
    "available balance by creating Charges using the 4000000000000077 test card. "
    "See: https://stripe.com/docs/testing#available-balance"
)
NO_TRANSFERS_CAPABILITY = (
    "Your destination account needs to have at least one of the following capabilities enabled: "
    "transfers, crypto_transfers, legacy_payments"
)


class Transfer(resources.StripeObject):
    object = "transfer"
    _id_prefix = "tr_"

    def __init__(
        self,
        *,
        amount: int,
        currency: str,
        destination: str,
        transfer_group: str | None,
        description: str | None,
        metadata: dict[str, str],
    ) -> None:
        super().__init__()
        for key, value in fixture("transfer").items():
            if key not in ("id", "object", "created", "livemode"):
                setattr(self, key, value)
        self.amount = amount
        self.currency = currency
        self.destination = destination
        self.destination_payment = "py_" + resources.random_id(24)
        self.transfer_group = transfer_group
        self.description = description
        self.metadata = metadata
        self.source_transaction = None
        self.reversals = {"object": "list", "data": [], "has_more": False, "url": f"/v1/transfers/{self.id}/reversals"}
        txn = PlatformTransaction(
            amount=-amount,
            currency=currency,
            type="transfer",
            reporting_category="transfer",
            source=self.id,
            description=description,
        )
        self.balance_transaction = txn.id


async def create_transfer(request: web.Request) -> web.Response:
    params = await Params.of(request)
    amount = params.required_integer("amount", minimum=1)
    currency = params.required_text("currency").lower()
    destination = params.required_text("destination")
    transfer_group = params.text("transfer_group")
    description = params.text("description")
    metadata = merge_metadata(None, params.metadata())
    params.text("source_transaction")  # accepted; the stand-in always transfers from the available balance
    params.done()
    account = resources.store.get(f"account:{destination}")
    if not isinstance(account, Account):
        raise no_such("destination", destination, param="destination")
    if not account._can_receive_transfers():
        raise invalid(NO_TRANSFERS_CAPABILITY, param="destination", code="insufficient_capabilities_for_transfer")
    if available(currency) < amount:
        raise StripeError(400, INSUFFICIENT_FUNDS, code="balance_insufficient")
    transfer = Transfer(
        amount=amount,
        currency=currency,
        destination=account.id,
        transfer_group=transfer_group,
        description=description,
        metadata=metadata,
    )
    emit("transfer.created", transfer)
    return answer(transfer, params)


async def retrieve_transfer(request: web.Request) -> web.Response:
    params = await Params.of(request)
    transfer = resources.store.get(f"transfer:{request.match_info['id']}")
    if not isinstance(transfer, Transfer):
        raise no_such("transfer", request.match_info["id"], status=404)
    return answer(transfer, params)


async def list_transfers(request: web.Request) -> web.Response:
    params = await Params.of(request)
    destination = params.text("destination")
    group = params.text("transfer_group")
    page = resources.List(
        "/v1/transfers", limit=params.integer("limit", minimum=1), starting_after=params.text("starting_after")
    )
    params.done()
    page._list = [
        obj
        for obj in reversed(resources.store.values())
        if isinstance(obj, Transfer) and destination in (None, obj.destination) and group in (None, obj.transfer_group)
    ]
    return answer(page, params)
