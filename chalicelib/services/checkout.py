"""Use cases: a client checks out an expert's service (as on Otechie), the expert accepts or declines.

Checking out holds the service's upfront amount on the client's card (if it has one), then
opens the checkout's conversation with the client's message as its first message and the
checkout as a state change that names the payment. A declined card leaves nothing behind.

The expert's answer is a state change of the checkout, made once (on condition that it still
awaits the expert); what it implies is then done idempotently and may be redone by a retry:
accepting captures the hold, declining releases it. A hold the expert has not accepted within
``HOLD_KEPT_FOR`` is released by the scheduled job (card networks drop holds after 7 days).
With an ``Idempotency-Key`` a retried checkout is the same checkout: the same hold, the same
message, no second conversation.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib import runtime
from chalicelib.concurrent_repeats import changed_concurrently
from chalicelib.due_index import due_entries, due_key
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound, PaymentRequired
from chalicelib.models.base import write_transaction
from chalicelib.models.checkout import ServiceCheckout
from chalicelib.models.conditions import cancelled_items, condition_failed, lost_a_race
from chalicelib.models.service import ExpertService
from chalicelib.payments.hold_expiry import hold_expired_error, hold_has_expired
from chalicelib.web.logs import log_error

if TYPE_CHECKING:
    from chalicelib.conversations.schemas import CheckoutInput
    from chalicelib.limits.hold_cap import SeatClaim

AWAITING_EXPERT = "awaiting_expert"
ACCEPTED = "accepted"
DECLINED = "declined"
EXPIRED = "expired"
HOLD_KEPT_FOR = timedelta(days=6)
SUBJECT = "service_checkout"


def check_out(
    client_id: str, expert_id: str, service_id: str, data: CheckoutInput, *,
    idempotency_key: str | None, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """Check out the service for ``client_id``: hold, conversation, first message. 201 with both."""
    from chalicelib.accounts.account_records import get_account
    from chalicelib.conversations.attachments import AttachmentRef, checked_attachments
    from chalicelib.conversations.messages import post_message
    from chalicelib.conversations.threads import open_thread, record_event
    from chalicelib.uploads.attachments import attachment_store

    if client_id == expert_id:
        raise Forbidden("You cannot check out your own service.", code="own_service")
    get_account(client_id)
    service = _service(expert_id, service_id)
    if service.meeting is not None:
        raise Conflict(
            "This service includes a meeting: pick a time from the expert's slots and book it "
            "(POST /bookings with this service_id).",
            code="service_needs_booking",
        )
    if service.upfront_hold and not data.payment_method_id:
        raise InvalidInput(
            "This service holds an upfront amount: send 'payment_method_id' (a saved card).",
            code="payment_method_required",
        )
    if service.upfront_hold:
        from chalicelib.payments.card_ownership import clients_own_card

        clients_own_card(client_id, data.payment_method_id, runtime.stripe_gateway())  # before anything is written
    checkout_id = _checkout_id(client_id, idempotency_key)
    refs = [AttachmentRef(ref.key, ref.file_name) for ref in data.attachments]
    store = attachment_store()
    checked_attachments(client_id, refs, store)  # before the card is held: a bad attachment costs nothing
    checkout = _find(checkout_id) or _create(checkout_id, client_id, service, data.payment_method_id, now)
    open_thread(
        subject=SUBJECT, subject_id=checkout_id, client_id=client_id, expert_id=expert_id,
        title=service.name, now=now,
    )  # fmt: skip
    record_event(
        checkout.thread_id, event_key=f"checkout:{checkout_id}:opened", text=_opened_text(service), now=now,
        payment_id=checkout.payment_id,
    )  # fmt: skip
    post_message(  # a microsecond later, so that the thread shows the checkout first, then the message
        checkout.thread_id, client_id, data.message, refs, idempotency_key=f"checkout:{checkout_id}", store=store,
        now=now + timedelta(microseconds=1),
    )  # fmt: skip
    return {"checkout": checkout_view(checkout), "thread_id": checkout.thread_id}


def read_checkout(checkout_id: str, caller_id: str) -> dict[str, Any]:
    checkout = _get(checkout_id)
    if caller_id not in (checkout.client_id, checkout.expert_id):
        raise NotFound("No checkout has this id.", code="checkout_not_found")
    return checkout_view(checkout)


def accept_checkout(checkout_id: str, caller_id: str, *, now: datetime) -> dict[str, Any]:
    """The expert takes the work on: the hold is captured, unless it has expired (then it is
    released, the checkout expires and the expert gets 409 ``hold_expired``)."""
    checkout = _experts_checkout(checkout_id, caller_id)
    expires_at = _hold_expires_at(checkout)
    if checkout.status == AWAITING_EXPERT and expires_at is not None and hold_has_expired(expires_at, now):
        _expire(checkout_id, now)
        raise hold_expired_error(expires_at)
    return checkout_view(_answer(checkout, ACCEPTED, now))


def _hold_expires_at(checkout: ServiceCheckout) -> datetime | None:
    return datetime.fromisoformat(checkout.hold_expires_at) if checkout.hold_expires_at else None


def decline_checkout(checkout_id: str, caller_id: str, *, now: datetime) -> dict[str, Any]:
    """The expert turns the work down: the hold is released."""
    return checkout_view(_answer(_experts_checkout(checkout_id, caller_id), DECLINED, now))


@dataclass(frozen=True)
class ExpiryRun:
    due: int
    released: int


def release_unaccepted_holds(now: datetime) -> ExpiryRun:
    """Scheduled: holds the expert has not accepted in ``HOLD_KEPT_FOR`` are released. Reads only
    the checkouts that are due (the sparse ``hold-expiry-by-shard`` index: everything due up to
    ``now``, however long the job was down); safe to rerun."""
    due = released = 0
    for key in due_entries(lambda shard, until: ServiceCheckout.hold_expiry.query(
            shard, ServiceCheckout.hold_expires_at <= until), now):  # fmt: skip
        due += 1
        try:
            released += _expire(key.checkout_id, now)
        except Exception as error:  # one checkout's failure must not stop the others; the next run retries
            log_error("checkout hold expiry failed", checkout_id=key.checkout_id, error=repr(error))
    return ExpiryRun(due=due, released=released)


def _expire(checkout_id: str, now: datetime) -> int:
    """1 if this run released the checkout's hold, else 0."""
    checkout = _find(checkout_id)
    if checkout is None:
        return 0
    if checkout.status != AWAITING_EXPERT:
        _finish(checkout, now)  # what an earlier answer or run left undone
        return 0
    try:
        _answer(checkout, EXPIRED, now)
    except Conflict:
        return 0  # the expert answered meanwhile
    return 1


def checkout_view(checkout: ServiceCheckout) -> dict[str, Any]:
    return {
        "checkout_id": checkout.checkout_id,
        "service_id": checkout.service_id,
        "service_name": checkout.service_name,
        "client_id": checkout.client_id,
        "expert_id": checkout.expert_id,
        "currency": checkout.currency,
        "upfront_hold": checkout.upfront_hold,
        "payment_id": checkout.payment_id,
        "thread_id": checkout.thread_id,
        "status": checkout.status,
        "hold_expires_at": checkout.hold_expires_at,
        "created_at": checkout.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": checkout.updated_at.isoformat().replace("+00:00", "Z"),
    }


# ---------------------------------------------------------------- the answer and what it implies


def _answer(checkout: ServiceCheckout, answer: str, now: datetime) -> ServiceCheckout:
    """Record ``answer`` once (only while the checkout awaits the expert), then do what it implies.
    The same answer again redoes only what may be missing; another answer is refused."""
    if checkout.status == AWAITING_EXPERT:
        try:
            checkout.update(
                actions=[ServiceCheckout.status.set(answer), ServiceCheckout.updated_at.set(now)],
                condition=ServiceCheckout.status == AWAITING_EXPERT,
            )
        except UpdateError as error:
            if not condition_failed(error):
                raise
            checkout.refresh(consistent_read=True)
    if checkout.status != answer:
        raise Conflict(f"This checkout was {checkout.status} already.", code="checkout_closed")
    return _finish(checkout, now)


_EVENT_TEXTS = {  # what the conversation shows, without and with a card hold
    ACCEPTED: ("The expert accepted {name}.", "The expert accepted {name}; the hold was captured."),
    DECLINED: ("The expert declined {name}.", "The expert declined {name}; the hold was released."),
    EXPIRED: ("{name} was not accepted in time.", "{name} was not accepted within 6 days; the hold was released."),
}


def _finish(checkout: ServiceCheckout, now: datetime) -> ServiceCheckout:
    """Capture or release the hold as the checkout's status says, take it off the expiry index and
    record the change in the conversation. Every step is idempotent."""
    from chalicelib.conversations.threads import record_event
    from chalicelib.payments.card_payments import capture_payment, release_hold

    if checkout.status not in _EVENT_TEXTS:
        return checkout
    gateway = runtime.stripe_gateway()
    if checkout.payment_id and checkout.status == ACCEPTED:
        hold_days = runtime.settings().earnings_hold_days
        capture_payment(checkout.payment_id, checkout.upfront_hold or 0, gateway=gateway, hold_days=hold_days, now=now)
    elif checkout.payment_id:
        release_hold(checkout.payment_id, gateway=gateway, now=now)
    if checkout.hold_expiry_shard is not None:
        checkout.update(actions=[ServiceCheckout.hold_expiry_shard.remove(), ServiceCheckout.hold_expires_at.remove()])
    text = _EVENT_TEXTS[checkout.status][1 if checkout.payment_id else 0].format(name=checkout.service_name)
    record_event(
        checkout.thread_id, event_key=f"checkout:{checkout.checkout_id}:{checkout.status}", text=text, now=now,
        payment_id=checkout.payment_id,
    )  # fmt: skip
    return checkout


# ---------------------------------------------------------------- creating, holding, reading


def _create(
    checkout_id: str, client_id: str, service: ExpertService, method: str | None, now: datetime
) -> ServiceCheckout:
    """Hold the card (if the service has an upfront hold), then write the checkout; on the expiry
    index while the hold awaits the expert. A card hold takes one of the client's hold seats
    (``chalicelib.limits.hold_cap``): 409 ``too_many_holds``, before the card is touched, when none is free."""
    from chalicelib.conversations.threads import thread_id_for
    from chalicelib.limits.hold_cap import checkout_holder, claim_seat

    seat = claim_seat(client_id, checkout_holder(checkout_id), now) if service.upfront_hold else None
    payment_id = _hold(checkout_id, client_id, service, method, now) if service.upfront_hold else None
    checkout = ServiceCheckout(
        checkout_id, client_id=client_id, expert_id=service.expert_id, service_id=service.service_id,
        service_name=service.name, currency=service.currency, upfront_hold=service.upfront_hold,
        payment_id=payment_id, thread_id=thread_id_for(SUBJECT, checkout_id), status=AWAITING_EXPERT,
        created_at=now, updated_at=now,
    )  # fmt: skip
    if payment_id:
        expires = now + HOLD_KEPT_FOR
        checkout.hold_expiry_shard, checkout.hold_expires_at = due_key(checkout_id, expires)
    try:
        return _save_new(checkout, seat, now)
    except Conflict:
        if payment_id:  # no checkout holds this card: let it go
            from chalicelib.payments.card_payments import release_hold

            release_hold(payment_id, gateway=runtime.stripe_gateway(), now=now)
        raise


def _save_new(checkout: ServiceCheckout, seat: SeatClaim | None, now: datetime) -> ServiceCheckout:
    """The checkout and its hold seat in one transaction. A retry with the same Idempotency-Key that got here
    first wins; a seat another hold took meanwhile is claimed again (or 409 ``too_many_holds``)."""
    from chalicelib.limits.hold_cap import HOLD_CAP, checkout_holder, claim_seat

    for _ in range(HOLD_CAP + 2):
        try:
            with write_transaction() as transaction:
                transaction.save(checkout, condition=ServiceCheckout.checkout_id.does_not_exist())
                if seat is not None:
                    seat.add_to(transaction)
            return checkout
        except TransactWriteError as error:
            if cancelled_items(error)[:1] == [True]:
                return _get(checkout.checkout_id)
            if not lost_a_race(error):
                raise
            seat = claim_seat(checkout.client_id, checkout_holder(checkout.checkout_id), now) if seat else None
    raise changed_concurrently()


def _hold(checkout_id: str, client_id: str, service: ExpertService, method: str | None, now: datetime) -> str:
    """Hold the service's upfront amount; a card that is declined or needs its holder gets 402."""
    from chalicelib.payments.card_payments import AUTHORISED, authorise_hold, release_hold

    settings = runtime.settings()
    payment, _ = authorise_hold(
        purpose=f"checkout:{checkout_id}", client_id=client_id, expert_id=service.expert_id,
        currency=service.currency, amount=service.upfront_hold or 0, payment_method_id=method,
        commission_bps=settings.commission_bps, gateway=runtime.stripe_gateway(), now=now,
    )  # fmt: skip
    if payment.status != AUTHORISED:  # 3-D Secure: not supported at checkout yet, as for bookings
        release_hold(payment.payment_id, gateway=runtime.stripe_gateway(), now=now)
        raise PaymentRequired("This card needs confirming by its holder; use another card.", code="card_declined")
    return payment.payment_id


def _opened_text(service: ExpertService) -> str:
    from chalicelib.money.currency import format_money

    if service.upfront_hold:
        return f"Checked out {service.name}; {format_money(service.upfront_hold, service.currency)} held on the card."
    return f"Checked out {service.name}."


def _checkout_id(client_id: str, idempotency_key: str | None) -> str:
    if idempotency_key:
        return hashlib.sha256(f"{client_id}\n{idempotency_key}".encode()).hexdigest()[:32]
    return uuid.uuid4().hex


def _service(expert_id: str, service_id: str) -> ExpertService:
    try:
        return ExpertService.get(expert_id, service_id)
    except DoesNotExist:
        raise NotFound("This expert has no service with this id.", code="service_not_found") from None


def _get(checkout_id: str) -> ServiceCheckout:
    found = _find(checkout_id)
    if found is None:
        raise NotFound("No checkout has this id.", code="checkout_not_found")
    return found


def _find(checkout_id: str) -> ServiceCheckout | None:
    try:
        return ServiceCheckout.get(checkout_id, consistent_read=True)
    except DoesNotExist:
        return None


def _experts_checkout(checkout_id: str, caller_id: str) -> ServiceCheckout:
    checkout = _get(checkout_id)
    if caller_id == checkout.client_id:
        raise Forbidden("Only the expert accepts or declines a checkout.", code="not_the_expert")
    if caller_id != checkout.expert_id:
        raise NotFound("No checkout has this id.", code="checkout_not_found")
    return checkout
