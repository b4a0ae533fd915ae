"""Idempotent requests, as Stripe keeps them (localstripe ignores the header).

Every ``POST`` with an ``Idempotency-Key`` header (the ``stripe`` library sends
one with every POST) is remembered for 24 hours, per API key and key:

* the same key with the same endpoint and parameters replays the first answer:
  same status and body, with ``Idempotent-Replayed: true`` and ``Original-Request``;
* the same key with other parameters, or on another endpoint, gets 400
  ``idempotency_error`` (``stripe.IdempotencyError``);
* while the first request is still running, the same key gets 409
  ``idempotency_key_in_use`` (the ``stripe`` library retries those).

As on Stripe, only requests that started executing are saved: successes, card
declines (402) and refusals that carry an outcome code; a request refused for
its parameters (missing, unknown, malformed) is not saved and may be retried
with corrected parameters under the same key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from localstripe.server import get_api_key, get_post_data

from infra.local.stripe_stand_in import clock
from infra.local.stripe_stand_in.errors import StripeError

KEEP_SECONDS = 24 * 3600
NOT_SAVED_STATUSES = {401, 403, 409, 429}
VALIDATION_CODES = {
    "parameter_missing",
    "parameter_unknown",
    "parameter_invalid_integer",
    "resource_missing",
    "url_invalid",
}

Handler = Any  # aiohttp's handler type; kept loose for the middleware signature


@dataclass(frozen=True)
class Saved:
    endpoint: str
    params: dict[str, Any]
    status: int
    body: bytes
    request_id: str | None
    saved_at: int


_saved: dict[tuple[str, str, str], Saved] = {}
_in_flight: set[tuple[str, str, str]] = set()


def clear() -> None:
    _saved.clear()


def _expire(now: int) -> None:
    for scope in [scope for scope, saved in _saved.items() if now - saved.saved_at >= KEEP_SECONDS]:
        del _saved[scope]


def _worth_saving(response: web.StreamResponse) -> bool:
    if not isinstance(response, web.Response) or response.status >= 500 or response.status in NOT_SAVED_STATUSES:
        return False
    if response.status < 400 or response.status == 402:
        return True
    try:
        error = json.loads(bytes(response.body or b"{}")).get("error", {})  # type: ignore[arg-type]
    except ValueError:
        return False
    return bool(error.get("code")) and error.get("code") not in VALIDATION_CODES


def _error(message: str, status: int = 400, **extra: Any) -> StripeError:
    return StripeError(status, message, type="idempotency_error", **extra)


def _replay(saved: Saved, key: str) -> web.Response:
    response = web.Response(body=saved.body, status=saved.status, content_type="application/json")
    response.headers["Idempotent-Replayed"] = "true"
    response.headers["Idempotency-Key"] = key
    if saved.request_id:
        response.headers["Original-Request"] = saved.request_id
    return response


@web.middleware
async def idempotency(request: web.Request, handler: Handler) -> web.StreamResponse:
    key = request.headers.get("Idempotency-Key")
    if request.method != "POST" or not key:
        response: web.StreamResponse = await handler(request)
        return response
    scope = (get_api_key(request) or "", request.headers.get("Stripe-Account", ""), key)
    endpoint = f"{request.method} {request.path}"
    data = await get_post_data(request, remove_auth=False)
    params: dict[str, Any] = dict(data) if data else {}
    now = clock.now()
    _expire(now)
    saved = _saved.get(scope)
    if saved is not None:
        if saved.endpoint != endpoint:
            raise _error(
                f"Keys for idempotent requests can only be used for the same endpoint they were first used for "
                f"('{saved.endpoint}' vs '{endpoint}'). Try using a key other than '{key}' if you meant to "
                "execute a different request."
            )
        if saved.params != params:
            raise _error(
                "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                f"Try using a key other than '{key}' if you meant to execute a different request."
            )
        return _replay(saved, key)
    if scope in _in_flight:
        raise StripeError(
            409,
            "There is currently another in-progress request using this Idempotent Key (that probably means you "
            f"submitted twice, and the other request is still going through): {key}. Please try again later.",
            code="idempotency_key_in_use",
        )
    _in_flight.add(scope)
    try:
        response = await handler(request)
    finally:
        _in_flight.discard(scope)
    response.headers["Idempotency-Key"] = key
    if _worth_saving(response):
        assert isinstance(response, web.Response)
        body = bytes(response.body or b"")  # type: ignore[arg-type]
        _saved[scope] = Saved(endpoint, params, response.status, body, request.get("stripe_stand_in_request_id"), now)
    return response
