"""What the conversation routes answer: threads, their messages, a sent message, the evidence record."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from chalicelib.money.currency import CurrencyCode
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp, sometimes

ConversationRole = Literal["client", "expert"]
ConversationSubject = Literal["booking", "service_checkout", "lead", "direct"]

_THREAD_EXAMPLE: dict[str, Any] = {
    "thread_id": "lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20.acc-seller-1",
    "subject": "lead",
    "subject_id": "6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20.acc-seller-1",
    "title": "Set up bookkeeping for a small shop",
    "client_id": "acc-buyer-1",
    "expert_id": "acc-seller-1",
    "my_role": "client",
    "created_at": "2026-03-02T10:00:00Z",
    "last_activity_at": "2026-03-02T10:05:00Z",
    "last_message": {"preview": "Could you start next week?", "sender_id": "acc-buyer-1"},
    "waiting_on": "acc-seller-1",
    "waiting_since": "2026-03-02T10:05:00Z",
    "waiting_seconds": 600,
    "waiting_on_me": False,
    "payment_ids": [],
}
_MESSAGE_EXAMPLE: dict[str, Any] = {
    "message_id": "m-3a7bd3e2360a3d29eea436fcfb7e44c7",
    "thread_id": "lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20.acc-seller-1",
    "kind": "message",
    "sender_id": "acc-buyer-1",
    "text": "Could you start next week? The invoices are attached.",
    "sent_at": "2026-03-02T10:05:00Z",
    "event_key": None,
    "payment_id": None,
    "attachments": [
        {
            "key": "private/acc-buyer-1/message_attachment/0c5e0e1d2f3a4b5c6d7e8f9a0b1c2d3e.pdf",
            "file_name": "invoices.pdf",
            "content_type": "application/pdf",
            "size_bytes": 48213,
            "download_url": "https://parley-files.s3.amazonaws.com/private/acc-buyer-1/message_attachment/"
            "0c5e0e1d2f3a4b5c6d7e8f9a0b1c2d3e.pdf?X-Amz-Expires=300",
        }
    ],
}
_ATTACHMENT_METADATA_EXAMPLE = {k: v for k, v in _MESSAGE_EXAMPLE["attachments"][0].items() if k != "download_url"}
_EVENT_EXAMPLE: dict[str, Any] = {
    "message_id": "e-9c56cc51b374c3ba189210d5b6d4bf57",
    "thread_id": "lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20.acc-seller-1",
    "kind": "event",
    "sender_id": "system",
    "text": "Paid USD 450.00; the platform holds it until the work is accepted. Deadline 2026-03-09T10:10:00Z.",
    "sent_at": "2026-03-02T10:10:00Z",
    "event_key": "lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20:paid",
    "payment_id": "pay:lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20",
    "attachments": [],
}
_DIRECT_EXAMPLE: dict[str, Any] = _MESSAGE_EXAMPLE | {
    "message_id": "m-8d2f41c07a5b4e3d9c1b2a3f4e5d6c7b",
    "thread_id": "direct:acc-client-1.acc-expert-1",
    "sender_id": "acc-client-1",
    "text": "Could we talk about my shop's accounts next week?",
    "attachments": [],
    "appointment_request": {"preferred_times": ["2026-03-09T10:00:00Z", "2026-03-10T15:30:00Z"], "minutes": 30},
}


class ConversationAppointmentRequest(ResponseModel):
    """A client's request for an appointment, sent with a direct message."""

    preferred_times: list[UtcTimestamp] = Field(description="Up to 3 times the client could meet, in UTC.")
    minutes: int = Field(ge=15, le=180)


class ConversationLastMessage(ResponseModel):
    preview: str = Field(description="The latest message or state change, shortened to 140 characters.")
    sender_id: str = Field(description="Its sender's account id; 'system' for a state change.")


class ConversationView(ResponseModel):
    """A conversation between a client (a lead's buyer) and an expert (a lead's seller)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_THREAD_EXAMPLE]})

    thread_id: str = Field(description="'<subject>:<subject id>'.")
    subject: ConversationSubject
    subject_id: str
    title: str
    client_id: str
    expert_id: str
    my_role: ConversationRole | None = Field(description="Null for an admin reading the evidence record.")
    created_at: UtcTimestamp
    last_activity_at: UtcTimestamp
    last_message: ConversationLastMessage | None
    waiting_on: str | None = Field(description="The account whose answer the conversation awaits.")
    waiting_since: UtcTimestamp | None
    waiting_seconds: int = Field(ge=0)
    waiting_on_me: bool
    payment_ids: list[str] = Field(description="Payments the evidence record includes.")


class ConversationPage(ResponseModel):
    """My conversations, newest activity first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_THREAD_EXAMPLE], "next_cursor": None}]})

    items: list[ConversationView]
    next_cursor: str | None = Field(description="Pass as 'cursor' for the next page; null on the last page.")


class ConversationAttachmentView(ResponseModel):
    key: str
    file_name: str
    content_type: str
    size_bytes: int = Field(ge=1)
    download_url: str | SkipJsonSchema[None] = sometimes(
        "Present only for the thread's participants reading its messages (a link valid for 5 minutes)."
    )


class ConversationMessageView(ResponseModel):
    """A participant's message or a state change the platform recorded; never changed once sent."""

    model_config = ConfigDict(json_schema_extra={"examples": [_MESSAGE_EXAMPLE, _EVENT_EXAMPLE, _DIRECT_EXAMPLE]})

    message_id: str
    thread_id: str
    kind: Literal["message", "event"]
    sender_id: str = Field(description="The sender's account id; 'system' for a state change.")
    text: str
    sent_at: UtcTimestamp
    event_key: str | None = Field(description="What caused a state change; null for a message.")
    payment_id: str | None = Field(description="The payment a state change is about, if any.")
    attachments: list[ConversationAttachmentView]
    appointment_request: ConversationAppointmentRequest | None = Field(
        default=None, description="A request for an appointment sent with a direct message; null otherwise."
    )


class DirectMessageSent(ResponseModel):
    """A direct message to an expert, sent: the conversation it is in, and the message."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"thread_id": _DIRECT_EXAMPLE["thread_id"], "message": _DIRECT_EXAMPLE}]}
    )

    thread_id: str = Field(description="'direct:<client id>.<expert id>': the one direct conversation of the two.")
    message: ConversationMessageView


class ConversationMessagePage(ResponseModel):
    """A conversation's messages and state changes in the order they were sent."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [_MESSAGE_EXAMPLE, _EVENT_EXAMPLE], "next_cursor": None}]}
    )

    items: list[ConversationMessageView]
    next_cursor: str | None = Field(description="Pass as 'cursor' for the next page; null on the last page.")


class ConversationPaymentEvidence(ResponseModel):
    """A payment a state change of the conversation named, as the evidence record shows it."""

    payment_id: str
    purpose: str = Field(description="What was paid for, e.g. 'lead:<lead id>'.")
    client_id: str
    expert_id: str
    currency: CurrencyCode
    status: Literal["awaiting_confirmation", "authorised", "captured", "released", "failed"]
    authorised: MinorUnits
    captured: MinorUnits
    refunded: MinorUnits
    refund_count: int = Field(ge=0)
    commission_bps: int = Field(ge=0, description="The platform's commission in basis points.")
    dispute_id: str | None
    stripe_payment_intent_id: str
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


_PAYMENT_EXAMPLE: dict[str, Any] = {
    "payment_id": "pay:lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20",
    "purpose": "lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20",
    "client_id": "acc-buyer-1",
    "expert_id": "acc-seller-1",
    "currency": "USD",
    "status": "captured",
    "authorised": 45000,
    "captured": 45000,
    "refunded": 0,
    "refund_count": 0,
    "commission_bps": 2000,
    "dispute_id": "lead:6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20",
    "stripe_payment_intent_id": "pi_3OqJkL2eZvKYlo2C0a1b2c3d",
    "created_at": "2026-03-02T10:10:00Z",
    "updated_at": "2026-03-05T09:00:00Z",
}
EVIDENCE_EXAMPLE: dict[str, Any] = {
    "generated_at": "2026-03-05T09:00:00Z",
    "generated_for": "acc-buyer-1",
    "thread": _THREAD_EXAMPLE | {"payment_ids": [_PAYMENT_EXAMPLE["payment_id"]]},
    "entries": [
        _MESSAGE_EXAMPLE | {"attachments": [_ATTACHMENT_METADATA_EXAMPLE]},
        _EVENT_EXAMPLE,
    ],
    "entries_sha256": "5f2b0c6d1e8a7b3c4d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c",
    "payments": [_PAYMENT_EXAMPLE],
}


class ConversationEvidence(ResponseModel):
    """Everything said and done in a conversation, for a dispute (attachments as metadata, no links)."""

    model_config = ConfigDict(json_schema_extra={"examples": [EVIDENCE_EXAMPLE]})

    generated_at: UtcTimestamp
    generated_for: str = Field(description="The account that asked for the record.")
    thread: ConversationView
    entries: list[ConversationMessageView]
    entries_sha256: str = Field(
        pattern="^[0-9a-f]{64}$", description="SHA-256 of the entries (sorted-key JSON), to check a later export."
    )
    payments: list[ConversationPaymentEvidence]
