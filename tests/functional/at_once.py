"""Fire the same request several times at once, as a double (or tenfold) click does.

Threads wait at a barrier, then all call the app through ``chalice.test.Client`` against the
shared moto server (whose DynamoDB keeps DynamoDB's isolation) and the local Stripe stand-in.
The test client swaps ``os.environ`` for a patched copy around each request; from threads its
restores interleave, so the process's own environment object is put back afterwards.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

TIMES = 6
CLICKS = 3


def at_once(request: Callable[[], Any], times: int = TIMES, clicks: int = CLICKS) -> list[Any]:
    """``times`` clients released together, each sending ``request`` ``clicks`` times in a row: the
    later clicks land while the first ones are still being served. Every answer, in no given order."""
    environment = os.environ
    barrier = threading.Barrier(times)

    def client(_: int) -> list[Any]:
        barrier.wait(timeout=60)
        return [request() for _ in range(clicks)]

    try:
        with ThreadPoolExecutor(max_workers=times) as pool:
            return [answer for answers in pool.map(client, range(times)) for answer in answers]
    finally:
        os.environ = environment  # noqa: B003 - the very object chalice.test swapped out, not a clear


def outcomes(responses: list[Any]) -> dict[tuple[int, str], int]:
    """How many answers were each (HTTP status, error code or the body's status or state): what a client acts on."""
    seen: Counter[tuple[int, str]] = Counter()
    for response in responses:
        body = response.json_body or {}
        code = body["error"]["code"] if "error" in body else str(body.get("status", body.get("state", "")))
        seen[(response.status_code, code)] += 1
    return dict(sorted(seen.items()))
