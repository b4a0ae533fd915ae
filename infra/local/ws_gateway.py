"""The local stand-in for API Gateway's WebSocket API, in front of our Chalice WebSocket handlers.

    python -m infra.local.ws_gateway --port N --management-port M [--app-dir .] [--stage local]

Two servers on 127.0.0.1, one process:

* ``ws://127.0.0.1:N/`` (or ``/{stage}``, as clients address API Gateway; a query
  string such as ``?token=...`` is passed on): each client gets a connection id in
  API Gateway's form (16 url-safe characters ending in ``=``) and the app's
  ``$connect`` function is invoked with the event API Gateway builds. A
  ``statusCode`` other than 200 refuses the handshake with that HTTP status (502
  if the function raised, 504 if it ran past the 29 s integration timeout), and
  nothing is kept. Each text message is a ``$default`` MESSAGE event; the client
  closing is a ``$disconnect`` DISCONNECT event, invoked once, after the messages
  of that connection.
* ``http://127.0.0.1:M/{stage}/@connections/{connectionId}`` (also without the
  stage): the management API, as botocore's ``apigatewaymanagementapi`` client
  calls it. POST sends the body to the client (200), GET returns
  ``connectedAt`` / ``identity`` / ``lastActiveAt``, DELETE closes the connection
  (204); an unknown, closed or still-connecting id gets 410 ``GoneException``, a
  body over 128 KB 413 ``PayloadTooLargeException``.

API Gateway's limits hold as in AWS: a frame over 32 KB or a message over 128 KB
closes the connection with 1009 (the message is not delivered); a binary frame
closes it with 1003. Unlike AWS, which closes without a word, the gateway first sends
the client ``{"type": "error", "code": "message_too_large", ...}`` (the app's error
format, see docs/websocket-protocol.md), so that a developer sees why locally; clients
must still keep every message within 32 KB, as AWS gives them no such warning.
A function that raises while handling a message gets the client the JSON API
Gateway sends then (``{"message": "Internal server error", "connectionId": ...,
"requestId": ...}``). Messages of one connection reach the
app one after another; different connections run concurrently in a thread pool,
so a slow handler never holds up other sockets nor the management API, which the
handlers call back into (it is served on the event loop, the handlers run off it).

The functions invoked are the ones Lambda runs: Chalice records each route in
``app.websocket_handlers``; the callable is ``app.handler_map[name]``, the object
the deployed handler string resolves to (middleware and the ``{"statusCode": 200}``
default included). They get a Lambda context named as ``chalice deploy`` names the
functions (``{app}-{stage}-websocket_connect`` / ``_message`` / ``_disconnect``),
with the timeout and memory ``.chalice/config.json`` gives them.

Where the management API is: the gateway sets ``PARLEY_WS_MANAGEMENT_URL`` in its
own environment before importing the app (the launcher passes the same value to
``chalice local`` and the jobs runner), and points ``app.websocket_api`` at it, as
API Gateway's domain does in AWS (otherwise Chalice would build a real AWS URL).
Events carry ``domainName`` = the management API's ``127.0.0.1:M``, so
``http://{domainName}/{stage}`` is that URL too.
The environment is what ``chalice local`` gives the app (``infra.local.jobs``); like
the jobs runner, it refuses to start without a local AWS (``AWS_ENDPOINT_URL`` or a
running stack's ``.local/stack.json``). Logs are JSON lines on stdout; SIGINT or
SIGTERM closes every socket with 1001 (each gets its ``$disconnect``), then exits 0.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import secrets
import signal
import string
import sys
import threading
import time
import traceback
import urllib.parse
import weakref
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import Any

from aiohttp import web
from chalice.app import Chalice, WebsocketEventSourceHandler
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed
from websockets.frames import CloseCode
from websockets.http11 import Request, Response
from websockets.protocol import State
from websockets.server import ServerProtocol

from infra.local.jobs import JobsError, JsonLog, LambdaHandler, function_settings, load_app, prepare_environment

LOOPBACK = "127.0.0.1"
DEFAULT_STAGE = "local"
MANAGEMENT_URL_VARIABLE = "PARLEY_WS_MANAGEMENT_URL"
MAX_FRAME_BYTES = 32 * 1024  # API Gateway's WebSocket frame size quota
MAX_MESSAGE_BYTES = 128 * 1024  # its message payload quota (also the @connections POST limit)
INTEGRATION_TIMEOUT_SECONDS = 29.0
CLOSE_TIMEOUT_SECONDS = 3.0  # a client that never answers our close frame; the launcher waits 8 s in all
HANDLER_THREADS = 32
READY = "ready"

CONNECT, MESSAGE, DISCONNECT = "$connect", "$default", "$disconnect"
# The Lambda function ``chalice deploy`` makes for each route (also its key under
# ``lambda_functions`` in config.json).
FUNCTION_NAMES = {CONNECT: "websocket_connect", MESSAGE: "websocket_message", DISCONNECT: "websocket_disconnect"}
EVENT_TYPES = {CONNECT: "CONNECT", MESSAGE: "MESSAGE", DISCONNECT: "DISCONNECT"}


class GatewayError(Exception):
    """The gateway cannot serve this app; the message says why."""


# --------------------------------------------------------------------------- the app's functions


@dataclass(frozen=True)
class RouteFunction:
    route_key: str
    function_name: str  # websocket_connect, websocket_message or websocket_disconnect
    handler_name: str  # the name Chalice registered it under
    handler: LambdaHandler


def websocket_functions(app: Chalice) -> dict[str, RouteFunction]:
    """The functions Lambda runs for ``$connect`` / ``$default`` / ``$disconnect``, by route key.

    Refuses a handler Chalice did not wrap: Chalice 1.34 wraps ``on_ws_*`` handlers
    only when the decorating object has a ``websocket_api``, which the app has and a
    Blueprint has not (unless given one). Unwrapped, the decorator returns the bare
    function, which Lambda would call as ``f(event, context)`` and fail.
    """
    functions = {}
    for route_key, registration in app.websocket_handlers.items():
        handler = app.handler_map[registration.name]
        if not isinstance(handler, WebsocketEventSourceHandler):
            raise GatewayError(
                f"the {route_key} handler {registration.name!r} ({registration.handler_string}) is not wrapped by "
                "Chalice, so Lambda would call it with (event, context) and fail: on a Blueprint, set "
                "blueprint.websocket_api = chalice.app.WebsocketAPI() before its @on_ws_* decorators (chalice 1.34)."
            )
        function_name = FUNCTION_NAMES.get(route_key, "websocket_message")
        functions[route_key] = RouteFunction(route_key, function_name, registration.name, handler)
    return functions


# --------------------------------------------------------------------------- API Gateway's events


def aws_id() -> str:
    """An id in the form API Gateway uses for connection and request ids, e.g. ``K2jqdf7KIAMCJrw=``."""
    return base64.urlsafe_b64encode(secrets.token_bytes(11)).decode("ascii")


def _api_id() -> str:
    return "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(10))


def _epoch_ms() -> int:
    return time.time_ns() // 1_000_000


def _iso(epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Api:
    """What API Gateway puts in every event about itself."""

    api_id: str
    stage: str
    domain_name: str  # host:port of the management API, so http://{domainName}/{stage} reaches it


@dataclass
class Client:
    """One WebSocket connection, from its ``$connect`` on."""

    connection_id: str
    source_ip: str
    user_agent: str
    connected_at: int = field(default_factory=_epoch_ms)  # epoch milliseconds
    last_active_at: int = 0
    socket: ServerConnection | None = None  # set once the handshake is done

    def __post_init__(self) -> None:
        self.last_active_at = self.last_active_at or self.connected_at

    def touch(self) -> None:
        self.last_active_at = _epoch_ms()

    @property
    def is_open(self) -> bool:
        return self.socket is not None and self.socket.state is State.OPEN


def _request_context(api: Api, client: Client, route_key: str, request_id: str, **extra: Any) -> dict[str, Any]:
    now = _epoch_ms()
    return {
        "routeKey": route_key,
        "eventType": EVENT_TYPES[route_key],
        "extendedRequestId": request_id,
        "requestTime": datetime.fromtimestamp(now / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "messageDirection": "IN",
        "stage": api.stage,
        "connectedAt": client.connected_at,
        "requestTimeEpoch": now,
        "identity": {"userAgent": client.user_agent, "sourceIp": client.source_ip},
        "requestId": request_id,
        "domainName": api.domain_name,
        "connectionId": client.connection_id,
        "apiId": api.api_id,
        **extra,
    }


def _headers(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """``headers`` (the last value of each) and ``multiValueHeaders`` (all of them), as API Gateway sends them."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return {"headers": single, "multiValueHeaders": multi}


def _query(query: str) -> dict[str, Any]:
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    if not pairs:
        return {}  # API Gateway leaves both keys out when there is no query string
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return {"queryStringParameters": single, "multiValueQueryStringParameters": multi}


def connect_event(api: Api, client: Client, request: Request, request_id: str) -> dict[str, Any]:
    """The ``$connect`` event: the upgrade request's headers and query string, and the new connection id."""
    _, _, query = request.path.partition("?")
    forwarded = [("X-Forwarded-For", client.source_ip), ("X-Forwarded-Proto", "http")]
    return {
        **_headers([*request.headers.raw_items(), *forwarded]),
        **_query(query),
        "requestContext": _request_context(api, client, CONNECT, request_id),
        "isBase64Encoded": False,
    }


def message_event(api: Api, client: Client, body: str, request_id: str) -> dict[str, Any]:
    """A ``$default`` event: one text message from the client."""
    return {
        "requestContext": _request_context(api, client, MESSAGE, request_id, messageId=aws_id()),
        "body": body,
        "isBase64Encoded": False,
    }


def disconnect_event(api: Api, client: Client, code: int, reason: str, request_id: str) -> dict[str, Any]:
    """The ``$disconnect`` event, with the close code and reason as API Gateway reports them."""
    context = _request_context(api, client, DISCONNECT, request_id, disconnectStatusCode=code, disconnectReason=reason)
    return {
        **_headers([("Host", api.domain_name), ("X-Forwarded-For", client.source_ip)]),
        "requestContext": context,
        "isBase64Encoded": False,
    }


def close_status(socket: ServerConnection) -> tuple[int, str]:
    """The close code and reason of whichever side closed first (1006 if nobody sent a close frame)."""
    protocol = socket.protocol
    sent, received = protocol.close_sent, protocol.close_rcvd
    if received is not None and (sent is None or protocol.close_rcvd_then_sent):
        return int(received.code), received.reason
    if sent is not None:
        return int(sent.code), sent.reason
    return int(CloseCode.ABNORMAL_CLOSURE), "Connection closed abnormally"


def frames(data: bytes) -> list[str] | list[bytes]:
    """``data`` as the frames API Gateway sends it in: at most 32 KB each; text unless it is not UTF-8.

    Text is never cut inside a UTF-8 character, so every frame decodes on its own.
    """
    try:
        data.decode("utf-8")
        text = True
    except UnicodeDecodeError:
        text = False
    pieces, start = [], 0
    while len(data) - start > MAX_FRAME_BYTES:
        cut = start + MAX_FRAME_BYTES
        while text and data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            cut -= 1
        pieces.append(data[start:cut])
        start = cut
    pieces.append(data[start:])
    return [piece.decode("utf-8") for piece in pieces] if text else pieces


# --------------------------------------------------------------------------- oversized messages

TOO_LARGE = {
    "type": "error",
    "code": "message_too_large",
    "message": f"A WebSocket frame may be at most {MAX_FRAME_BYTES} bytes and a message at most "
    f"{MAX_MESSAGE_BYTES}; this connection is closed (1009). API Gateway closes it without this message.",
}


class TellingProtocol(ServerProtocol):
    """A server protocol that, before failing a connection for an oversized message (1009), says why."""

    def fail(self, code: CloseCode | int, reason: str = "") -> None:
        if code == CloseCode.MESSAGE_TOO_BIG and self.state is State.OPEN and not self.expect_continuation_frame:
            self.send_text(json.dumps(TOO_LARGE).encode("utf-8"))
        super().fail(code, reason)


class TellingConnection(ServerConnection):
    """``serve()`` builds a plain ``ServerProtocol``; this connection gives it ``TellingProtocol``'s ``fail``."""

    def __init__(self, protocol: ServerProtocol, *args: Any, **kwargs: Any) -> None:
        protocol.__class__ = TellingProtocol  # the same class plus one method: no state to convert
        super().__init__(protocol, *args, **kwargs)


# --------------------------------------------------------------------------- invoking as Lambda does


@dataclass(frozen=True)
class Outcome:
    """What a function's invocation means to API Gateway."""

    status: int  # the statusCode returned; 502 if the function raised, 504 if it timed out
    headers: dict[str, str]
    body: str

    @classmethod
    def of(cls, response: Any) -> Outcome:
        if not isinstance(response, dict):
            return cls(HTTPStatus.OK, {}, "")
        headers = {str(name): str(value) for name, value in (response.get("headers") or {}).items()}
        return cls(int(response.get("statusCode", HTTPStatus.OK)), headers, str(response.get("body") or ""))


FAILED = Outcome(HTTPStatus.BAD_GATEWAY, {}, "Internal server error")
TIMED_OUT = Outcome(HTTPStatus.GATEWAY_TIMEOUT, {}, "Endpoint request timed out")


# --------------------------------------------------------------------------- the gateway


class WebsocketGateway:
    """API Gateway's WebSocket API for one Chalice app: the WebSocket server and the management API.

    ``await start()`` / ``await stop()`` on an event loop (``running_in_thread``
    gives it one of its own); ports 0 pick free ones. Until ``stop``, the app's
    ``websocket_api`` sends to this gateway's management API.
    """

    def __init__(
        self,
        app: Chalice,
        *,
        stage: str = DEFAULT_STAGE,
        config: dict[str, Any] | None = None,
        log: JsonLog | None = None,
        host: str = LOOPBACK,
        port: int = 0,
        management_port: int = 0,
        handler_threads: int = HANDLER_THREADS,
        integration_timeout: float = INTEGRATION_TIMEOUT_SECONDS,
    ) -> None:
        self.app = app
        self.functions = websocket_functions(app)
        self.stage = stage
        self.host = host
        self.port = port
        self.management_port = management_port
        self.api = Api(api_id=_api_id(), stage=stage, domain_name="")
        self._config = config or {}
        self._log = log or JsonLog()
        self._threads = handler_threads
        self._timeout = integration_timeout
        self._clients: dict[str, Client] = {}  # open connections; touched on the event loop only
        self._accepted: weakref.WeakKeyDictionary[ServerConnection, tuple[Client, Outcome]] = (
            weakref.WeakKeyDictionary()
        )
        self._closing: set[asyncio.Task[None]] = set()
        self._pool: ThreadPoolExecutor | None = None
        self._server: Server | None = None
        self._runner: web.AppRunner | None = None
        self._saved_sender: tuple[str | None, Any] | None = None

    @property
    def ws_url(self) -> str:
        return f"ws://{self.host}:{self.port}/{self.stage}"

    @property
    def management_url(self) -> str:
        """The ``endpoint_url`` for ``apigatewaymanagementapi``: what ``PARLEY_WS_MANAGEMENT_URL`` holds."""
        return f"http://{self.host}:{self.management_port}/{self.stage}"

    def connection_ids(self) -> list[str]:
        return list(self._clients)

    def describe(self) -> dict[str, Any]:
        """What the gateway serves, as logged when it is ready."""
        return {
            "ws_url": self.ws_url,
            "management_url": self.management_url,
            "api_id": self.api.api_id,
            "stage": self.stage,
            "routes": {route: f.handler_name for route, f in self.functions.items()},
        }

    async def start(self) -> None:
        self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="ws-handler")
        self._runner = web.AppRunner(self._management_app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.management_port).start()
        self.management_port = int(self._runner.addresses[0][1])
        self.api = Api(self.api.api_id, self.stage, f"{self.host}:{self.management_port}")
        self._point_app_sender_here()
        self._server = await serve(
            self._serve_client,
            self.host,
            self.port,
            process_request=self._handshake,
            process_response=self._handshake_response,
            max_size=(MAX_MESSAGE_BYTES, MAX_FRAME_BYTES),
            create_connection=TellingConnection,
            compression=None,  # API Gateway does not negotiate permessage-deflate
            open_timeout=self._timeout + 5,
            close_timeout=CLOSE_TIMEOUT_SECONDS,
        )
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Close every socket with 1001 and run their ``$disconnect``, then stop the management API."""
        if self._server is not None:
            self._server.close(code=CloseCode.GOING_AWAY)
            await self._server.wait_closed()  # handlers included, so every $disconnect has run
        if self._runner is not None:
            await self._runner.cleanup()
        if self._pool is not None:
            await asyncio.to_thread(self._pool.shutdown, True)
        self._restore_app_sender()

    # ----------------------------------------------------------------- the app's own sender

    def _point_app_sender_here(self) -> None:
        """Make ``app.websocket_api.send/close/info`` reach this gateway, as API Gateway's domain does in AWS.

        Chalice configures its sender from the event (``https://{apiId}.execute-api...``,
        a real AWS address) unless an endpoint is set already; we set ours first.
        """
        sender = self.app.websocket_api
        self._saved_sender = (sender._endpoint, sender._client)
        sender._endpoint, sender._client = self.management_url, None
        if sender.session is not None:
            sender._get_client()  # made once here: boto3 sessions are not safe to share between threads

    def _restore_app_sender(self) -> None:
        if self._saved_sender is not None:
            self.app.websocket_api._endpoint, self.app.websocket_api._client = self._saved_sender
            self._saved_sender = None

    # ----------------------------------------------------------------- invocations

    async def _invoke(self, route_key: str, event: dict[str, Any], client: Client) -> Outcome:
        function = self.functions.get(route_key)
        if function is None:
            return Outcome(HTTPStatus.OK, {}, "")
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._pool, self._call, function, event, client.connection_id)
        try:
            return await asyncio.wait_for(call, self._timeout)
        except TimeoutError:
            self._log("integration timed out", level="error", route=route_key, function=function.handler_name,
                      connection_id=client.connection_id, seconds=self._timeout)  # fmt: skip
            return TIMED_OUT

    def _call(self, function: RouteFunction, event: dict[str, Any], connection_id: str) -> Outcome:
        """Runs in a handler thread: the function with a Lambda context; its failure is logged, not raised."""
        from chalice.local import LambdaContext

        settings = function_settings(self._config, self.stage, function.function_name)
        context = LambdaContext(
            f"{self.app.app_name}-{self.stage}-{function.function_name}", settings.memory, settings.timeout * 1000
        )
        fields = {"route": function.route_key, "function": function.handler_name, "connection_id": connection_id,
                  "request_id": event["requestContext"]["requestId"]}  # fmt: skip
        started = time.monotonic()
        try:
            outcome = Outcome.of(function.handler(event, context))
        except Exception as error:
            self._log("invoke failed", level="error", status=FAILED.status, seconds=_since(started),
                      error=f"{type(error).__name__}: {error}", traceback=traceback.format_exc(), **fields)  # fmt: skip
            return FAILED
        self._log("invoke", status=outcome.status, seconds=_since(started), **fields)
        return outcome

    # ----------------------------------------------------------------- WebSocket clients

    async def _handshake(self, socket: ServerConnection, request: Request) -> Response | None:
        """``$connect``: the upgrade waits for the function; anything but 200 refuses it."""
        path = request.path.partition("?")[0].rstrip("/")
        if path not in ("", f"/{self.stage}"):
            return socket.respond(HTTPStatus.FORBIDDEN, "Forbidden\n")
        client = Client(aws_id(), str(socket.remote_address[0]), request.headers.get("User-Agent", ""))
        request_id = aws_id()
        outcome = await self._invoke(CONNECT, connect_event(self.api, client, request, request_id), client)
        if outcome.status != HTTPStatus.OK:
            self._log("connection refused", connection_id=client.connection_id, status=outcome.status)
            status = _http_status(outcome.status)
            return socket.respond(status, outcome.body or status.phrase)
        self._accepted[socket] = (client, outcome)
        return None

    def _handshake_response(self, socket: ServerConnection, request: Request, response: Response) -> None:
        """The subprotocol the ``$connect`` function chose, as API Gateway passes it on."""
        accepted = self._accepted.get(socket)
        protocol = accepted[1].headers.get("Sec-WebSocket-Protocol") if accepted else None
        if protocol and response.status_code == HTTPStatus.SWITCHING_PROTOCOLS:
            response.headers["Sec-WebSocket-Protocol"] = protocol

    async def _serve_client(self, socket: ServerConnection) -> None:
        """One connection's messages, one at a time, then its ``$disconnect``."""
        accepted = self._accepted.pop(socket, None)
        if accepted is None:
            return
        client = accepted[0]
        client.socket = socket
        # websockets writes the 101 response and calls us in one step of the loop, so a management
        # call for this id (served on the same loop) can only come after this line.
        self._clients[client.connection_id] = client
        self._log("connected", connection_id=client.connection_id, source_ip=client.source_ip)
        try:
            async for message in socket:
                client.touch()
                if isinstance(message, bytes):
                    await socket.close(CloseCode.UNSUPPORTED_DATA, "Binary frames are not supported")
                    break
                await self._deliver(client, message)
        except ConnectionClosed:
            pass  # a frame over the limits (1009) or a dropped client: the close code says which
        finally:
            if socket.state is State.OPEN:  # only after a bug of ours: do not leave the client hanging
                await socket.close(CloseCode.INTERNAL_ERROR)
            await self._disconnected(client, socket)

    async def _deliver(self, client: Client, body: str) -> None:
        request_id = aws_id()
        if MESSAGE not in self.functions:
            await self._tell(client, "Forbidden", request_id)
            return
        outcome = await self._invoke(MESSAGE, message_event(self.api, client, body, request_id), client)
        if outcome is FAILED or outcome is TIMED_OUT:
            await self._tell(client, outcome.body, request_id)

    async def _tell(self, client: Client, message: str, request_id: str) -> None:
        """API Gateway's own error message to the client, e.g. when the function failed."""
        if client.socket is not None:
            error = {"message": message, "connectionId": client.connection_id, "requestId": request_id}
            with contextlib.suppress(ConnectionClosed):
                await client.socket.send(json.dumps(error))

    async def _disconnected(self, client: Client, socket: ServerConnection) -> None:
        self._clients.pop(client.connection_id, None)
        await socket.wait_closed()
        code, reason = close_status(socket)
        self._log("disconnected", connection_id=client.connection_id, code=code, reason=reason)
        request_id = aws_id()
        await self._invoke(DISCONNECT, disconnect_event(self.api, client, code, reason, request_id), client)

    # ----------------------------------------------------------------- the management API

    def _management_app(self) -> web.Application:
        app = web.Application(client_max_size=4 * MAX_MESSAGE_BYTES)  # so an oversized POST gets AWS's 413
        for prefix in ("", "/{stage}"):
            path = f"{prefix}/@connections/{{connection_id}}"
            app.router.add_post(path, self._post)
            app.router.add_get(path, self._get, allow_head=False)
            app.router.add_delete(path, self._delete)
        return app

    def _target(self, request: web.Request) -> tuple[Client | None, web.Response | None]:
        """The open connection a management call names, or the error response AWS would give."""
        stage = request.match_info.get("stage", self.stage)
        if stage != self.stage:
            return None, _error(HTTPStatus.FORBIDDEN, "ForbiddenException", "Forbidden")
        client = self._clients.get(request.match_info["connection_id"])
        if client is None or not client.is_open:
            return None, _error(HTTPStatus.GONE, "GoneException", None)
        return client, None

    async def _post(self, request: web.Request) -> web.Response:
        data = await request.read()
        client, error = self._target(request)
        if client is None or client.socket is None:
            return self._answered(request, error or _gone(), size=len(data))
        if len(data) > MAX_MESSAGE_BYTES:
            too_large = _error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "PayloadTooLargeException", "Message too long")
            return self._answered(request, too_large, size=len(data))
        pieces = frames(data)
        try:
            await client.socket.send(pieces[0] if len(pieces) == 1 else pieces)
        except ConnectionClosed:
            return self._answered(request, _gone(), size=len(data))
        client.touch()
        return self._answered(request, web.Response(status=HTTPStatus.OK), size=len(data))

    async def _get(self, request: web.Request) -> web.Response:
        client, error = self._target(request)
        if client is None:
            return self._answered(request, error or _gone())
        info = {
            "connectedAt": _iso(client.connected_at),
            "identity": {"sourceIp": client.source_ip, "userAgent": client.user_agent},
            "lastActiveAt": _iso(client.last_active_at),
        }
        return self._answered(request, web.json_response(info))

    async def _delete(self, request: web.Request) -> web.Response:
        """Answers at once; the socket closes (and ``$disconnect`` runs) in the background, as in AWS."""
        client, error = self._target(request)
        if client is None or client.socket is None:
            return self._answered(request, error or _gone())
        self._clients.pop(client.connection_id, None)
        task = asyncio.create_task(client.socket.close(CloseCode.NORMAL_CLOSURE))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        return self._answered(request, web.Response(status=HTTPStatus.NO_CONTENT))

    def _answered(self, request: web.Request, response: web.Response, **fields: Any) -> web.Response:
        self._log("@connections", method=request.method, connection_id=request.match_info.get("connection_id"),
                  status=response.status, **fields)  # fmt: skip
        return response


def _error(status: int, error_type: str, message: str | None) -> web.Response:
    """An error as API Gateway's management API sends it: botocore reads the type from ``x-amzn-ErrorType``."""
    headers = {"x-amzn-ErrorType": error_type, "x-amzn-RequestId": aws_id()}
    return web.json_response({"message": message}, status=status, headers=headers)


def _gone() -> web.Response:
    return _error(HTTPStatus.GONE, "GoneException", None)


def _http_status(status: int) -> HTTPStatus:
    try:
        return HTTPStatus(status)
    except ValueError:
        return HTTPStatus.BAD_GATEWAY


def _since(started: float) -> float:
    return round(time.monotonic() - started, 4)


@contextlib.contextmanager
def running_in_thread(gateway: WebsocketGateway, *, timeout: float = 30.0) -> Iterator[WebsocketGateway]:
    """The gateway on its own event loop in a background thread (tests, benchmarks); stopped on exit."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="ws-gateway", daemon=True)
    thread.start()
    try:
        asyncio.run_coroutine_threadsafe(gateway.start(), loop).result(timeout)
        try:
            yield gateway
        finally:
            asyncio.run_coroutine_threadsafe(gateway.stop(), loop).result(timeout)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        loop.close()


# --------------------------------------------------------------------------- command line


def load_config(app_dir: Path) -> dict[str, Any]:
    path = app_dir / ".chalice" / "config.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


def prepare(app_dir: Path, stage: str, management_url: str) -> dict[str, Any]:
    """The environment ``chalice local`` gives the app, plus where the management API is; returns config.json."""
    config = load_config(app_dir)
    stages = config.setdefault("stages", {})
    stages.setdefault(stage, {})
    prepare_environment(config, stage, app_dir / ".local" / "stack.json", need_aws=True)
    os.environ[MANAGEMENT_URL_VARIABLE] = management_url
    return config


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m infra.local.ws_gateway",
        description="Serve a Chalice app's WebSocket handlers as API Gateway's WebSocket API does, on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, required=True, help="the WebSocket port clients connect to")
    parser.add_argument("--management-port", type=int, required=True, help="the @connections management API port")
    parser.add_argument("--app-dir", default=".", help="the directory of the app's app.py (default: .)")
    parser.add_argument("--stage", default=DEFAULT_STAGE, help="the stage: URL path and config.json stage")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    log = JsonLog()
    if args.management_port <= 0:
        log("cannot run", level="error", error="--management-port must be a port number: the app is told it")
        return 2
    app_dir = Path(args.app_dir).resolve()
    try:
        config = prepare(app_dir, args.stage, f"http://{LOOPBACK}:{args.management_port}/{args.stage}")
        sys.path.insert(0, str(app_dir))
        app = load_app("app:app")
        gateway = WebsocketGateway(
            app, stage=args.stage, config=config, log=log, port=args.port, management_port=args.management_port
        )
    except (GatewayError, JobsError) as error:
        log("cannot run", level="error", error=str(error))
        return 2
    return asyncio.run(_serve_until_signalled(gateway, log))


async def _serve_until_signalled(gateway: WebsocketGateway, log: JsonLog) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await gateway.start()
    except OSError as error:  # e.g. "address already in use": the launcher reads this line
        log("cannot run", level="error", error=str(error))
        await gateway.stop()
        return 2
    log(READY, **gateway.describe())
    await stop.wait()
    log("stopping: closing every connection with 1001", connections=len(gateway.connection_ids()))
    await gateway.stop()
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
