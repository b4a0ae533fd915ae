"""Chalice's own refusals (405, 415, ...) answered in our error shape, ``{"error": {code, message, request_id}}``.

Chalice answers some requests before any view runs, with ``{"Code": ..., "Message": ...}``: a method the
path lacks, a Content-Type the route does not take. This middleware rewrites those bodies so that every
error a client sees has one shape. (API Gateway's own answers, such as an unknown path, are shaped by the
GatewayResponses in ``infra/resources.json``.)
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable

from chalice.app import Request, Response

from chalicelib.errors import ErrorBody

# Chalice's error code -> ours
CODES = {
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "BadRequestError": "bad_request",
    "BadRequest": "bad_request",
    "NotFoundError": "route_not_found",
}
MESSAGES = {
    "method_not_allowed": "This path does not take this method; see GET /openapi.json for the ones it takes.",
    "unsupported_media_type": "Send the body as application/json.",
}


def reshape_framework_errors(request: Request, get_response: Callable[[Request], Response]) -> Response:
    response = get_response(request)
    body = response.body
    if response.status_code < 400 or not isinstance(body, dict) or "Code" not in body:
        return response
    code = CODES.get(str(body["Code"]), "internal_error" if response.status_code >= 500 else "bad_request")
    message = MESSAGES.get(code, str(body.get("Message", "")))
    request_id = str(((request.context if request else None) or {}).get("requestId") or uuid.uuid4())
    response.body = json.dumps(ErrorBody(code=code, message=message, request_id=request_id).to_json())
    response.headers = {**response.headers, "Content-Type": "application/json", "X-Request-Id": request_id}
    return response
