"""Routes for paid calls, session links and reviews; each call's timers and their every-minute backstop.

Thin: the WebSocket layer calls the same use cases (``chalicelib.sessions.calls``). The call-timer
queue's name is read when this module loads (Chalice builds the SQS event source from the decorator):
``PARLEY_CALL_TIMER_QUEUE_NAME`` (default ``<table prefix>call-timers``).
"""

from __future__ import annotations

import os
from typing import Any

from chalice.app import Rate, SQSEvent

from chalicelib import runtime
from chalicelib.limits.rate_limits import CALL_REQUESTS
from chalicelib.settings import table_prefix
from chalicelib.web.api import ApiBlueprint, ApiRequest, QueryParam
from chalicelib.web.logs import log_info
from chalicelib.web.numbers import whole_number_in_range

MAX_REVIEWS_PAGE = 50
CALLS = "chalicelib.sessions.responses"
REVIEWS = "chalicelib.reviews.responses"
CALL_TIMER_QUEUE = os.environ.get("PARLEY_CALL_TIMER_QUEUE_NAME") or f"{table_prefix()}call-timers"
CALL_TIMER_BATCH = 10  # at most 10 calls' work per invocation

api = ApiBlueprint(__name__, tag="sessions")


@api.route(
    "/sessions", "POST", summary="Ask an online expert for a call", status=201,
    body="chalicelib.sessions.schemas:CallRequestInput", errors=(403, 404, 409, 503), response=f"{CALLS}:CallView",
    limit=CALL_REQUESTS,
)  # fmt: skip
def request_call(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.sessions.calls import request_call as ask
    from chalicelib.sessions.notifier import default_notifier
    from chalicelib.sessions.schemas import CallRequestInput

    data = request.body(CallRequestInput)
    return ask(
        request.caller.account_id, data.expert_id, data.media, payment_method_id=data.payment_method_id,
        link_id=data.link_id, notifier=default_notifier(), now=runtime.now(),
    )  # fmt: skip


@api.route("/sessions/{session_id}", "GET", summary="A call, for its participants", response=f"{CALLS}:CallView")
def read_call(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.calls import get_call

    return get_call(session_id, request.caller.account_id)


@api.route(
    "/sessions/{session_id}/ice-servers", "GET",
    summary="STUN and TURN servers for a live call, with TURN credentials that end with it", errors=(409,),
    response=f"{CALLS}:CallIceServers",
)  # fmt: skip
def ice_servers(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.ice_servers import ice_servers_for_call

    return ice_servers_for_call(session_id, request.caller.account_id, runtime.now())


@api.route(
    "/sessions/{session_id}/accept", "POST",
    summary="The expert accepts a call (the client's card is held; a card that fails leaves it requested, with "
    "payment_failed)",
    errors=(403, 409, 502, 503), response=f"{CALLS}:CallView",
)  # fmt: skip
def accept(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.calls import accept_call
    from chalicelib.sessions.notifier import default_notifier

    return accept_call(session_id, request.caller.account_id, notifier=default_notifier(), now=runtime.now())


@api.route(
    "/sessions/{session_id}/card", "POST", summary="The client sends another card while the request lasts",
    body="chalicelib.sessions.schemas:CallCardInput", errors=(402, 403, 409, 502, 503), response=f"{CALLS}:CallView",
)  # fmt: skip
def replace_card(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.calls import replace_card as replace
    from chalicelib.sessions.notifier import default_notifier
    from chalicelib.sessions.schemas import CallCardInput

    data = request.body(CallCardInput)
    return replace(
        session_id, request.caller.account_id, data.payment_method_id, notifier=default_notifier(), now=runtime.now()
    )


@api.route(
    "/sessions/{session_id}/confirm-card", "POST",
    summary="After the client confirmed the card with Stripe.js (3-D Secure): both are told the hold is in place",
    errors=(402, 403, 409, 502, 503), response=f"{CALLS}:CallView",
)  # fmt: skip
def confirm_card(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.calls import confirm_card as confirm
    from chalicelib.sessions.notifier import default_notifier

    return confirm(session_id, request.caller.account_id, notifier=default_notifier(), now=runtime.now())


@api.route(
    "/sessions/{session_id}/decline", "POST", summary="The expert declines a call", errors=(403, 409),
    response=f"{CALLS}:CallView",
)  # fmt: skip
def decline(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.calls import decline_call

    return decline_call(session_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/sessions/{session_id}/cancel", "POST", summary="The client cancels a call request (a card hold is released)",
    errors=(403, 409, 502, 503), response=f"{CALLS}:CallView",
)  # fmt: skip
def cancel(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.calls import cancel_call

    return cancel_call(session_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/sessions/{session_id}/hang-up", "POST",
    summary="End a call: it is billed and both get a receipt (a request still ringing is cancelled or declined)",
    errors=(409, 502, 503), response=f"{CALLS}:CallView",
)  # fmt: skip
def hang_up(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.sessions.calls import hang_up as end

    return end(session_id, request.caller.account_id, now=runtime.now())


@api.route(
    "/sessions/{session_id}/review", "POST", summary="The client reviews a paid call, once", status=201,
    body="chalicelib.reviews.schemas:ReviewInput", errors=(403, 409), response=f"{REVIEWS}:CallReview",
)  # fmt: skip
def review(request: ApiRequest, session_id: str) -> dict[str, Any]:
    from chalicelib.reviews.reviews import review_call
    from chalicelib.reviews.schemas import ReviewInput

    data = request.body(ReviewInput)
    return review_call(
        session_id, request.caller.account_id, data, media_base_url=runtime.settings().media_base_url,
        now=runtime.now(),
    )  # fmt: skip


@api.route(
    "/experts/{expert_id}/reviews", "GET", summary="An expert's reviews, newest first", public=True,
    query=(QueryParam("limit", f"Page size, 1 to {MAX_REVIEWS_PAGE} (default 20).", "integer", minimum=1,
                      maximum=MAX_REVIEWS_PAGE, default=20),
           QueryParam("cursor", "next_cursor of the previous page (422 invalid_cursor if it is not this listing's).")),
    response=f"{REVIEWS}:ExpertReviewPage",
)  # fmt: skip
def reviews(request: ApiRequest, expert_id: str) -> dict[str, Any]:
    from chalicelib.reviews.reviews import expert_reviews

    limit = whole_number_in_range("limit", request.query("limit"), 1, MAX_REVIEWS_PAGE)
    return expert_reviews(expert_id, limit=limit, cursor=request.query("cursor"))


@api.route(
    "/experts/me/session-links", "GET", summary="My paid-session link and free-session links", errors=(404,),
    response=f"{CALLS}:SessionLinks",
)  # fmt: skip
def my_links(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.sessions.links import list_links

    return list_links(request.caller.account_id, runtime.now())


@api.route(
    "/experts/me/session-links", "POST", summary="Make a one-time free-session link", status=201, errors=(404,),
    response=f"{CALLS}:SessionLinkView",
)  # fmt: skip
def new_free_link(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.sessions.links import create_free_link

    return create_free_link(request.caller.account_id, runtime.now())


@api.blueprint.on_sqs_message(queue=CALL_TIMER_QUEUE, batch_size=CALL_TIMER_BATCH)
def run_call_timers(event: SQSEvent) -> None:
    """Each message is one call's timer: its due work (expiry, warning, end, settling), then its next timer."""
    from dataclasses import asdict

    from chalicelib.sessions.notifier import default_notifier
    from chalicelib.sessions.sweep import run_timers
    from chalicelib.sessions.timers import Timer

    timers = [Timer.from_json(record.body) for record in event]
    log_info("call timers run", **asdict(run_timers(timers, runtime.now(), default_notifier(), runtime.call_timers())))


@api.blueprint.schedule(Rate(1, unit=Rate.MINUTES))
def call_timer_backstop(event: Any) -> None:
    """Every minute: re-send the timers of calls overdue by more than the grace (a bounded page per run)."""
    from chalicelib.sessions.sweep import backstop
    from chalicelib.sessions.timers import backstop_grace

    log_info("call timers re-sent", overdue=backstop(runtime.now(), runtime.call_timers(), backstop_grace()))
