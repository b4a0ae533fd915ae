"""Every response the suites receive is checked against the OpenAPI document.

``check_response`` finds the operation by method and path template, then checks that the
status is one the operation declares and that the JSON body matches that status's schema.
The functional suite checks what Chalice's test client returns and the stack suite what
``requests`` receives from the running stack, so the document cannot drift from the code
without a test going red. ``CHECKED`` counts what was checked; the run prints the total.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:parley:openapi"
CHECKED: Counter[str] = Counter()  # "responses", and "unmatched" for paths the document does not have


class BreaksContract(AssertionError):
    """A response the OpenAPI document does not describe."""


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    pattern: re.Pattern[str]
    literal_segments: int
    pointer: str  # JSON pointer of the operation in the document

    def responses(self, document: dict[str, Any]) -> dict[str, Any]:
        responses: dict[str, Any] = document["paths"][self.template][self.method]["responses"]
        return responses


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    import app  # noqa: F401  (registers every route, as the deployed function does)
    from chalicelib.web.openapi import openapi_document

    return openapi_document()


@lru_cache(maxsize=1)
def _registry() -> Registry[Any]:
    return Registry().with_resource(DOCUMENT_URI, Resource.from_contents(document(), default_specification=DRAFT202012))


@lru_cache(maxsize=1)
def _operations() -> list[Operation]:
    operations = []
    for template, methods in document()["paths"].items():
        regex = "^" + re.sub(r"\\{\w+\\}", "[^/]+", re.escape(template)) + "$"
        literal = sum(1 for segment in template.split("/") if segment and not segment.startswith("{"))
        escaped = template.replace("~", "~0").replace("/", "~1")
        for method in methods:
            operations.append(Operation(method, template, re.compile(regex), literal, f"/paths/{escaped}/{method}"))
    # /experts/me before /experts/{expert_id}: the more literal segments, the better the match
    return sorted(operations, key=lambda op: -op.literal_segments)


def find_operation(method: str, path: str) -> Operation | None:
    path = urlsplit(path).path.rstrip("/") or "/"
    for operation in _operations():
        if operation.method == method.lower() and operation.pattern.match(path):
            return operation
    return None


@cache
def _validator(pointer: str) -> Draft202012Validator:
    schema = {"$ref": f"{DOCUMENT_URI}#{pointer}"}
    return Draft202012Validator(schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


def check_response(method: str, path: str, status: int, body: bytes | str | None) -> None:
    """Raises ``BreaksContract`` unless the document declares ``status`` for the operation and ``body`` fits it."""
    if method.upper() == "OPTIONS":
        return  # CORS preflight: API Gateway's, not an operation
    operation = find_operation(method, path)
    if operation is None:
        CHECKED["unmatched"] += 1
        _check_error_body(f"{method} {path}", status, body)  # unknown routes still answer with the error shape
        return
    responses = operation.responses(document())
    where = f"{method.upper()} {operation.template} -> {status}"
    if status == 500:  # never declared (there must be none), but even a fault answers with the error shape
        _check_error_body(where, status, body)
        return
    if str(status) not in responses:
        raise BreaksContract(f"{where}: the document declares only {sorted(responses)}; body: {_text(body)[:300]}")
    content = responses[str(status)].get("content", {}).get("application/json")
    CHECKED["responses"] += 1
    if content is None or "schema" not in content:
        return
    validator = _validator(f"{operation.pointer}/responses/{status}/content/application~1json/schema")
    _validate(validator, where, body)


def _check_error_body(where: str, status: int, body: bytes | str | None) -> None:
    if status >= 400:
        _validate(_validator("/components/schemas/Error"), f"{where} -> {status}", body)


def _validate(validator: Draft202012Validator, where: str, body: bytes | str | None) -> None:
    try:
        value = json.loads(body or b"null")
    except ValueError:
        raise BreaksContract(f"{where}: the body is not JSON: {_text(body)[:300]}") from None
    problems = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if problems:
        lines = [f"  at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}" for e in problems[:8]]
        raise BreaksContract(f"{where}: the body breaks its schema:\n" + "\n".join(lines))


def _text(body: bytes | str | None) -> str:
    return body.decode(errors="replace") if isinstance(body, bytes) else str(body)


# --------------------------------------------------------------------------- WebSocket messages
#
# Every WebSocket message the suites see is checked against the AsyncAPI document (GET /asyncapi.json):
# what the server sends ("from_server": replies, errors, acks, relayed signalling, call events) and what
# the tests send that the server accepts ("from_client"). A message is matched to the document's message
# by the constants of its payload schema (``type`` for the server's, ``action`` for the client's; a reply
# to a call action by both), then validated; ``CHECKED["ws_messages"]`` counts them.

ASYNCAPI_URI = "urn:parley:asyncapi"
FROM_CLIENT, FROM_SERVER = "from_client", "from_server"
DISCRIMINATORS = ("type", "action")


@dataclass(frozen=True)
class WsMessage:
    title: str
    direction: str
    pointer: str  # JSON pointer of its payload schema in the document
    constants: dict[str, frozenset[Any]]  # discriminator -> the values it allows; absent: the message has none

    def matches(self, message: dict[str, Any]) -> bool:
        if self.direction == FROM_SERVER and "type" not in self.constants and "type" in message:
            return False
        return all(message.get(name) in allowed for name, allowed in self.constants.items())


@lru_cache(maxsize=1)
def asyncapi() -> dict[str, Any]:
    from chalicelib.realtime.asyncapi import asyncapi_document

    return asyncapi_document()


@lru_cache(maxsize=1)
def _ws_registry() -> Registry[Any]:
    return Registry().with_resource(ASYNCAPI_URI, Resource.from_contents(asyncapi(), default_specification=DRAFT202012))


def _message_name(ref: dict[str, str]) -> str:
    return ref["$ref"].rsplit("/", 1)[1]


@lru_cache(maxsize=1)
def ws_messages() -> list[WsMessage]:
    """Each message of the document, with the direction its operations give it."""
    document = asyncapi()
    directions: dict[str, str] = {}
    for operation in document["operations"].values():
        sender = FROM_CLIENT if operation["action"] == "receive" else FROM_SERVER  # the document describes Parley
        for ref in operation["messages"]:
            directions[_message_name(ref)] = sender
        for ref in operation.get("reply", {}).get("messages", []):
            directions[_message_name(ref)] = FROM_SERVER
    found = []
    for name, message in document["components"]["messages"].items():
        pointer = message["payload"]["$ref"].removeprefix("#")
        schema = document["components"]["schemas"][pointer.rsplit("/", 1)[1]]
        constants = {}
        for key in DISCRIMINATORS:
            prop = schema.get("properties", {}).get(key)
            if prop is not None and ("const" in prop or "enum" in prop):
                constants[key] = frozenset([prop["const"]] if "const" in prop else prop["enum"])
        found.append(WsMessage(name, directions[name], pointer, constants))
    return found


@cache
def _ws_validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator(
        {"$ref": f"{ASYNCAPI_URI}#{pointer}"},
        registry=_ws_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def ws_message_problems(direction: str, message: dict[str, Any] | str | bytes) -> list[str]:
    """What is wrong with ``message`` as the document describes messages going ``direction``; [] if nothing."""
    if direction not in (FROM_CLIENT, FROM_SERVER):
        raise ValueError(f"direction is {FROM_CLIENT!r} or {FROM_SERVER!r}, not {direction!r}")
    if not isinstance(message, dict):
        try:
            message = json.loads(message)
        except ValueError:
            return [f"not JSON: {_shown(message)[:200]}"]
    if not isinstance(message, dict):
        return [f"not a JSON object: {message!r:.200}"]
    candidates = [m for m in ws_messages() if m.direction == direction and m.matches(message)]
    if not candidates:
        named = {key: message[key] for key in DISCRIMINATORS if key in message}
        return [f"the document has no {direction} message {named or 'without a type'}"]
    problems: list[str] = []
    for candidate in candidates:
        errors = sorted(_ws_validator(candidate.pointer).iter_errors(message), key=lambda e: list(e.absolute_path))
        if not errors:
            return []
        problems += [f"{candidate.title} at /{'/'.join(str(p) for p in e.absolute_path)}: {e.message[:300]}"
                     for e in errors[:8]]  # fmt: skip
    return problems


def check_ws_message(direction: str, message: dict[str, Any] | str | bytes) -> None:
    """Raises ``BreaksContract`` unless ``message`` is one the AsyncAPI document describes going ``direction``
    (``"from_server"`` or ``"from_client"``)."""
    problems = ws_message_problems(direction, message)
    if problems:
        raise BreaksContract(f"a WebSocket message {direction} breaks the AsyncAPI document: {_shown(message)[:300]}\n"
                             + "\n".join(f"  {p}" for p in problems))  # fmt: skip
    CHECKED["ws_messages"] += 1


def _shown(message: Any) -> str:
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)
