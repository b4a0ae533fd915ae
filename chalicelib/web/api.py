"""``ApiBlueprint``: every REST route goes through here.

One wrapper per route does what each handler would otherwise repeat: sets the
request id, verifies the caller's token (unless the route is public), turns
domain errors into JSON (the only place that does), hides internal errors behind
a 500 with the request id, writes one structured log line, and records the
route for the OpenAPI document.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote

from chalice.app import Blueprint, CORSConfig, Request, Response

from chalicelib.errors import (
    BodyTooLarge,
    DomainError,
    ErrorBody,
    FieldProblem,
    InvalidInput,
    NotAuthenticated,
    TooManyRequests,
)
from chalicelib.identity.caller import Caller
from chalicelib.web.logs import log_error, log_info, request_id_var

if TYPE_CHECKING:
    from pydantic import BaseModel

    from chalicelib.identity.tokens import TokenVerifier

ModelT = TypeVar("ModelT", bound="BaseModel")


@dataclass(frozen=True)
class QueryParam:
    """A query parameter as the document states it; the handler enforces the same limits."""

    name: str
    description: str
    type: str = "string"
    enum: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    default: str | int | bool | None = None
    required: bool = False
    format: str | None = None
    max_length: int | None = None
    pattern: str | None = None  # a regular expression the value matches (e.g. an ISO week)

    @property
    def typed(self) -> bool:
        """A number, a boolean, one of a list or a patterned value (an ISO week): an empty value is refused
        (free text may be empty)."""
        return self.type != "string" or bool(self.enum) or self.pattern is not None


@dataclass(frozen=True)
class HeaderParam:
    name: str
    description: str
    required: bool = False
    max_length: int | None = None


IDEMPOTENCY_KEY = HeaderParam(
    "Idempotency-Key",
    "Your own key for this request (1 to 255 characters): a retry with the same key has the first one's effect, once.",
    max_length=255,
)
STRIPE_SIGNATURE = HeaderParam("Stripe-Signature", "Stripe's signature of the event body.", required=True)


@dataclass(frozen=True)
class RouteDoc:
    """What the OpenAPI document says of one route. Schemas are named by dotted path
    (``module:Class``) so that pydantic is imported only when the document is built."""

    path: str
    method: str
    summary: str
    public: bool
    status: int
    body: str | None
    query: tuple[QueryParam, ...]
    errors: tuple[int, ...]
    tag: str
    response: str | None = None
    headers: tuple[HeaderParam, ...] = ()
    limit: str | None = None  # the per-account rate limit the route spends (chalicelib.limits.rate_limits)
    notes: tuple[tuple[int, str], ...] = ()  # (status, what else it means here), e.g. 409 too_many_holds


ROUTE_DOCS: list[RouteDoc] = []
# JSON bodies only (files go straight to S3 with POST /uploads); API Gateway's own limit is 10 MB.
MAX_BODY_BYTES = 256 * 1024


@lru_cache(maxsize=1)
def cors() -> CORSConfig:
    return CORSConfig(
        allow_origin=os.environ.get("PARLEY_WEB_ORIGIN", "*"),
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
        expose_headers=["X-Request-Id", "Retry-After"],
        max_age=600,
    )


@lru_cache(maxsize=1)
def token_verifier() -> TokenVerifier:
    from chalicelib.identity.tokens import JwksCache, TokenVerifier
    from chalicelib.settings import get_settings

    settings = get_settings()
    return TokenVerifier(
        issuer=settings.token_issuer,
        client_ids=settings.user_pool_client_ids,
        jwks=JwksCache(settings.jwks_url),
    )


@dataclass
class ApiRequest:
    """What a view sees: the raw request, the verified caller, and parsing helpers."""

    raw: Request
    caller_or_none: Caller | None
    request_id: str
    parsed: dict[type, Any] = field(default_factory=dict)  # the body, by schema, once parsed

    @property
    def caller(self) -> Caller:
        if self.caller_or_none is None:
            raise NotAuthenticated("Sign in to do this.")
        return self.caller_or_none

    @property
    def token(self) -> str:
        """The caller's bearer token as sent (verified already)."""
        return str(self.raw.headers.get("authorization", "")).partition(" ")[2].strip()

    def query(self, name: str) -> str | None:
        params = self.raw.query_params
        value = params.get(name) if params is not None else None
        return value if value not in (None, "") else None

    def header(self, param: HeaderParam) -> str | None:
        """A declared header's value (checked before the view ran), or None when it was not sent."""
        value = self.raw.headers.get(param.name.lower())
        return None if value is None else str(value)

    def body(self, schema: type[ModelT]) -> ModelT:
        from chalicelib.web.validation import parse_body

        if schema not in self.parsed:
            raw = self.raw.raw_body
            self.parsed[schema] = parse_body(raw.encode() if isinstance(raw, str) else raw, schema)
        parsed: ModelT = self.parsed[schema]
        return parsed


@dataclass
class ApiBlueprint:
    import_name: str
    tag: str
    blueprint: Blueprint = field(init=False)

    def __post_init__(self) -> None:
        self.blueprint = Blueprint(self.import_name)

    def route(
        self,
        path: str,
        method: str,
        *,
        summary: str,
        public: bool = False,
        status: int = 200,
        body: str | None = None,
        query: tuple[QueryParam, ...] = (),
        errors: tuple[int, ...] = (),
        response: str | None = None,
        headers: tuple[HeaderParam, ...] = (),
        limit: str | None = None,
        notes: tuple[tuple[int, str], ...] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
        """``response`` names the success model (``module:Class``, a ``ResponseModel``) the answer is shaped by.
        ``limit`` names the caller's rate limit a valid request spends (``chalicelib.limits.rate_limits``)."""
        if limit is not None and public:
            raise ValueError(f"{method} {path}: a rate limit is per account; a public route has none")
        doc = RouteDoc(
            path, method.lower(), summary, public, status, body, query, errors, self.tag, response, headers, limit,
            notes,
        )  # fmt: skip
        ROUTE_DOCS.append(doc)

        def decorator(view: Callable[..., Any]) -> Callable[..., Response]:
            @functools.wraps(view)
            def handle(**path_params: str) -> Response:
                request = self.blueprint.current_request
                return _serve(request, view, decoded(path_params), doc)

            self.blueprint.route(path, methods=[method], cors=cors())(handle)
            return handle

        return decorator


def decoded(path_params: dict[str, str]) -> dict[str, str]:
    """Path ids as the client meant them: ``pay%3Aappointment%3A1`` is ``pay:appointment:1``. The one place ids
    are percent-decoded, so a client that encodes reserved characters and one that does not reach the same object."""
    return {name: unquote(value) for name, value in path_params.items()}


def refuse_empty_values(request: Request, query: tuple[QueryParam, ...]) -> None:
    """``?limit=`` or ``?sort=`` is a mistake, not an absent value: a typed parameter (a number, a boolean,
    one of a list) given empty is refused by name. Free text (``?q=``) given empty means no text."""
    given: dict[str, str] = dict(request.query_params or {})
    empty = [param.name for param in query if param.typed and given.get(param.name) == ""]
    if empty:
        problems = [FieldProblem(name, "empty_query_value", "Empty: give a value or leave it out.") for name in empty]
        names = ", ".join(f"'{name}'" for name in empty)
        raise InvalidInput(
            f"Empty query values: {names}; give a value or leave it out.", problems, code="empty_query_value"
        )


def refuse_bad_headers(request: Request, headers: tuple[HeaderParam, ...]) -> None:
    """A declared header sent empty or over its length, or a required one missing, is 400 ``invalid_header``."""
    problems = []
    for header in headers:
        value = request.headers.get(header.name.lower())
        most = header.max_length
        if value is None:
            if header.required:
                problems.append(FieldProblem(header.name, "invalid_header", f"Send the '{header.name}' header."))
        elif not value.strip() or (most is not None and len(value) > most):
            limit = f"1 to {most} characters" if most is not None else "not empty"
            problems.append(FieldProblem(header.name, "invalid_header", f"'{header.name}' is {limit}."))
    if problems:
        raise InvalidInput(" ".join(problem.message for problem in problems), problems, code="invalid_header")


def _serve(request: Request, view: Callable[..., Any], params: dict[str, str], doc: RouteDoc) -> Response:
    started = time.perf_counter()
    request_id = str((request.context or {}).get("requestId") or uuid.uuid4())
    request_id_var.set(request_id)
    caller: Caller | None = None
    try:
        if len(request.raw_body or b"") > MAX_BODY_BYTES:
            raise BodyTooLarge(f"The request body is over {MAX_BODY_BYTES // 1024} KiB; send less.")
        refuse_empty_values(request, doc.query)
        refuse_bad_headers(request, doc.headers)
        caller = _authenticate(request, required=not doc.public)
        api_request = ApiRequest(request, caller, request_id)
        if doc.limit is not None:
            _spend_limit(api_request, doc)
        result = view(api_request, **params)
        response = Response(
            body=_body(result, doc), status_code=doc.status, headers={"Content-Type": "application/json"}
        )
    except DomainError as error:
        response = error_response(error, request_id)
    except Exception as error:
        from chalicelib.concurrent_repeats import changed_concurrently
        from chalicelib.models.conditions import lost_a_race

        if lost_a_race(error):  # a concurrent repeat of this request (or another writer) got there first
            response = error_response(changed_concurrently(), request_id)
        else:
            response = _internal_error(request, request_id)
    response.headers["X-Request-Id"] = request_id
    log_info(
        "request",
        method=request.method,
        path=request.path,
        status=response.status_code,
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
        account_id=caller.account_id if caller else None,
    )
    return response


def _spend_limit(request: ApiRequest, doc: RouteDoc) -> None:
    """Count a valid request against the caller's rate limit (429 ``rate_limited`` once spent). The body is
    checked first: an invalid request is refused as such and costs nothing (the view reuses the parsed body)."""
    from chalicelib import runtime
    from chalicelib.limits.limiter import spend

    account_id = request.caller.account_id
    if doc.body is not None:
        module_name, _, class_name = doc.body.partition(":")
        request.body(getattr(importlib.import_module(module_name), class_name))
    spend(str(doc.limit), account_id, runtime.now())


def _internal_error(request: Request, request_id: str) -> Response:
    log_error("unhandled error", path=request.path, method=request.method)
    return error_response(DomainError("Something went wrong on our side.", code="internal_error"), request_id, 500)


def _authenticate(request: Request, *, required: bool) -> Caller | None:
    header = request.headers.get("authorization")
    if not header:
        if required:
            raise NotAuthenticated("Sign in to do this: send 'Authorization: Bearer <token>'.", code="token_missing")
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("The Authorization header must be 'Bearer <token>'.", code="invalid_token")
    return token_verifier().verify(token.strip())


def error_response(error: DomainError, request_id: str, status: int | None = None) -> Response:
    problems = error.problems if isinstance(error, InvalidInput) else []
    body = ErrorBody(code=error.code, message=error.message, request_id=request_id, fields=problems)
    headers: dict[str, str | list[str]] = {"Content-Type": "application/json"}
    if isinstance(error, TooManyRequests):
        headers["Retry-After"] = str(error.retry_after)
    return Response(body=json.dumps(body.to_json()), status_code=status or error.status, headers=headers)


def _body(result: Any, doc: RouteDoc) -> str:
    if doc.response is not None:
        from chalicelib.web.responses import shape

        return shape(result, doc.response)
    if hasattr(result, "model_dump"):
        result = result.model_dump(mode="json")
    return json.dumps(result, default=str)
