"""The outside world as the handlers hand it to use cases, made on first use and reused.

Tests swap them (``set_clock``, ``reset``); scheduled jobs may run "as of" a time by
setting the clock. On the local stack only, ``PARLEY_CLOCK_OFFSET_FILE`` names a file
holding seconds to add to the real time, so that tests can make a 90-minute call pass
in every process of the stack at once without waiting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.settings import Settings, get_settings
from chalicelib.uploads.file_store import FileStore, S3FileStore

if TYPE_CHECKING:
    from chalicelib.payments.stripe_gateway import StripeGateway
    from chalicelib.sessions.notifier import CallNotifier
    from chalicelib.sessions.timers import CallTimers


def _real_time() -> datetime:
    return datetime.now(UTC) + _local_offset()


def _local_offset() -> timedelta:
    path = os.environ.get("PARLEY_CLOCK_OFFSET_FILE")
    if not path or os.environ.get("PARLEY_STAGE") != "local":
        return timedelta()
    try:
        with open(path) as offset:
            return timedelta(seconds=float(offset.read().strip() or 0))
    except FileNotFoundError:
        return timedelta()


_clock: Callable[[], datetime] = _real_time
_notifier: CallNotifier | None = None


def now() -> datetime:
    return _clock()


def settings() -> Settings:
    return get_settings()


@lru_cache(maxsize=1)
def file_store() -> FileStore:
    return S3FileStore(get_settings().media_bucket)


@lru_cache(maxsize=1)
def stripe_gateway() -> StripeGateway:
    from chalicelib.payments.secrets import stripe_secret_key
    from chalicelib.payments.stripe_gateway import StripeGateway

    return StripeGateway(stripe_secret_key, api_base=os.environ.get("PARLEY_STRIPE_API_BASE"))


def call_timers() -> CallTimers:
    """Each live call's timer: the call-timer queue (``chalicelib/sessions/timers.py``); tests swap this."""
    return _sqs_call_timers()


@lru_cache(maxsize=1)
def _sqs_call_timers() -> CallTimers:
    from chalicelib.sessions.timers import SqsCallTimers

    return SqsCallTimers()


def notifier() -> CallNotifier:
    """Who tells people of call events from the deliveries consumer: every open WebSocket connection of
    the person (``sessions/notifier.default_notifier``); tests set theirs with ``use_notifier``."""
    if _notifier is not None:
        return _notifier
    from chalicelib.sessions.notifier import default_notifier

    return default_notifier()


def use_notifier(chosen: CallNotifier | None) -> None:
    global _notifier
    _notifier = chosen


def set_clock(clock: Callable[[], datetime]) -> None:
    global _clock
    _clock = clock


def reset() -> None:
    """Forget every cached collaborator (tests that change the environment call this)."""
    from chalicelib.payments.secrets import stripe_secret_key, stripe_webhook_secret
    from chalicelib.sessions.ice_servers import turn_secret
    from chalicelib.web.api import token_verifier

    get_settings.cache_clear()
    file_store.cache_clear()
    stripe_gateway.cache_clear()
    _sqs_call_timers.cache_clear()
    stripe_secret_key.cache_clear()
    stripe_webhook_secret.cache_clear()
    turn_secret.cache_clear()
    token_verifier.cache_clear()
    set_clock(_real_time)
    use_notifier(None)
