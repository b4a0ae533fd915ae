"""Locally, API Gateway's own answers as the deployed API gives them: the GatewayResponses of
``infra/resources.json``.

``chalice local`` (and ``chalice.test.Client``) answer a path no route has with a 403
``{"message": "Missing Authentication Token"}``, as API Gateway does before its responses are
customised. ``install`` makes the local gateway answer with the template's
``MISSING_AUTHENTICATION_TOKEN`` response instead, so tests and the local stack see what
clients of the deployed API see.
"""

from __future__ import annotations

import json
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from chalice.local import ForbiddenError, LocalGateway

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


def install() -> None:
    """Make every LocalGateway answer an unknown path with the template's response (idempotent)."""
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
