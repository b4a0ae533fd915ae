"""Routes for conversations: my threads, a thread's messages, sending one, messaging an expert directly, the
evidence record."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.conversations.rules import MAX_PAGE_SIZE, PAGE_SIZE
from chalicelib.limits.rate_limits import MESSAGES
from chalicelib.web.api import IDEMPOTENCY_KEY, ApiBlueprint, ApiRequest, QueryParam

api = ApiBlueprint(__name__, tag="conversations")
RESPONSES = "chalicelib.conversations.responses"

# A thread id is "<subject>:<subject id>"; clients may send the colon as is or percent-encoded.

_PAGE = (
    QueryParam(
        "limit", f"Page size, 1 to {MAX_PAGE_SIZE}.", "integer", minimum=1, maximum=MAX_PAGE_SIZE, default=PAGE_SIZE
    ),
    QueryParam("cursor", "next_cursor of the previous page."),
)


@api.route(
    "/conversations", "GET", summary="My conversations, newest activity first, with whose answer each awaits",
    query=_PAGE, response=f"{RESPONSES}:ConversationPage",
)  # fmt: skip
def my_conversations(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.conversations.rules import page_size
    from chalicelib.conversations.threads import my_threads

    return my_threads(
        request.caller.account_id, limit=page_size(request.query("limit")), cursor=request.query("cursor"),
        now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/conversations/{thread_id}", "GET", summary="A conversation (its participants only)",
    response=f"{RESPONSES}:ConversationView",
)  # fmt: skip
def conversation(request: ApiRequest, thread_id: str) -> dict[str, Any]:
    from chalicelib.conversations.threads import thread_for_participant, thread_view

    caller_id = request.caller.account_id
    return thread_view(thread_for_participant(thread_id, caller_id), caller_id, runtime.now())


@api.route(
    "/conversations/{thread_id}/messages", "GET",
    summary="A conversation's messages and state changes in order; attachments with short-lived download links",
    query=_PAGE, response=f"{RESPONSES}:ConversationMessagePage",
)  # fmt: skip
def messages(request: ApiRequest, thread_id: str) -> dict[str, Any]:
    from chalicelib.conversations.messages import thread_messages
    from chalicelib.conversations.rules import page_size
    from chalicelib.uploads.attachments import attachment_store

    return thread_messages(
        thread_id, request.caller.account_id, limit=page_size(request.query("limit")),
        cursor=request.query("cursor"), store=attachment_store(),
    )  # fmt: skip


@api.route(
    "/conversations/{thread_id}/messages", "POST",
    summary="Send a message (immutable once sent; an Idempotency-Key header makes a retry return the same message)",
    status=201, body="chalicelib.conversations.schemas:MessageInput", errors=(409, 422), headers=(IDEMPOTENCY_KEY,),
    response=f"{RESPONSES}:ConversationMessageView", limit=MESSAGES,
)  # fmt: skip
def send_message(request: ApiRequest, thread_id: str) -> dict[str, Any]:
    from chalicelib.conversations.attachments import AttachmentRef
    from chalicelib.conversations.messages import post_message
    from chalicelib.conversations.schemas import MessageInput
    from chalicelib.uploads.attachments import attachment_store

    data = request.body(MessageInput)
    refs = [AttachmentRef(attachment.key, attachment.file_name) for attachment in data.attachments]
    view, _ = post_message(
        thread_id, request.caller.account_id, data.text, refs,
        idempotency_key=request.header(IDEMPOTENCY_KEY), store=attachment_store(), now=runtime.now(),
    )  # fmt: skip
    return view


@api.route(
    "/experts/{expert_id}/messages", "POST",
    summary="Message an expert without a booking, perhaps asking for an appointment: opens (or reuses) your "
    "direct conversation with them; the expert answers in POST /conversations/{thread_id}/messages",
    status=201, body="chalicelib.conversations.schemas:DirectMessageInput", errors=(403, 404, 409, 422),
    headers=(IDEMPOTENCY_KEY,), response=f"{RESPONSES}:DirectMessageSent", limit=MESSAGES,
)  # fmt: skip
def message_expert(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.conversations.direct import message_expert
    from chalicelib.conversations.schemas import DirectMessageInput
    from chalicelib.uploads.attachments import attachment_store

    data = request.body(DirectMessageInput)
    return message_expert(
        request.caller.account_id, expert_id, data.text, data.appointment_request,
        idempotency_key=request.header(IDEMPOTENCY_KEY), store=attachment_store(), now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/conversations/{thread_id}/evidence", "GET",
    summary="The evidence record for a dispute: every message, state change and payment (participants, admins)",
    response=f"{RESPONSES}:ConversationEvidence",
)  # fmt: skip
def evidence(request: ApiRequest, thread_id: str) -> dict[str, Any]:
    from chalicelib.conversations.evidence import evidence_record

    return evidence_record(thread_id, request.caller, now=runtime.now())
