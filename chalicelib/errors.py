"""Domain errors: a stable machine code, a message for people, and an HTTP status.

Use cases raise these; ``chalicelib.web.api`` turns them into JSON responses in
one place. The status lives here so every error's meaning is read in one file.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    message: str


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"

    def __init__(self, message: str, problems: list[FieldProblem] | None = None, *, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.problems = problems or []


class Unprocessable(InvalidInput):
    """The request fits the API's document, but what it names cannot be used as asked: files that are not the
    caller's or not uploaded yet, a date already past, a list that is not exactly the caller's own things.
    422 with the fields, so 400 always means a request the document itself refuses."""

    status = 422


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class BodyTooLarge(DomainError):
    status = 413
    code = "body_too_large"


class Conflict(DomainError):
    status = 409
    code = "conflict"


@dataclass
class ErrorBody:
    code: str
    message: str
    request_id: str
    fields: list[FieldProblem] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"code": self.code, "message": self.message, "request_id": self.request_id}
        if self.fields:
            body["fields"] = [{"field": p.field, "code": p.code, "message": p.message} for p in self.fields]
        return {"error": body}


class PaymentRequired(DomainError):
    """The card was declined or needs the cardholder: Stripe's reason is in the message."""

    status = 402
    code = "card_declined"


class ProviderUnavailable(DomainError):
    """A peer (Stripe) did not answer or failed on its side; the request may be retried."""

    status = 503
    code = "payment_provider_unavailable"


class ProviderRefused(DomainError):
    """Stripe refused the request for good (say, an account that cannot receive transfers)."""

    status = 502
    code = "payment_provider_refused"


class TooManyRequests(DomainError):
    """An account's rate limit is spent for now (``chalicelib.limits``): answered with ``Retry-After``."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
