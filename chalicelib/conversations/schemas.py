"""What a participant sends: a message with attachments; a direct message to an expert, perhaps asking for an
appointment; a client's checkout of a service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from chalicelib.conversations.rules import APPOINTMENT_MINUTES, MAX_ATTACHMENTS, MAX_PREFERRED_TIMES, MAX_TEXT
from chalicelib.uploads.schemas import AttachmentInput
from chalicelib.web.validation import iso_text

MessageText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]


class MessageInput(BaseModel):
    """A message; send an ``Idempotency-Key`` header so that a retry never sends it twice."""

    model_config = ConfigDict(extra="forbid")

    text: MessageText = Field(description=f"Up to {MAX_TEXT} characters. Sent messages cannot be changed.")
    attachments: list[AttachmentInput] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class CheckoutInput(BaseModel):
    """Check out a service: the first message to the expert and, for a service with an upfront hold,
    the saved card (a PaymentMethod id from Stripe.js) to hold it on."""

    model_config = ConfigDict(extra="forbid")

    message: MessageText = Field(description="What you need: it opens the conversation with the expert.")
    attachments: list[AttachmentInput] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    payment_method_id: str | None = Field(default=None, max_length=255)


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() != timedelta():
        raise PydanticCustomError(
            "not_utc", "A preferred time is an ISO 8601 time in UTC, such as 2026-03-02T14:00:00Z."
        )
    return value.astimezone(UTC)


UtcInstant = Annotated[
    datetime, BeforeValidator(iso_text), AfterValidator(_utc), Field(json_schema_extra={"format": "date-time"})
]


class AppointmentRequestInput(BaseModel):
    """When the client could meet (up to 3 times in the future, UTC) and for how long; the expert answers in the
    conversation."""

    model_config = ConfigDict(extra="forbid")

    preferred_times: list[UtcInstant] = Field(min_length=1, max_length=MAX_PREFERRED_TIMES)
    minutes: int = Field(ge=APPOINTMENT_MINUTES[0], le=APPOINTMENT_MINUTES[1])


class DirectMessageInput(BaseModel):
    """A message to an expert, no booking needed; send an ``Idempotency-Key`` header so that a retry never sends
    it twice."""

    model_config = ConfigDict(extra="forbid")

    text: MessageText = Field(description=f"Up to {MAX_TEXT} characters, no contact details.")
    appointment_request: AppointmentRequestInput | None = None
