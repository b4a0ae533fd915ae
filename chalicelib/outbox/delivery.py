"""Delivering a change's effects: each once per key, retried until it happens.

For each effect: claim its key (a conditional put: the key is new, or an earlier attempt's claim has
lapsed), send, then mark it delivered. A key already delivered is skipped; one another attempt is
sending right now counts as not done yet (the retry finds it delivered). A failed send gives its claim
back and the others are still tried; then ``DeliveryIncomplete`` is raised, so the queue gives the
message again after its visibility timeout and only what is missing is sent.

The one window left: a crash after SES accepted an email and before its key is marked delivered; the
retry, once the claim lapses, sends that email again (SES takes no idempotency key). Nothing is lost.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, DoesNotExist, PutError

from chalicelib.models.conditions import condition_failed
from chalicelib.models.delivery import Delivery
from chalicelib.operations.metrics import COUNT, DELIVERY_FAILED, DELIVERY_LAG, SECONDS, emit
from chalicelib.outbox.changes import Change
from chalicelib.outbox.effects import Effect, effects_of
from chalicelib.web.logs import log_error, log_info

SENDING, DELIVERED = "sending", "delivered"
# Longer than the consumer may run (10 s, .chalice/config.json), shorter than the queue hides a message (60 s):
# a claim of an attempt that died has lapsed when its message comes back.
CLAIM = timedelta(seconds=30)
KEPT = timedelta(days=14)  # past the stream's 24 hours and the queue's retries


class DeliveryIncomplete(RuntimeError):
    """Some effects failed or are being sent by another attempt; the message stays on the queue."""


def deliver(change: Change, now: datetime) -> None:
    """Send the change's effects not yet sent; raises ``DeliveryIncomplete`` if any is not done."""
    pending: list[str] = []
    for effect in effects_of(change):
        claim = _claim(effect, now)
        if claim == DELIVERED:
            continue  # an earlier attempt sent it
        if claim == SENDING:
            pending.append(effect.key)  # another attempt holds it
            continue
        try:
            effect.send()
        except Exception:
            _give_back(effect.key)
            pending.append(effect.key)
            emit(DELIVERY_FAILED, 1, COUNT)
            log_error("delivery failed; it is retried", key=effect.key, what=effect.what)
            continue
        Delivery(effect.key).update(
            actions=[Delivery.state.set(DELIVERED), Delivery.delivered_at.set(now)], condition=Delivery.key.exists()
        )
        emit(DELIVERY_LAG, max(0.0, (now - change.recorded_at).total_seconds()), SECONDS)
        log_info("delivered", key=effect.key, what=effect.what)
    if pending:
        raise DeliveryIncomplete(f"{len(pending)} of the change's effects are not delivered yet: {', '.join(pending)}")


def _claim(effect: Effect, now: datetime) -> str | None:
    """None if this attempt now holds the key; else the state that stops it (DELIVERED or SENDING)."""
    item = Delivery(effect.key, what=effect.what, state=SENDING, claimed_until=now + CLAIM, expires_at=now + KEPT)
    try:
        item.save(
            condition=Delivery.key.does_not_exist() | ((Delivery.state == SENDING) & (Delivery.claimed_until < now))
        )
    except PutError as error:
        if not condition_failed(error):
            raise
        try:
            return Delivery.get(effect.key, consistent_read=True).state
        except DoesNotExist:
            return SENDING  # given back just now: the retry takes it
    return None


def _give_back(key: str) -> None:
    try:
        Delivery(key).delete(condition=Delivery.state == SENDING)
    except DeleteError as error:
        if not condition_failed(error):
            raise
