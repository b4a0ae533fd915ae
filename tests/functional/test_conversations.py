"""Conversations: participants exchange immutable messages with attachments, see how long a message has
waited, the expert is reminded before 24 hours pass, and a dispute gets the whole record."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import urllib3

from chalicelib import runtime
from chalicelib.conversations.reminders import remind_waiting_experts
from chalicelib.conversations.threads import open_thread, record_event
from chalicelib.due_index import DUE_SHARDS
from chalicelib.payments.card_payments import authorise_hold
from tests.functional.builders import become_expert, register
from tests.functional.clock import Clock
from tests.functional.conftest import DynamoReads, User, Users
from tests.functional.deliveries import sent_emails
from tests.functional.money import card


@dataclass
class Cast:
    expert: User
    client: User
    stranger: User
    admin: User
    clock: Clock
    thread_id: str


@pytest.fixture
def cast(api: Any, users: Users) -> Cast:
    clock = Clock()
    runtime.set_clock(lambda: clock.now)
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert)
    client, stranger = users.sign_up("grace@example.com"), users.sign_up("mallory@example.com")
    admin = users.sign_up("root@example.com", admin=True)
    for person in (client, stranger, admin):
        assert register(api, person).status_code == 201
    thread_id = open_thread(
        subject="booking", subject_id="b1", client_id=client.sub, expert_id=expert.sub,
        title="Architecture review", now=clock.now,
    )  # fmt: skip
    return Cast(expert, client, stranger, admin, clock, thread_id)


def path(thread_id: str, tail: str = "") -> str:
    return f"/conversations/{quote(thread_id, safe='')}{tail}"


def send(api: Any, cast: Cast, who: User, text: str, key: str | None = None, **extra: Any) -> Any:
    headers = who.auth | ({"Idempotency-Key": key} if key else {})
    return api.post(path(cast.thread_id, "/messages"), headers=headers, body=json.dumps({"text": text} | extra))


def messages(api: Any, cast: Cast, who: User, query: str = "") -> Any:
    return api.get(path(cast.thread_id, f"/messages{query}"), headers=who.auth)


def thread(api: Any, cast: Cast, who: User) -> dict[str, Any]:
    response = api.get(path(cast.thread_id), headers=who.auth)
    assert response.status_code == 200, response.json_body
    return dict(response.json_body)


def upload(api: Any, who: User, content_type: str = "application/pdf", content: bytes = b"%PDF-1.7 brief") -> str:
    """A file uploaded as the app does it: a presigned POST from the API, then straight to S3."""
    body = {"purpose": "message_attachment", "content_type": content_type, "size_bytes": len(content)}
    ticket = api.post("/uploads", headers=who.auth, body=json.dumps(body)).json_body
    fields = dict(ticket["fields"]) | {"file": ("brief.pdf", content, content_type)}
    response = urllib3.request("POST", ticket["url"], fields=fields)
    assert response.status in (200, 201, 204), response.data
    return str(ticket["key"])


def test_the_client_and_the_expert_exchange_messages_and_both_read_them_in_order(api: Any, cast: Cast) -> None:
    assert send(api, cast, cast.client, "Can you look at my queue design?").status_code == 201
    cast.clock.advance(minutes=5)
    assert send(api, cast, cast.expert, "Yes: send me the diagram.").status_code == 201

    for who in (cast.client, cast.expert):
        listed = messages(api, cast, who)
        assert listed.status_code == 200, listed.json_body
        assert [(m["sender_id"], m["text"]) for m in listed.json_body["items"]] == [
            (cast.client.sub, "Can you look at my queue design?"),
            (cast.expert.sub, "Yes: send me the diagram."),
        ]


def test_messages_come_a_page_at_a_time_in_the_order_they_were_sent(api: Any, cast: Cast) -> None:
    for n in range(5):
        send(api, cast, cast.client, f"message {n}")
        cast.clock.advance(seconds=1)

    first = messages(api, cast, cast.expert, "?limit=3").json_body
    rest = messages(api, cast, cast.expert, f"?limit=3&cursor={first['next_cursor']}").json_body

    assert [m["text"] for m in first["items"] + rest["items"]] == [f"message {n}" for n in range(5)]
    assert rest["next_cursor"] is None


def test_an_outsider_gets_404_on_the_thread_its_messages_and_its_evidence_and_cannot_write(
    api: Any, cast: Cast
) -> None:
    send(api, cast, cast.client, "Private question")

    for response in (
        api.get(path(cast.thread_id), headers=cast.stranger.auth),
        messages(api, cast, cast.stranger),
        api.get(path(cast.thread_id, "/evidence"), headers=cast.stranger.auth),
        send(api, cast, cast.stranger, "Let me in"),
    ):
        assert response.status_code == 404, response.json_body
        assert response.json_body["error"]["code"] == "conversation_not_found"
    assert api.get("/conversations", headers=cast.stranger.auth).json_body["items"] == []


def test_a_retried_message_with_the_same_idempotency_key_is_sent_once(api: Any, cast: Cast) -> None:
    first = send(api, cast, cast.client, "Here is my question", key="k-1")
    retry = send(api, cast, cast.client, "Here is my question", key="k-1")

    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json_body["message_id"] == first.json_body["message_id"]
    assert [m["text"] for m in messages(api, cast, cast.expert).json_body["items"]] == ["Here is my question"]


def test_an_idempotency_key_over_255_characters_is_refused_and_nothing_is_sent(api: Any, cast: Cast) -> None:
    refused = send(api, cast, cast.client, "Here is my question", key="k" * 256)
    longest = send(api, cast, cast.client, "Here is my question", key="k" * 255)

    assert refused.status_code == 400, refused.json_body
    assert refused.json_body["error"]["code"] == "invalid_header"
    assert longest.status_code == 201, longest.json_body
    assert [m["text"] for m in messages(api, cast, cast.expert).json_body["items"]] == ["Here is my question"]


def test_a_sent_message_cannot_be_changed_not_even_by_resending_its_key_with_other_text(api: Any, cast: Cast) -> None:
    from app import app

    sent = send(api, cast, cast.client, "I agree to 300 USD", key="k-1").json_body
    changed = send(api, cast, cast.client, "I agree to 30 USD", key="k-1")

    assert changed.status_code == 409
    assert changed.json_body["error"]["code"] == "idempotency_key_reused"
    [stored] = messages(api, cast, cast.expert).json_body["items"]
    assert (stored["message_id"], stored["text"]) == (sent["message_id"], "I agree to 300 USD")
    message_routes = {m for p, methods in app.routes.items() if p.startswith("/conversations") for m in methods}
    assert message_routes == {"GET", "POST"}  # no PUT, PATCH or DELETE of anything in a conversation


def test_attachments_are_only_the_senders_own_uploads_and_participants_get_a_short_lived_link(
    api: Any, cast: Cast
) -> None:
    mine = upload(api, cast.client)
    theirs = upload(api, cast.stranger)

    refused = send(api, cast, cast.client, "See attached", attachments=[{"key": theirs, "file_name": "x.pdf"}])
    sent = send(api, cast, cast.client, "See attached", attachments=[{"key": mine, "file_name": "brief.pdf"}])

    assert refused.status_code == 422  # fits the document, names a file that is not theirs
    assert refused.json_body["error"]["fields"][0] == {
        "field": "attachments.0.key", "code": "attachment_not_yours",
        "message": "Attach only files you uploaded for messages.",
    }  # fmt: skip
    assert sent.status_code == 201, sent.json_body
    [attachment] = messages(api, cast, cast.expert).json_body["items"][0]["attachments"]
    assert (attachment["file_name"], attachment["content_type"], attachment["size_bytes"]) == (
        "brief.pdf", "application/pdf", len(b"%PDF-1.7 brief"),
    )  # fmt: skip
    signed = parse_qs(urlsplit(attachment["download_url"]).query)  # SigV4 says how long, SigV2 until when
    lasts = int(signed["X-Amz-Expires"][0]) if "X-Amz-Expires" in signed else int(signed["Expires"][0]) - time.time()
    assert 0 < lasts <= 300
    downloaded = urllib3.request("GET", attachment["download_url"])
    assert (downloaded.status, downloaded.data) == (200, b"%PDF-1.7 brief")


def test_an_attachment_that_was_never_uploaded_is_refused(api: Any, cast: Cast) -> None:
    key = f"private/{cast.client.sub}/message_attachment/never.pdf"

    response = send(api, cast, cast.client, "See attached", attachments=[{"key": key, "file_name": "a.pdf"}])

    assert response.status_code == 422
    assert response.json_body["error"]["fields"][0]["code"] == "attachment_missing"


def test_a_message_over_10000_characters_is_refused(api: Any, cast: Cast) -> None:
    response = send(api, cast, cast.client, "x" * 10_001)

    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["field"] == "text"


def test_waiting_seconds_grow_while_the_expert_has_not_answered_and_clear_when_they_reply(api: Any, cast: Cast) -> None:
    send(api, cast, cast.client, "Are you free this week?")
    cast.clock.advance(hours=1)
    send(api, cast, cast.client, "Also: do you review Go code?")  # still waiting since the first message
    cast.clock.advance(hours=2)

    waiting = thread(api, cast, cast.expert)
    assert (waiting["waiting_on"], waiting["waiting_seconds"], waiting["waiting_on_me"]) == (
        cast.expert.sub,
        3 * 3600,
        True,
    )
    assert thread(api, cast, cast.client)["waiting_on_me"] is False

    send(api, cast, cast.expert, "Yes, and yes.")
    answered = thread(api, cast, cast.client)
    assert (answered["waiting_on"], answered["waiting_seconds"]) == (None, 0)


def test_my_conversations_list_newest_activity_first_with_the_last_message_and_never_scan(
    api: Any, cast: Cast, dynamo_reads: DynamoReads
) -> None:
    second = open_thread(
        subject="lead", subject_id="l1", client_id=cast.client.sub, expert_id=cast.expert.sub,
        title="Data pipeline lead", now=cast.clock.advance(minutes=1),
    )  # fmt: skip
    cast.clock.advance(minutes=1)
    send(api, cast, cast.client, "Back to the architecture review")
    dynamo_reads.calls.clear()

    first_page = api.get("/conversations?limit=1", headers=cast.expert.auth).json_body
    second_page = api.get(f"/conversations?limit=1&cursor={first_page['next_cursor']}", headers=cast.expert.auth)
    messages(api, cast, cast.expert)
    api.get(path(cast.thread_id, "/evidence"), headers=cast.expert.auth)

    assert dynamo_reads.operations == {"Query", "BatchGetItem", "GetItem"}
    [newest] = first_page["items"]
    assert (newest["thread_id"], newest["my_role"]) == (cast.thread_id, "expert")
    assert newest["last_message"] == {"preview": "Back to the architecture review", "sender_id": cast.client.sub}
    assert [t["thread_id"] for t in second_page.json_body["items"]] == [second]


def test_a_state_change_delivered_after_later_messages_takes_its_place_by_date_and_leaves_the_latest_preview(
    api: Any, cast: Cast
) -> None:
    confirmed_at = cast.clock.now
    cast.clock.advance(minutes=2)
    send(api, cast, cast.client, "Here is my agenda")

    record_event(cast.thread_id, event_key="b1:1:confirmed", text="Appointment confirmed.", now=confirmed_at)

    texts = [m["text"] for m in messages(api, cast, cast.expert).json_body["items"]]
    assert texts.index("Appointment confirmed.") < texts.index("Here is my agenda")
    [listed] = api.get("/conversations?limit=1", headers=cast.expert.auth).json_body["items"]
    assert listed["last_message"] == {"preview": "Here is my agenda", "sender_id": cast.client.sub}


def test_a_page_cursor_of_someone_elses_list_is_refused(api: Any, cast: Cast) -> None:
    open_thread(
        subject="lead", subject_id="l1", client_id=cast.client.sub, expert_id=cast.expert.sub,
        title="Data pipeline lead", now=cast.clock.advance(minutes=1),
    )  # fmt: skip
    cursor = api.get("/conversations?limit=1", headers=cast.expert.auth).json_body["next_cursor"]

    response = api.get(f"/conversations?limit=1&cursor={cursor}", headers=cast.stranger.auth)

    assert (response.status_code, response.json_body["error"]["code"]) == (422, "invalid_cursor")


def test_the_expert_is_reminded_once_after_20_hours_even_when_the_job_runs_twice(
    api: Any, cast: Cast, dynamo_reads: DynamoReads
) -> None:
    send(api, cast, cast.client, "Can we talk tomorrow?")
    dynamo_reads.calls.clear()

    early = remind_waiting_experts(cast.clock.advance(hours=19, minutes=59))
    assert (early.due, sent_emails()) == (0, [])

    later = cast.clock.advance(hours=1)
    first, second = remind_waiting_experts(later), remind_waiting_experts(later)

    assert (first.reminded, second.reminded) == (1, 0)
    [email] = sent_emails()
    assert email.destinations["ToAddresses"] == [cast.expert.email]
    assert "waited 20 hours" in email.body
    assert remind_waiting_experts(cast.clock.advance(hours=3)).reminded == 0
    assert "Scan" not in dynamo_reads.operations


def test_an_answer_before_20_hours_means_no_reminder_and_a_new_wait_is_reminded_again(api: Any, cast: Cast) -> None:
    send(api, cast, cast.client, "First question")
    cast.clock.advance(hours=10)
    send(api, cast, cast.expert, "Answered")
    assert remind_waiting_experts(cast.clock.advance(hours=15)).reminded == 0

    send(api, cast, cast.client, "Second question")

    assert remind_waiting_experts(cast.clock.advance(hours=21)).reminded == 1
    assert len(sent_emails()) == 1


def test_the_evidence_record_holds_the_messages_the_state_changes_and_the_payment(
    api: Any, stripe_api: Any, cast: Cast
) -> None:
    payment, _ = authorise_hold(
        purpose="appointment:b1", client_id=cast.client.sub, expert_id=cast.expert.sub, currency="USD",
        amount=9_000, payment_method_id=card(stripe_api), commission_bps=1_000,
        gateway=runtime.stripe_gateway(), now=cast.clock.now,
    )  # fmt: skip
    record_event(
        cast.thread_id, event_key="booking:b1:confirmed", text="Booking confirmed for Monday 10:00 UTC",
        now=cast.clock.advance(seconds=1), payment_id=payment.payment_id,
    )  # fmt: skip
    cast.clock.advance(minutes=1)
    send(api, cast, cast.client, "See you on Monday")

    for who in (cast.client, cast.admin):
        response = api.get(path(cast.thread_id, "/evidence"), headers=who.auth)
        assert response.status_code == 200, response.json_body
        record = response.json_body
        assert [(e["kind"], e["text"]) for e in record["entries"]] == [
            ("event", "Booking confirmed for Monday 10:00 UTC"),
            ("message", "See you on Monday"),
        ]
        [held] = record["payments"]
        assert (held["payment_id"], held["status"], held["authorised"], held["currency"]) == (
            payment.payment_id, "authorised", 9_000, "USD",
        )  # fmt: skip
        assert record["generated_at"] == "2026-03-02T09:01:01Z"
        assert len(record["entries_sha256"]) == 64


def test_opening_a_thread_and_recording_an_event_twice_changes_nothing(api: Any, cast: Cast) -> None:
    again = open_thread(
        subject="booking", subject_id="b1", client_id=cast.client.sub, expert_id=cast.expert.sub,
        title="Another title", now=cast.clock.advance(hours=1),
    )  # fmt: skip
    for _ in range(2):
        record_event(cast.thread_id, event_key="booking:b1:confirmed", text="Booking confirmed", now=cast.clock.now)

    assert again == cast.thread_id
    assert thread(api, cast, cast.client)["title"] == "Architecture review"
    assert [m["text"] for m in messages(api, cast, cast.client).json_body["items"]] == ["Booking confirmed"]


def test_after_a_30_day_outage_the_reminder_job_still_reminds_the_expert_once_at_a_cost_of_a_few_queries(
    api: Any, cast: Cast, dynamo_reads: DynamoReads
) -> None:
    send(api, cast, cast.client, "Can we talk tomorrow?")
    dynamo_reads.calls.clear()

    run = remind_waiting_experts(cast.clock.advance(days=30))
    queries = [call for call in dynamo_reads.calls if call[0] == "Query"]
    print(
        f"after a 30-day outage the reminder job found due={run.due}, reminded={run.reminded} in {len(queries)} Queries"
    )

    assert (run.due, run.reminded) == (1, 1)
    assert [email.destinations["ToAddresses"] for email in sent_emails()] == [[cast.expert.email]]
    assert len(queries) == DUE_SHARDS  # one per shard, whatever the length of the outage
    assert remind_waiting_experts(cast.clock.advance(hours=1)).due == 0
