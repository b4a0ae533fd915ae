"""Locally, API Gateway's own answers as the deployed API gives them: the GatewayResponses of
``infra/resources.json``.

``chalice local`` (and ``chalice.test.Client``) answer a path no route has with a 403
``{"message": "Missing Authentication Token"}``, as API Gateway does before its responses are
customised. ``install`` makes the local gateway answer with the template's
``MISSING_AUTHENTICATION_TOKEN`` response instead, so tests and the local stack see what
clients of the deployed API see.

``chalice local``'s HTTP server takes only the methods routes can have (GET, PUT, POST, HEAD, DELETE,
PATCH, OPTIONS) and answers any other (TRACE, QUERY, CONNECT, ...) with Python's own HTML 501, a server
error. ``install`` passes every method to the gateway, so a method a path lacks is 405
``method_not_allowed`` in the error shape, whichever method it is; and it sends each response without
waiting on Nagle's algorithm, as API Gateway does not make a client wait either.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from chalice.local import ChaliceRequestHandler, ForbiddenError, LocalGateway

RESOURCES = Path(__file__).resolve().parents[1] / "resources.json"


@cache
def gateway_response(response_type: str) -> tuple[int, str]:
    """(status, body template) of the template's GatewayResponse of ``response_type``."""
    resources = json.loads(RESOURCES.read_text())["Resources"]
    for resource in resources.values():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::ApiGateway::GatewayResponse" and properties["ResponseType"] == response_type:
            return int(properties.get("StatusCode", 400)), properties["ResponseTemplates"]["application/json"]
    raise LookupError(f"infra/resources.json has no GatewayResponse {response_type}")


def render(response_type: str, request_id: str) -> dict[str, Any]:
    status, template = gateway_response(response_type)
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "X-Request-Id": request_id},
        "multiValueHeaders": {},
        "body": template.replace("$context.requestId", request_id),
    }


def _every_method(self: ChaliceRequestHandler, name: str) -> Any:
    """``do_TRACE`` and the like: http.server looks a method up as ``do_<METHOD>`` and answers 501 without one."""
    if name.startswith("do_"):
        return self._generic_handle
    raise AttributeError(name)


def install() -> None:
    """Make every LocalGateway answer an unknown path with the template's response, and every method reach the
    gateway (idempotent)."""
    ChaliceRequestHandler.__getattr__ = _every_method
    # chalice local writes a response's headers and body in two sends: with Nagle's algorithm on, the body waits
    # for the client's delayed ACK of the headers, some 40 ms on every reused (keep-alive) connection.
    ChaliceRequestHandler.disable_nagle_algorithm = True
    original = LocalGateway.handle_request
    if getattr(original, "parley_gateway_responses", False):
        return

    def handle_request(self: LocalGateway, method: str, path: str, headers: Any, body: Any) -> Any:
        try:
            return original(self, method, path, headers, body)
        except ForbiddenError:  # the only ForbiddenError without authorizers: no route has this path
            return render("MISSING_AUTHENTICATION_TOKEN", str(uuid.uuid4()))

    handle_request.parley_gateway_responses = True  # type: ignore[attr-defined]
    LocalGateway.handle_request = handle_request  # type: ignore[method-assign]
