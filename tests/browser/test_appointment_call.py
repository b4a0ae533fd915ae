"""A booked appointment's call in two browsers: both open it from the booking (``/bookings/{id}/join``),
it connects, and the receipt says the booking paid for it; before its window the page says when it opens.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import requests

from tests.browser import steps_calls as calls
from tests.browser import web
from tests.browser.test_two_browser_call import PASSWORD
from tests.stack.conftest import new_person
from tests.stack.test_booking_journey import _book, _expert

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack


def _booked(stack: LocalStack) -> tuple[Any, Any, dict[str, Any], datetime]:
    run = uuid.uuid4().hex[:8]
    expert, client = _expert(stack, run), new_person(stack, f"appointment-client-{run}@example.com")
    day = (datetime.now(UTC) + timedelta(days=3)).date()
    query = {"from": str(day), "to": str(day), "tz": "UTC", "minutes": 30}
    slots = requests.get(f"{stack.info['api_url']}/experts/{expert.sub}/slots", params=query, timeout=30).json()
    first = slots["slots"][0]["start_utc"]
    booking = _book(stack, expert, client, first)
    return expert, client, booking, datetime.fromisoformat(first.replace("Z", "+00:00"))


def test_both_sides_join_a_booked_appointments_call_from_the_booking_and_the_receipt_says_the_booking_paid(
    local_stack: LocalStack, browsers: Callable[[], Any], clock: Path
) -> None:
    expert, client, booking, start = _booked(local_stack)
    expert_tab, client_tab = browsers(), browsers()
    web.sign_in(client_tab, local_stack, client.email, PASSWORD)
    web.open_page(client_tab, local_stack, f"/bookings/{booking['appointment_id']}/join")
    web.wait_heading(client_tab, "Join the call")
    web.wait_text(client_tab, "minutes before the appointment starts")
    web.record_page(client_tab, "calls-join-too-early")
    assert (
        web.button(client_tab, "Back to the booking")
        .get_attribute("href")
        .endswith(f"/bookings/{booking['appointment_id']}")
    )

    clock.write_text(str(int((start - timedelta(minutes=5) - datetime.now(UTC)).total_seconds())))
    web.sign_in(expert_tab, local_stack, expert.email, PASSWORD)
    for tab in (client_tab, expert_tab):
        calls.join_booked_call(tab, local_stack, booking["appointment_id"])
    for tab in (client_tab, expert_tab):
        calls.wait_connected(tab)
    assert client_tab.current_url == expert_tab.current_url  # one call session for the booking

    receipt = calls.hang_up(client_tab)
    assert receipt["Charged"] == "$90.00, paid by the booking"
    assert receipt["Ended"] == "The call was hung up."
    web.wait_heading(expert_tab, "Receipt", timeout=60)
