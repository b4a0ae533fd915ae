"""The WebSocket API's AsyncAPI document is served beside the OpenAPI document, to anyone."""

from __future__ import annotations

from typing import Any

from chalicelib.realtime.asyncapi import asyncapi_document
from chalicelib.realtime.commands import COMMANDS


def test_the_api_serves_the_asyncapi_document_of_every_websocket_action_without_a_token(api: Any) -> None:
    response = api.get("/asyncapi.json")

    assert response.status_code == 200
    assert response.json_body == asyncapi_document()
    assert set(COMMANDS) <= set(response.json_body["operations"])
    assert api.get("/openapi.json").json_body["paths"]["/asyncapi.json"]["get"]["security"] == []
