"""The AsyncAPI document describes every WebSocket message both ways, and the suites' check holds messages to it."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from chalicelib.realtime.asyncapi import asyncapi_document
from chalicelib.realtime.commands import COMMANDS
from chalicelib.realtime.messages import SERVER_MESSAGES
from tests.contract import FROM_CLIENT, FROM_SERVER, BreaksContract, check_ws_message, ws_message_problems

CHALICELIB = Path(__file__).resolve().parents[2] / "chalicelib"


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def follow(document: dict[str, Any], ref: str) -> Any:
    """What ``ref`` names, through any reference objects on the way (a channel's messages are references)."""
    node = resolve(document, ref)
    while isinstance(node, dict) and set(node) == {"$ref"}:
        node = resolve(document, node["$ref"])
    return node


def refs_in(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in refs_in(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs_in(value)]
    return []


def payload_schema(document: dict[str, Any], message: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = resolve(document, message["payload"]["$ref"])
    return schema


def operations(document: dict[str, Any], action: str) -> list[dict[str, Any]]:
    return [op for op in document["operations"].values() if op["action"] == action]


def test_every_action_of_the_command_table_is_an_operation_parley_receives_with_its_replies() -> None:
    document = asyncapi_document()
    received = {}
    for operation in operations(document, "receive"):
        [ref] = operation["messages"]
        schema = payload_schema(document, follow(document, ref["$ref"]))
        received[schema["properties"]["action"]["const"]] = operation

    assert sorted(received) == sorted(COMMANDS)
    for action, operation in received.items():
        replies = [ref["$ref"].rsplit("/", 1)[1] for ref in operation["reply"]["messages"]]
        assert replies == [*(m.__name__ for m in COMMANDS[action].replies), "ErrorMessage"], action
        assert "id" in payload_schema(document, follow(document, operation["messages"][0]["$ref"]))["properties"]


def test_every_server_message_is_in_the_document_and_every_event_is_an_operation_parley_sends() -> None:
    document = asyncapi_document()
    messages = document["components"]["messages"]
    replies = {ref["$ref"] for op in operations(document, "receive") for ref in op["reply"]["messages"]}
    sent = {ref["$ref"] for op in operations(document, "send") for ref in op["messages"]}

    assert {model.__name__ for model in SERVER_MESSAGES} <= set(messages)
    for model in SERVER_MESSAGES:
        assert f"#/channels/parley/messages/{model.__name__}" in replies | sent, model.__name__
    assert len(messages) == len(COMMANDS) + len(SERVER_MESSAGES)


def test_every_message_type_the_code_builds_is_a_documented_server_message() -> None:
    document = asyncapi_document()
    documented = {
        payload_schema(document, message)["properties"]["type"]["const"]
        for message in document["components"]["messages"].values()
        if "type" in payload_schema(document, message).get("properties", {})
    }
    built = set()
    for folder in ("realtime", "sessions"):
        for path in (CHALICELIB / folder).glob("*.py"):
            if path.name == "asyncapi.py":  # the document's own JSON Schema types
                continue
            built |= set(re.findall(r'"type": "([a-z_.]+)"', path.read_text()))

    assert built - {"offer", "answer"} <= documented  # an SDP's own "type" is a payload's, not a message's
    assert {"session.requested", "session.ended", "session.warning", "hello", "ack"} <= built


def test_the_document_has_the_structure_of_asyncapi_3_and_every_reference_resolves() -> None:
    document = asyncapi_document()

    assert document["asyncapi"] == "3.0.0"
    assert {"title", "version"} <= set(document["info"])
    for server in document["servers"].values():
        assert {"host", "protocol"} <= set(server)
    for operation in document["operations"].values():
        assert operation["action"] in ("send", "receive")
        channel = resolve(document, operation["channel"]["$ref"])
        for ref in operation["messages"] + operation.get("reply", {}).get("messages", []):
            assert ref["$ref"].startswith(operation["channel"]["$ref"] + "/messages/"), ref  # the channel's own
            assert resolve(document, ref["$ref"]) in channel["messages"].values()
    for ref in refs_in(document):
        resolve(document, ref)
    for name, message in document["components"]["messages"].items():
        assert re.fullmatch(r"[\w.\-]+", name)
        assert {"name", "payload", "examples"} <= set(message), name


def test_every_payload_schema_is_a_valid_json_schema_and_every_example_fits_its_message() -> None:
    document = asyncapi_document()
    registry: Registry[Any] = Registry().with_resource(
        "urn:doc", Resource.from_contents(document, default_specification=DRAFT202012)
    )
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    for name, message in document["components"]["messages"].items():
        validator = Draft202012Validator({"$ref": "urn:doc" + message["payload"]["$ref"]}, registry=registry)
        for example in message["examples"]:
            assert list(validator.iter_errors(example["payload"])) == [], name


def examples(direction: str) -> list[tuple[str, dict[str, Any]]]:
    document = asyncapi_document()
    names = {ref["$ref"].rsplit("/", 1)[1] for op in document["operations"].values() for ref in op["messages"]
             if (op["action"] == "receive") == (direction == FROM_CLIENT)}  # fmt: skip
    if direction == FROM_SERVER:
        names |= {
            ref["$ref"].rsplit("/", 1)[1] for op in operations(document, "receive") for ref in op["reply"]["messages"]
        }
    return [(name, example["payload"]) for name in sorted(names)
            for example in document["components"]["messages"][name]["examples"]]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), examples(FROM_SERVER))
def test_a_server_message_with_an_undocumented_field_breaks_the_contract(name: str, message: dict[str, Any]) -> None:
    check_ws_message(FROM_SERVER, message)

    with pytest.raises(BreaksContract, match="undocumented"):
        check_ws_message(FROM_SERVER, message | {"undocumented": True})


def test_an_undocumented_field_deep_in_a_session_view_breaks_the_contract_too() -> None:
    [(_, ended)] = [(n, m) for n, m in examples(FROM_SERVER) if m.get("type") == "session.ended"]
    nested = copy.deepcopy(ended)
    nested["session"]["tariff"]["discount"] = 5

    assert any("discount" in problem for problem in ws_message_problems(FROM_SERVER, nested))


def test_a_server_message_of_a_type_the_document_lacks_or_a_null_where_a_field_is_left_out_breaks_the_contract() -> (
    None
):
    assert ws_message_problems(FROM_SERVER, {"type": "ping"})
    assert ws_message_problems(FROM_SERVER, {"type": "ack", "action": "signal.offer", "session_id": "s", "id": None})
    assert ws_message_problems(FROM_SERVER, {"type": "session.left", "session_id": "s"})  # role is required


@pytest.mark.parametrize(("name", "message"), examples(FROM_CLIENT))
def test_a_client_action_fits_the_document_only_with_the_fields_its_model_declares(
    name: str, message: dict[str, Any]
) -> None:
    check_ws_message(FROM_CLIENT, message)

    assert ws_message_problems(FROM_CLIENT, message | {"undocumented": True})
    assert ws_message_problems(FROM_CLIENT, message | {"id": True})
    assert ws_message_problems(FROM_CLIENT, message | {"id": "x" * 65})
