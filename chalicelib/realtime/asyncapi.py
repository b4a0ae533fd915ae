"""The AsyncAPI 3.0 document of the WebSocket API, generated from ``COMMANDS`` and the server-message models.

It describes Parley, the server: each client action is an operation Parley *receives*, with the
messages that answer it on the sender's connection as its ``reply``; each message Parley sends
of its own accord (call events, relayed signalling) is an operation Parley *sends*. Every message
is in ``components.messages`` with its payload's JSON Schema (``components.schemas``, shared with
the nested views) and an example. Served at ``GET /asyncapi.json``, beside ``/openapi.json``.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from chalicelib.realtime.limits import MAX_MESSAGE_BYTES, MAX_SIGNAL_PAYLOAD_BYTES
from chalicelib.realtime.messages import MAX_ID_LENGTH, SERVER_MESSAGES, ErrorMessage

CHANNEL = "parley"
CHANNEL_REF = {"$ref": f"#/channels/{CHANNEL}"}
SCHEMA_REF = "#/components/schemas/{model}"

DESCRIPTION = (
    "Calls are requested, answered, joined and signalled over one WebSocket connection "
    "(API Gateway's WebSocket API; infra/local/ws_gateway.py locally). This document describes Parley, "
    "the server: what a client sends are operations Parley receives, each with the messages that answer it; "
    "call events and relayed signalling are operations Parley sends. Every client message is a JSON object "
    "with an `action`; every server message has a `type` (a reply to a call action is `session`, naming "
    f"the `action`). A client message may carry an `id` (a string of 1 to {MAX_ID_LENGTH} characters or "
    "an integer): its reply, its error or its ack carries the same `id`. A message is at most "
    f"{MAX_MESSAGE_BYTES} bytes; a signalling payload at most {MAX_SIGNAL_PAYLOAD_BYTES} bytes as compact JSON. "
    "An error never closes the connection. docs/websocket-protocol.md tells the protocol in order."
)


class SchemaNameClash(ValueError):
    """Two different models share one name: the document would describe only one of them."""


def _add_schema(schemas: dict[str, Any], name: str, definition: dict[str, Any]) -> None:
    if name in schemas and schemas[name] != definition:
        raise SchemaNameClash(f"two different schemas are named {name!r}; rename one or share one model")
    schemas[name] = definition


def _message(model: type[BaseModel], name: str, schemas: dict[str, Any]) -> dict[str, Any]:
    """The message object of ``model``; its payload schema (and those it refers to) go into ``schemas``."""
    schema = model.model_json_schema(ref_template=SCHEMA_REF)
    for nested, definition in schema.pop("$defs", {}).items():
        _add_schema(schemas, nested, definition)
    examples = schema.pop("examples", [])
    _add_schema(schemas, model.__name__, schema)
    summary = (model.__doc__ or model.__name__).strip().split("\n\n")[0]
    message: dict[str, Any] = {
        "name": name,
        "title": model.__name__,
        "summary": " ".join(summary.split()),
        "contentType": "application/json",
        "payload": {"$ref": SCHEMA_REF.format(model=model.__name__)},
    }
    if examples:
        message["examples"] = [{"name": f"{model.__name__}-{n}", "payload": e} for n, e in enumerate(examples, 1)]
    return message


def _name_of(model: type[BaseModel]) -> str:
    """A server message's ``type`` (its ``action`` too for a reply to a call action); API Gateway's own has none."""
    fields = model.model_fields
    if "type" not in fields:
        return model.__name__
    (kind,) = fields["type"].annotation.__args__  # type: ignore[union-attr]
    return str(kind)


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/channels/{CHANNEL}/messages/{model.__name__}"}


@lru_cache(maxsize=1)
def asyncapi_document() -> dict[str, Any]:
    from chalicelib.realtime.commands import COMMANDS

    return build_document(COMMANDS, SERVER_MESSAGES)


def build_document(commands: dict[str, Any], server_messages: tuple[type[BaseModel], ...]) -> dict[str, Any]:
    """The document of ``commands`` (action -> ``Command``) and ``server_messages``; raises ``SchemaNameClash``."""
    schemas: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    replies: set[type[BaseModel]] = {ErrorMessage}
    for action, command in commands.items():
        messages[command.message.__name__] = _message(command.message, action, schemas)
        answers = [*command.replies, ErrorMessage]
        replies.update(answers)
        operations[action] = {
            "action": "receive",
            "channel": CHANNEL_REF,
            "title": action,
            "summary": messages[command.message.__name__]["summary"],
            "messages": [_ref(command.message)],
            "reply": {"channel": CHANNEL_REF, "messages": [_ref(answer) for answer in answers]},
        }
    for model in server_messages:
        messages[model.__name__] = _message(model, _name_of(model), schemas)
        if model not in replies:
            operations[f"send.{model.__name__}"] = {
                "action": "send",
                "channel": CHANNEL_REF,
                "title": _name_of(model),
                "summary": messages[model.__name__]["summary"],
                "messages": [_ref(model)],
            }
    unknown = replies - set(server_messages)
    if unknown:
        raise ValueError(f"replies that are not server messages: {sorted(m.__name__ for m in unknown)}")
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Parley WebSocket API", "version": "1.0.0", "description": DESCRIPTION},
        "defaultContentType": "application/json",
        "servers": {
            "aws": {
                "host": "{apiId}.execute-api.{region}.amazonaws.com",
                "pathname": "/{stage}",
                "protocol": "wss",
                "description": "API Gateway's WebSocket API of a stage.",
                "variables": {
                    "apiId": {"description": "The WebSocket API's id."},
                    "region": {"default": "us-east-1"},
                    "stage": {"default": "dev"},
                },
                "security": [{"$ref": "#/components/securitySchemes/token"}],
            },
            "local": {
                "host": "127.0.0.1:{port}",
                "protocol": "ws",
                "description": "The local stack's gateway (infra/local/ws_gateway.py); its banner prints the URL.",
                "variables": {"port": {"description": "The port the local stack chose."}},
                "security": [{"$ref": "#/components/securitySchemes/token"}],
            },
        },
        "channels": {
            CHANNEL: {
                "address": "/",
                "title": "A device's connection",
                "description": "One WebSocket connection of one signed-in person. API Gateway closes it after "
                "two hours at most; reconnect, say hello and join the call again.",
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
                "bindings": {
                    "ws": {
                        "bindingVersion": "0.1.0",
                        "query": {
                            "type": "object",
                            "required": ["token"],
                            "properties": {"token": {"type": "string", "description": "Cognito ID or access token."}},
                        },
                    }
                },
            }
        },
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": schemas,
            "securitySchemes": {
                "token": {
                    "type": "httpApiKey",
                    "name": "token",
                    "in": "query",
                    "description": "A Cognito ID or access token from Parley's user pool; a missing or bad "
                    'one refuses the handshake with HTTP 401 and {"error": {"code", "message"}}.',
                }
            },
        },
    }
