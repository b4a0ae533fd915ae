"""Fixtures shared by every test folder."""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def local_stripe_url() -> Iterator[str]:
    """The local Stripe stand-in (localstripe + ``infra.local.stripe_stand_in``) on a free loopback port.

    It runs for the whole session in a background thread with its own event loop;
    its store is in memory and shared by every test, so tests use their own objects
    and compare balances before and after rather than expecting an empty store.
    """
    from aiohttp import web

    from infra.local.stripe_stand_in import build_app

    with warnings.catch_warnings():  # localstripe's handlers are plain functions, which aiohttp frowns on
        warnings.filterwarnings("ignore", "Bare functions are deprecated", DeprecationWarning)
        app = build_app()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    started = threading.Event()
    address: dict[str, Any] = {}

    def serve() -> None:
        asyncio.set_event_loop(loop)

        async def start() -> None:
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            address["port"] = runner.addresses[0][1]

        try:
            loop.run_until_complete(start())
        except BaseException as error:  # surfaced to the test session below
            address["error"] = error
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="local-stripe", daemon=True)
    thread.start()
    if not started.wait(timeout=30) or "error" in address:
        raise RuntimeError(f"the local Stripe stand-in did not start: {address.get('error')!r}")
    yield f"http://127.0.0.1:{address['port']}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


# The contract count: how many responses (and WebSocket messages) the suites checked against the documents.
def pytest_sessionfinish(session: pytest.Session) -> None:
    from tests.contract import CHECKED

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the count to the controller
        workeroutput["contract_checked"] = dict(CHECKED)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown when the run has -p no:xdist
def pytest_testnodedown(node: Any, error: Any) -> None:
    from tests.contract import CHECKED

    CHECKED.update(getattr(node, "workeroutput", {}).get("contract_checked", {}))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    from tests.contract import CHECKED

    if CHECKED:
        terminalreporter.write_line(
            f"contract: {CHECKED['responses']} HTTP responses validated against the OpenAPI document, "
            f"{CHECKED['ws_messages']} WebSocket messages against the AsyncAPI document "
            f"({CHECKED['unmatched']} answers to paths the document does not have, checked as errors)"
        )
