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

from tests.browser.conftest import record_figures, wait_for
from tests.stack.test_paid_call_journey import _cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.stack.conftest import LocalStack, Person

pytestmark = pytest.mark.stack
PASSWORD = "Stack-person-2026"  # tests.stack.conftest.new_person's


def _text(driver: Any, element_id: str) -> str:
    return str(
        driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.textContent : ''", element_id
        )
    )


def _visible(driver: Any, element_id: str) -> bool:
    return bool(
        driver.execute_script("const e = document.getElementById(arguments[0]); return !!e && !e.hidden", element_id)
    )


def _page_state(driver: Any) -> str:
    logs = "\n".join(str(entry.get("message")) for entry in driver.get_log("browser"))[-3000:]
    return f"error: {_text(driver, 'error')!r} call-state: {_text(driver, 'call-state')!r}\nconsole:\n{logs}"


def _stats(driver: Any) -> dict[str, Any]:
    return dict(driver.execute_async_script("const done = arguments[0]; window.parleyDebug.stats().then(done)"))


def _sign_in(driver: Any, stack: LocalStack, person: Person, query: str = "") -> None:
    driver.get(stack.info["web_url"] + query)
    wait_for("the sign-in form", lambda: _visible(driver, "sign-in"), on_fail=lambda: _page_state(driver))
    driver.find_element(By.ID, "email").send_keys(person.email)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in-button").click()


def _click(driver: Any, element_id: str) -> None:
    driver.find_element(By.ID, element_id).click()


def test_two_browsers_call_by_voice_switch_video_see_the_meter_and_end_at_90_minutes_with_a_receipt_each(
    local_stack: LocalStack, clock: Path, browsers: Callable[[], Any]
) -> None:
    expert, client, _ = _cast(local_stack)
    expert_tab, client_tab = browsers(), browsers()
    both = {"expert": expert_tab, "client": client_tab}

    _sign_in(expert_tab, local_stack, expert)
    wait_for("the expert's page", lambda: _visible(expert_tab, "expert-home"), on_fail=lambda: _page_state(expert_tab))
    _click(expert_tab, "presence")
    wait_for(
        "the expert online",
        lambda: "online" in _text(expert_tab, "presence-state"),
        on_fail=lambda: _page_state(expert_tab),
    )

    _sign_in(client_tab, local_stack, client, f"?expert={expert.sub}")
    voice = f'#experts [data-expert-id="{expert.sub}"] button[data-media="voice"]'
    wait_for(
        "the expert listed",
        lambda: client_tab.find_elements(By.CSS_SELECTOR, voice),
        on_fail=lambda: _page_state(client_tab),
    )
    client_tab.find_element(By.CSS_SELECTOR, voice).click()

    accept = '#ringing button[data-answer="accept"]'
    wait_for(
        "the expert's tab ringing",
        lambda: expert_tab.find_elements(By.CSS_SELECTOR, accept),
        on_fail=lambda: _page_state(expert_tab),
    )
    expert_tab.find_element(By.CSS_SELECTOR, accept).click()
    for name, tab in both.items():
        wait_for(
            f"the {name} connected",
            lambda tab=tab: _text(tab, "call-state") == "Connected",
            on_fail=lambda tab=tab: _page_state(tab),
        )
    requested_at = client_tab.execute_script("return window.parleyRequestedAt")
    connected_in = (client_tab.execute_script("return window.parleyDebug.connectedAt()") - requested_at) / 1000

    # Voice only so far: no video arrives; then each side turns its camera on and the other sees it.
    assert all(_text(tab, "remote-video-state") == "Camera off" for tab in both.values())
    for name, tab in both.items():
        _click(tab, "video-toggle")
        other = client_tab if tab is expert_tab else expert_tab
        wait_for(
            f"the {name}'s video reaching the other side",
            lambda other=other: _text(other, "remote-video-state") == "Camera on",
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
    _click(client_tab, "video-toggle")
    wait_for("the client's video off at the expert", lambda: _text(expert_tab, "remote-video-state") == "Camera off")

    # A network blip: the client's socket drops; it reconnects, joins the same call again and restarts ICE.
    ufrag_before = _stats(expert_tab)["remoteIceUfrag"]
    client_tab.execute_script("window.parleyDebug.dropSocket()")
    wait_for(
        "the client back in the same call with an ICE restart",
        lambda: client_tab.execute_script(
            "const d = window.parleyDebug; return d.rejoins() === 1 && d.iceRestarts() === 1"
        ),
        on_fail=lambda: _page_state(client_tab),
    )
    wait_for(
        "the restarted ICE at the expert", lambda: _stats(expert_tab)["remoteIceUfrag"] not in (ufrag_before, None)
    )
    for name, tab in both.items():
        wait_for(f"the {name} connected again", lambda tab=tab: _stats(tab).get("state") == "connected")
        assert grows(tab, "audio")

    # A reload: the page joins the same call again, offers on a new connection, and media flows again.
    client_tab.refresh()
    wait_for(
        "the reloaded client connected again",
        lambda: _visible(client_tab, "call") and _text(client_tab, "call-state") == "Connected",
        on_fail=lambda: _page_state(client_tab),
    )
    for tab in both.values():
        assert grows(tab, "audio")

    clock.write_text(str(4 * 60))  # the jobs runner's every-minute sweep fires on the moved clock
    wait_for("the client's meter", lambda: "cost so far" in _text(client_tab, "meter"))
    wait_for("the expert's meter", lambda: "earned so far" in _text(expert_tab, "meter"))

    clock.write_text(str(85 * 60 + 5))
    for name, tab in both.items():
        wait_for(f"the 5-minute warning for the {name}", lambda tab=tab: "5 minutes left" in _text(tab, "warning"))

    clock.write_text(str(95 * 60))
    for name, tab in both.items():
        wait_for(
            f"the receipt in the {name}'s tab",
            lambda tab=tab: _visible(tab, "receipt"),
            on_fail=lambda tab=tab: _page_state(tab),
        )

    def receipt(tab: Any) -> dict[str, str]:
        found = tab.find_elements(By.CSS_SELECTOR, "#receipt-lines dd")
        return {element.get_attribute("data-receipt"): element.text for element in found}

    client_receipt, expert_receipt = receipt(client_tab), receipt(expert_tab)
    assert client_receipt["minutes"] == expert_receipt["minutes"] == "90"
    assert client_receipt["amount"] == "$270.00"  # 90 minutes at $3.00
    assert expert_receipt["earnings"] == "$243.00"  # less the 10% commission
    assert "90-minute limit" in client_receipt["reason"]
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
    _sign_in(client_tab, local_stack, client, f"?expert={expert.sub}")
    video = f'#experts [data-expert-id="{expert.sub}"] button[data-media="video"]'
    wait_for("the expert listed", lambda: client_tab.find_elements(By.CSS_SELECTOR, video))
    client_tab.find_element(By.CSS_SELECTOR, video).click()
    wait_for(
        "the API's refusal shown",
        lambda: _visible(client_tab, "error") and "not available" in _text(client_tab, "error"),
        on_fail=lambda: _page_state(client_tab),
    )

    _sign_in(expert_tab, local_stack, expert)
    wait_for("the expert's page", lambda: _visible(expert_tab, "expert-home"), on_fail=lambda: _page_state(expert_tab))
    _click(expert_tab, "presence")
    wait_for("the expert online", lambda: "online" in _text(expert_tab, "presence-state"))
    client_tab.find_element(By.CSS_SELECTOR, video).click()
    decline = '#ringing button[data-answer="decline"]'
    wait_for("the expert's tab ringing", lambda: expert_tab.find_elements(By.CSS_SELECTOR, decline))
    expert_tab.find_element(By.CSS_SELECTOR, decline).click()
    wait_for("the decline told to the client", lambda: "declined" in _text(client_tab, "request-state"))
    wait_for("the ringing stopped", lambda: not expert_tab.find_elements(By.CSS_SELECTOR, decline))
    assert not _visible(client_tab, "error")
