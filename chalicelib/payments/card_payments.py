"""Use cases: save a card, hold an amount, capture it, release it, refund it.

Each is safe to retry. Stripe is called first with an idempotency key from our
ids; our state and its ledger postings are then written in one DynamoDB
transaction. A retry after a crash between the two replays Stripe's answer and
writes what is missing; a retry after both finds the posting and changes nothing.
"""

from __future__ import annotations

import hashlib
from contextlib import suppress
from dataclasses import replace
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from chalicelib.accounts.account_records import get_account
from chalicelib.concurrent_repeats import changed_concurrently
from chalicelib.errors import Conflict, NotFound, PaymentRequired, ProviderRefused
from chalicelib.ledger.accounts import PENDING, expert_account, shard_of
from chalicelib.ledger.posting import AlreadyDone, UnitOfWork
from chalicelib.ledger.transactions import LedgerTransaction
from chalicelib.models.account import Account
from chalicelib.models.conditions import condition_failed
from chalicelib.models.payment import Payment
from chalicelib.payments.card_ownership import own_card
from chalicelib.payments.charge import AUTHORISED, CAPTURED, Charge
from chalicelib.payments.hold_expiry import card_hold_expires_at, hold_expired_error, hold_has_expired
from chalicelib.payments.stripe_gateway import StripeGateway

AWAITING_CONFIRMATION = "awaiting_confirmation"  # the client confirms the card with Stripe.js
FAILED = "failed"


def payment_id_for(purpose: str) -> str:
    return f"pay:{purpose}"


def ensure_customer(account: Account, gateway: StripeGateway) -> str:
    """The client's Stripe Customer, created once (a retry replays Stripe's first answer)."""
    if account.stripe_customer_id:
        return account.stripe_customer_id
    customer_id = gateway.create_customer(account.account_id, account.email, account.display_name)
    try:
        account.update(
            actions=[Account.stripe_customer_id.set(customer_id)],
            condition=Account.stripe_customer_id.does_not_exist(),
        )
    except UpdateError as error:
        if not condition_failed(error):
            raise
        account.refresh(consistent_read=True)
    return account.stripe_customer_id or customer_id


def start_card_setup(account_id: str, gateway: StripeGateway) -> dict[str, str]:
    """A SetupIntent the client confirms with Stripe.js to save a card for later."""
    customer_id = ensure_customer(get_account(account_id), gateway)
    setup_intent_id, client_secret = gateway.create_setup_intent(customer_id)
    return {"setup_intent_id": setup_intent_id, "client_secret": client_secret, "customer_id": customer_id}


def get_payment(payment_id: str) -> Payment:
    try:
        return Payment.get(payment_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("No payment has this id.", code="payment_not_found") from None


def authorise_hold(
    *, purpose: str, client_id: str, expert_id: str, currency: str, amount: int,
    payment_method_id: str | None, commission_bps: int, gateway: StripeGateway, now: datetime,
) -> tuple[Payment, str | None]:  # fmt: skip
    """Hold ``amount`` on the client's card for ``purpose``. Returns the payment and, when the
    client must still confirm the card in the browser or app, the client secret to do it with."""
    payment_id = payment_id_for(purpose)
    existing = find_payment(payment_id)
    if _another_card_for_an_unconfirmed_hold(existing, payment_method_id):
        assert existing is not None
        existing = _drop_unconfirmed_hold(existing, gateway=gateway, now=now)
    if existing is not None and existing.status != FAILED:
        return existing, None  # held, awaiting, captured or released: never a second hold for one purpose
    account = get_account(client_id)
    if payment_method_id:
        own_card(account.stripe_customer_id, payment_method_id, gateway)  # before anything is written or held
    customer_id = ensure_customer(account, gateway)
    hold = gateway.create_hold(
        payment_id, customer_id, amount, currency, payment_method_id, {"purpose": purpose, "expert_id": expert_id}
    )
    if hold.status in ("canceled", "requires_payment_method") and payment_method_id:
        raise PaymentRequired("The card was not authorised; try another card.")
    status = AUTHORISED if hold.status == "requires_capture" else AWAITING_CONFIRMATION
    payment = Payment(
        payment_id, purpose=purpose, client_id=client_id, expert_id=expert_id, currency=currency,
        commission_bps=commission_bps, authorised=amount, status=status,
        stripe_payment_intent_id=hold.intent_id, payment_method_id=payment_method_id, created_at=now, updated_at=now,
    )  # fmt: skip
    if existing is not None and existing.status == FAILED:
        payment.version = existing.version  # a first attempt whose card failed (or was dropped) is replaced
        gateway.cancel_failed(existing.stripe_payment_intent_id, payment_id)
    try:
        payment.save(condition=Payment.payment_id.does_not_exist() | (Payment.status == FAILED))
    except PutError as error:
        if not condition_failed(error):
            raise
        kept = get_payment(payment_id)  # a concurrent attempt recorded its hold first
        if kept.stripe_payment_intent_id != hold.intent_id:
            gateway.cancel_hold(hold.intent_id, payment_id)  # ours would be held on the card, owned by nothing
        return kept, None
    return payment, hold.client_secret if status == AWAITING_CONFIRMATION else None


def _another_card_for_an_unconfirmed_hold(existing: Payment | None, payment_method_id: str | None) -> bool:
    return (
        existing is not None
        and existing.status == AWAITING_CONFIRMATION
        and payment_method_id is not None
        and payment_method_id != existing.payment_method_id
    )


def _drop_unconfirmed_hold(payment: Payment, *, gateway: StripeGateway, now: datetime) -> Payment:
    """The client gives another card while the first still awaits its holder (3-D Secure): the
    first hold is cancelled and the payment marked failed, so the new card replaces it. A first
    card confirmed meanwhile stands (it is held already) and the new one is not used."""
    hold = gateway.retrieve_hold(payment.stripe_payment_intent_id)
    if hold.status == "requires_capture":
        return refresh_hold(payment.payment_id, gateway=gateway, now=now)
    if hold.status != "canceled":
        gateway.cancel_hold(payment.stripe_payment_intent_id, payment.payment_id)
    payment.status = FAILED
    payment.updated_at = now
    _save(payment)
    return payment


def refresh_hold(payment_id: str, *, gateway: StripeGateway, now: datetime) -> Payment:
    """Ask Stripe whether the cardholder has confirmed a hold yet (in case its webhook is late or lost)."""
    payment = get_payment(payment_id)
    if payment.status != AWAITING_CONFIRMATION:
        return payment
    hold = gateway.retrieve_hold(payment.stripe_payment_intent_id)
    if hold.status == "requires_capture":
        payment.status = AUTHORISED
    elif hold.status in ("canceled", "requires_payment_method"):
        gateway.cancel_failed(hold.intent_id, payment_id)  # the cardholder failed it: leave nothing at Stripe
        payment.status = FAILED
    else:
        return payment  # still with the cardholder
    payment.updated_at = now
    _save(payment)
    return payment


def capture_payment(
    payment_id: str, amount: int, *, gateway: StripeGateway, hold_days: int, now: datetime,
    earnings_not_before: datetime | None = None,
) -> Payment:  # fmt: skip
    """Capture ``amount`` (at most what was held); Stripe releases the rest of the hold.

    The earnings wait ``hold_days`` from now, or from ``earnings_not_before`` when that is
    later (an appointment charged before it took place pays its expert only after it). A hold
    past its expiry (``hold_expiry``) is released instead, and 409 ``hold_expired`` raised.
    """
    payment = get_payment(payment_id)
    if payment.status == CAPTURED:
        return payment
    if amount == 0:
        return release_hold(payment_id, gateway=gateway, now=now)
    expires_at = card_hold_expires_at(payment.created_at)
    if payment.status == AUTHORISED and hold_has_expired(expires_at, now):
        release_hold(payment_id, gateway=gateway, now=now)
        raise hold_expired_error(expires_at)
    captured, posting = charge_of(payment).capture(amount)
    payment = _note_capture_started(payment, now, earnings_not_before)
    gateway.capture(payment.stripe_payment_intent_id, amount, payment_id)
    return record_capture(payment, captured, posting, hold_days=hold_days, now=now)


def _note_capture_started(payment: Payment, now: datetime, earnings_not_before: datetime | None) -> Payment:
    """Write down when and on what terms we capture, before asking Stripe to.

    Stripe's ``payment_intent.succeeded`` webhook may record this capture before we do
    (it arrives about a second later, or after our Lambda died between the two steps);
    reading these terms, it writes the very item we would, so whichever write wins, the
    earnings wait the same hold. A retry keeps the first attempt's terms.
    """
    if payment.capture_started_at is not None:
        return payment
    payment.capture_started_at = now
    payment.earnings_not_before = earnings_not_before
    try:
        _save(payment)
    except Conflict:
        return get_payment(payment.payment_id)  # a concurrent attempt noted its terms first: go on with them
    return payment


def record_capture(
    payment: Payment, captured: Charge, posting: LedgerTransaction, *, hold_days: int, now: datetime
) -> Payment:
    """Write a capture Stripe has made: used by ``capture_payment`` and by the webhook that reports it.

    The capture is dated when we started it (``now`` only for a capture made outside our API,
    say in Stripe's dashboard), so both writers write the same. Earnings wait ``hold_days``
    (from the ``earnings_not_before`` noted at the start, when later) and are then released by
    the hourly job, except for funds the platform holds until the buyer accepts the work
    (``held_until_accepted``): those wait in pending until ``release_earnings`` is called for them.
    """
    captured_at = payment.capture_started_at or now
    apply_charge(payment, captured, captured_at)
    if not held_until_accepted(payment.purpose):
        start_earnings_hold(payment, captured_at=captured_at, hold_days=hold_days)
    return commit_payment(payment, posting, captured_at)


def start_earnings_hold(payment: Payment, *, captured_at: datetime, hold_days: int) -> None:
    """The one earnings-hold rule, for every kind of earnings: they wait in pending ``hold_days``
    (for chargebacks) from the capture, or from the ``earnings_not_before`` noted with it when that
    is later, and the hourly job (``earnings_release``) then makes them available."""
    due = max(captured_at, payment.earnings_not_before or captured_at) + timedelta(days=hold_days)
    payment.release_shard = str(shard_of(payment.payment_id))
    payment.release_due_at = due.isoformat()


def held_until_accepted(purpose: str) -> bool:
    """A lead's contract: paid up front, paid out only once the buyer accepts the work (and then,
    like all earnings, after the earnings hold counted from the capture: ``hold_accepted_earnings``)."""
    return purpose.startswith("lead:")


def hold_accepted_earnings(payment_id: str, *, hold_days: int, now: datetime) -> Payment:
    """The buyer accepted the work paid by ``payment_id``: its earnings now follow the earnings hold
    from the capture. Hold days already over are not waited again: those earnings are released now.
    Idempotent: a payment already scheduled, released, refunded or disputed is left as it is."""
    payment = get_payment(payment_id)
    if payment.status != CAPTURED or payment.earnings_bucket != PENDING or payment.dispute_id is not None:
        return payment
    if payment.release_due_at is None:
        # A lead is captured as it is paid; one captured outside our API is dated by its hold.
        start_earnings_hold(payment, captured_at=payment.capture_started_at or payment.created_at, hold_days=hold_days)
        payment.updated_at = now
        _save(payment)
    if datetime.fromisoformat(str(payment.release_due_at)) <= now:
        return release_earnings(payment, now)
    return payment


def release_hold(payment_id: str, *, gateway: StripeGateway, now: datetime) -> Payment:
    """Let the hold go without charging anything (a free session, a declined booking)."""
    payment = get_payment(payment_id)
    if payment.status == FAILED:  # Stripe's webhook may have reported the failure first: cancel what is left
        gateway.cancel_failed(payment.stripe_payment_intent_id, payment_id)
        return payment
    if payment.status == "released":
        return payment
    released = (
        charge_of(payment).release_hold()
        if payment.status == AUTHORISED
        else replace(charge_of(payment), status="released")
    )
    gateway.cancel_hold(payment.stripe_payment_intent_id, payment_id)
    apply_charge(payment, released, now)
    _save(payment)
    return payment


def refund_payment(
    payment_id: str, amount: int, *, gateway: StripeGateway, now: datetime, idempotency_key: str | None = None
) -> Payment:
    """Give ``amount`` back to the client: never more than was captured and not yet refunded.

    With an ``idempotency_key`` a repeat (also one running at the same time) is the same refund: the key is
    recorded with the payment, with the refund's number and amount, before Stripe is asked, so whichever of
    this call and Stripe's ``charge.refunded`` webhook writes the refund first, the key is kept; a repeat
    makes the same numbered refund, which Stripe replays and the ledger already holds."""
    if idempotency_key is None:
        payment = get_payment(payment_id)
    else:
        key = hashlib.sha256(idempotency_key.encode()).hexdigest()[:32]
        payment, due = _reserve_refund(payment_id, key, amount)
        if due is None:
            return payment  # this refund was made already
        amount = due
    refunded, posting = charge_of(payment).refund(amount)
    try:
        gateway.refund(payment.stripe_payment_intent_id, amount, posting.txn_id)
    except ProviderRefused:
        if idempotency_key is not None:  # Stripe refused it for good: nothing is under way
            _drop_reservation(payment_id, key)
        raise
    apply_charge(payment, refunded, now)
    return commit_payment(payment, posting, now, floor_zero=(expert_account(payment.expert_id, PENDING),))


def _reservations(payment: Payment) -> dict[str, tuple[int, int]]:
    """The refunds asked for with a key: key -> (refund number, amount). A bare key (older records) is done."""
    found: dict[str, tuple[int, int]] = {}
    for entry in payment.refund_keys or set():
        key, _, rest = entry.partition(":")
        number, _, amount = rest.partition(":")
        found[key] = (int(number), int(amount)) if amount else (0, 0)
    return found


def _reserve_refund(payment_id: str, key: str, amount: int) -> tuple[Payment, int | None]:
    """Record the keyed refund on the payment (the next refund number); the amount still to refund, or
    None if that refund is written already."""
    for _ in range(3):
        payment = get_payment(payment_id)
        reserved = _reservations(payment)
        if key in reserved:
            number, reserved_amount = reserved[key]
            return payment, reserved_amount if number > payment.refund_count else None
        if any(number > payment.refund_count for number, _ in reserved.values()):
            raise Conflict("Another refund of this payment is under way; repeat that one first.",
                           code="refund_under_way")  # fmt: skip
        charge_of(payment).refund(amount)  # too much, disputed, not captured: refused before anything is written
        payment.refund_keys = (payment.refund_keys or set()) | {f"{key}:{payment.refund_count + 1}:{amount}"}
        try:
            payment.save()
            return payment, amount
        except PutError as error:
            if not condition_failed(error):
                raise
    raise changed_concurrently("This payment changed meanwhile; load it and retry.")


def _drop_reservation(payment_id: str, key: str) -> None:
    payment = get_payment(payment_id)
    left = {entry for entry in payment.refund_keys or set() if entry.partition(":")[0] != key}
    payment.refund_keys = left or None
    with suppress(PutError):  # changed meanwhile: the refund stays reserved, and a repeat asks Stripe again
        payment.save()


def freeze_for_dispute(payment_id: str, dispute_id: str, *, now: datetime) -> Payment:
    """A dispute raised on the platform (not by the card network): the earnings are frozen. Idempotent."""
    payment = get_payment(payment_id)
    if payment.dispute_id == dispute_id:
        return payment
    frozen, posting = charge_of(payment).open_dispute(dispute_id)
    apply_charge(payment, frozen, now)
    return commit_payment(payment, posting, now)


def unfreeze_after_dispute(payment_id: str, dispute_id: str, *, now: datetime) -> Payment:
    """A platform dispute is decided: the earnings go back where they were (then released or refunded)."""
    payment = get_payment(payment_id)
    if payment.dispute_id != dispute_id:
        return payment  # decided already
    unfrozen, posting = charge_of(payment).win_dispute()
    apply_charge(payment, unfrozen, now)
    return commit_payment(payment, posting, now)


def release_earnings(payment: Payment, now: datetime) -> Payment:
    """The hold period is over: this payment's earnings become payable (scheduled job)."""
    released, posting = charge_of(payment).release_earnings()
    apply_charge(payment, released, now)
    payment.release_shard = None
    payment.release_due_at = None
    return commit_payment(payment, posting, now)


def charge_of(payment: Payment) -> Charge:
    return Charge(
        payment_id=payment.payment_id, expert_id=payment.expert_id, currency=payment.currency,
        commission_bps=payment.commission_bps, authorised=payment.authorised, status=payment.status,
        captured=payment.captured, refunded=payment.refunded, refund_count=payment.refund_count,
        earnings_bucket=payment.earnings_bucket, dispute_id=payment.dispute_id,
        bucket_before_dispute=payment.bucket_before_dispute,
    )  # fmt: skip


def apply_charge(payment: Payment, charge: Charge, now: datetime) -> None:
    payment.status = charge.status
    payment.captured = charge.captured
    payment.refunded = charge.refunded
    payment.refund_count = charge.refund_count
    payment.earnings_bucket = charge.earnings_bucket
    payment.dispute_id = charge.dispute_id
    payment.bucket_before_dispute = charge.bucket_before_dispute
    payment.updated_at = now


def commit_payment(
    payment: Payment, posting: LedgerTransaction, now: datetime, floor_zero: tuple[str, ...] = ()
) -> Payment:
    unit = UnitOfWork(occurred_at=now)
    unit.save(payment)
    unit.post(posting, floor_zero=floor_zero)
    with suppress(AlreadyDone):  # an earlier attempt, or the webhook reporting it, wrote this already
        unit.commit()
    return get_payment(payment.payment_id)


def _save(payment: Payment) -> None:
    try:
        payment.save()
    except PutError as error:
        if condition_failed(error):
            raise Conflict("This payment changed meanwhile; load it and retry.", code="changed_concurrently") from None
        raise


def find_payment(payment_id: str) -> Payment | None:
    try:
        return Payment.get(payment_id, consistent_read=True)
    except DoesNotExist:
        return None
