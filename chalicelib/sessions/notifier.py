"""How call events reach people: ``CallNotifier.notify`` sends a message to every open device of a person."""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.web.logs import log_info


class CallNotifier(Protocol):
    def notify(self, account_id: str, message: dict[str, Any]) -> None: ...  # to every open device of that person


class LoggingNotifier:
    """Writes each message as a JSON log line instead of delivering it."""

    def notify(self, account_id: str, message: dict[str, Any]) -> None:
        log_info("call notification", account_id=account_id, notification=message)


def default_notifier() -> CallNotifier:
    """The notifier REST handlers and the sweep use: every open WebSocket connection of the person,
    through API Gateway's @connections API (``chalicelib/realtime``); a log line where none is configured."""
    from chalicelib import runtime
    from chalicelib.realtime.relay import AccountNotifier
    from chalicelib.realtime.sender import configured_management_url, sender_for

    endpoint = configured_management_url()
    if endpoint is None:  # no WebSocket API configured (tools, tests without one): log instead
        return LoggingNotifier()
    return AccountNotifier(sender_for(endpoint), runtime.now())
