"""Errors shaped as Stripe shapes them: ``{"error": {"type", "message", "code", "param", ...}}``.

They subclass localstripe's ``UserError`` so its error middleware turns them into
responses like its own.
"""

from __future__ import annotations

from typing import Any

from localstripe.errors import UserError

DOCS = "https://stripe.com/docs/error-codes"


class StripeError(UserError):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(status, message)
        body: dict[str, Any] = {"type": type, "message": message}
        if code:
            body["code"] = code
            body["doc_url"] = f"{DOCS}/{code.replace('_', '-')}"
        if param:
            body["param"] = param
        body.update(extra)
        self.body = {"error": body}


def invalid(message: str, *, param: str | None = None, code: str | None = None, status: int = 400) -> StripeError:
    return StripeError(status, message, param=param, code=code)


def missing(param: str) -> StripeError:
    return invalid(f"Missing required param: {param}.", param=param, code="parameter_missing")


def unknown(param: str) -> StripeError:
    return invalid(f"Received unknown parameter: {param}", param=param, code="parameter_unknown")


def no_such(object_type: str, object_id: str, *, param: str | None = None, status: int = 400) -> StripeError:
    """A missing object: 404 when it is the request's own path, 400 when a parameter names it."""
    return invalid(f"No such {object_type}: '{object_id}'", param=param, code="resource_missing", status=status)


def unexpected_state(message: str) -> StripeError:
    return invalid(message, code="payment_intent_unexpected_state")
