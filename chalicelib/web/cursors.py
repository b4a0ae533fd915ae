"""Opaque page cursors: a DynamoDB start key, bound to the listing it was made for.

A cursor from one listing (one index, one owner, one filter) is refused by any other, so a
client can neither tamper with a page's start nor use it to read someone else's items.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from chalicelib.errors import Unprocessable


def encode_cursor(scope: str, last_key: Mapping[str, Any]) -> str:
    payload = json.dumps({"s": scope, "k": last_key}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(scope: str, cursor: str) -> dict[str, Any]:
    """The start key ``cursor`` carries; 422 ``invalid_cursor`` unless it was made for ``scope``."""
    invalid = Unprocessable("The cursor is not valid for this listing; start again without it.", code="invalid_cursor")
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(payload, dict) or payload.get("s") != scope or not isinstance(payload.get("k"), dict):
        raise invalid
    key: dict[str, Any] = payload["k"]
    if not all(isinstance(value, dict) and len(value) == 1 for value in key.values()):
        raise invalid
    return key
