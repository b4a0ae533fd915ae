"""Use cases of a paid call: request, accept / decline / cancel, join / leave, hang up, and the relay's check.

The pure rules live in ``session.py`` (states) and ``billing.py`` (money); this module
loads a stored session, applies a rule, and writes the result conditionally (the item's
version), so a change that raced another one is re-read and re-applied, never lost.
Ending is a conditional state change: whoever ends the call first bills it, and the
settlement (capture or release; the notifications and receipts follow from it) happens once, guarded by the
``settled`` flag; the capture itself is idempotent per payment. A session that ended but
is not settled stays in the live index until it is.

Every write that moves a live call's due moment (``next_due``: expiry, the start deadline, the
warnings, the cutoff, a dropped side's grace) sends the call a timer for it (``timers.py``).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError, UpdateError

from chalicelib import runtime
from chalicelib.accounts.account_records import get_account
from chalicelib.concurrent_repeats import changed_concurrently
from chalicelib.errors import Conflict, Forbidden, InvalidInput, NotFound, PaymentRequired
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, condition_failed, transaction_conflicted
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.payment import Payment
from chalicelib.models.session import LIVE_SHARDS, CallSession, FirstCall, IntervalAttribute
from chalicelib.models.session_link import SessionLink
from chalicelib.money.commission import split_charge
from chalicelib.payments.card_ownership import clients_own_card
from chalicelib.payments.card_payments import FAILED as HOLD_FAILED
from chalicelib.payments.card_payments import (
    authorise_hold,
    capture_payment,
    payment_id_for,
    refresh_hold,
    release_hold,
)
from chalicelib.payments.charge import AUTHORISED
from chalicelib.sessions.billing import (
    NO_CHARGE_WINDOW,
    WARNINGS_BEFORE_LIMIT,
    Bill,
    Interval,
    Tariff,
    most_the_call_can_cost,
)
from chalicelib.sessions.billing_end import bill_of_call, billed_seconds, end_for_billing
from chalicelib.sessions.notifier import CallNotifier
from chalicelib.sessions.session import (
    ACCEPTED,
    ACTIVE,
    CLIENT,
    DROP_GRACE,
    ENDED,
    EXPERT,
    FINISHED,
    REQUESTED,
    Session,
)
from chalicelib.sessions.timers import set_timer_if_moved

MEDIA = ("voice", "video")
NOT_STARTED_AFTER = timedelta(minutes=5)  # an accepted call nobody joined is ended (and its hold released)
WRITE_ATTEMPTS = 5
MINUTE = timedelta(minutes=1)


# ---------------------------------------------------------------- use cases


def request_call(
    client_id: str, expert_id: str, media: str, *, payment_method_id: str | None, link_id: str | None,
    notifier: CallNotifier, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """A client asks an online expert for a call; the expert's devices are told at once."""
    if media not in MEDIA:
        raise InvalidInput("'media' must be voice or video.", code="invalid_media")
    if client_id == expert_id:
        raise Forbidden("You cannot call yourself.", code="own_call")
    get_account(client_id)  # registered: the card hold and the receipt need the account
    profile = _expert_profile(expert_id)
    link = _usable_link(link_id, expert_id) if link_id else None
    if profile.presence != "online":
        raise Conflict("This expert is not available for a call now.", code="expert_unavailable")
    if profile.rate_per_minute is None and profile.hourly_rate is None:
        raise Conflict("This expert has no per-minute rate.", code="expert_has_no_rate")
    free_call = link is not None and link.kind == "free"
    if not free_call:
        clients_own_card(client_id, payment_method_id, runtime.stripe_gateway())  # before the request is written
    session_id = uuid.uuid4().hex
    expires_at = now + timedelta(seconds=runtime.settings().call_request_seconds)
    item = CallSession(
        session_id, client_id=client_id, expert_id=expert_id, media=media, paid=not free_call, state=REQUESTED,
        requested_at=now, expires_at=expires_at, hold_ready=free_call, link_id=link_id,
        payment_method_id=payment_method_id, currency=profile.currency, rate_per_minute=profile.rate_per_minute,
        hourly_rate=profile.hourly_rate, free_minutes=_free_minutes(client_id, profile),
        commission_bps=runtime.settings().commission_bps, warnings_sent=[],
    )  # fmt: skip
    _set_live(item, now)
    if link is not None and free_call:
        _save_spending_link(item, link, now)
    else:
        item.save(condition=CallSession.session_id.does_not_exist())
    set_timer_if_moved(item, None, now, runtime.call_timers())
    notifier.notify(expert_id, {"type": "session.requested", "session": session_view(item, expert_id)})
    return session_view(item, client_id)


def accept_call(session_id: str, expert_id: str, *, notifier: CallNotifier, now: datetime) -> dict[str, Any]:
    """The expert accepts; for a paid call the client's card is held for the most the call can cost.

    If the card fails, the request stays open (``payment_failed``) until it expires: the client is
    told why at once and may send another card (``replace_card``); the expert is told it failed.
    """
    item = load_session(session_id)
    if item.state == ACCEPTED and item.expert_id == expert_id and item.hold_ready:
        return session_view(item, expert_id)  # a repeat of the accept: the call is accepted
    session = to_session(item).accept(expert_id, now)
    try:
        return _hold_and_accept(item, session, notifier=notifier, now=now, viewer=expert_id)
    except PaymentRequired as failed:
        return _payment_failed(session_id, failed, now=now, viewer=expert_id)


def replace_card(
    session_id: str, client_id: str, payment_method_id: str, *, notifier: CallNotifier, now: datetime
) -> dict[str, Any]:  # fmt: skip
    """The client sends another card while the request lasts. If the expert has accepted already (and the
    first card failed), the new card is held at once and the call is accepted; a decline answers 402 again."""
    item = load_session(session_id)
    session = to_session(item)
    if session.role_of(client_id) != CLIENT:
        raise Forbidden("Only the client changes the call's card.", code="not_your_move")
    if item.state != REQUESTED:
        raise Conflict(f"This call is {item.state}.", code=f"session_{item.state}")
    if now >= item.expires_at:
        raise Conflict("This call request has expired.", code="session_expired")
    if not item.paid:
        raise Conflict("This call is free: it needs no card.", code="free_call")
    clients_own_card(client_id, payment_method_id, runtime.stripe_gateway())  # before anything is written
    item.payment_method_id = payment_method_id
    if item.payment_failed_at is None:  # not accepted yet: this card is held when the expert accepts
        _save_or_conflict(item, now)
        return session_view(item, client_id)
    try:
        return _hold_and_accept(item, session.accept(item.expert_id, now), notifier=notifier, now=now, viewer=client_id)
    except PaymentRequired as failed:
        _payment_failed(session_id, failed, now=now, viewer=client_id)
        raise


def _hold_and_accept(
    item: CallSession, session: Session, *, notifier: CallNotifier, now: datetime, viewer: str
) -> dict[str, Any]:  # fmt: skip
    """Hold the card (paid calls) and write the accepted call; both sides are told."""
    session_id = item.session_id
    due_before = item.due_at
    client_secret: str | None = None
    if item.paid and not item.hold_ready:
        amount = most_the_call_can_cost(tariff_of(item), item.free_minutes)
        if amount == 0:
            session = session.card_held()
        else:
            payment, client_secret = authorise_hold(
                purpose=purpose_of(session_id), client_id=item.client_id, expert_id=item.expert_id,
                currency=item.currency, amount=amount, payment_method_id=item.payment_method_id,
                commission_bps=item.commission_bps, gateway=runtime.stripe_gateway(), now=now,
            )  # fmt: skip
            item.payment_id = payment.payment_id
            if payment.status == AUTHORISED:
                session = session.card_held()
    apply_session(item, session)
    item.payment_failed_at = item.payment_failure_code = item.payment_failure_reason = None
    _set_live(item, now)
    try:
        item.save()
    except PutError as error:
        if not condition_failed(error):
            raise
        current = load_session(session_id)
        if current.state == ACCEPTED:  # a concurrent repeat of this accept saved first (with the same hold)
            return session_view(current, viewer)
        if item.payment_id:  # cancelled or expired meanwhile: let the hold go
            release_hold(item.payment_id, gateway=runtime.stripe_gateway(), now=now)
        raise Conflict(f"This call is {current.state}.", code=f"session_{current.state}") from None
    set_timer_if_moved(item, due_before, now, runtime.call_timers())
    to_client: dict[str, Any] = {"type": "session.accepted", "session": session_view(item, item.client_id)}
    if client_secret:
        to_client["client_secret"] = client_secret
    notifier.notify(item.client_id, to_client)
    notifier.notify(item.expert_id, {"type": "session.accepted", "session": session_view(item, item.expert_id)})
    return session_view(item, viewer)


def confirm_card(session_id: str, client_id: str, *, notifier: CallNotifier, now: datetime) -> dict[str, Any]:
    """The client confirmed the card with Stripe.js (3-D Secure) after the expert accepted. Once Stripe says
    the hold is in place, both sides are told (``session.hold_ready``): each may join (again) now."""
    item = load_session(session_id)
    if to_session(item).role_of(client_id) != CLIENT:
        raise Forbidden("Only the client confirms their card.", code="not_your_move")
    if item.hold_ready and item.state in (ACCEPTED, ACTIVE):
        return session_view(item, client_id)  # a retry, or a join got there first
    if item.state != ACCEPTED:
        raise Conflict(f"This call is {item.state}; there is no card to confirm.", code=f"session_{item.state}")
    if item.payment_id is None:
        raise Conflict("This call has no card hold to confirm.", code="card_not_held")
    payment = refresh_hold(item.payment_id, gateway=runtime.stripe_gateway(), now=now)
    if payment.status == HOLD_FAILED:
        raise PaymentRequired("The card was not authorised; ask for the call again with another card.",
                              code="card_declined")  # fmt: skip
    if payment.status != AUTHORISED:
        raise Conflict("The card has not been confirmed yet; finish the bank's check first.", code="card_not_confirmed")
    return session_view(_mark_hold_ready(session_id, notifier=notifier, now=now), client_id)


def hold_became_ready(session_id: str, *, notifier: CallNotifier, now: datetime) -> None:
    """Stripe's webhook says the call's card hold is in place (after 3-D Secure): mark it and tell both, unless
    ``confirm_card`` did already. Nothing happens for a call that has moved on or holds its card already."""
    try:
        item = load_session(session_id)
    except NotFound:
        return
    if item.hold_ready or item.state not in (ACCEPTED, ACTIVE):
        return
    with suppress(Conflict):  # cancelled or expired meanwhile
        _mark_hold_ready(session_id, notifier=notifier, now=now)


def _mark_hold_ready(session_id: str, *, notifier: CallNotifier, now: datetime) -> CallSession:
    """Write the hold as ready; whichever writer (``confirm_card`` or the webhook) makes that change tells both."""
    changed: list[bool] = []

    def card_held_while_accepted(session: Session) -> Session:
        if session.state not in (ACCEPTED, ACTIVE):  # cancelled or expired meanwhile
            raise Conflict(f"This call is {session.state}.", code=f"session_{session.state}")
        changed[:] = [not session.hold_ready]
        return session.card_held()

    held = _change(session_id, now, card_held_while_accepted)
    if changed == [True]:
        for person in (held.client_id, held.expert_id):
            notifier.notify(person, {"type": "session.hold_ready", "session_id": held.session_id,
                                     "session": session_view(held, person)})  # fmt: skip
    return held


def _payment_failed(session_id: str, failed: PaymentRequired, *, now: datetime, viewer: str) -> dict[str, Any]:
    """Record why the client's card failed (the request stays open); the client is told why and the expert that it did.
    Stripe keeps nothing of the attempt: the gateway cancelled its intent."""

    def record(session: Session) -> Session:
        if session.state != REQUESTED:
            raise Conflict(f"This call is {session.state}.", code=f"session_{session.state}")
        return session

    item = _change(session_id, now, record, before_save=lambda it: _note_failure(it, failed, now))
    return session_view(item, viewer)  # both sides are told from this change (chalicelib/sessions/notices.py)


def _note_failure(item: CallSession, failed: PaymentRequired, now: datetime) -> None:
    item.payment_failed_at = now
    item.payment_failure_code = failed.code
    item.payment_failure_reason = failed.message


def _save_or_conflict(item: CallSession, now: datetime) -> None:
    due_before = item.due_at
    _set_live(item, now)
    try:
        item.save()
    except PutError as error:
        if condition_failed(error):
            raise changed_concurrently("This call changed meanwhile; load it and retry.") from None
        raise
    set_timer_if_moved(item, due_before, now, runtime.call_timers())


def decline_call(session_id: str, expert_id: str, *, now: datetime) -> dict[str, Any]:
    item = _change(session_id, now, lambda s: s.decline(expert_id, now))
    _unspend_link(item)
    return session_view(item, expert_id)


def cancel_call(session_id: str, client_id: str, *, now: datetime) -> dict[str, Any]:
    item = _change(session_id, now, lambda s: s.cancel(client_id, now))
    if item.payment_id:
        release_hold(item.payment_id, gateway=runtime.stripe_gateway(), now=now)
    _unspend_link(item)
    return session_view(item, client_id)


def expire_call(item: CallSession, *, now: datetime) -> bool:
    """The sweep: an unanswered request expires. True if this call expired it."""
    try:
        expired = _change(item.session_id, now, lambda s: s.expire(now))
    except Conflict:
        return False
    _unspend_link(expired)
    return True


def join_call(
    session_id: str, account_id: str, *, notifier: CallNotifier, now: datetime, device: str | None = None
) -> dict[str, Any]:  # fmt: skip
    """A participant's device (``device``: its WebSocket connection) joined; when both are in, the call goes
    active and the expert shows busy. The device is written into the call with the join, before anyone is
    told of it, so signalling reaches it from then on.

    Whoever joins while the other side is present offers (``you_offer``; the view's ``peer_present``):
    the joins are serialised by the item's version, so exactly one of two joins sees the other."""

    def connect(session: Session) -> Session:
        if not session.hold_ready and session.state == ACCEPTED and _hold_confirmed(session_id):
            session = session.card_held()
        return session.connect(account_id, now, device)

    before = load_session(session_id)
    item = _change(session_id, now, connect)
    if before.state != ACTIVE and item.state == ACTIVE:
        _set_presence(item.expert_id, "busy", only_if=("online",), now=now)
        cutoff = to_session(item).cutoff
        for person in (item.client_id, item.expert_id):
            notifier.notify(
                person,
                {"type": "session.active", "session_id": session_id, "cutoff_at": _iso(cutoff),
                 "session": session_view(item, person), "you_offer": person == account_id},
            )  # fmt: skip
    else:
        other = _other(item, account_id)
        notifier.notify(other, {"type": "session.joined", "session_id": session_id, "role": _role(item, account_id),
                                "you_offer": False})  # fmt: skip
    return session_view(item, account_id)


def report_media_connected(session_id: str, account_id: str, *, now: datetime) -> dict[str, Any]:
    """A participant's page saw its media connect: the first report's time is written (conditionally, on the
    item's version, so of two racing reports the first wins); a repeat changes nothing."""
    item = load_session(session_id)
    session = to_session(item)
    session.role_of(account_id)
    if item.media_connected_at is None:
        item = _change(session_id, now, lambda s: s.media_connected(account_id, now))
    return session_view(item, account_id)


def leave_call(
    session_id: str, account_id: str, *, notifier: CallNotifier, now: datetime, device: str | None = None
) -> dict[str, Any]:  # fmt: skip
    """A participant left (``device``: one of their devices left; they leave with their last one): their
    connected time is recorded (the sweep ends the call after a grace). A device that is not in the call,
    or a repeat, changes nothing."""
    item = load_session(session_id)
    stored = to_session(item)
    role = stored.role_of(account_id)
    if item.state in FINISHED or (device is not None and device not in stored.devices_of(role)):
        return session_view(item, account_id)
    left: list[bool] = []

    def leave(session: Session) -> Session:
        after = session.drop_device(account_id, device, now) if device else session.disconnect(account_id, now)
        left[:] = [session.connected_since(role) is not None and after.connected_since(role) is None]
        return after

    item = _change(session_id, now, leave)
    if left != [True]:  # another of their devices is still in the call, or they had left already
        return session_view(item, account_id)
    notifier.notify(_other(item, account_id), {"type": "session.left", "session_id": session_id,
                                               "role": _role(item, account_id)})  # fmt: skip
    return session_view(item, account_id)


def hang_up(session_id: str, account_id: str, *, now: datetime) -> dict[str, Any]:
    """Either participant ends the call: it is billed, charged exactly, and both get a receipt."""
    item = load_session(session_id)
    role = to_session(item).role_of(account_id)
    if item.state == REQUESTED:
        if role == CLIENT:
            return cancel_call(session_id, account_id, now=now)
        return decline_call(session_id, account_id, now=now)
    ended = end_call(session_id, "hung_up", now=now)
    return session_view(ended, account_id)


def end_call(session_id: str, reason: str, *, now: datetime) -> CallSession:
    """End an accepted or active call (once, whoever races), then settle it (once)."""
    for _ in range(WRITE_ATTEMPTS):
        item = load_session(session_id)
        if item.state in FINISHED:
            break
        ended = to_session(item).end(now, reason)
        apply_session(item, ended)
        pair = _pair(item.client_id, item.expert_id)
        if item.appointment_id is not None:  # paid by its booking: the bill states the booking's price
            from chalicelib.sessions.appointment_calls import appointment_bill

            first = False
            _apply_bill(item, appointment_bill(item, ended))
        else:
            first = ended.active_at is not None and _first_call(pair) is None
            held = most_the_call_can_cost(tariff_of(item), item.free_minutes)
            if not first:
                item.free_minutes = 0  # only a client's first call with an expert has free minutes
            _apply_bill(item, _bill(item, at_most=held))
        _set_live(item, now)
        try:
            with write_transaction() as transaction:
                transaction.save(item)
                if first:
                    marker = FirstCall(pair, session_id=session_id, ended_at=item.ended_at)
                    transaction.save(marker, condition=FirstCall.pair.does_not_exist())
        except TransactWriteError as error:
            if any(cancelled_items(error)) or transaction_conflicted(error):
                continue  # someone else ended it, or another call became the first: read again
            raise
        break
    else:
        raise Conflict("This call is being changed elsewhere; try again.", code="changed_concurrently")
    item = load_session(session_id)
    if item.state == ENDED and not item.settled:
        settle_call(item, now=now)
        item = load_session(session_id)
    return item


def settle_call(item: CallSession, *, now: datetime) -> bool:
    """Charge an ended call exactly its bill (0: release the hold) and mark it settled, once.
    True if this call settled it; that change tells both sides and sends the receipts (``notices``, ``receipts``)."""
    if item.paid and item.payment_id:
        capture_payment(
            item.payment_id, int(item.amount or 0), gateway=runtime.stripe_gateway(),
            hold_days=runtime.settings().earnings_hold_days, now=now,
        )  # fmt: skip
    item.settled = True
    item.live_shard = None
    item.due_at = None
    try:
        item.save()
    except PutError as error:
        if condition_failed(error):
            return False  # settled by a racing hang-up or sweep
        raise
    if item.active_at is not None:
        from chalicelib.realtime.presence import after_call

        after_call(item.expert_id, media_base_url=runtime.settings().media_base_url, now=now)
    return True  # session.ended and the receipts follow from this change (sessions/notices.py, receipts.py)


@dataclass(frozen=True)
class RelayRoute:
    """Where signalling from one joined device goes: who sent it, and the other side's devices in the call."""

    from_account: str
    to_devices: tuple[str, ...]


def relay_route(session_id: str, device: str, now: datetime, *, account: Callable[[], str]) -> RelayRoute:
    """The relay's check, on one strongly consistent read of the session: ``device`` is a joined device of
    a participant, and the call is accepted or active and before its cutoff (``Session.check_signalling``).

    Consistent, so that a join or an end written a moment ago counts. ``account`` (who is behind the
    connection) is asked only for a device that is not in the call, to answer it: anyone but the two
    participants is told the call does not exist; a participant, why the call refuses, else ``not_joined``."""
    try:
        session: Session | None = to_session(CallSession.get(session_id, consistent_read=True))
    except DoesNotExist:
        session = None
    role = session.role_of_device(device) if session is not None else None
    if session is None or role is None:
        sender = account()  # a connection that never signed in is told so, as for any action
        if session is None:
            raise NotFound("No call has this id.", code="session_not_found")
        session.role_of(sender)
        session.check_signalling(now)
        raise Conflict("This device has not joined the call; send session.join first.", code="not_joined")
    session.check_signalling(now)
    other = EXPERT if role == CLIENT else CLIENT
    return RelayRoute(session.participant(role), tuple(sorted(session.devices_of(other))))


def get_call(session_id: str, account_id: str) -> dict[str, Any]:
    """A session for one of its participants; anyone else is told it does not exist."""
    try:
        item = CallSession.get(session_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No call has this id.", code="session_not_found") from None
    if account_id not in (item.client_id, item.expert_id):
        raise NotFound("No call has this id.", code="session_not_found")
    return session_view(item, account_id)


# ---------------------------------------------------------------- stored session <-> rules


def load_session(session_id: str) -> CallSession:
    try:
        return CallSession.get(session_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No call has this id.", code="session_not_found") from None


def to_session(item: CallSession) -> Session:
    return Session(
        session_id=item.session_id, client_id=item.client_id, expert_id=item.expert_id, media=item.media,
        paid=bool(item.paid), state=item.state, requested_at=item.requested_at, expires_at=item.expires_at,
        accepted_at=item.accepted_at, active_at=item.active_at, ended_at=item.ended_at, end_reason=item.end_reason,
        hold_ready=bool(item.hold_ready), client_connected_since=item.client_connected_since,
        expert_connected_since=item.expert_connected_since,
        client_intervals=tuple(Interval(i.start, i.end) for i in item.client_intervals or ()),
        expert_intervals=tuple(Interval(i.start, i.end) for i in item.expert_intervals or ()),
        media_connected_at=item.media_connected_at, ends_by=item.ends_by,
        client_devices=frozenset(item.client_devices or ()), expert_devices=frozenset(item.expert_devices or ()),
    )  # fmt: skip


def apply_session(item: CallSession, session: Session) -> None:
    item.state = session.state
    item.accepted_at = session.accepted_at
    item.active_at = session.active_at
    item.ended_at = session.ended_at
    item.end_reason = session.end_reason
    item.hold_ready = session.hold_ready
    item.client_connected_since = session.client_connected_since
    item.expert_connected_since = session.expert_connected_since
    item.media_connected_at = session.media_connected_at
    item.client_devices = set(session.client_devices) or None
    item.expert_devices = set(session.expert_devices) or None
    item.client_intervals = [IntervalAttribute(start=i.start, end=i.end) for i in session.client_intervals]
    item.expert_intervals = [IntervalAttribute(start=i.start, end=i.end) for i in session.expert_intervals]


def tariff_of(item: CallSession) -> Tariff:
    return Tariff(currency=item.currency, rate_per_minute=item.rate_per_minute, hourly_rate=item.hourly_rate)


def purpose_of(session_id: str) -> str:
    return f"session:{session_id}"


def live_shard_of(session_id: str) -> str:
    return str(int(hashlib.sha256(session_id.encode()).hexdigest(), 16) % LIVE_SHARDS)


def next_due(item: CallSession, now: datetime) -> datetime | None:
    """When the call's timer should next look at this session; None once it needs nothing more."""
    if item.state == REQUESTED:
        return item.expires_at
    if item.state == ACCEPTED:
        if item.ends_by is not None:  # an appointment's call waits for its participants until the booked end
            return item.ends_by
        return (item.accepted_at or now) + NOT_STARTED_AFTER
    if item.state == ACTIVE and item.active_at is not None:
        return _next_for_active(item)
    if item.state == ENDED and not item.settled:
        return item.ended_at or now
    return None


def _next_for_active(item: CallSession) -> datetime:
    """An active call's next moment: a warning not yet sent, its cutoff, or the end of a dropped side's grace.
    Nothing is due each minute: the pages run the meter from the session (``meter_view``)."""
    session = to_session(item)
    cutoff = session.cutoff
    assert cutoff is not None
    sent = set(item.warnings_sent or [])
    moments = [cutoff - before for before in WARNINGS_BEFORE_LIMIT if str(int(before // MINUTE)) not in sent]
    moments.append(cutoff)
    away = session.client_connected_since is None or session.expert_connected_since is None
    last_left = max((i.end for i in session.client_intervals + session.expert_intervals), default=None)
    if item.ends_by is None and away and last_left is not None:
        moments.append(last_left + DROP_GRACE)
    return min(moments)


def _set_live(item: CallSession, now: datetime) -> None:
    due = next_due(item, now)
    item.live_shard = live_shard_of(item.session_id) if due is not None else None
    item.due_at = _iso(due) if due is not None else None
    ringing_or_under_way = item.state in (REQUESTED, ACCEPTED, ACTIVE)  # a device that connects is told of it
    item.live_client_id = item.client_id if ringing_or_under_way else None
    item.live_expert_id = item.expert_id if ringing_or_under_way else None


def _change(
    session_id: str, now: datetime, rule: Callable[[Session], Session],
    before_save: Callable[[CallSession], None] | None = None,
) -> CallSession:  # fmt: skip
    """Apply a rule to the stored session and write it if nobody changed it meanwhile (else re-read and retry)."""
    for _ in range(WRITE_ATTEMPTS):
        item = load_session(session_id)
        due_before = item.due_at
        apply_session(item, rule(to_session(item)))
        if before_save is not None:
            before_save(item)
        _set_live(item, now)
        try:
            item.save()
        except PutError as error:
            if condition_failed(error):
                continue
            raise
        set_timer_if_moved(item, due_before, now, runtime.call_timers())
        return item
    raise Conflict("This call is being changed elsewhere; try again.", code="changed_concurrently")


# ---------------------------------------------------------------- billing


def _bill(item: CallSession, *, at_most: int) -> Bill:
    """The call's bill (to its end for billing), never more than was held (a concurrent call that took the
    free minutes)."""
    bill = bill_of_call(
        to_session(item), tariff_of(item), free_minutes=item.free_minutes, commission_bps=item.commission_bps
    )
    if not item.paid:
        split = split_charge(0, item.commission_bps)
        return replace(bill, billed_minutes=0, amount=split.total, fee=split.fee, earnings=split.earnings)
    if bill.amount > at_most:
        split = split_charge(at_most, item.commission_bps)
        return replace(bill, amount=split.total, fee=split.fee, earnings=split.earnings)
    return bill


def _apply_bill(item: CallSession, bill: Bill) -> None:
    item.billable_seconds = bill.billable_seconds
    item.billed_minutes = bill.billed_minutes
    item.free_minutes = bill.free_minutes
    item.amount = bill.amount
    item.fee = bill.fee
    item.earnings = bill.earnings


def _pair(client_id: str, expert_id: str) -> str:
    return f"{client_id}#{expert_id}"


def _first_call(pair: str) -> FirstCall | None:
    try:
        return FirstCall.get(pair, consistent_read=True)
    except DoesNotExist:
        return None


def _free_minutes(client_id: str, profile: ExpertProfile) -> int:
    if _first_call(_pair(client_id, profile.expert_id)) is not None:
        return 0
    return int(profile.free_minutes or 0)


def _hold_confirmed(session_id: str) -> bool:
    try:
        return Payment.get(payment_id_for(purpose_of(session_id)), consistent_read=True).status == AUTHORISED
    except DoesNotExist:
        return False


# ---------------------------------------------------------------- links, profiles, people


def _usable_link(link_id: str, expert_id: str) -> SessionLink:
    try:
        link = SessionLink.get(link_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No session link has this id.", code="link_not_found") from None
    if link.expert_id != expert_id:
        raise NotFound("No session link has this id.", code="link_not_found")
    if link.kind == "free" and link.spent_by_session:
        raise Conflict("This free session link has been used.", code="link_spent")
    return link


def _save_spending_link(item: CallSession, link: SessionLink, now: datetime) -> None:
    """Write the request and spend the free link in one transaction: only the first call gets it."""
    try:
        with write_transaction() as transaction:
            transaction.save(item, condition=CallSession.session_id.does_not_exist())
            transaction.update(
                link,
                actions=[SessionLink.spent_by_session.set(item.session_id), SessionLink.spent_at.set(now)],
                condition=SessionLink.spent_by_session.does_not_exist(),
            )
    except TransactWriteError as error:
        if any(cancelled_items(error)) or transaction_conflicted(error):
            raise Conflict("This free session link has been used.", code="link_spent") from None
        raise


def _unspend_link(item: CallSession) -> None:
    """A free call that never happened (declined, cancelled, expired) gives its link back."""
    if not item.link_id or item.paid:
        return
    try:
        SessionLink(item.link_id).update(
            actions=[SessionLink.spent_by_session.remove(), SessionLink.spent_at.remove()],
            condition=SessionLink.spent_by_session == item.session_id,
            add_version_condition=False,
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise


def _expert_profile(expert_id: str) -> ExpertProfile:
    try:
        return ExpertProfile.get(expert_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No expert has this id.", code="expert_not_found") from None


def _set_presence(expert_id: str, status: str, *, only_if: tuple[str, ...], now: datetime) -> None:
    from chalicelib.profiles.presence import set_presence

    try:
        profile = ExpertProfile.get(expert_id, consistent_read=True)
    except DoesNotExist:
        return
    if profile.presence in only_if:
        set_presence(expert_id, status, media_base_url=runtime.settings().media_base_url, now=now)


def _role(item: CallSession, account_id: str) -> str:
    return CLIENT if account_id == item.client_id else EXPERT


def _other(item: CallSession, account_id: str) -> str:
    return item.expert_id if account_id == item.client_id else item.client_id


# ---------------------------------------------------------------- views


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def bill_view(item: CallSession, viewer: str) -> dict[str, Any] | None:
    """The bill as one side sees it: the client its cost, the expert also the fee and earnings."""
    if item.amount is None:
        return None
    view: dict[str, Any] = {
        "currency": item.currency,
        "free_call": not item.paid,
        "billable_seconds": item.billable_seconds,
        "billed_minutes": item.billed_minutes,
        "free_minutes": item.free_minutes,
        "amount": item.amount,
    }
    if item.appointment_id is not None:
        view |= {"appointment_id": item.appointment_id, "paid_by_booking": True}
    if viewer == item.expert_id:
        view |= {"fee": item.fee, "earnings": item.earnings}
    return view


def session_view(item: CallSession, viewer: str) -> dict[str, Any]:
    session = to_session(item)
    return {
        "session_id": item.session_id,
        "state": item.state,
        "media": item.media,
        "paid": bool(item.paid),
        "client_id": item.client_id,
        "expert_id": item.expert_id,
        "role": _role(item, viewer),
        "link_id": item.link_id,
        "appointment_id": item.appointment_id,
        "payment_id": item.payment_id,
        "hold_ready": bool(item.hold_ready),
        "tariff": {
            "currency": item.currency,
            "rate_per_minute": item.rate_per_minute,
            "hourly_rate": item.hourly_rate,
            "free_minutes": item.free_minutes,
        },
        "requested_at": _iso(item.requested_at),
        "expires_at": _iso(item.expires_at),
        "accepted_at": _iso(item.accepted_at),
        "active_at": _iso(item.active_at),
        "media_connected_at": _iso(item.media_connected_at),  # first report of media flowing: billing counts from it
        "cutoff_at": _iso(session.cutoff),
        "ended_at": _iso(item.ended_at),  # when it ended (the sweep's run, for a dropped call)
        "end_reason": item.end_reason,
        "billed_seconds": item.billable_seconds if item.state == ENDED else None,  # both connected, as billed
        "billed_until": _iso(end_for_billing(session)),  # the end for billing: what the receipts' duration runs to
        "bill": bill_view(item, viewer) if item.state == ENDED else None,
        "payment_failed": payment_failure_view(item, viewer),
        # the other participant has a device in the call now (joined and not left)
        "peer_present": (item.expert_connected_since if viewer == item.client_id else item.client_connected_since)
        is not None,
        "meter": meter_view(item, viewer, runtime.now()),
    }


def meter_view(item: CallSession, viewer: str, now: datetime) -> dict[str, Any] | None:
    """What the page runs the live meter from (an active per-minute call): the call as if hung up ``now``.
    The page counts on from it while media flows; nothing is sent each minute (the bill stays the server's)."""
    if item.state != ACTIVE or item.active_at is None or item.appointment_id is not None:
        return None
    session = to_session(item)
    cutoff = session.cutoff
    assert cutoff is not None
    as_if_ended = session.end(now, "hung_up")
    end = end_for_billing(as_if_ended) or item.active_at
    both_in = session.client_connected_since is not None and session.expert_connected_since is not None
    view: dict[str, Any] = {
        "as_of": _iso(now),
        "billed_seconds": billed_seconds(as_if_ended),
        "active_seconds": int((end - item.active_at).total_seconds()),
        "running": both_in and item.media_connected_at is not None and now < cutoff,
        "seconds_to_cutoff": max(0, int((cutoff - now).total_seconds())),
        "no_charge_seconds": int(NO_CHARGE_WINDOW.total_seconds()),
    }
    if viewer == item.expert_id:
        view["commission_bps"] = item.commission_bps
    return view


def payment_failure_view(item: CallSession, viewer: str) -> dict[str, Any] | None:
    """Why the client's card failed (for the client only) and how to retry while the request lasts."""
    if item.payment_failed_at is None or item.state != REQUESTED:
        return None
    view: dict[str, Any] = {"failed_at": _iso(item.payment_failed_at), "retry_until": _iso(item.expires_at)}
    if viewer == item.client_id:
        return view | {"code": item.payment_failure_code, "reason": item.payment_failure_reason,
                       "retry": f"POST /sessions/{item.session_id}/card"}  # fmt: skip
    return view | {"message": "The client's payment failed; they have been asked for another card."}
