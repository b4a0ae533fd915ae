"""Direct messages: a signed-in person messages an expert without a booking, perhaps asking for an appointment;
the expert answers in the thread, and their public profile shows how reliably and how fast they answer."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest

from chalicelib import runtime
from chalicelib.conversations.reminders import remind_waiting_experts
from chalicelib.conversations.threads import open_thread
from tests.functional.builders import become_expert, profile_body, register
from tests.functional.clock import Clock
from tests.functional.conftest import User, Users


@dataclass
class Cast:
    expert: User
    client: User
    other: User
    clock: Clock


@pytest.fixture
def cast(api: Any, users: Users) -> Cast:
    clock = Clock()
    runtime.set_clock(lambda: clock.now)
    expert = users.sign_up("ada@example.com")
    become_expert(api, expert)
    client, other = users.sign_up("grace@example.com"), users.sign_up("alan@example.com")
    for person in (client, other):
        assert register(api, person).status_code == 201
    return Cast(expert, client, other, clock)


def message_expert(api: Any, who: User, expert_id: str, text: str, key: str | None = None, **extra: Any) -> Any:
    headers = who.auth | ({"Idempotency-Key": key} if key else {})
    return api.post(f"/experts/{expert_id}/messages", headers=headers, body=json.dumps({"text": text} | extra))


def reply(api: Any, who: User, thread_id: str, text: str) -> Any:
    return api.post(
        f"/conversations/{quote(thread_id, safe='')}/messages", headers=who.auth, body=json.dumps({"text": text})
    )


def thread_messages(api: Any, who: User, thread_id: str) -> list[dict[str, Any]]:
    response = api.get(f"/conversations/{quote(thread_id, safe='')}/messages", headers=who.auth)
    assert response.status_code == 200, response.json_body
    return list(response.json_body["items"])


def responsiveness(api: Any, expert: User) -> dict[str, Any]:
    response = api.get(f"/experts/{expert.sub}")
    assert response.status_code == 200, response.json_body
    return dict(response.json_body["responsiveness"])


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.json_body
    return dict(response.json_body)


def test_a_client_messages_an_expert_without_a_booking_and_the_expert_sees_the_thread_and_answers(
    api: Any, cast: Cast
) -> None:
    sent = ok(message_expert(api, cast.client, cast.expert.sub, "Could you look at my pricing?"))
    thread_id = sent["thread_id"]
    assert sent["message"]["text"] == "Could you look at my pricing?"

    listed = api.get("/conversations", headers=cast.expert.auth).json_body["items"]
    [seen] = [item for item in listed if item["thread_id"] == thread_id]
    assert (seen["subject"], seen["client_id"], seen["my_role"], seen["waiting_on_me"]) == (
        "direct", cast.client.sub, "expert", True,
    )  # fmt: skip
    assert seen["title"] == "Messages with " + api.get(f"/experts/{cast.expert.sub}").json_body["name"]

    cast.clock.advance(minutes=30)
    assert reply(api, cast.expert, thread_id, "Happy to: what do you charge now?").status_code == 201

    assert [(m["sender_id"], m["text"]) for m in thread_messages(api, cast.client, thread_id)] == [
        (cast.client.sub, "Could you look at my pricing?"),
        (cast.expert.sub, "Happy to: what do you charge now?"),
    ]
    again = ok(message_expert(api, cast.client, cast.expert.sub, "About 40 an hour."))
    assert again["thread_id"] == thread_id  # one direct thread between the two
    assert api.get(f"/conversations/{quote(thread_id, safe='')}", headers=cast.other.auth).status_code == 404


def test_a_retry_with_the_same_idempotency_key_posts_the_message_once(api: Any, cast: Cast) -> None:
    first = ok(message_expert(api, cast.client, cast.expert.sub, "Hello there", key="k-1"))
    second = ok(message_expert(api, cast.client, cast.expert.sub, "Hello there", key="k-1"))

    assert second == first
    assert [m["text"] for m in thread_messages(api, cast.client, first["thread_id"])] == ["Hello there"]
    changed = message_expert(api, cast.client, cast.expert.sub, "Hello again", key="k-1")
    assert (changed.status_code, changed.json_body["error"]["code"]) == (409, "idempotency_key_reused")


@pytest.mark.parametrize("text", ["Write to me at grace@example.com", "Call me on +44 20 7946 0958"])
def test_contact_details_in_a_direct_message_are_refused_and_no_thread_is_opened(
    api: Any, cast: Cast, text: str
) -> None:
    response = message_expert(api, cast.client, cast.expert.sub, text)

    assert (response.status_code, response.json_body["error"]["code"]) == (400, "contact_details")
    assert api.get("/conversations", headers=cast.client.auth).json_body["items"] == []


def test_contact_details_are_refused_in_any_conversation_message(api: Any, cast: Cast) -> None:
    thread_id = ok(message_expert(api, cast.client, cast.expert.sub, "Hello"))["thread_id"]

    response = reply(api, cast.expert, thread_id, "Mail me: ada@example.com")

    assert (response.status_code, response.json_body["error"]["code"]) == (400, "contact_details")
    assert [m["text"] for m in thread_messages(api, cast.client, thread_id)] == ["Hello"]


def test_messaging_yourself_is_refused_and_an_unknown_expert_is_not_found(api: Any, cast: Cast) -> None:
    own = message_expert(api, cast.expert, cast.expert.sub, "Note to self")
    unknown = message_expert(api, cast.client, "no-such-expert", "Hello?")

    assert (own.status_code, own.json_body["error"]["code"]) == (403, "own_conversation")
    assert (unknown.status_code, unknown.json_body["error"]["code"]) == (404, "expert_not_found")
    assert api.get("/conversations", headers=cast.expert.auth).json_body["items"] == []


def test_an_appointment_request_shows_in_the_thread_as_part_of_the_message(api: Any, cast: Cast) -> None:
    request = {"preferred_times": ["2026-03-04T10:00:00Z", "2026-03-05T15:30:00+00:00"], "minutes": 45}
    sent = ok(message_expert(api, cast.client, cast.expert.sub, "Can we meet?", appointment_request=request))

    [shown] = thread_messages(api, cast.expert, sent["thread_id"])
    assert shown["appointment_request"] == {
        "preferred_times": ["2026-03-04T10:00:00Z", "2026-03-05T15:30:00Z"], "minutes": 45,
    }  # fmt: skip
    assert sent["message"]["appointment_request"] == shown["appointment_request"]
    cast.clock.advance(minutes=1)
    assert reply(api, cast.expert, sent["thread_id"], "Wednesday at 10 works.").status_code == 201
    assert thread_messages(api, cast.client, sent["thread_id"])[1]["appointment_request"] is None


@pytest.mark.parametrize(
    ("request_body", "code"),
    [
        ({"preferred_times": ["2026-03-01T10:00:00Z"], "minutes": 30}, "in_the_past"),
        ({"preferred_times": [f"2026-03-0{d}T10:00:00Z" for d in (3, 4, 5, 6)], "minutes": 30}, "too_long"),
        ({"preferred_times": ["2026-03-04T10:00:00Z"], "minutes": 10}, "greater_than_equal"),
        ({"preferred_times": ["2026-03-04T10:00:00Z"], "minutes": 181}, "less_than_equal"),
        ({"preferred_times": ["2026-03-04T10:00:00+02:00"], "minutes": 30}, "not_utc"),
        ({"preferred_times": [], "minutes": 30}, "too_short"),
    ],
)
def test_an_appointment_request_in_the_past_too_long_or_with_more_than_three_times_is_refused(
    api: Any, cast: Cast, request_body: dict[str, Any], code: str
) -> None:
    response = message_expert(api, cast.client, cast.expert.sub, "Can we meet?", appointment_request=request_body)

    assert response.status_code == (422 if code == "in_the_past" else 400), response.json_body
    assert response.json_body["error"]["code"] == code
    assert api.get("/conversations", headers=cast.client.auth).json_body["items"] == []


def test_the_profile_shows_the_rate_and_typical_response_time_from_answers_at_known_delays(
    api: Any, cast: Cast
) -> None:
    assert responsiveness(api, cast.expert) == {
        "rate": None, "typical_response_seconds": None, "answered": 0, "expected_within_hours": 24,
    }  # fmt: skip
    thread_id = ok(message_expert(api, cast.client, cast.expert.sub, "Question 1"))["thread_id"]
    for delay_hours, question in ((1, "Question 2"), (3, "Question 3"), (30, None)):
        cast.clock.advance(hours=delay_hours)
        assert reply(api, cast.expert, thread_id, "An answer").status_code == 201
        if question:
            cast.clock.advance(minutes=5)
            ok(message_expert(api, cast.client, cast.expert.sub, question))
        if delay_hours == 1:
            assert responsiveness(api, cast.expert)["rate"] is None  # one wait says nothing yet

    shown = responsiveness(api, cast.expert)

    assert shown == {
        "rate": round(2 / 3, 4), "typical_response_seconds": 3 * 3600, "answered": 3, "expected_within_hours": 24,
    }  # fmt: skip
    assert (
        api.get("/experts/by-slug/" + api.get(f"/experts/{cast.expert.sub}").json_body["slug"]).json_body[
            "responsiveness"
        ]
        == shown
    )


def test_a_wait_left_25_hours_counts_as_missed_once_even_when_the_job_runs_twice(api: Any, cast: Cast) -> None:
    thread_id = ok(message_expert(api, cast.client, cast.expert.sub, "Anyone there?"))["thread_id"]
    for other in ("b1", "b2"):  # two waits answered in time, in booking threads
        booking = open_thread(
            subject="booking", subject_id=other, client_id=cast.other.sub, expert_id=cast.expert.sub,
            title="Review", now=cast.clock.now,
        )  # fmt: skip
        reply(api, cast.other, booking, "Hi")
        reply(api, cast.expert, booking, "Hello")

    reminded = remind_waiting_experts(cast.clock.advance(hours=20))
    later = cast.clock.advance(hours=5)
    first, second = remind_waiting_experts(later), remind_waiting_experts(later)

    assert (reminded.reminded, reminded.missed) == (1, 0)
    assert (first.missed, second.missed, first.reminded, second.reminded) == (1, 0, 0, 0)
    assert responsiveness(api, cast.expert)["rate"] == round(2 / 3, 4)
    assert remind_waiting_experts(cast.clock.advance(hours=1)).due == 0

    assert reply(api, cast.expert, thread_id, "Sorry for the delay").status_code == 201  # late: still one miss
    late = responsiveness(api, cast.expert)
    assert (late["rate"], late["answered"]) == (round(2 / 3, 4), 3)
    assert late["typical_response_seconds"] == 0  # median of 0, 0 and 26 hours
    thread = api.get(f"/conversations/{quote(thread_id, safe='')}", headers=cast.client.auth).json_body
    assert thread["waiting_on"] is None
    edited = api.put("/experts/me", headers=cast.expert.auth, body=json.dumps(profile_body(job_title="Engine analyst")))
    assert edited.status_code == 200, edited.json_body  # the counters move the profile's version on, not back
    assert responsiveness(api, cast.expert) == late  # and an edit keeps them


def test_a_clients_second_message_while_already_waiting_does_not_start_a_second_wait(api: Any, cast: Cast) -> None:
    thread_id = ok(message_expert(api, cast.client, cast.expert.sub, "First"))["thread_id"]
    cast.clock.advance(hours=2)
    ok(message_expert(api, cast.client, cast.expert.sub, "Second, while waiting"))
    cast.clock.advance(hours=2)
    reply(api, cast.expert, thread_id, "Answering both")
    reply(api, cast.expert, thread_id, "And one more thing")  # answers no wait: counts nothing

    shown = responsiveness(api, cast.expert)

    assert (shown["answered"], shown["typical_response_seconds"]) == (1, 4 * 3600)
    assert remind_waiting_experts(cast.clock.advance(hours=30)).due == 0
