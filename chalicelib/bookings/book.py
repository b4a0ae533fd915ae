"""Use cases: book an appointment without double booking, read it, cancel it.

No double booking: the appointment is written in ONE DynamoDB transaction with one
``AppointmentLock`` per 5-minute granule of ``[start - buffer_before, end + buffer_after)``,
each on condition that it does not exist yet (``chalicelib.bookings.time_locks``). Overlapping
requests of any lengths share a granule, so at most one of them commits; the others get
409 ``slot_taken`` before any card is touched.

A paid booking then holds the card (``authorise_hold``, purpose ``appointment:<id>``): the
service's upfront hold when ``service_id`` is given, else the expert's per-minute price of the
appointment's minutes. If the hold fails, the appointment and its locks are deleted in one
transaction (the slot is free again) and the client gets the card's 402. A free initial
consultation needs no card; its marker (one per client and expert) is written in the same
transaction as the locks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib import runtime
from chalicelib.availability.manage import rules_of
from chalicelib.availability.rules import available_slots
from chalicelib.bookings.time_locks import MAX_GRANULES, granules, lock_key, occupied_span
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound, PaymentRequired
from chalicelib.models.appointment import Appointment, AppointmentLock, FreeConsultation
from chalicelib.models.availability import ExpertAvailability
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.service import ExpertService

if TYPE_CHECKING:
    from chalicelib.bookings.schemas import BookingInput

HOLDING = "holding"  # time locked, card not held yet
CONFIRMED = "confirmed"
CANCELLED = "cancelled"
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
    availability = _availability(data.expert_id)
    start, end = data.start, data.start + timedelta(minutes=data.minutes)
    begin, finish = occupied_span(start, end, availability.buffer_before_minutes, availability.buffer_after_minutes)
    locked = granules(begin, finish)
    if len(locked) > MAX_GRANULES:
        message = f"A booking with the expert's buffers may span at most {MAX_GRANULES * 5} minutes."
        raise InvalidInput(message, code="booking_too_long")
    _require_offered(availability, start, data.minutes, now)
    price = _price(profile, data) if data.kind == PAID else None
    if price is not None and not data.payment_method_id:
        raise InvalidInput("A paid booking needs 'payment_method_id' (a saved card).", code="payment_method_required")

    item = Appointment(
        uuid.uuid4().hex, expert_id=data.expert_id, client_id=client_id, kind=data.kind,
        status=HOLDING if price else CONFIRMED, start=start, end=end, minutes=data.minutes,
        buffer_before_minutes=availability.buffer_before_minutes,
        buffer_after_minutes=availability.buffer_after_minutes, lock_count=len(locked),
        service_id=data.service_id, currency=price.currency if price else None,
        amount=price.amount if price else None, created_at=now, updated_at=now,
        busy_expert_id=data.expert_id, busy_start=start.isoformat(), busy_end=end.isoformat(),
    )  # fmt: skip
    _lock_and_save(item, locked)
    if price is not None:
        _hold_card(item, price, data.payment_method_id or "", now)
    return appointment_view(item)


def read_booking(appointment_id: str, caller_id: str) -> dict[str, Any]:
    return appointment_view(_participant_of(appointment_id, caller_id))


def cancel_booking(appointment_id: str, caller_id: str, *, now: datetime) -> dict[str, Any]:
    """Either participant cancels: the time is freed and any card hold released.

    A per-expert cancellation policy (cut-off, share charged) is not applied yet: every
    cancellation releases the whole hold.
    """
    item = _participant_of(appointment_id, caller_id)
    if item.status == HOLDING:
        raise Conflict("This booking is still being made; try again in a moment.", code="booking_in_progress")
    if item.status == CONFIRMED:
        if now >= item.end:
            raise Conflict("This appointment has taken place.", code="booking_over")
        _free_time(item, caller_id, now)
    if item.payment_id:
        from chalicelib.payments.card_payments import release_hold

        release_hold(item.payment_id, gateway=runtime.stripe_gateway(), now=now)  # idempotent: safe on a retry
    return appointment_view(item)


def appointment_view(item: Appointment) -> dict[str, Any]:
    return {
        "appointment_id": item.appointment_id,
        "expert_id": item.expert_id,
        "client_id": item.client_id,
        "kind": item.kind,
        "status": item.status,
        "start": _utc(item.start),
        "end": _utc(item.end),
        "minutes": item.minutes,
        "buffer_before_minutes": item.buffer_before_minutes,
        "buffer_after_minutes": item.buffer_after_minutes,
        "service_id": item.service_id,
        "currency": item.currency,
        "amount": item.amount,
        "payment_id": item.payment_id,
        "cancelled_by": item.cancelled_by,
        "created_at": _utc(item.created_at),
    }


# ---------------------------------------------------------------- the transactions


def _lock_and_save(item: Appointment, locked: list[datetime]) -> None:
    """Appointment, free-consultation marker and locks in one transaction (puts, sent in the order added)."""
    for attempt in range(_ATTEMPTS):
        labels: list[str] = []
        try:
            with write_transaction() as transaction:
                transaction.save(item, condition=Appointment.appointment_id.does_not_exist())
                labels.append("appointment")
                if item.kind == FREE_CONSULTATION:
                    marker = FreeConsultation(_pair(item), appointment_id=item.appointment_id)
                    transaction.save(marker, condition=FreeConsultation.pair.does_not_exist())
                    labels.append("marker")
                for granule in locked:
                    lock = AppointmentLock(
                        lock_key(item.expert_id, granule), appointment_id=item.appointment_id,
                        expires=granule + LOCK_KEPT_FOR,
                    )  # fmt: skip
                    transaction.save(lock, condition=AppointmentLock.lock_key.does_not_exist())
                    labels.append("lock")
            return
        except TransactWriteError as error:
            failed = {label for label, hit in zip(labels, cancelled_items(error), strict=False) if hit}
            if "marker" in failed:
                raise Conflict(
                    "You have had your free consultation with this expert.", code="free_consultation_used"
                ) from None
            if "lock" in failed or (transaction_conflicted(error) and attempt == _ATTEMPTS - 1):
                raise Conflict("Someone booked this time meanwhile; pick another slot.", code="slot_taken") from None
            if not transaction_conflicted(error):
                raise


def _hold_card(item: Appointment, price: _Price, payment_method_id: str, now: datetime) -> None:
    from chalicelib.payments.card_payments import AUTHORISED, authorise_hold, release_hold

    settings = runtime.settings()
    try:
        payment, _ = authorise_hold(
            purpose=f"appointment:{item.appointment_id}", client_id=item.client_id, expert_id=item.expert_id,
            currency=price.currency, amount=price.amount, payment_method_id=payment_method_id,
            commission_bps=settings.commission_bps, gateway=runtime.stripe_gateway(), now=now,
        )  # fmt: skip
    except Exception:
        _undo(item)
        raise
    if payment.status != AUTHORISED:  # the card needs the cardholder (3-D Secure): not supported for bookings yet
        release_hold(payment.payment_id, gateway=runtime.stripe_gateway(), now=now)
        _undo(item)
        raise PaymentRequired("This card needs confirming by its holder; use another card.", code="card_declined")
    item.update(
        actions=[
            Appointment.status.set(CONFIRMED),
            Appointment.payment_id.set(payment.payment_id),
            Appointment.updated_at.set(now),
        ],
        condition=Appointment.status == HOLDING,
    )


def _undo(item: Appointment) -> None:
    """The hold failed: delete the appointment and its locks in one transaction, so the slot is free again."""
    with write_transaction() as transaction:
        transaction.delete(item, condition=Appointment.status == HOLDING)
        for key in _lock_keys_of(item):
            lock = AppointmentLock(key)
            transaction.delete(lock, condition=AppointmentLock.appointment_id == item.appointment_id)


def _free_time(item: Appointment, caller_id: str, now: datetime) -> None:
    """Cancel: status cancelled, out of the busy index, locks deleted (and the expert's cancellation
    gives the client their free consultation back), all in one transaction."""
    try:
        _write_cancellation(item, caller_id, now)
    except TransactWriteError:
        raise Conflict("This booking changed meanwhile; load it and retry.", code="changed_concurrently") from None
    item.status, item.cancelled_by, item.updated_at = CANCELLED, caller_id, now


def _write_cancellation(item: Appointment, caller_id: str, now: datetime) -> None:
    with write_transaction() as transaction:
        for key in _lock_keys_of(item):
            transaction.delete(AppointmentLock(key), condition=AppointmentLock.appointment_id == item.appointment_id)
        if item.kind == FREE_CONSULTATION and caller_id == item.expert_id:
            transaction.delete(FreeConsultation(_pair(item)))
        transaction.update(
            item,
            actions=[
                Appointment.status.set(CANCELLED),
                Appointment.cancelled_by.set(caller_id),
                Appointment.updated_at.set(now),
                Appointment.busy_expert_id.remove(),
                Appointment.busy_start.remove(),
                Appointment.busy_end.remove(),
            ],
            condition=Appointment.status == CONFIRMED,
        )


def _lock_keys_of(item: Appointment) -> list[str]:
    begin, finish = occupied_span(item.start, item.end, item.buffer_before_minutes, item.buffer_after_minutes)
    return [lock_key(item.expert_id, granule) for granule in granules(begin, finish)]


# ---------------------------------------------------------------- reading and checking


def _require_offered(availability: ExpertAvailability, start: datetime, minutes: int, now: datetime) -> None:
    """The slot is one the slots endpoint offers for this length (hours, grid, notice, horizon).
    Other bookings are not consulted here: the locks decide overlaps."""
    offered = available_slots(
        rules_of(availability), [], start, start + timedelta(minutes=1), now, length_minutes=minutes
    )
    if not offered or offered[0].start_utc != start:
        raise Conflict("The expert does not offer this time; pick one of their slots.", code="slot_not_offered")


def _price(profile: ExpertProfile, data: BookingInput) -> _Price:
    if data.service_id:
        try:
            service = ExpertService.get(data.expert_id, data.service_id)
        except DoesNotExist:
            raise NotFound("This expert has no service with this id.", code="service_not_found") from None
        if not service.upfront_hold:
            raise Conflict("This service takes no upfront hold; book it without 'service_id'.", code="no_upfront_hold")
        return _Price(service.currency, service.upfront_hold)
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


def _availability(expert_id: str) -> ExpertAvailability:
    try:
        return ExpertAvailability.get(expert_id)
    except DoesNotExist:
        raise Conflict("This expert takes no bookings yet.", code="slot_not_offered") from None


def _participant_of(appointment_id: str, caller_id: str) -> Appointment:
    try:
        item = Appointment.get(appointment_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No booking has this id.", code="booking_not_found") from None
    if caller_id not in (item.client_id, item.expert_id):
        raise NotFound("No booking has this id.", code="booking_not_found")
    return item


def _pair(item: Appointment) -> str:
    return f"{item.client_id}#{item.expert_id}"


def _utc(instant: datetime) -> str:
    return instant.isoformat().replace("+00:00", "Z")
