"""docs/websocket-protocol.md documents every WebSocket action the server accepts, and its limits."""

from __future__ import annotations

from pathlib import Path

from chalicelib.realtime.commands import COMMANDS, MAX_ID_LENGTH
from chalicelib.realtime.limits import MAX_MESSAGE_BYTES, MAX_SIGNAL_PAYLOAD_BYTES
from chalicelib.realtime.messages import SERVER_MESSAGES

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "websocket-protocol.md"


def test_every_action_of_the_command_table_has_a_section_in_the_protocol_document() -> None:
    text = DOCUMENT.read_text()

    missing = [action for action in COMMANDS if f"`{action}`" not in text.split("## Messages from the server")[0]]

    assert missing == []


def test_the_protocol_document_states_the_limits_the_server_applies() -> None:
    text = DOCUMENT.read_text()

    assert f"{MAX_MESSAGE_BYTES // 1024} KB" in text
    assert f"{MAX_MESSAGE_BYTES:,}".replace(",", " ") in text
    assert f"{MAX_SIGNAL_PAYLOAD_BYTES // 1024} KB" in text
    assert f"1 to {MAX_ID_LENGTH} characters" in text


def test_every_call_event_the_server_sends_has_a_row_in_the_protocol_documents_events_table() -> None:
    events = DOCUMENT.read_text().split("### Call events")[1].split("### The session view")[0]
    kinds = [
        str(model.model_fields["type"].annotation.__args__[0])  # type: ignore[union-attr]
        for model in SERVER_MESSAGES
        if "type" in model.model_fields
    ]

    missing = [kind for kind in kinds if kind.startswith("session.") and f"| `{kind}` |" not in events]

    assert missing == []
