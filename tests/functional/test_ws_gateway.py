"""The local WebSocket gateway (``infra/local/ws_gateway.py``) behaves as API Gateway's WebSocket API.

A throwaway Chalice app, written to a temp dir by each test, refuses ``$connect``
without the token ``good``, echoes every message back through
``app.websocket_api.send`` (so through the gateway's management API) and records
every event it gets. Clients are real ``websockets`` clients; management calls are
real botocore ``apigatewaymanagementapi`` calls. The gateway runs in-process on its
own event loop, except in the last test, which runs the command as the stack does.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from chalice.app import WebsocketDisconnectedError
from websockets.exceptions import ConnectionClosed, ConnectionClosedOK, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from infra.local.jobs import JsonLog
from infra.local.stack import free_port
from infra.local.ws_gateway import (
    MANAGEMENT_URL_VARIABLE,
    MAX_FRAME_BYTES,
    MAX_MESSAGE_BYTES,
    GatewayError,
    WebsocketGateway,
    running_in_thread,
)
from tests.contract import FROM_SERVER, check_ws_message

REPO = Path(__file__).resolve().parents[2]
STAGE = "test"
WAIT_SECONDS = 5.0

THROWAWAY_APP = """
import threading

import boto3
from chalice.app import Chalice

app = Chalice(app_name="ws-gateway-test")
app.websocket_api.session = boto3.session.Session()
RECORDS = []
RELEASE = threading.Event()


def _record(kind, event):
    context = event.context
    RECORDS.append({
        "kind": kind,
        "event": event.to_dict(),
        "function_name": context.function_name,
        "aws_request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
    })


@app.on_ws_connect()
def connect(event):
    token = (event.to_dict().get("queryStringParameters") or {}).get("token")
    if token == "boom":
        raise RuntimeError("the token service is down")
    if token != "good":
        return {"statusCode": 401, "body": "bad token"}
    _record("connect", event)


@app.on_ws_message()
def message(event):
    _record("message", event)
    if event.body == "wait":
        RELEASE.wait(10)
    if event.body == "fail":
        raise RuntimeError("the handler failed")
    app.websocket_api.send(event.connection_id, "echo:" + event.body)


@app.on_ws_disconnect()
def disconnect(event):
    _record("disconnect", event)
"""


def wait_until(condition: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Gateway:
    """The running gateway, the throwaway app behind it, and ways to reach both."""

    gateway: WebsocketGateway
    app: ModuleType
    log: io.StringIO

    def connect(self, token: str = "good") -> ClientConnection:
        return connect(f"{self.gateway.ws_url}?token={token}", open_timeout=WAIT_SECONDS)

    def connect_with_id(self) -> tuple[ClientConnection, str]:
        client = self.connect()
        return client, self.records("connect")[-1]["event"]["requestContext"]["connectionId"]

    def records(self, kind: str, connection_id: str | None = None) -> list[dict[str, Any]]:
        return [
            r
            for r in self.app.RECORDS
            if r["kind"] == kind and connection_id in (None, r["event"]["requestContext"]["connectionId"])
        ]

    def disconnects(self, connection_id: str) -> list[dict[str, Any]]:
        return wait_until(lambda: self.records("disconnect", connection_id), f"$disconnect of {connection_id}")

    def management(self, endpoint_url: str | None = None) -> Any:
        return boto3.client(
            "apigatewaymanagementapi",
            endpoint_url=endpoint_url or self.gateway.management_url,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def logged(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log.getvalue().splitlines()]


def received_close_code(closed: ConnectionClosed) -> int | None:
    return None if closed.rcvd is None else int(closed.rcvd.code)


def write_app(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "app.py"
    path.write_text(THROWAWAY_APP)
    return path


def import_app(path: Path) -> ModuleType:
    """The throwaway app under a name of its own, so it never shadows the project's ``app``."""
    spec = importlib.util.spec_from_file_location(f"ws_gateway_test_app_{uuid.uuid4().hex}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def gateway(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    app = import_app(write_app(tmp_path / "app"))
    log = io.StringIO()
    running = WebsocketGateway(app.app, stage=STAGE, log=JsonLog(log))
    with running_in_thread(running):
        monkeypatch.setenv(MANAGEMENT_URL_VARIABLE, running.management_url)
        yield Gateway(running, app, log)
        app.RELEASE.set()


def test_a_refused_token_fails_the_handshake_and_the_app_stores_nothing(gateway: Gateway) -> None:
    with pytest.raises(InvalidStatus) as refused:
        gateway.connect(token="forged")

    assert refused.value.response.status_code == 401
    assert refused.value.response.body == b"bad token"
    assert gateway.app.RECORDS == []
    assert gateway.gateway.connection_ids() == []


def test_a_connect_function_that_raises_refuses_the_handshake_with_502(gateway: Gateway) -> None:
    with pytest.raises(InvalidStatus) as refused:
        gateway.connect(token="boom")

    assert refused.value.response.status_code == 502
    assert gateway.gateway.connection_ids() == []
    failure = next(line for line in gateway.logged() if line["message"] == "invoke failed")
    assert failure["route"] == "$connect"
    assert "the token service is down" in failure["error"]


def test_the_connect_event_has_api_gateways_shape(gateway: Gateway) -> None:
    with gateway.connect():
        (record,) = gateway.records("connect")

    event = record["event"]
    context = event["requestContext"]
    assert context["routeKey"] == "$connect"
    assert context["eventType"] == "CONNECT"
    assert context["messageDirection"] == "IN"
    assert context["stage"] == STAGE
    assert len(context["connectionId"]) == 16
    assert context["connectionId"].endswith("=")
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert context["domainName"] == gateway.gateway.management_url.removeprefix("http://").removesuffix(f"/{STAGE}")
    assert isinstance(context["connectedAt"], int)
    assert context["requestId"]
    assert context["apiId"]
    assert event["queryStringParameters"] == {"token": "good"}
    assert event["multiValueQueryStringParameters"] == {"token": ["good"]}
    assert event["headers"]["Upgrade"] == "websocket"
    assert event["multiValueHeaders"]["Host"] == [event["headers"]["Host"]]
    assert event["isBase64Encoded"] is False
    assert record["function_name"] == f"ws-gateway-test-{STAGE}-websocket_connect"
    assert record["aws_request_id"]
    assert record["remaining_ms"] > 0


def test_a_message_reaches_the_handler_and_its_reply_reaches_the_sender(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    with client:
        client.send('{"type": "offer", "sdp": "v=0"}')
        reply = client.recv(timeout=WAIT_SECONDS)

    assert reply == 'echo:{"type": "offer", "sdp": "v=0"}'
    (record,) = gateway.records("message")
    context = record["event"]["requestContext"]
    assert record["event"]["body"] == '{"type": "offer", "sdp": "v=0"}'
    assert (context["routeKey"], context["eventType"]) == ("$default", "MESSAGE")
    assert context["connectionId"] == connection_id
    assert context["messageId"] != context["requestId"]
    assert record["function_name"] == f"ws-gateway-test-{STAGE}-websocket_message"


def test_a_message_posted_through_the_management_api_reaches_that_client_only(gateway: Gateway) -> None:
    alice, _ = gateway.connect_with_id()
    bob, bob_id = gateway.connect_with_id()
    with alice, bob:
        gateway.management().post_to_connection(ConnectionId=bob_id, Data=b'{"type": "ice"}')

        assert bob.recv(timeout=WAIT_SECONDS) == '{"type": "ice"}'
        with pytest.raises(TimeoutError):
            alice.recv(timeout=0.2)


def test_a_post_over_32_kb_arrives_in_frames_of_at_most_32_kb(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    data = "é" * (MAX_FRAME_BYTES + 100)  # two bytes each in UTF-8: a little over 64 KB
    with client:
        gateway.management().post_to_connection(ConnectionId=connection_id, Data=data.encode())
        fragments = [str(fragment) for fragment in client.recv_streaming()]

    assert "".join(fragments) == data
    assert len([fragment for fragment in fragments if fragment]) == 3  # websockets ends with an empty frame
    assert all(len(fragment.encode()) <= MAX_FRAME_BYTES for fragment in fragments)


def test_connection_info_comes_with_and_without_the_stage_in_the_path(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    bare_url = gateway.gateway.management_url.removesuffix(f"/{STAGE}")
    with client:
        staged = gateway.management().get_connection(ConnectionId=connection_id)
        bare = gateway.management(bare_url).get_connection(ConnectionId=connection_id)

    for info in (staged, bare):
        assert info["Identity"]["SourceIp"] == "127.0.0.1"
        assert info["Identity"]["UserAgent"].startswith("Python/")
        assert info["ConnectedAt"] <= info["LastActiveAt"]


def test_another_stage_in_the_management_path_is_forbidden(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    other_stage = gateway.management(gateway.gateway.management_url.removesuffix(f"/{STAGE}") + "/prod")
    with client, pytest.raises(other_stage.exceptions.ForbiddenException):
        other_stage.get_connection(ConnectionId=connection_id)


def test_deleting_a_connection_closes_it_and_runs_its_disconnect(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    with client:
        gateway.management().delete_connection(ConnectionId=connection_id)
        with pytest.raises(ConnectionClosedOK):
            client.recv(timeout=WAIT_SECONDS)

    (disconnect,) = gateway.disconnects(connection_id)
    assert disconnect["event"]["requestContext"]["disconnectStatusCode"] == 1000


def test_unknown_and_disconnected_connection_ids_are_gone(gateway: Gateway) -> None:
    management = gateway.management()
    client, connection_id = gateway.connect_with_id()
    with client:
        pass
    gateway.disconnects(connection_id)

    for gone_id in ("Tm90QUNvbm5lY3Q=", connection_id):
        with pytest.raises(management.exceptions.GoneException):
            management.post_to_connection(ConnectionId=gone_id, Data=b"hello?")
        with pytest.raises(management.exceptions.GoneException):
            management.get_connection(ConnectionId=gone_id)
        with pytest.raises(management.exceptions.GoneException):
            management.delete_connection(ConnectionId=gone_id)
    with pytest.raises(WebsocketDisconnectedError):  # Chalice's own sender sees the same 410
        gateway.app.app.websocket_api.send(connection_id, "hello?")


def read_until_closed(client: ClientConnection) -> tuple[list[str | bytes], ConnectionClosed]:
    """Every message the gateway sent before it closed the connection, and how it closed it."""
    received: list[str | bytes] = []
    try:
        while True:
            received.append(client.recv(timeout=WAIT_SECONDS))
    except ConnectionClosed as closed:
        return received, closed


def test_a_frame_over_32_kb_is_answered_message_too_large_then_closed_with_1009_undelivered(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    with client:
        client.send("x" * (MAX_FRAME_BYTES + 1))
        received, closed = read_until_closed(client)

    assert [json.loads(m)["code"] for m in received] == ["message_too_large"]
    assert json.loads(received[0])["type"] == "error"
    check_ws_message(FROM_SERVER, received[0])  # the gateway's own message is the app's error format
    assert received_close_code(closed) == 1009
    assert gateway.records("message") == []
    (disconnect,) = gateway.disconnects(connection_id)
    assert disconnect["event"]["requestContext"]["disconnectStatusCode"] == 1009


def test_a_message_over_128_kb_in_small_frames_is_answered_message_too_large_then_closed(gateway: Gateway) -> None:
    client, _ = gateway.connect_with_id()

    def send_then_read() -> tuple[list[str | bytes], ConnectionClosed]:
        # Five 30 KB frames of one 150 KB message; the gateway may close while the last is sent.
        with contextlib.suppress(ConnectionClosed):
            client.send(["y" * 30_000] * 5)
        return read_until_closed(client)

    with client:
        received, closed = send_then_read()

    assert [json.loads(m)["code"] for m in received] == ["message_too_large"]
    check_ws_message(FROM_SERVER, received[0])
    assert received_close_code(closed) == 1009
    assert gateway.records("message") == []


def test_a_frame_of_exactly_32_kb_is_delivered(gateway: Gateway) -> None:
    client, _ = gateway.connect_with_id()
    with client:
        client.send("z" * MAX_FRAME_BYTES)
        reply = client.recv(timeout=WAIT_SECONDS)

    assert reply == "echo:" + "z" * MAX_FRAME_BYTES


def test_a_binary_frame_closes_the_connection_with_1003(gateway: Gateway) -> None:
    client, _ = gateway.connect_with_id()
    with client:
        client.send(b"\x00\x01")
        with pytest.raises(ConnectionClosed) as closed:
            client.recv(timeout=WAIT_SECONDS)

    assert received_close_code(closed.value) == 1003
    assert gateway.records("message") == []


def test_a_post_over_128_kb_is_payload_too_large(gateway: Gateway) -> None:
    management = gateway.management()
    client, connection_id = gateway.connect_with_id()
    with client, pytest.raises(management.exceptions.PayloadTooLargeException):
        management.post_to_connection(ConnectionId=connection_id, Data=b"x" * (MAX_MESSAGE_BYTES + 1))


def test_a_disconnect_invokes_disconnect_once(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    with client:
        client.send("bye")
        client.recv(timeout=WAIT_SECONDS)

    (disconnect,) = gateway.disconnects(connection_id)
    time.sleep(0.2)  # a second $disconnect, if there were one, would have come by now
    assert len(gateway.records("disconnect", connection_id)) == 1
    context = disconnect["event"]["requestContext"]
    assert (context["routeKey"], context["eventType"], context["disconnectStatusCode"]) == (
        "$disconnect",
        "DISCONNECT",
        1000,
    )
    assert connection_id not in gateway.gateway.connection_ids()


def test_a_failing_handler_gets_the_client_api_gateways_error_message(gateway: Gateway) -> None:
    client, connection_id = gateway.connect_with_id()
    with client:
        client.send("fail")
        error = json.loads(client.recv(timeout=WAIT_SECONDS))

        assert error["message"] == "Internal server error"
        assert error["connectionId"] == connection_id
        check_ws_message(FROM_SERVER, error)  # API Gateway's own message, as the AsyncAPI document has it
        client.send("still here")
        assert client.recv(timeout=WAIT_SECONDS) == "echo:still here"


def test_a_slow_handler_does_not_hold_up_other_connections(gateway: Gateway) -> None:
    slow, _ = gateway.connect_with_id()
    quick, _ = gateway.connect_with_id()
    with slow, quick:
        slow.send("wait")  # blocks its handler thread until RELEASE is set
        wait_until(lambda: gateway.records("message"), "the slow message to reach the app")
        quick.send("ping")
        assert quick.recv(timeout=WAIT_SECONDS) == "echo:ping"

        gateway.app.RELEASE.set()
        assert slow.recv(timeout=WAIT_SECONDS) == "echo:wait"


def test_websocket_handlers_declared_on_a_blueprint_are_refused_with_the_reason() -> None:
    from chalice.app import Blueprint, Chalice

    signalling = Blueprint(__name__)

    @signalling.on_ws_message()
    def relay(event: Any) -> None:
        raise AssertionError("never invoked")

    app = Chalice(app_name="blueprint-ws")
    app.experimental_feature_flags.update({"BLUEPRINTS"})
    app.register_blueprint(signalling)

    with pytest.raises(GatewayError, match="Blueprint"):
        WebsocketGateway(app)


# --------------------------------------------------------------------------- the command


def read_lines(stream: Any, lines: queue.Queue[str]) -> None:
    for line in stream:
        lines.put(line)


def wait_for_line(lines: queue.Queue[str], message: str, seen: list[dict[str, Any]]) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            entry = json.loads(lines.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            break
        seen.append(entry)
        if entry["message"] == message:
            return dict(entry)
    raise AssertionError(f"no {message!r} log line; got {seen}")


def test_the_command_serves_the_app_and_sigterm_closes_every_socket_with_1001(tmp_path: Path, moto_url: str) -> None:
    app_dir = write_app(tmp_path / "app").parent
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("PARLEY_LAUNCHER_PINNED", None)
    port, management_port = free_port(), free_port()
    argv = [sys.executable, "-m", "infra.local.ws_gateway", "--port", str(port), "--management-port",
            str(management_port), "--app-dir", str(app_dir), "--stage", STAGE]  # fmt: skip
    process = subprocess.Popen(argv, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    seen: list[dict[str, Any]] = []
    try:
        ready = wait_for_line(lines, "ready", seen)
        assert ready["ws_url"] == f"ws://127.0.0.1:{port}/{STAGE}"
        assert ready["management_url"] == f"http://127.0.0.1:{management_port}/{STAGE}"
        assert ready["routes"] == {"$connect": "connect", "$default": "message", "$disconnect": "disconnect"}

        with connect(f"{ready['ws_url']}?token=good", open_timeout=WAIT_SECONDS) as client:
            client.send("hi")
            assert client.recv(timeout=WAIT_SECONDS) == "echo:hi"
            process.send_signal(signal.SIGTERM)
            with pytest.raises(ConnectionClosedOK) as closed:
                client.recv(timeout=WAIT_SECONDS)
        assert received_close_code(closed.value) == 1001
        assert process.wait(timeout=15) == 0
        wait_for_line(lines, "stopped", seen)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    disconnects = [e for e in seen if e["message"] == "invoke" and e.get("route") == "$disconnect"]
    assert [e["status"] for e in disconnects] == [200]
