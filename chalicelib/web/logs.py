"""Structured JSON logs, one object per line, each carrying the request id."""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from typing import Any

request_id_var: ContextVar[str] = ContextVar("request_id", default="-")

# Not "parley": Chalice gives the logger named after the app a plain-text handler of its own.
_logger = logging.getLogger("parley.json")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "level": record.levelname.lower(),
            "message": record.getMessage(),
            "logger": record.name,
            "request_id": request_id_var.get(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stdout`` is at the time (Lambda's, or a test's capture)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def _configure() -> None:
    if _logger.handlers:
        return
    handler = _StdoutHandler()
    handler.setFormatter(JsonFormatter())
    _logger.addHandler(handler)
    _logger.setLevel(logging.INFO)
    _logger.propagate = False


def log_info(message: str, **fields: Any) -> None:
    _configure()
    _logger.info(message, extra={"fields": fields})


def log_error(message: str, **fields: Any) -> None:
    """Log with the current exception's traceback; the client never sees it."""
    _configure()
    _logger.error(message, exc_info=True, extra={"fields": fields})
