"""Events: localstripe's ``Event`` with the fields Stripe's carry, sent through its webhooks.

Every event, localstripe's own included, gets ``request`` (the id and idempotency
key of the API call that caused it; null for a person's action such as finishing
onboarding), ``pending_webhooks`` and an ``api_version``; ``data.object`` is a
snapshot taken when the event happens. ``emit`` sends an event to the endpoints
registered with ``POST /_config/webhooks/{id}``, signed by localstripe as Stripe
signs (``Stripe-Signature: t=...,v1=...``), about one second later.
"""

from __future__ import annotations

import copy
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from localstripe import resources, webhooks

DEFAULT_API_VERSION = "2025-01-27.acacia"


@dataclass(frozen=True)
class RequestInfo:
    request_id: str
    idempotency_key: str | None
    api_version: str | None


current_request: ContextVar[RequestInfo | None] = ContextVar("stripe_stand_in_request", default=None)

_localstripe_event_init = resources.Event.__init__


def _event_init(self: Any, type: str, data: Any) -> None:
    _localstripe_event_init(self, type, data)
    info = current_request.get()
    self.data = copy.deepcopy(self.data)
    self.api_version = (info.api_version if info else None) or DEFAULT_API_VERSION
    self.request = {
        "id": info.request_id if info else None,
        "idempotency_key": info.idempotency_key if info else None,
    }
    self.pending_webhooks = sum(1 for hook in webhooks._webhooks.values() if hook.events is None or type in hook.events)


def install() -> None:
    resources.Event.__init__ = _event_init


def emit(
    event_type: str, obj: Any, *, previous_attributes: dict[str, Any] | None = None, account: str | None = None
) -> Any:
    """Record an event about ``obj`` and deliver it to the registered webhook endpoints."""
    event = resources.Event(event_type, obj)
    if previous_attributes:
        event.data["previous_attributes"] = copy.deepcopy(previous_attributes)
    if account:
        event.account = account  # events of connected accounts name them, as Connect webhooks see them
    webhooks.schedule_webhook(event)
    return event
