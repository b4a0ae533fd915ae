"""Size caps on WebSocket messages.

API Gateway cuts WebSocket frames at 32 KB (and messages at 128 KB across frames);
we accept one frame's worth per message and refuse more, with an error message
rather than a dropped connection. Relayed signalling payloads (an SDP offer or
answer, an ICE candidate) are capped lower: a real SDP is a few kilobytes.
"""

from __future__ import annotations

import json
from typing import Any

from chalicelib.errors import InvalidInput

MAX_MESSAGE_BYTES = 32 * 1024
MAX_SIGNAL_PAYLOAD_BYTES = 16 * 1024


def check_message_size(body: str) -> None:
    size = len(body.encode("utf-8"))
    if size > MAX_MESSAGE_BYTES:
        raise InvalidInput(
            f"A message may be at most {MAX_MESSAGE_BYTES} bytes; this one is {size}.", code="message_too_large"
        )


def check_signal_payload_size(payload: Any) -> None:
    size = len(json.dumps(payload, separators=(",", ":")).encode("utf-8"))
    if size > MAX_SIGNAL_PAYLOAD_BYTES:
        raise InvalidInput(
            f"A signalling payload may be at most {MAX_SIGNAL_PAYLOAD_BYTES} bytes; this one is {size}.",
            code="payload_too_large",
        )
