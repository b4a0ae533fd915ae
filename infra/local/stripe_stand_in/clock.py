"""The stand-in's clock: wall time plus an offset tests can move forward.

It times what the stand-in adds (account links expire after 300 s, idempotency
keys after 24 h). ``POST /_config/clock`` with ``advance=<seconds>`` moves it on.
Timestamps shown in objects (``created``, ``expires_at``, ...) stay wall-clock
time, as localstripe's do; only these expiries follow the moved clock.
"""

from __future__ import annotations

import time

_offset = 0.0


def now() -> int:
    return int(time.time() + _offset)


def advance(seconds: float) -> int:
    global _offset
    _offset += seconds
    return now()
