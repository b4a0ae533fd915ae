"""Use case: book an appointment without double booking.

No double booking: the appointment is written in ONE DynamoDB transaction with one
``AppointmentLock`` per 5-minute granule of ``[start - buffer_before, end + buffer_after)``,
each on condition that it does not exist yet (``chalicelib.bookings.time_locks``). Overlapping
requests of any lengths share a granule, so at most one of them commits; the others get
409 ``slot_taken`` before any card is touched.

A paid booking then holds the card (``authorise_hold``, purpose ``appointment:<id>``): the
service's upfront hold when ``service_id`` is given, else the expert's per-minute price of the
appointment's minutes. If the hold fails, the appointment and its locks are deleted in one
transaction (the slot is free again) and the client gets the card's 402. A card that asks
its holder to confirm (3-D Secure) leaves the booking ``awaiting_card`` with the time held:
the client confirms with Stripe.js and calls ``confirm_card``; unconfirmed after 15 minutes,
the agenda job undoes it. A free initial
consultation needs no card, only the expert's offer of one, no longer than they set
(``availability.free_consultation``); its marker (one per client and expert) is written in
the same transaction as the locks.

Holds are capped: a booking that is not confirmed at once takes one of the client's few hold seats in the
same transaction (``chalicelib.limits.hold_cap``): 409 ``too_many_holds`` when every seat is held by a
booking or checkout still awaiting its card or the expert.

The booking is then ``confirmed``, or ``requested`` when the expert approves bookings
(``chalicelib.bookings.approval``); the expert's cancellation policy is copied onto it.
If the request dies between locking and holding, the agenda job finishes or undoes it
(``recover_stuck_booking``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import runtime
from chalicelib.availability.free_consultation import require_offered_free_consultation
from chalicelib.availability.manage import rules_of
from chalicelib.availability.rules import available_slots
from chalicelib.bookings.agenda_rules import AWAITING_CARD, CONFIRMED, HOLDING, REQUESTED, reminders_already_past
from chalicelib.bookings.announce import open_booking_thread
from chalicelib.bookings.records import (
    appointment_view,
    delete_locks,
    free_consultation_marker,
    lock_keys_of,
    save_change,
    set_agenda,
    set_busy,
)
from chalicelib.bookings.time_locks import MAX_GRANULES, granules, lock_key, occupied_span
from chalicelib.concurrent_repeats import changed_concurrently
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound, PaymentRequired
from chalicelib.models.appointment import Appointment, AppointmentLock, FreeConsultation
from chalicelib.models.availability import ExpertAvailability
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.service import ExpertService
from chalicelib.payments.charge import AUTHORISED

if TYPE_CHECKING:
    from chalicelib.bookings.schemas import BookingInput
    from chalicelib.models.payment import Payment

PAID = "paid"
FREE_CONSULTATION = "free_consultation"
LOCK_KEPT_FOR = timedelta(days=2)  # after its granule, DynamoDB's TTL may remove a lock
_ATTEMPTS = 3  # a TransactionConflict (another transaction on the same lock in flight) is retried


@dataclass(frozen=True)
class _Price:
    currency: str
    amount: int


def book(client_id: str, data: BookingInput, *, now: datetime) -> dict[str, Any]:
    """Book ``data`` for ``client_id``: 201 with the appointment, 409 ``slot_taken`` if any of its time is held."""
    from chalicelib.accounts.account_records import get_account

    if client_id == data.expert_id:
        raise Forbidden("You cannot book yourself.", code="own_booking")
    get_account(client_id)
    profile = _expert(data.expert_id)
    availability = availability_of(data.expert_id)
    start, end = data.start, data.start + timedelta(minutes=data.minutes)
    begin, finish = occupied_span(start, end, availability.buffer_before_minutes, availability.buffer_after_minutes)
    locked = granules(begin, finish)
    if len(locked) > MAX_GRANULES:
        message = f"A booking with the expert's buffers may span at most {MAX_GRANULES * 5} minutes."
        raise InvalidInput(message, code="booking_too_long")
    if data.kind == FREE_CONSULTATION:
        require_offered_free_consultation(availability, data.minutes)
    require_offered(availability, start, data.minutes, now)
    service = _service(data.expert_id, data.service_id) if data.service_id else None
    if service is not None and service.meeting and service.meeting.duration_minutes != data.minutes:
        minutes = service.meeting.duration_minutes
        raise InvalidInput(f"This service's meeting lasts {minutes} minutes.", code="meeting_length")
    price = _price(profile, data, service) if data.kind == PAID else None
    if price is not None and not data.payment_method_id:
        raise InvalidInput("A paid booking needs 'payment_method_id' (a saved card).", code="payment_method_required")
    if price is not None:
        from chalicelib.payments.card_ownership import clients_own_card

        clients_own_card(client_id, data.payment_method_id, runtime.stripe_gateway())  # before the slot is locked

    item = Appointment(
        uuid.uuid4().hex, expert_id=data.expert_id, client_id=client_id, kind=data.kind,
        status=HOLDING if price else _decided_status(availability), start=start, end=end, minutes=data.minutes,
        expert_zone=availability.time_zone, client_zone=data.time_zone,
        buffer_before_minutes=availability.buffer_before_minutes,
        buffer_after_minutes=availability.buffer_after_minutes, lock_count=len(locked),
        service_id=data.service_id, service_name=service.name if service else None,
        meeting_url=service.meeting.location_url if service and service.meeting else None, note=data.note,
        media=data.media,
        currency=price.currency if price else None, amount=price.amount if price else None,
        cancel_cutoff_hours=availability.cancel_cutoff_hours, late_share_bps=availability.late_cancel_share_bps,
        reminders_sent=reminders_already_past(start, now), created_at=now, updated_at=now,
    )  # fmt: skip
    set_busy(item)
    set_agenda(item)
    _lock_and_save(item, locked, now)
    client_secret = None
    if price is not None:
        client_secret = _hold_card(item, price, data.payment_method_id or "", availability, now)
    if client_secret is not None:
        return appointment_view(item, now) | {"next_action": "confirm_card", "client_secret": client_secret}
    open_booking_thread(item, now)
    return appointment_view(item, now)


def confirm_card(appointment_id: str, client_id: str, *, now: datetime) -> dict[str, Any]:
    """The client has confirmed the card with Stripe.js: the booking goes ahead if the hold is in place."""
    from chalicelib.bookings.records import participant_of

    item = participant_of(appointment_id, client_id)
    if item.status != AWAITING_CARD:
        if item.status in (REQUESTED, CONFIRMED):
            return appointment_view(item, now)  # a retry, or the agenda got there first
        raise Conflict(f"This booking is {item.status}; there is no card to confirm.", code="not_awaiting_card")
    if client_id != item.client_id:
        raise Forbidden("Only the client confirms their card.", code="client_only")
    payment = _current_hold(item, now)
    if payment is None or payment.status == "failed":
        _release_and_undo(item, now)
        raise PaymentRequired("The card was not authorised; book again with another card.", code="card_declined")
    if payment.status != AUTHORISED:
        raise Conflict("The card has not been confirmed yet; finish the bank's check first.", code="card_not_confirmed")
    _confirm_hold(item, payment.payment_id, availability_of(item.expert_id), now)
    open_booking_thread(item, now)
    return appointment_view(item, now)


def require_offered(availability: ExpertAvailability, start: datetime, minutes: int, now: datetime) -> None:
    """The slot is one the slots endpoint offers for this length (hours, grid, notice, horizon).
    Other bookings are not consulted here: the locks decide overlaps."""
    offered = available_slots(
        rules_of(availability), [], start, start + timedelta(minutes=1), now, length_minutes=minutes
    )
    if not offered or offered[0].start_utc != start:
        raise Conflict("The expert does not offer this time; pick one of their slots.", code="slot_not_offered")


def availability_of(expert_id: str) -> ExpertAvailability:
    try:
        return ExpertAvailability.get(expert_id)
    except DoesNotExist:
        raise Conflict("This expert takes no bookings yet.", code="slot_not_offered") from None


def recover_stuck_booking(item: Appointment, now: datetime) -> None:
    """The agenda job, for a booking left ``holding`` (the request died after locking the time) or
    ``awaiting_card`` past its window: keep it if its card hold is in place, else let the hold go
    and free the time. Idempotent."""
    payment = _current_hold(item, now)
    if payment is not None and payment.status == AUTHORISED:
        _confirm_hold(item, payment.payment_id, availability_of(item.expert_id), now)
        open_booking_thread(item, now)
        return
    _release_and_undo(item, now)


def _current_hold(item: Appointment, now: datetime) -> Payment | None:
    """The booking's card hold as Stripe now sees it (None if it was never made)."""
    from chalicelib.payments.card_payments import find_payment, payment_id_for, refresh_hold

    payment = find_payment(payment_id_for(f"appointment:{item.appointment_id}"))
    if payment is None:
        return None
    return refresh_hold(payment.payment_id, gateway=runtime.stripe_gateway(), now=now)


def _release_and_undo(item: Appointment, now: datetime) -> None:
    """Free the time first (on condition that the booking is still being made), then let the hold go:
    if the client confirmed the card meanwhile, the booking stands and so does its hold."""
    from chalicelib.payments.card_payments import find_payment, payment_id_for, release_hold

    try:
        _undo(item)
    except TransactWriteError:
        raise Conflict("This booking went ahead meanwhile.", code="changed_concurrently") from None
    payment = find_payment(payment_id_for(f"appointment:{item.appointment_id}"))
    if payment is not None:
        release_hold(payment.payment_id, gateway=runtime.stripe_gateway(), now=now)


# ---------------------------------------------------------------- the transactions


def _lock_and_save(item: Appointment, locked: list[datetime], now: datetime) -> None:
    """Appointment, free-consultation marker, locks and (unless confirmed at once) one of the client's hold seats
    (``chalicelib.limits.hold_cap``) in one transaction (puts, sent in the order added)."""
    from chalicelib.limits.hold_cap import HOLD_CAP, booking_holder, claim_seat

    holder = booking_holder(item.appointment_id)
    seat = claim_seat(item.client_id, holder, now) if item.status != CONFIRMED else None
    conflicts = 0
    for _ in range(_ATTEMPTS + HOLD_CAP):
        labels: list[str] = []
        try:
            with write_transaction() as transaction:
                transaction.save(item, condition=Appointment.appointment_id.does_not_exist())
                labels.append("appointment")
                if item.kind == FREE_CONSULTATION:
                    marker = free_consultation_marker(item)
                    transaction.save(marker, condition=FreeConsultation.pair.does_not_exist())
                    labels.append("marker")
                for granule in locked:
                    lock = AppointmentLock(
                        lock_key(item.expert_id, granule), appointment_id=item.appointment_id,
                        expires=granule + LOCK_KEPT_FOR,
                    )  # fmt: skip
                    transaction.save(lock, condition=AppointmentLock.lock_key.does_not_exist())
                    labels.append("lock")
                if seat is not None:
                    seat.add_to(transaction)
                    labels.append("seat")
            return
        except TransactWriteError as error:
            failed = {label for label, hit in zip(labels, cancelled_items(error), strict=False) if hit}
            if transaction_conflicted(error):
                conflicts += 1
            if "marker" in failed:
                raise Conflict(
                    "You have had your free consultation with this expert.", code="free_consultation_used"
                ) from None
            if "lock" in failed or conflicts == _ATTEMPTS:
                raise Conflict("Someone booked this time meanwhile; pick another slot.", code="slot_taken") from None
            if "seat" in failed:  # another of the client's holds took that seat meanwhile: claim again (or 409)
                seat = claim_seat(item.client_id, holder, now)
            elif not transaction_conflicted(error):
                raise
    raise changed_concurrently()


def _hold_card(
    item: Appointment, price: _Price, payment_method_id: str, availability: ExpertAvailability, now: datetime
) -> str | None:
    """Hold the card; returns the client secret when the cardholder must still confirm it."""
    from chalicelib.payments.card_payments import AWAITING_CONFIRMATION, authorise_hold

    settings = runtime.settings()
    try:
        payment, client_secret = authorise_hold(
            purpose=f"appointment:{item.appointment_id}", client_id=item.client_id, expert_id=item.expert_id,
            currency=price.currency, amount=price.amount, payment_method_id=payment_method_id,
            commission_bps=settings.commission_bps, gateway=runtime.stripe_gateway(), now=now,
        )  # fmt: skip
    except Exception:
        _undo(item)
        raise
    if payment.status == AWAITING_CONFIRMATION and client_secret:
        item.status, item.payment_id = AWAITING_CARD, payment.payment_id
        save_change(item, now)
        return client_secret
    _confirm_hold(item, payment.payment_id, availability, now)
    return None


def _confirm_hold(item: Appointment, payment_id: str, availability: ExpertAvailability, now: datetime) -> None:
    """The card is held: the booking is confirmed, or awaits the expert's approval."""
    item.status = _decided_status(availability)
    item.payment_id = payment_id
    item.hold_placed_at = now
    item.reminders_sent = reminders_already_past(item.start, now)
    save_change(item, now)


def _decided_status(availability: ExpertAvailability) -> str:
    return REQUESTED if availability.requires_approval else CONFIRMED


def _undo(item: Appointment) -> None:
    """The hold failed: delete the appointment and its locks in one transaction, so the slot is free again."""
    with write_transaction() as transaction:
        transaction.delete(item, condition=Appointment.status.is_in(HOLDING, AWAITING_CARD))
        delete_locks(transaction, item, lock_keys_of(item))


# ---------------------------------------------------------------- reading and checking


def _service(expert_id: str, service_id: str) -> ExpertService:
    try:
        return ExpertService.get(expert_id, service_id)
    except DoesNotExist:
        raise NotFound("This expert has no service with this id.", code="service_not_found") from None


def _price(profile: ExpertProfile, data: BookingInput, service: ExpertService | None) -> _Price | None:
    if service is not None:  # its upfront hold, or nothing: its ongoing rate is settled outside Parley
        return _Price(service.currency, service.upfront_hold) if service.upfront_hold else None
    if profile.rate_per_minute is None and profile.hourly_rate is None:
        raise Conflict("This expert has no per-minute rate.", code="expert_has_no_rate")
    from chalicelib.sessions.billing import Tariff

    tariff = Tariff(currency=profile.currency, rate_per_minute=profile.rate_per_minute, hourly_rate=profile.hourly_rate)
    return _Price(profile.currency, tariff.price(data.minutes))


def _expert(expert_id: str) -> ExpertProfile:
    try:
        return ExpertProfile.get(expert_id)
    except DoesNotExist:
        raise NotFound("No expert has this id.", code="expert_not_found") from None
