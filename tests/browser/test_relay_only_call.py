"""With ``iceTransportPolicy: "relay"`` (the page's ``?ice=relay``) the browsers may use only the
TURN candidates of ``GET /sessions/{id}/ice-servers``: the call connects, and the selected
candidate pair is a relay on both sides, through the local coturn, so TURN is proven, not assumed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.browser import steps_calls as calls
from tests.browser import web
from tests.browser.conftest import wait_for
from tests.browser.test_two_browser_call import PASSWORD, _stats
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
    web.sign_in(expert_tab, local_stack, expert.email, PASSWORD)
    calls.go_online(expert_tab, local_stack, "?ice=relay")
    web.sign_in(client_tab, local_stack, client.email, PASSWORD)
    calls.call_expert(client_tab, local_stack, expert.sub, "Ines Expert", "video", "&ice=relay")
    calls.accept_incoming_call(expert_tab)
    for tab in (expert_tab, client_tab):
        calls.wait_connected(tab)
        stats = wait_for("a selected pair", lambda tab=tab: (s := _stats(tab)).get("localCandidateType") and s)
        assert (stats["localCandidateType"], stats["remoteCandidateType"]) == ("relay", "relay")
        before = stats.get("videoBytesReceived") or 0
        wait_for(
            "video through the relay",
            lambda tab=tab, before=before: (_stats(tab).get("videoBytesReceived") or 0) > before + 1000,
        )
