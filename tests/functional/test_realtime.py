"""The WebSocket API, driven as API Gateway drives it: one Lambda event per connect, message and
disconnect, with real Cognito tokens and a fake sender that records what reaches each connection."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from chalice.test import Client

from chalicelib import runtime
from chalicelib.models.session import CallSession
from chalicelib.models.ws_connection import WsConnection
from chalicelib.profiles.save_profile import find_own_profile
from chalicelib.realtime import sender as sender_module
from chalicelib.realtime.commands import COMMANDS
from chalicelib.realtime.connections import account_of
from chalicelib.realtime.limits import MAX_MESSAGE_BYTES, MAX_SIGNAL_PAYLOAD_BYTES
from chalicelib.realtime.sender import ConnectionSender
from infra.local.provision import LocalAws
from tests.contract import FROM_CLIENT, FROM_SERVER, BreaksContract, check_ws_message, ws_message_problems
from tests.functional.builders import become_expert, register
from tests.functional.conftest import DynamoReads, User, Users

ROUTE_EVENT_TYPES = {"$connect": "CONNECT", "$default": "MESSAGE", "$disconnect": "DISCONNECT"}
HANDLERS = {"$connect": "ws_connect", "$default": "ws_message", "$disconnect": "ws_disconnect"}


def ws_event(
    route_key: str, connection_id: str, *, token: str | None = None, body: str | None = None
) -> dict[str, Any]:
    """An event as API Gateway (and the local gateway) hands it to the WebSocket handlers."""
    return {
        "requestContext": {
            "routeKey": route_key,
            "eventType": ROUTE_EVENT_TYPES[route_key],
            "connectionId": connection_id,
            "domainName": "ws.parley.test",
            "stage": "local",
            "apiId": "parleyws",
            "requestId": str(uuid.uuid4()),
            "connectedAt": 1_763_000_000_000,
            "messageDirection": "IN",
        },
        "queryStringParameters": {"token": token} if token is not None else None,
        "body": body,
        "isBase64Encoded": False,
    }


Reaction = Callable[[str, dict[str, Any]], None]


@dataclass
class FakeSender:
    """Records every post, each checked against the AsyncAPI document; connections in ``gone`` answer as
    API Gateway does for a closed one (410).

    ``reactions`` play a client that answers the moment a message reaches it: each is called
    with every post, inside the handler that posted it, so a race is forced, not hoped for."""

    posts: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    endpoints: list[str] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # contract breaks, which the handler's own catch would hide

    def send(self, connection_id: str, message: dict[str, Any]) -> bool:
        try:
            check_ws_message(FROM_SERVER, message)
        except BreaksContract as error:
            self.broken.append(str(error))
            raise
        if connection_id in self.gone:
            return False
        self.posts.setdefault(connection_id, []).append(message)
        for react in list(self.reactions):
            react(connection_id, message)
        return True

    def received(self, connection_id: str) -> list[dict[str, Any]]:
        return self.posts.get(connection_id, [])

    def errors(self, connection_id: str) -> list[str]:
        return [m["code"] for m in self.received(connection_id) if m.get("type") == "error"]


@pytest.fixture
def sender(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSender]:
    """The fake behind every connection; the deliveries consumer posts to the same API as the handlers
    (in AWS every function has the WebSocket API's address: infra/resources.json)."""
    monkeypatch.setenv("PARLEY_WS_MANAGEMENT_URL", "https://ws.parley.test/local")
    fake = FakeSender()

    def factory(endpoint_url: str) -> FakeSender:
        fake.endpoints.append(endpoint_url)
        return fake

    sender_module.use_sender_factory(factory)
    yield fake
    sender_module.use_sender_factory(ConnectionSender)
    assert fake.broken == [], "\n".join(fake.broken)


# The refusals that say a message is not one the protocol has: the AsyncAPI document must refuse it too.
MALFORMED = {"invalid_json", "unknown_action", "invalid_message"}


@dataclass
class Gateway:
    """Plays API Gateway: opens, feeds and closes connections by invoking the handlers.

    Every message sent is held to the AsyncAPI document: one the server takes is one the
    document describes, and one it refuses as malformed is one the document refuses."""

    client: Client
    sender: FakeSender

    def connect(self, token: str | None) -> tuple[str, dict[str, Any]]:
        connection_id = f"conn-{uuid.uuid4().hex[:12]}="
        return connection_id, self.invoke("$connect", connection_id, token=token)

    def open(self, user: User) -> str:
        connection_id, response = self.connect(user.id_token)
        assert response["statusCode"] == 200, response
        return connection_id

    def send(self, connection_id: str, message: dict[str, Any] | str) -> None:
        body = message if isinstance(message, str) else json.dumps(message)
        before = len(self.sender.received(connection_id))
        assert self.invoke("$default", connection_id, body=body)["statusCode"] == 200
        answers = self.sender.received(connection_id)[before:]
        if any(m.get("type") == "error" and m["code"] in MALFORMED for m in answers):
            assert ws_message_problems(FROM_CLIENT, body), f"the server refused what the document allows: {body}"
        else:
            check_ws_message(FROM_CLIENT, body)

    def close(self, connection_id: str) -> None:
        assert self.invoke("$disconnect", connection_id)["statusCode"] == 200

    def invoke(self, route_key: str, connection_id: str, **parts: Any) -> dict[str, Any]:
        event = ws_event(route_key, connection_id, **parts)
        return dict(self.client.lambda_.invoke(HANDLERS[route_key], event).payload)


@pytest.fixture
def gateway(aws: LocalAws, sender: FakeSender) -> Iterator[Gateway]:
    from app import app

    with Client(app, stage_name="local") as client:
        yield Gateway(client, sender)


@dataclass
class Call:
    session_id: str
    client: User
    expert: User


def a_live_call(client: User, expert: User, *, active_since: datetime | None = None) -> Call:
    """A free call the expert has accepted (or, with ``active_since``, that has been active since then)."""
    now = datetime.now(UTC)
    session_id = f"ses_{uuid.uuid4().hex[:16]}"
    CallSession(
        session_id,
        client_id=client.sub,
        expert_id=expert.sub,
        media="video",
        paid=False,
        state="active" if active_since else "accepted",
        requested_at=now - timedelta(minutes=1),
        expires_at=now + timedelta(minutes=1),
        accepted_at=now - timedelta(seconds=30),
        active_at=active_since,
        hold_ready=True,
        currency="USD",
        rate_per_minute=300,
        commission_bps=1000,
    ).save()
    return Call(session_id, client, expert)


def offer(session_id: str, sdp: str = "v=0 o=- 1 2 IN IP4 127.0.0.1") -> dict[str, Any]:
    return {"action": "signal.offer", "session_id": session_id, "payload": {"type": "offer", "sdp": sdp}}


def both_joined(gateway: Gateway, call: Call) -> tuple[str, str]:
    client_conn, expert_conn = gateway.open(call.client), gateway.open(call.expert)
    gateway.send(client_conn, {"action": "session.join", "session_id": call.session_id})
    gateway.send(expert_conn, {"action": "session.join", "session_id": call.session_id})
    return client_conn, expert_conn


def in_a_call(gateway: Gateway, client: User, expert: User) -> tuple[Call, str, str]:
    """A live call both have joined, each from one device: the call and the two devices' connections."""
    call = a_live_call(client, expert)
    return (call, *both_joined(gateway, call))


@pytest.fixture
def people(users: Users) -> tuple[User, User, User]:
    return (
        users.sign_up("cleo.client@example.com"),
        users.sign_up("ada.expert@example.com"),
        users.sign_up("ivan.intruder@example.com"),
    )


def test_a_bad_token_is_refused_at_the_handshake_and_nothing_is_stored(gateway: Gateway, users: Users) -> None:
    user = users.sign_up("cleo.client@example.com")
    tampered = user.id_token[:-4] + ("AAAA" if not user.id_token.endswith("AAAA") else "BBBB")

    refused = [gateway.connect(token) for token in (None, "", "not-a-jwt", tampered)]

    assert [response["statusCode"] for _, response in refused] == [401, 401, 401, 401]
    assert all(WsConnection.count(connection_id) == 0 for connection_id, _ in refused)


def test_a_good_token_opens_a_connection_that_is_stored_for_two_hours(gateway: Gateway, users: Users) -> None:
    user = users.sign_up("cleo.client@example.com")

    connection_id = gateway.open(user)

    stored = WsConnection.get(connection_id)
    assert stored.account_id == user.sub
    assert timedelta(hours=2) - timedelta(seconds=1) < stored.expires_at - stored.connected_at <= timedelta(hours=2)


def test_an_access_token_opens_a_connection_too(gateway: Gateway, users: Users) -> None:
    user = users.sign_up("cleo.client@example.com")

    connection_id, response = gateway.connect(user.access_token)

    assert response["statusCode"] == 200
    assert WsConnection.get(connection_id).account_id == user.sub


def test_an_expert_stays_online_while_any_of_their_devices_is_connected(
    gateway: Gateway, users: Users, sender: FakeSender
) -> None:
    from app import app

    expert = users.sign_up("ada.expert@example.com")
    with Client(app, stage_name="local") as rest:
        become_expert(rest.http, expert)
    phone, laptop, tablet = (gateway.open(expert) for _ in range(3))
    gateway.send(phone, {"action": "presence", "status": "online"})
    assert sender.received(phone) == [{"type": "presence", "status": "online", "presence": "online"}]

    gateway.close(phone)
    gateway.close(laptop)
    still = find_own_profile(expert.sub)
    gateway.close(tablet)
    after_last = find_own_profile(expert.sub)

    assert still is not None
    assert still.presence == "online"
    assert after_last is not None
    assert after_last.presence == "offline"


def test_a_notification_reaches_every_open_device_of_the_person(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_WS_MANAGEMENT_URL", "http://127.0.0.1:9")
    _, expert, intruder = people
    phone, laptop = gateway.open(expert), gateway.open(expert)
    elsewhere = gateway.open(intruder)
    from chalicelib.sessions.notifier import default_notifier

    warning = {"type": "session.warning", "session_id": "ses_1", "minutes_left": 5}
    default_notifier().notify(expert.sub, warning)

    assert sender.received(phone) == sender.received(laptop) == [warning]
    assert sender.received(elsewhere) == []


def test_signalling_reaches_only_the_other_participant_of_the_call(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, intruder = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = both_joined(gateway, call)
    intruder_conn = gateway.open(intruder)
    client_other_device = gateway.open(client)
    sender.posts.clear()

    gateway.send(client_conn, offer(call.session_id))
    gateway.send(
        expert_conn, {"action": "media.toggle", "session_id": call.session_id, "kind": "video", "enabled": False}
    )

    assert sender.received(expert_conn) == [
        {"type": "signal.offer", "session_id": call.session_id, "from": client.sub,
         "payload": {"type": "offer", "sdp": "v=0 o=- 1 2 IN IP4 127.0.0.1"}},
    ]  # fmt: skip
    assert sender.received(client_conn) == [
        {"type": "media.toggle", "session_id": call.session_id, "from": expert.sub, "kind": "video", "enabled": False},
    ]
    assert sender.received(intruder_conn) == []
    assert sender.received(client_other_device) == []


def test_an_intruder_can_neither_inject_signalling_nor_join_the_call(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, intruder = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = both_joined(gateway, call)
    intruder_conn = gateway.open(intruder)
    sender.posts.clear()

    gateway.send(intruder_conn, offer(call.session_id))
    gateway.send(intruder_conn, {"action": "signal.ice", "session_id": call.session_id, "payload": {"candidate": "x"}})
    gateway.send(intruder_conn, {"action": "session.join", "session_id": call.session_id})

    assert sender.errors(intruder_conn) == ["session_not_found"] * 3
    assert sender.received(client_conn) == sender.received(expert_conn) == []
    assert WsConnection.get(intruder_conn).session_id is None


ON_A_CALL = [action for action in COMMANDS if action not in ("presence", "session.request", "hello")]
FIELDS = {"payload": {"type": "offer", "sdp": "v=0"}, "kind": "video", "enabled": False, "payment_method_id": "pm_x"}


def on_a_call(action: str, session_id: str) -> dict[str, Any]:
    """A well-formed message of ``action`` about the call ``session_id``: the fields its model declares."""
    fields = {name: value for name, value in FIELDS.items() if name in COMMANDS[action].message.model_fields}
    return {"action": action, "session_id": session_id, **fields}


def test_someone_elses_call_answers_over_the_socket_exactly_as_a_made_up_one(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, intruder = people
    call = a_live_call(client, expert)
    both_joined(gateway, call)
    intruder_conn = gateway.open(intruder)

    def answers(session_id: str) -> list[Any]:
        sender.posts.clear()
        for action in ON_A_CALL:  # every action of the command table that names a call
            gateway.send(intruder_conn, on_a_call(action, session_id))
        return [(m["code"], m["message"]) for m in sender.received(intruder_conn)]

    theirs = answers(call.session_id)
    assert theirs == answers("made-up-session-id")
    assert len(theirs) == len(ON_A_CALL)
    assert not {code for code, _ in theirs} & MALFORMED  # each message is well-formed: refused for the call


def test_unknown_actions_bad_json_and_bad_fields_get_an_error_back_not_a_crash(
    gateway: Gateway, users: Users, sender: FakeSender
) -> None:
    connection_id = gateway.open(users.sign_up("cleo.client@example.com"))

    for message in ("{not json", "[1, 2]", {"action": "teleport"}, {"no": "action"},
                    {"action": "presence", "status": "asleep"}, {"action": "signal.offer", "payload": {}},
                    {"action": "media.toggle", "session_id": "ses_x", "kind": "smell", "enabled": True}):  # fmt: skip
        gateway.send(connection_id, message)

    assert sender.errors(connection_id) == [
        "invalid_json", "invalid_json", "unknown_action", "unknown_action",
        "invalid_message", "invalid_message", "invalid_message",
    ]  # fmt: skip
    echoed = [
        {k: v for k, v in m.items() if k not in ("type", "code", "message")} for m in sender.received(connection_id)
    ]
    assert echoed == [{}, {}, {"action": "teleport"}, {}, {"action": "presence"}, {"action": "signal.offer"},
                      {"action": "media.toggle", "session_id": "ses_x"}]  # fmt: skip


def test_a_message_from_a_connection_that_never_signed_in_is_refused(gateway: Gateway, sender: FakeSender) -> None:
    gateway.send("conn-never-opened=", {"action": "presence", "status": "online"})

    assert sender.errors("conn-never-opened=") == ["connection_unknown"]


def test_oversized_messages_are_refused_with_an_error_and_nothing_is_relayed(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = both_joined(gateway, call)
    sender.posts.clear()

    gateway.send(client_conn, offer(call.session_id, sdp="a" * MAX_SIGNAL_PAYLOAD_BYTES))
    gateway.send(client_conn, offer(call.session_id, sdp="a" * MAX_MESSAGE_BYTES))

    assert sender.errors(client_conn) == ["payload_too_large", "message_too_large"]
    assert sender.received(expert_conn) == []


def test_after_the_90_minute_cutoff_the_relay_refuses(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call, client_conn, expert_conn = in_a_call(gateway, client, expert)
    went_active = CallSession.get(call.session_id, consistent_read=True).active_at
    assert went_active is not None
    sender.posts.clear()

    for late in (timedelta(minutes=89, seconds=59), timedelta(minutes=90), timedelta(minutes=95)):
        runtime.set_clock(lambda late=late: went_active + late)
        gateway.send(client_conn, offer(call.session_id, sdp=f"v=0 {late}"))

    assert sender.errors(client_conn) == ["session_time_limit", "session_time_limit"]
    assert [m["payload"]["sdp"] for m in sender.received(expert_conn)] == ["v=0 1:29:59"]


def test_nothing_is_relayed_after_the_call_ended(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call, client_conn, expert_conn = in_a_call(gateway, client, expert)
    gateway.send(expert_conn, {"action": "session.hang_up", "session_id": call.session_id})
    sender.posts.clear()

    gateway.send(client_conn, offer(call.session_id))
    gateway.send(expert_conn, {"action": "signal.ice", "session_id": call.session_id, "payload": None})

    assert sender.errors(client_conn) == sender.errors(expert_conn) == ["session_ended"]
    assert [m for m in sender.posts.values() for m in m if m["type"] != "error"] == []
    ended = CallSession.get(call.session_id, consistent_read=True)
    assert (ended.state, ended.client_devices, ended.expert_devices) == ("ended", None, None)


def test_a_device_of_a_participant_that_did_not_join_neither_sends_nor_gets_signalling(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call, client_conn, expert_conn = in_a_call(gateway, client, expert)
    client_tablet = gateway.open(client)
    sender.posts.clear()

    gateway.send(client_tablet, offer(call.session_id))
    gateway.send(expert_conn, offer(call.session_id))

    assert sender.errors(client_tablet) == ["not_joined"]
    assert [m["type"] for m in sender.received(expert_conn)] == []
    assert [m["type"] for m in sender.received(client_conn)] == ["signal.offer"]
    assert [m["type"] for m in sender.received(client_tablet)] == ["error"]


def test_a_device_that_rejoins_after_a_drop_gets_signalling_again_and_its_old_connection_none(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call, client_conn, expert_conn = in_a_call(gateway, client, expert)
    gateway.close(expert_conn)  # the expert's network dropped
    gateway.send(client_conn, offer(call.session_id, sdp="v=0 while away"))
    back = gateway.open(expert)
    gateway.send(back, {"action": "session.join", "session_id": call.session_id})
    sender.posts.clear()

    gateway.send(client_conn, offer(call.session_id, sdp="v=0 again"))
    gateway.send(back, {"action": "signal.answer", "session_id": call.session_id, "payload": {"type": "answer"}})

    assert [m["payload"] for m in sender.received(back)] == [{"type": "offer", "sdp": "v=0 again"}]
    assert [m["type"] for m in sender.received(client_conn)] == ["signal.answer"]
    assert sender.received(expert_conn) == []
    stored = CallSession.get(call.session_id, consistent_read=True)
    assert (stored.client_devices, stored.expert_devices) == ({client_conn}, {back})


def test_a_device_that_joins_another_call_leaves_the_first_one(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, other_expert = people
    first, second = a_live_call(client, expert), a_live_call(client, other_expert)
    client_conn, expert_conn = both_joined(gateway, first)
    sender.posts.clear()

    gateway.send(client_conn, {"action": "session.join", "session_id": second.session_id})
    gateway.send(expert_conn, offer(first.session_id))

    assert sender.errors(expert_conn) == ["peer_not_connected"]
    assert {"type": "session.left", "session_id": first.session_id, "role": "client"} in sender.received(expert_conn)
    assert CallSession.get(first.session_id, consistent_read=True).client_devices is None


def test_a_stale_connection_is_removed_when_api_gateway_says_it_is_gone(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_WS_MANAGEMENT_URL", "http://127.0.0.1:9")
    client, expert, _ = people
    call = a_live_call(client, expert)
    _, expert_conn = both_joined(gateway, call)
    expert_second_device = gateway.open(expert)
    sender.gone.add(expert_second_device)
    from chalicelib.sessions.notifier import default_notifier

    warning = {"type": "session.warning", "session_id": call.session_id, "minutes_left": 5}
    default_notifier().notify(expert.sub, warning)  # a 410 just after $connect: not open yet, kept
    assert WsConnection.count(expert_second_device) == 1
    past_connecting(monkeypatch)
    default_notifier().notify(expert.sub, warning)

    assert WsConnection.count(expert_second_device) == 0
    assert WsConnection.count(expert_conn) == 1
    assert sender.received(expert_conn)[-1] == warning


def past_connecting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Time moves on past the moments in which API Gateway answers 410 for a connection still connecting."""
    from chalicelib.realtime.connections import STILL_CONNECTING

    later = runtime.now() + STILL_CONNECTING + timedelta(seconds=1)
    monkeypatch.setattr(runtime, "now", lambda: later)


def test_signalling_to_a_peer_whose_only_device_is_gone_is_refused_and_cleaned_up(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = both_joined(gateway, call)
    sender.gone.add(expert_conn)
    past_connecting(monkeypatch)

    gateway.send(client_conn, offer(call.session_id))

    assert sender.errors(client_conn) == ["peer_not_connected"]
    assert WsConnection.count(expert_conn) == 0
    gone_from_the_call = CallSession.get(call.session_id, consistent_read=True)
    assert (gone_from_the_call.expert_devices, gone_from_the_call.expert_connected_since) == (None, None)
    assert {"type": "session.left", "session_id": call.session_id, "role": "expert"} in sender.received(client_conn)


def test_losing_the_last_device_in_a_call_leaves_the_call(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = both_joined(gateway, call)
    assert CallSession.get(call.session_id).state == "active"
    sender.posts.clear()

    gateway.close(client_conn)

    session = CallSession.get(call.session_id, consistent_read=True)
    assert session.client_connected_since is None
    assert session.expert_connected_since is not None
    assert {"type": "session.left", "session_id": call.session_id, "role": "client"} in sender.received(expert_conn)


def test_the_management_endpoint_comes_from_configuration_or_else_from_the_event(
    gateway: Gateway, users: Users, sender: FakeSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    connection_id = gateway.open(users.sign_up("cleo.client@example.com"))
    gateway.send(connection_id, {"action": "teleport"})
    monkeypatch.setenv("PARLEY_WS_MANAGEMENT_URL", "http://127.0.0.1:9/")
    gateway.send(connection_id, {"action": "teleport"})

    assert sender.endpoints == ["https://ws.parley.test/local", "http://127.0.0.1:9"]


def test_a_relayed_message_costs_one_dynamodb_read_the_sessions_even_from_a_cold_function(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender, dynamo_reads: DynamoReads
) -> None:
    client, expert, _ = people
    call, client_conn, expert_conn = in_a_call(gateway, client, expert)
    account_of.cache_clear()  # no connection item is known: a fresh Lambda
    dynamo_reads.calls.clear()
    sender.posts.clear()

    messages = [(client_conn, offer(call.session_id)), (expert_conn, offer(call.session_id)),
                (client_conn, {"action": "signal.ice", "session_id": call.session_id, "payload": {"candidate": "c"}}),
                (expert_conn, {"action": "media.toggle", "session_id": call.session_id, "kind": "audio",
                               "enabled": True, "id": "m1"})]  # fmt: skip
    for connection_id, message in messages:
        gateway.send(connection_id, message)

    assert len(dynamo_reads.calls) / len(messages) == 1
    assert {name for name, _ in dynamo_reads.calls} == {"GetItem"}
    assert [m["type"] for m in sender.received(expert_conn)] == ["signal.offer", "signal.ice", "ack"]
    assert [m["type"] for m in sender.received(client_conn)] == ["signal.offer", "media.toggle"]


class GoneEndpoint(BaseHTTPRequestHandler):
    """API Gateway's @connections answer for a connection that has closed."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = json.dumps({"message": "Gone"}).encode()
        self.send_response(410)
        self.send_header("x-amzn-ErrorType", "GoneException")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_the_connection_sender_reports_a_410_as_a_gone_connection(aws: LocalAws) -> None:
    server = HTTPServer(("127.0.0.1", 0), GoneEndpoint)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        delivered = ConnectionSender(f"http://127.0.0.1:{server.server_port}").send("conn-closed=", {"type": "ping"})
    finally:
        server.shutdown()

    assert delivered is False


def test_a_person_with_no_profile_going_offline_on_disconnect_is_left_alone(
    gateway: Gateway, users: Users, sender: FakeSender
) -> None:
    from app import app

    client = users.sign_up("cleo.client@example.com")
    with Client(app, stage_name="local") as rest:
        assert register(rest.http, client).status_code == 201
    connection_id = gateway.open(client)

    gateway.close(connection_id)

    assert WsConnection.count(connection_id) == 0
    assert find_own_profile(client.sub) is None


def test_over_the_websocket_a_declined_card_reaches_the_client_at_once_and_another_card_gets_the_call_accepted(
    api: Any, gateway: Gateway, users: Users, sender: FakeSender, stripe_api: Any
) -> None:
    from tests.functional.money import DECLINED_CARD, card, intents_left_over

    client, expert = users.sign_up("cleo.client@example.com"), users.sign_up("ada.expert@example.com")
    assert register(api, client).status_code == 201
    become_expert(api, expert)
    client_conn, expert_conn = gateway.open(client), gateway.open(expert)
    gateway.send(expert_conn, {"action": "presence", "status": "online"})
    request = {"action": "session.request", "expert_id": expert.sub, "media": "voice"}
    gateway.send(client_conn, request | {"payment_method_id": card(stripe_api, DECLINED_CARD)})
    session_id = sender.received(client_conn)[-1]["session"]["session_id"]

    gateway.send(expert_conn, {"action": "session.accept", "session_id": session_id})

    [failed] = [m for m in sender.received(client_conn) if m["type"] == "session.payment_failed"]
    assert (failed["session_id"], failed["code"]) == (session_id, "card_declined")
    assert failed["reason"] == "Your card was declined. (generic_decline)"
    [notice] = [m for m in sender.received(expert_conn) if m["type"] == "session.payment_failed"]
    assert "reason" not in notice
    assert notice["session"]["payment_failed"]["message"].startswith("The client's payment failed")
    assert sender.errors(expert_conn) == []
    assert intents_left_over(stripe_api) == []

    gateway.send(
        client_conn, {"action": "session.card", "session_id": session_id, "payment_method_id": card(stripe_api)}
    )

    for connection in (client_conn, expert_conn):
        accepted = [m for m in sender.received(connection) if m["type"] == "session.accepted"]
        assert [m["session"]["state"] for m in accepted] == ["accepted"]
    assert sender.errors(client_conn) == []


def test_an_offer_sent_the_moment_session_active_arrives_reaches_the_second_joiner(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = gateway.open(client), gateway.open(expert)
    gateway.send(client_conn, {"action": "session.join", "session_id": call.session_id})

    def offer_at_once(connection_id: str, message: dict[str, Any]) -> None:
        if connection_id == client_conn and message.get("type") == "session.active":
            gateway.send(client_conn, offer(call.session_id))  # while the expert's join is still being handled

    sender.reactions.append(offer_at_once)
    gateway.send(expert_conn, {"action": "session.join", "session_id": call.session_id})

    assert sender.errors(client_conn) == []
    assert [m["type"] for m in sender.received(expert_conn)].count("signal.offer") == 1


def test_an_offer_sent_on_the_join_reply_reaches_a_first_joiner_whose_join_is_still_being_handled(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = gateway.open(client), gateway.open(expert)

    def join_then_offer_at_once(connection_id: str, message: dict[str, Any]) -> None:
        if connection_id != expert_conn:
            return
        if message.get("type") == "session.joined":  # the client's join has not returned yet
            gateway.send(expert_conn, {"action": "session.join", "session_id": call.session_id})
        if message.get("action") == "session.join":
            gateway.send(expert_conn, offer(call.session_id))

    sender.reactions.append(join_then_offer_at_once)
    gateway.send(client_conn, {"action": "session.join", "session_id": call.session_id})

    assert sender.errors(expert_conn) == []
    assert [m["type"] for m in sender.received(client_conn)].count("signal.offer") == 1


def test_every_reply_error_and_relayed_message_is_matched_to_the_client_message_id_it_answers(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = gateway.open(client), gateway.open(expert)
    gateway.send(client_conn, {"action": "session.join", "session_id": call.session_id, "id": "join-1"})
    for n in range(3):  # before the expert joined: refused, each error naming its message
        gateway.send(client_conn, {**offer(call.session_id), "id": f"early-{n}"})
    gateway.send(expert_conn, {"action": "session.join", "session_id": call.session_id, "id": 7})
    sender.posts.clear()

    gateway.send(client_conn, {**offer(call.session_id), "id": "offer-2"})
    gateway.send(client_conn, offer(call.session_id))  # no id: no ack
    gateway.send(client_conn, {"action": "presence", "status": "online", "id": "p"})
    gateway.send(client_conn, {"action": "session.join", "session_id": call.session_id, "id": True})

    assert sender.received(client_conn)[:1] == [
        {"type": "ack", "action": "signal.offer", "session_id": call.session_id, "id": "offer-2"}
    ]
    assert sender.received(client_conn)[1]["id"] == "p"
    assert sender.errors(client_conn)[-1] == "invalid_message"
    assert all("id" not in m for m in sender.received(expert_conn))  # the client's ids are its own


def test_nine_identical_refusals_each_say_which_message_they_refuse(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn = gateway.open(client)
    gateway.send(client_conn, {"action": "session.join", "session_id": call.session_id, "id": "join"})
    join_reply = sender.received(client_conn)[-1]
    sender.posts.clear()

    gateway.send(client_conn, {**offer(call.session_id), "id": "offer"})
    for n in range(8):
        ice = {"action": "signal.ice", "session_id": call.session_id, "payload": {"candidate": f"c{n}"}, "id": n}
        gateway.send(client_conn, ice)

    assert (join_reply["action"], join_reply["id"]) == ("session.join", "join")
    errors = sender.received(client_conn)
    assert [(e["code"], e["action"], e["session_id"], e["id"]) for e in errors] == [
        ("peer_not_connected", "signal.offer", call.session_id, "offer"),
        *[("peer_not_connected", "signal.ice", call.session_id, n) for n in range(8)],
    ]


def test_the_end_of_candidates_null_reaches_the_peer(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = both_joined(gateway, call)
    sender.posts.clear()

    gateway.send(client_conn, {"action": "signal.ice", "session_id": call.session_id, "payload": None})
    gateway.send(client_conn, {"action": "signal.offer", "session_id": call.session_id, "payload": None})

    assert sender.received(expert_conn) == [
        {"type": "signal.ice", "session_id": call.session_id, "from": client.sub, "payload": None}
    ]
    assert sender.errors(client_conn) == ["invalid_message"]  # only ICE has an end


def test_a_join_reply_says_whether_the_peer_is_there_and_tells_exactly_one_side_to_offer(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, _ = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = gateway.open(client), gateway.open(expert)
    join = {"action": "session.join", "session_id": call.session_id}

    def join_reply(connection_id: str) -> tuple[bool, bool]:
        reply = [m for m in sender.received(connection_id) if m.get("action") == "session.join"][-1]
        return reply["peer_present"], reply["you_offer"]

    gateway.send(expert_conn, join)
    gateway.send(client_conn, join)
    first, second = join_reply(expert_conn), join_reply(client_conn)
    told = next(m for m in sender.received(expert_conn) if m["type"] == "session.active")
    gateway.close(client_conn)  # the client reloads the page
    reloaded = gateway.open(client)
    gateway.send(reloaded, join)

    assert (first, second) == ((False, False), (True, True))
    assert told["you_offer"] is False
    assert join_reply(reloaded) == (True, True)
    rejoined = [m for m in sender.received(expert_conn) if m["type"] == "session.joined"][-1]
    assert (rejoined["role"], rejoined["you_offer"]) == ("client", False)


def _online_now(api: Any) -> list[str]:
    return [e["expert_id"] for e in api.get("/experts?online=true").json_body["items"]]


def test_an_expert_who_says_online_over_rest_with_no_device_connected_is_shown_online_only_once_a_device_connects(
    api: Any, gateway: Gateway, users: Users, sender: FakeSender
) -> None:
    from chalicelib.errors import Conflict
    from chalicelib.sessions import calls
    from chalicelib.sessions.notifier import LoggingNotifier

    client, expert = users.sign_up("cleo.client@example.com"), users.sign_up("ada.expert@example.com")
    assert register(api, client).status_code == 201
    become_expert(api, expert, free_minutes=0)

    said = api.put("/experts/me/presence", headers=expert.auth, body='{"status": "online"}').json_body
    shown_before = (api.get(f"/experts/{expert.sub}").json_body["presence"], _online_now(api))
    with pytest.raises(Conflict) as refused:
        calls.request_call(client.sub, expert.sub, "voice", payment_method_id=None, link_id=None,
                           notifier=LoggingNotifier(), now=datetime.now(UTC))  # fmt: skip
    gateway.open(expert)

    assert said == {"presence": "offline", "intent": "online"}
    assert shown_before == ("offline", [])
    assert refused.value.code == "expert_unavailable"
    assert api.get(f"/experts/{expert.sub}").json_body["presence"] == "online"
    assert _online_now(api) == [expert.sub]


def test_an_expert_whose_last_device_disconnects_leaves_search_and_a_new_connection_brings_them_back(
    api: Any, gateway: Gateway, users: Users, sender: FakeSender
) -> None:
    expert = users.sign_up("ada.expert@example.com")
    become_expert(api, expert)
    phone = gateway.open(expert)
    gateway.send(phone, {"action": "presence", "status": "online"})
    online_while_connected = _online_now(api)

    gateway.close(phone)
    after_disconnect = _online_now(api)
    gateway.open(expert)  # says nothing: their "online" still stands

    assert online_while_connected == [expert.sub]
    assert after_disconnect == []
    assert _online_now(api) == [expert.sub]


def test_an_expert_whose_only_connection_is_found_gone_leaves_search(
    api: Any, gateway: Gateway, users: Users, sender: FakeSender, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_WS_MANAGEMENT_URL", "http://127.0.0.1:9")
    expert = users.sign_up("ada.expert@example.com")
    become_expert(api, expert)
    phone = gateway.open(expert)
    gateway.send(phone, {"action": "presence", "status": "online"})
    sender.gone.add(phone)  # the phone lost its network: no $disconnect came
    past_connecting(monkeypatch)
    from chalicelib.sessions.notifier import default_notifier

    default_notifier().notify(expert.sub, {"type": "session.warning", "session_id": "ses_1", "minutes_left": 1})

    assert WsConnection.count(phone) == 0
    assert _online_now(api) == []
    assert find_own_profile(expert.sub).presence == "offline"  # type: ignore[union-attr]


def test_a_device_that_connects_after_a_call_was_requested_learns_of_it_by_saying_hello(
    api: Any, gateway: Gateway, users: Users, sender: FakeSender, dynamo_reads: DynamoReads
) -> None:
    client, expert = users.sign_up("cleo.client@example.com"), users.sign_up("ada.expert@example.com")
    assert register(api, client).status_code == 201
    become_expert(api, expert, free_minutes=0)
    client_conn, expert_phone = gateway.open(client), gateway.open(expert)
    gateway.send(expert_phone, {"action": "presence", "status": "online"})
    gateway.send(client_conn, {"action": "session.request", "expert_id": expert.sub, "media": "video",
                               "payment_method_id": None})  # fmt: skip
    session_id = sender.received(client_conn)[-1]["session"]["session_id"]

    expert_laptop = gateway.open(expert)  # a second later
    dynamo_reads.calls.clear()
    gateway.send(expert_laptop, {"action": "hello", "id": "h1"})
    client_tab = gateway.open(client)
    gateway.send(client_tab, {"action": "hello"})

    [hello] = sender.received(expert_laptop)
    assert (hello["type"], hello["id"], hello["presence"]) == ("hello", "h1", "online")
    assert [(s["session_id"], s["state"], s["role"]) for s in hello["sessions"]] == [
        (session_id, "requested", "expert")
    ]
    [client_hello] = sender.received(client_tab)
    assert [(s["session_id"], s["role"]) for s in client_hello["sessions"]] == [(session_id, "client")]
    assert "Scan" not in dynamo_reads.operations


def test_hello_lists_no_call_that_was_declined(api: Any, gateway: Gateway, users: Users, sender: FakeSender) -> None:
    client, expert = users.sign_up("cleo.client@example.com"), users.sign_up("ada.expert@example.com")
    assert register(api, client).status_code == 201
    become_expert(api, expert, free_minutes=0)
    client_conn, expert_phone = gateway.open(client), gateway.open(expert)
    gateway.send(expert_phone, {"action": "presence", "status": "online"})
    gateway.send(client_conn, {"action": "session.request", "expert_id": expert.sub, "media": "voice"})
    session_id = sender.received(client_conn)[-1]["session"]["session_id"]
    gateway.send(expert_phone, {"action": "session.decline", "session_id": session_id})

    gateway.send(expert_phone, {"action": "hello"})

    assert sender.received(expert_phone)[-1]["sessions"] == []


def test_declining_cancelling_or_expiring_a_request_reaches_every_device_of_both(
    api: Any, gateway: Gateway, users: Users, sender: FakeSender, monkeypatch: pytest.MonkeyPatch, call_timers: Any
) -> None:
    monkeypatch.setenv("PARLEY_WS_MANAGEMENT_URL", "http://127.0.0.1:9")  # the sweep's notifier posts too
    from chalicelib import runtime
    from chalicelib.sessions.notifier import default_notifier

    client, expert = users.sign_up("cleo.client@example.com"), users.sign_up("ada.expert@example.com")
    assert register(api, client).status_code == 201
    become_expert(api, expert, free_minutes=0)
    client_tab, client_phone = gateway.open(client), gateway.open(client)
    expert_phone, expert_laptop = gateway.open(expert), gateway.open(expert)
    gateway.send(expert_phone, {"action": "presence", "status": "online"})

    def ask() -> str:
        gateway.send(client_tab, {"action": "session.request", "expert_id": expert.sub, "media": "voice"})
        return str(sender.received(client_tab)[-1]["session"]["session_id"])

    def told(connection: str, event: str) -> list[str]:
        return [m["session"]["session_id"] for m in sender.received(connection) if m["type"] == event]

    declined = ask()
    gateway.send(expert_phone, {"action": "session.decline", "session_id": declined})
    cancelled = ask()
    gateway.send(client_tab, {"action": "session.cancel", "session_id": cancelled})
    expired = ask()
    assert call_timers.run_until(runtime.now() + timedelta(minutes=5), default_notifier()).expired == 1

    for connection in (client_tab, client_phone, expert_phone, expert_laptop):
        assert told(connection, "session.declined") == [declined], connection
        assert told(connection, "session.cancelled") == [cancelled], connection
        assert told(connection, "session.expired") == [expired], connection


def test_a_page_reports_its_media_connected_and_the_call_keeps_the_first_report_only(
    gateway: Gateway, people: tuple[User, User, User], sender: FakeSender
) -> None:
    client, expert, intruder = people
    call = a_live_call(client, expert)
    client_conn, expert_conn = both_joined(gateway, call)
    intruder_conn = gateway.open(intruder)
    sender.posts.clear()

    gateway.send(client_conn, {"action": "media.connected", "session_id": call.session_id, "id": "m1"})
    gateway.send(expert_conn, {"action": "media.connected", "session_id": call.session_id})
    gateway.send(intruder_conn, {"action": "media.connected", "session_id": call.session_id, "id": "x"})

    first = sender.received(client_conn)[-1]
    assert (first["type"], first["action"], first["id"]) == ("session", "media.connected", "m1")
    assert first["session"]["media_connected_at"] is not None
    assert sender.received(expert_conn)[-1]["session"]["media_connected_at"] == first["session"]["media_connected_at"]
    assert CallSession.get(call.session_id).media_connected_at.isoformat() == first["session"]["media_connected_at"]
    assert sender.errors(intruder_conn) == ["session_not_found"]
