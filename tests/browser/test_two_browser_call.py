"""A real call between two headless Chromium browsers on the running local stack, through the web client.

The client calls by voice, the expert's tab rings and accepts, both join and connect; each turns
video on and off during the call and the other side sees it; audio and video bytes arrive on both
sides; the live meter shows in both tabs; at 90 minutes (the stack's clock offset) the call ends in
both browsers, is charged for 90 minutes, and the receipt reaches both.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser import steps_calls as calls
from tests.browser import web
from tests.browser.conftest import record_figures, wait_for
from tests.stack.test_paid_call_journey import _cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack
PASSWORD = "Stack-person-2026"  # tests.stack.conftest.new_person's


def _stats(driver: Any) -> dict[str, Any]:
    return dict(driver.execute_async_script("const done = arguments[0]; window.parleyDebug.stats().then(done)"))


def _alerts(driver: Any) -> list[str]:
    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=alert]") if e.text.strip()]


def test_two_browsers_call_by_voice_switch_video_see_the_meter_and_end_at_90_minutes_with_a_receipt_each(
    local_stack: LocalStack, clock: Path, browsers: Callable[[], Any]
) -> None:
    expert, client, _ = _cast(local_stack)
    expert_tab, client_tab = browsers(), browsers()
    both = {"expert": expert_tab, "client": client_tab}

    web.sign_in(expert_tab, local_stack, expert.email, PASSWORD)
    calls.go_online(expert_tab, local_stack)
    web.sign_in(client_tab, local_stack, client.email, PASSWORD)
    calls.call_expert(client_tab, local_stack, expert.sub, "Ines Expert", "voice")
    calls.accept_incoming_call(expert_tab)
    for tab in both.values():
        calls.wait_connected(tab)
    requested_at = client_tab.execute_script("return window.parleyRequestedAt")
    connected_in = (client_tab.execute_script("return window.parleyDebug.connectedAt()") - requested_at) / 1000

    # Voice only so far: no video arrives; then each side turns its camera on and the other sees it.
    assert all(web.text_shown(tab, "Their camera is off") for tab in both.values())
    web.record_page(client_tab, "calls-call")
    for name, tab in both.items():
        web.click(tab, "Turn video on")
        other = client_tab if tab is expert_tab else expert_tab
        wait_for(
            f"the {name}'s video reaching the other side",
            lambda other=other: web.text_shown(other, "Their camera is on"),
            on_fail=lambda other=other: calls.page_state(other),
        )

    def grows(tab: Any, kind: str) -> bool:
        before = _stats(tab).get(f"{kind}BytesReceived") or 0
        return wait_for(f"{kind} bytes growing", lambda: (_stats(tab).get(f"{kind}BytesReceived") or 0) > before + 1000)

    for tab in both.values():
        assert grows(tab, "audio")
        assert grows(tab, "video")
    wait_for(
        "10 s of call",
        lambda: client_tab.execute_script("return performance.now() - window.parleyDebug.connectedAt() >= 10000"),
    )
    figures = {name: _stats(tab) for name, tab in both.items()}

    # Video off on the client's side reaches the expert.
    web.click(client_tab, "Turn video off")
    wait_for("the client's video off at the expert", lambda: web.text_shown(expert_tab, "Their camera is off"))

    # A network blip: the client's socket drops; it reconnects, joins the same call again and restarts ICE.
    ufrag_before = _stats(expert_tab)["remoteIceUfrag"]
    client_tab.execute_script("window.parleyDebug.dropSocket()")
    wait_for(
        "the client back in the same call with an ICE restart",
        lambda: client_tab.execute_script(
            "const d = window.parleyDebug; return d.rejoins() === 1 && d.iceRestarts() === 1"
        ),
        on_fail=lambda: calls.page_state(client_tab),
    )
    wait_for(
        "the restarted ICE at the expert", lambda: _stats(expert_tab)["remoteIceUfrag"] not in (ufrag_before, None)
    )
    for name, tab in both.items():
        wait_for(f"the {name} connected again", lambda tab=tab: _stats(tab).get("state") == "connected")
        assert grows(tab, "audio")

    # A reload: the page joins the same call again, offers on a new connection, and media flows again.
    client_tab.refresh()
    web.wait_heading(client_tab, "Your call")
    calls.wait_connected(client_tab)
    for tab in both.values():
        assert grows(tab, "audio")

    clock.write_text(str(4 * 60))  # the jobs runner's every-minute sweep fires on the moved clock
    web.wait_text(client_tab, "cost so far", timeout=90)
    web.wait_text(expert_tab, "earned so far", timeout=90)

    clock.write_text(str(85 * 60 + 5))
    for tab in both.values():
        web.wait_text(tab, "5 minutes left: calls end at 90 minutes.", timeout=90)

    clock.write_text(str(95 * 60))
    client_receipt, expert_receipt = calls.receipt_lines(client_tab), calls.receipt_lines(expert_tab)
    web.record_page(client_tab, "calls-receipt")
    assert client_receipt["Billed minutes"] == expert_receipt["Billed minutes"] == "90"
    assert client_receipt["Charged"] == "$270.00"  # 90 minutes at $3.00
    assert expert_receipt["Your earnings"] == "$243.00"  # less the 10% commission
    assert "90-minute limit" in client_receipt["Ended"]
    session_id = client_tab.current_url.split("/call/")[1].split("/")[0]
    assert web.button(client_tab, "Rate this call").get_attribute("href").endswith(f"/sessions/{session_id}/review")
    record_figures(_figures(connected_in, figures))


def _figures(connected_in: float, stats: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What the issue's Done-when quotes: request to connected, the pairs, bytes after 10 s, SDP sizes."""
    return {
        "seconds_from_request_to_connected": round(connected_in, 2),
        "selected_candidate_pair": {
            name: f"{s.get('localCandidateType')}/{s.get('remoteCandidateType')}" for name, s in stats.items()
        },
        "bytes_received_after_10_s": {
            name: {"audio": s.get("audioBytesReceived"), "video": s.get("videoBytesReceived")}
            for name, s in stats.items()
        },
        "sdp_offer_bytes": max(s.get("offer") or 0 for s in stats.values()),
        "sdp_answer_bytes": max(s.get("answer") or 0 for s in stats.values()),
    }


def test_a_call_to_an_offline_expert_shows_the_apis_message_and_a_declined_call_says_so(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    expert, client, _ = _cast(local_stack)
    expert_tab, client_tab = browsers(), browsers()
    web.sign_in(client_tab, local_stack, client.email, PASSWORD)
    calls.call_expert(client_tab, local_stack, expert.sub, "Ines Expert", "video")
    refusal = wait_for("the API's refusal shown", lambda: _alerts(client_tab), on_fail=lambda: web.state(client_tab))
    assert "not available" in refusal[0]

    web.sign_in(expert_tab, local_stack, expert.email, PASSWORD)
    calls.go_online(expert_tab, local_stack)
    web.click(client_tab, "Video call with Ines Expert")
    web.click(expert_tab, "Decline")
    web.wait_text(client_tab, "The expert declined the call.")
    web.wait_text(expert_tab, "No call is ringing.")
    assert _alerts(client_tab) == []
