"""With ``iceTransportPolicy: "relay"`` (the page's ``?ice=relay``) the browsers may use only the
TURN candidates of ``GET /sessions/{id}/ice-servers``: the call connects, and the selected
candidate pair is a relay on both sides, through the local coturn, so TURN is proven, not assumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import wait_for
from tests.browser.test_two_browser_call import _click, _page_state, _sign_in, _stats, _text, _visible
from tests.stack.test_paid_call_journey import _cast

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack


def test_a_relay_only_call_connects_through_the_local_coturn(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    assert local_stack.info.get("turn"), "the local stack runs no coturn: this test waits for issue 11.2"
    expert, client, _ = _cast(local_stack)
    expert_tab, client_tab = browsers(), browsers()
    _sign_in(expert_tab, local_stack, expert, "?ice=relay")
    wait_for("the expert's page", lambda: _visible(expert_tab, "expert-home"), on_fail=lambda: _page_state(expert_tab))
    _click(expert_tab, "presence")
    wait_for("the expert online", lambda: "online" in _text(expert_tab, "presence-state"))
    _sign_in(client_tab, local_stack, client, f"?ice=relay&expert={expert.sub}")
    voice = f'#experts [data-expert-id="{expert.sub}"] button[data-media="video"]'
    wait_for("the expert listed", lambda: client_tab.find_elements(By.CSS_SELECTOR, voice))
    client_tab.find_element(By.CSS_SELECTOR, voice).click()
    accept = '#ringing button[data-answer="accept"]'
    wait_for("the expert's tab ringing", lambda: expert_tab.find_elements(By.CSS_SELECTOR, accept))
    expert_tab.find_element(By.CSS_SELECTOR, accept).click()
    for tab in (expert_tab, client_tab):
        wait_for(
            "connected",
            lambda tab=tab: _text(tab, "call-state") == "Connected",
            on_fail=lambda tab=tab: _page_state(tab),
        )
        stats = wait_for("a selected pair", lambda tab=tab: (s := _stats(tab)).get("localCandidateType") and s)
        assert (stats["localCandidateType"], stats["remoteCandidateType"]) == ("relay", "relay")
        before = stats.get("videoBytesReceived") or 0
        wait_for(
            "video through the relay",
            lambda tab=tab, before=before: (_stats(tab).get("videoBytesReceived") or 0) > before + 1000,
        )
