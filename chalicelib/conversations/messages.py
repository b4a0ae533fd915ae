"""Use cases: a participant sends a message (with attachments); participants read a thread's messages.

A sent message is never changed: it is written once, on condition that its id is new, and no
route or use case updates or deletes it. Its id comes from the sender's ``Idempotency-Key``
when there is one, so a retry returns the message already sent instead of sending it twice.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from chalicelib.conversations.attachments import AttachmentRef, attachment_view, checked_attachments
from chalicelib.conversations.rules import MESSAGE, message_id_for, order_key
from chalicelib.conversations.threads import append, thread_for_participant
from chalicelib.errors import Conflict
from chalicelib.models.conversation import AppointmentRequest, ConversationMessage
from chalicelib.profiles.contact_details import refuse_contact_details
from chalicelib.uploads.attachments import AttachmentStore
from chalicelib.web.cursors import decode_cursor, encode_cursor


def post_message(
    thread_id: str, sender_id: str, text: str, refs: Sequence[AttachmentRef], *,
    idempotency_key: str | None, store: AttachmentStore, now: datetime,
    appointment_request: AppointmentRequest | None = None,
) -> tuple[dict[str, Any], bool]:  # fmt: skip
    """Send ``text`` to the thread; returns the message's view and whether it is new."""
    refuse_contact_details({"text": text}, "Messages")
    thread = thread_for_participant(thread_id, sender_id)
    message_id = message_id_for(sender_id, idempotency_key) if idempotency_key else "m-" + uuid.uuid4().hex
    message = ConversationMessage(
        thread.thread_id, message_id, sent_key=order_key(now, message_id), kind=MESSAGE, sender_id=sender_id,
        text=text, sent_at=now, attachments=checked_attachments(sender_id, refs, store) or None,
        appointment_request=appointment_request,
    )  # fmt: skip
    stored, new = append(message, now=now, from_participant=True)
    if not new and (
        stored.text != text
        or _keys(stored) != [ref.key for ref in refs]
        or _appointment(stored.appointment_request) != _appointment(appointment_request)
    ):
        raise Conflict(
            "You sent a different message with this Idempotency-Key; sent messages cannot be changed.",
            code="idempotency_key_reused",
        )
    return message_view(stored, store), new


def thread_messages(
    thread_id: str, viewer_id: str, *, limit: int, cursor: str | None, store: AttachmentStore
) -> dict[str, Any]:
    """The thread's messages and state changes in the order they were sent, a page at a time."""
    thread = thread_for_participant(thread_id, viewer_id)
    scope = f"messages:{thread.thread_id}"
    start = decode_cursor(scope, cursor) if cursor else None
    page = ConversationMessage.by_sent.query(thread.thread_id, limit=limit, last_evaluated_key=start)
    items = [message_view(message, store) for message in page]
    last = page.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last) if last and len(items) == limit else None}


def message_view(message: ConversationMessage, store: AttachmentStore | None) -> dict[str, Any]:
    return {
        "message_id": message.message_id,
        "thread_id": message.thread_id,
        "kind": message.kind,
        "sender_id": message.sender_id,
        "text": message.text,
        "sent_at": message.sent_at.isoformat().replace("+00:00", "Z"),
        "event_key": message.event_key,
        "payment_id": message.payment_id,
        "attachments": [attachment_view(attachment, store) for attachment in message.attachments or ()],
        "appointment_request": _appointment(message.appointment_request),
    }


def _appointment(request: AppointmentRequest | None) -> dict[str, Any] | None:
    if request is None:
        return None
    return {
        "preferred_times": list(request.preferred_times or ()),
        "minutes": int(request.minutes),
    }


def _keys(message: ConversationMessage) -> list[str]:
    return [attachment.key for attachment in message.attachments or ()]
