"""Email receipts after a call: the client's (what it cost) and the expert's (amount, fee, earnings), through SES.

Sent by the deliveries consumer (``chalicelib.outbox``) when the call's stream record shows it settled
(``settled`` became true) after it went live: one effect per side, keyed ``session:<id>:receipt:<role>``,
so a retry after SES failed sends only the one still missing, and never one twice.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial

from chalicelib.accounts.account_records import get_account
from chalicelib.mail.send import send_email
from chalicelib.models.account import Account
from chalicelib.models.session import CallSession
from chalicelib.money.currency import format_money
from chalicelib.outbox.changes import Change
from chalicelib.outbox.effects import Effect
from chalicelib.sessions.billing_end import billed_duration
from chalicelib.sessions.calls import to_session


def receipt_effects(change: Change) -> list[Effect]:
    """A receipt to each side of a call that went live, once the change settles it."""
    if change.new is None:
        return []
    new = CallSession.from_raw_data(change.new)
    was_settled = change.old is not None and bool(CallSession.from_raw_data(change.old).settled)
    if not new.settled or was_settled or new.active_at is None:
        return []
    both = cache(lambda: (get_account(new.client_id), get_account(new.expert_id)))  # read once for both receipts
    return [
        Effect(f"session:{new.session_id}:receipt:{role}", "email", partial(send_receipt, new, role, both))
        for role in ("client", "expert")
    ]


def send_receipt(item: CallSession, role: str, parties: Callable[[], tuple[Account, Account]]) -> str:
    """The receipt of one side (``role``: "client" or "expert") of an ended call; SES's message id.
    ``parties``: the client's and the expert's accounts."""
    client, expert = parties()
    if role == "client":
        text = receipt_text(item, for_expert=False, other=expert.display_name)
        return send_email(client.email, "Your Parley call receipt", text)
    return send_email(
        expert.email, "Your Parley call earnings", receipt_text(item, for_expert=True, other=client.display_name)
    )


def receipt_text(item: CallSession, *, for_expert: bool, other: str) -> str:
    currency = item.currency
    duration = _duration(item)
    if item.appointment_id is not None:
        return _appointment_receipt(item, for_expert=for_expert, other=other, duration=duration)
    if item.rate_per_minute is not None:
        rate = f"{format_money(item.rate_per_minute, currency)} per minute"
    else:
        rate = f"{format_money(int(item.hourly_rate or 0), currency)} per hour"
    lines = [
        f"Call with {other} ({item.media}), session {item.session_id}",
        f"Duration: {duration}",
        "Rate: free session (free session link)" if not item.paid else f"Rate: {rate}",
        f"Free minutes: {item.free_minutes}",
        f"Billed minutes: {item.billed_minutes or 0}",
        f"Amount: {format_money(int(item.amount or 0), currency)}",
    ]
    if for_expert:
        lines += [
            f"Platform fee: {format_money(int(item.fee or 0), currency)}",
            f"Your earnings: {format_money(int(item.earnings or 0), currency)}",
        ]
    return "\n".join(lines) + "\n"


def _appointment_receipt(item: CallSession, *, for_expert: bool, other: str, duration: str) -> str:
    """A booked appointment's call: its price was paid by the booking; the call itself charged nothing."""
    currency = item.currency
    price = format_money(int(item.amount or 0), currency)
    lines = [
        f"Appointment call with {other} ({item.media}), session {item.session_id}",
        f"Booking: {item.appointment_id}",
        f"Duration: {duration}",
        f"Appointment price: {price}, paid by the booking" if item.paid else "Appointment: free consultation",
        f"Charged for this call: {format_money(0, currency)} (no per-minute charge)",
    ]
    if for_expert and item.paid:
        lines += [
            f"Platform fee: {format_money(int(item.fee or 0), currency)}",
            f"Your earnings: {format_money(int(item.earnings or 0), currency)}, from the booking",
        ]
    return "\n".join(lines) + "\n"


def _duration(item: CallSession) -> str:
    """From going active to the end for billing: the same end the bill used, never the sweep's run time."""
    seconds = int(billed_duration(to_session(item)).total_seconds())
    return f"{seconds // 60} min {seconds % 60:02d} s"
