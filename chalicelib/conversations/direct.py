"""Use case: a signed-in person messages an expert without a booking, perhaps asking for an appointment.

The client and the expert have one direct thread (``direct:<client id>.<expert id>``), opened by
the first message and reused by every later one; the message goes through the same path as any
other (``post_message``), so waiting, reminders and the expert's response statistics apply.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist

from chalicelib.conversations.messages import post_message
from chalicelib.conversations.rules import DIRECT, direct_subject_id
from chalicelib.conversations.schemas import AppointmentRequestInput
from chalicelib.conversations.threads import open_thread
from chalicelib.errors import FieldProblem, Forbidden, NotFound, Unprocessable
from chalicelib.models.conversation import AppointmentRequest
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.profiles.contact_details import refuse_contact_details
from chalicelib.timestamps import utc_text
from chalicelib.uploads.attachments import AttachmentStore


def message_expert(
    client_id: str, expert_id: str, text: str, request: AppointmentRequestInput | None, *,
    idempotency_key: str | None, store: AttachmentStore, now: datetime,
) -> dict[str, Any]:  # fmt: skip
    """Send ``text`` to the expert in the client's direct thread with them; returns the thread id and the
    message (a retry with the same key returns the message already sent)."""
    if client_id == expert_id:
        raise Forbidden("You cannot message yourself.", code="own_conversation")
    try:
        expert = ExpertProfile.get(expert_id, attributes_to_get=["expert_id", "name"])
    except DoesNotExist:
        raise NotFound("No expert has this id.", code="expert_not_found") from None
    refuse_contact_details({"text": text}, "Messages")  # before the thread is opened: a refused message opens nothing
    appointment = _appointment(request, now) if request is not None else None
    thread_id = open_thread(
        subject=DIRECT, subject_id=direct_subject_id(client_id, expert_id), client_id=client_id,
        expert_id=expert_id, title=f"Messages with {expert.name}", now=now,
    )  # fmt: skip
    message, _ = post_message(
        thread_id, client_id, text, [], idempotency_key=idempotency_key, store=store, now=now,
        appointment_request=appointment,
    )  # fmt: skip
    return {"thread_id": thread_id, "message": message}


def _appointment(request: AppointmentRequestInput, now: datetime) -> AppointmentRequest:
    past = [index for index, moment in enumerate(request.preferred_times) if moment <= now]
    if past:
        raise Unprocessable(
            "Preferred times are in the future.",
            [
                FieldProblem(f"appointment_request.preferred_times.{i}", "in_the_past", "Choose a later time.")
                for i in past
            ],
            code="in_the_past",
        )
    return AppointmentRequest(
        preferred_times=[utc_text(moment) for moment in request.preferred_times], minutes=request.minutes
    )
