"""The hold cap: at most ``HOLD_CAP`` unconfirmed holds per client at once, so nobody can hold all of an
expert's slots (or pile up card holds) without confirming any.

An unconfirmed hold is a booking that holds the expert's time while its card (3-D Secure) or the expert's
approval is awaited, and a checkout whose card hold awaits the expert's answer. Each takes one of the
client's ``HOLD_CAP`` seats (``HoldSeat``) in the very transaction that writes it: a free seat on condition
that it does not exist, or a seat whose holder is confirmed or gone on condition that it still names that
holder. Of concurrent claims on one seat one commits and the others claim again, so two requests at once can
never both take the last seat. Seats are never released by hand: a claim reads whether each seat's holder
still waits (strongly consistent reads), so no path that confirms, cancels or expires a hold can leave a seat
taken.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from chalicelib.bookings.agenda_rules import AWAITING_CARD, HOLDING, REQUESTED
from chalicelib.errors import Conflict

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.transactions import TransactWrite

    from chalicelib.models.limits import HoldSeat

HOLD_CAP = 3
UNCONFIRMED_BOOKING = (HOLDING, AWAITING_CARD, REQUESTED)
TOO_MANY_HOLDS = "too_many_holds"
# What the OpenAPI document says of a 409 where holds are made (the handlers import this module: keep it light).
HOLD_CAP_NOTE = (409, f"{TOO_MANY_HOLDS}: you have {HOLD_CAP} unconfirmed holds already; finish or cancel one")


@dataclass(frozen=True)
class SeatClaim:
    """A seat to write, with the condition that makes the write lose to a concurrent claim."""

    seat: HoldSeat
    condition: Condition

    def add_to(self, transaction: TransactWrite) -> None:
        transaction.save(self.seat, condition=self.condition)


def booking_holder(appointment_id: str) -> str:
    return f"appointment:{appointment_id}"


def checkout_holder(checkout_id: str) -> str:
    return f"checkout:{checkout_id}"


def claim_seat(client_id: str, holder: str, now: datetime) -> SeatClaim | None:
    """A seat for ``holder`` to take in its transaction; None when it has one already (a retry of its request).
    409 ``too_many_holds`` when every seat is taken by a hold that still waits."""
    from chalicelib.models.limits import HoldSeat

    keys = [f"{client_id}#{number}" for number in range(HOLD_CAP)]
    seats = list(HoldSeat.batch_get(keys, consistent_read=True))
    if any(seat.holder == holder for seat in seats):
        return None
    taken = {seat.seat_key for seat in seats}
    free = [key for key in keys if key not in taken]
    if free:  # a random one: concurrent claims mostly pick different seats
        key = random.choice(free)
        return SeatClaim(HoldSeat(key, holder=holder, claimed_at=now), HoldSeat.seat_key.does_not_exist())
    waiting = still_waiting([seat.holder for seat in seats])
    stale = [seat for seat in seats if seat.holder not in waiting]
    if not stale:
        raise Conflict(
            f"You have {HOLD_CAP} unconfirmed holds already (bookings awaiting their card's confirmation or the "
            "expert's approval, checkouts awaiting the expert): finish or cancel one before you hold another.",
            code=TOO_MANY_HOLDS,
        )
    seat = random.choice(stale)
    return SeatClaim(HoldSeat(seat.seat_key, holder=holder, claimed_at=now), HoldSeat.holder == seat.holder)


def still_waiting(holders: list[str]) -> set[str]:
    """Those of ``holders`` that are still unconfirmed holds (strongly consistent reads: at most two BatchGets)."""
    from chalicelib.models.appointment import Appointment
    from chalicelib.models.checkout import ServiceCheckout
    from chalicelib.services.checkout import AWAITING_EXPERT

    kinds: dict[str, list[str]] = {}
    for holder in holders:
        kind, _, object_id = holder.partition(":")
        kinds.setdefault(kind, []).append(object_id)
    waiting = set()
    if kinds.get("appointment"):
        for item in Appointment.batch_get(kinds["appointment"], consistent_read=True):
            if item.status in UNCONFIRMED_BOOKING:
                waiting.add(booking_holder(item.appointment_id))
    if kinds.get("checkout"):
        for checkout in ServiceCheckout.batch_get(kinds["checkout"], consistent_read=True):
            if checkout.status == AWAITING_EXPERT and checkout.payment_id:
                waiting.add(checkout_holder(checkout.checkout_id))
    return waiting
