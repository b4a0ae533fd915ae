"""What a participant sends: a message with attachments; a client's checkout of a service."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.conversations.rules import MAX_ATTACHMENTS, MAX_TEXT
from chalicelib.uploads.schemas import AttachmentInput

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
