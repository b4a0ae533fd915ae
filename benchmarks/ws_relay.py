"""Relay latency through the local WebSocket gateway, against a bare WebSocket echo on the same machine.

What: the time from sending a message on one WebSocket to receiving it (back, or on the
other side), over ``--messages`` messages (1,000 by default), for three routes that the
same client code drives:

* **bare echo**: a ``websockets`` echo server on loopback, the floor any WebSocket
  round trip on this machine pays;
* **gateway + handler**: the message goes through ``infra.local.ws_gateway`` into a
  Chalice ``$default`` handler, which sends it back with ``app.websocket_api.send``,
  a POST to the gateway's ``@connections`` management API, as our relay does;
* **relay (real app)**: Parley's own ``app.py`` behind a second gateway. Two people
  signed up in Cognito (moto) connect with their real ID tokens (``?token=``), both
  devices send ``session.join`` for a free call written accepted into the sessions
  table (joining makes it active), and the client's ``signal.offer`` is timed from
  its send until the expert's socket receives it (checked: the same payload).

Both servers run in their own processes, with their own settings matching
(permessage-deflate off, as API Gateway has it); the gateway process is started as
the local stack starts it, so it also writes its JSON log lines. Each route gets
``--warmup`` untimed messages first (imports, the boto3 client, connection pools),
then timed blocks of ``--block`` messages alternate between the routes, in turns
whose order flips each round (each turn after 5 untimed messages), so machine
noise hits all. Messages are
signalling-sized JSON (``--size`` bytes) numbered so that a reply can only match
its own message. Printed: p50 / p99 / mean of each route and its ratio to the bare
echo, plus what each gateway did per timed message (from its log): invocations,
``@connections`` calls and, for the real app, DynamoDB requests. Those are counted
in the gateway's process: the real app is served through a small wrapper ``app.py``
(``RELAY_APP``, written to a temporary directory) that loads ``app.py`` and wraps
PynamoDB's ``Connection.dispatch`` to log one JSON line per request. The design's bound is
printed beside it: at most one DynamoDB call per relayed message (the session's GetItem,
``chalicelib/realtime/relay.py``); the benchmark exits 1 if the relay made more.

The handler app is a parameter: ``--app-dir`` serves another app (its ``app.py``)
instead of the trivial echo; ``--env NAME=VALUE`` adds to the gateway's
environment. A moto server is started for the gateway (it refuses to run without
a local AWS); its URL is in the gateway's ``AWS_ENDPOINT_URL``, for apps that read
or write DynamoDB per message. A relay between two clients is a ``Route`` whose
sender and receiver differ (see ``open_routes``). ``--no-relay`` skips the real app.

    scripts/bench-ws-relay [--messages 1000] [--warmup 100] [--block 100] [--size 300] [--app-dir DIR]
                           [--no-relay]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from websockets.asyncio.client import ClientConnection, connect

from infra.local.stack import free_port

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
STAGE = "bench"
START_TIMEOUT = 60.0
REPLY_TIMEOUT = 10.0
SERVE_ECHO = "_serve-echo"
TURN_WARMUP = 5  # untimed messages at the start of each turn of a route

# The trivial handler: whatever arrives goes back to its sender through the management API.
ECHO_APP = """\
import boto3
from chalice.app import Chalice

app = Chalice(app_name="ws-relay-bench")
app.websocket_api.session = boto3.session.Session()


@app.on_ws_message()
def echo(event):
    app.websocket_api.send(event.connection_id, event.body)
"""

# The real app, as the gateway serves it (the module is loaded under another name: this file is
# the gateway's ``app``), with every DynamoDB request PynamoDB makes written as a JSON log line.
RELAY_APP = """\
import importlib.util
import sys

from pynamodb.connection.base import Connection

from infra.local.jobs import JsonLog

_spec = importlib.util.spec_from_file_location("parley_app", {app_path!r})
_module = importlib.util.module_from_spec(_spec)
sys.modules["parley_app"] = _module
_spec.loader.exec_module(_module)
app = _module.app

_log = JsonLog()
_dispatch = Connection.dispatch


def _counted(self, operation_name, operation_kwargs):
    _log("dynamodb", operation=operation_name)
    return _dispatch(self, operation_name, operation_kwargs)


Connection.dispatch = _counted
"""
RELAY = "relay (real app)"
RELAY_DYNAMODB_BOUND = 1.0  # DynamoDB calls per relayed message, at most
RELAY_TABLE_PREFIX = "parley-bench-relay-"
PASSWORD = "Correct-horse-42"


class BenchError(RuntimeError):
    """The benchmark could not run; the message says which process and why."""


# --------------------------------------------------------------------------- processes


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_for(self, text: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = "\n".join("    " + line for line in self.log_text().splitlines()[-20:])
                raise BenchError(f"{self.name} did not start (log {self.log_path}):\n{tail}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextlib.contextmanager
def children() -> Iterator[Callable[[str, list[str], dict[str, str], Path], Child]]:
    """Starts child processes (logs to files) and stops every one of them on the way out."""
    started: list[Child] = []

    def start(name: str, argv: list[str], env: dict[str, str], log_path: Path) -> Child:
        with log_path.open("wb") as log:
            process = subprocess.Popen(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=subprocess.STDOUT)  # fmt: skip
        child = Child(name, process, log_path)
        started.append(child)
        return child

    try:
        yield start
    finally:
        for child in reversed(started):
            child.stop()


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    dropped = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "PARLEY_LAUNCHER_PINNED")
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    env |= {"PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return env | (extra or {})


def aws_env(moto_url: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }


# --------------------------------------------------------------------------- routes and timing


@dataclass
class Route:
    """Where a timed message goes in and where it is expected to come out (the same socket for an echo)."""

    name: str
    sender: ClientConnection
    receiver: ClientConnection
    matches: Callable[[str, str], bool] = field(default=lambda sent, received: sent == received)
    encode: Callable[[int, int], str] = field(default=lambda number, size: message(number, size))
    samples: list[float] = field(default_factory=list)


def message(number: int, size: int) -> str:
    """Signalling-sized JSON, numbered: an ICE candidate as the relay would carry it."""
    head = {"action": "signal.ice", "session_id": "bench", "seq": number, "candidate": ""}
    padding = max(0, size - len(json.dumps(head)))
    return json.dumps(head | {"candidate": "c" * padding})


def offer_message(session_id: str) -> Callable[[int, int], str]:
    """The real app's ``signal.offer`` for ``session_id``: a numbered SDP-like payload, ``size`` bytes in all."""

    def encode(number: int, size: int) -> str:
        payload: dict[str, object] = {"type": "offer", "seq": number, "sdp": ""}
        head = {"action": "signal.offer", "session_id": session_id, "payload": payload}
        padding = max(0, size - len(json.dumps(head)))
        return json.dumps(head | {"payload": payload | {"sdp": "v" * padding}})

    return encode


def relayed_offer(sent: str, received: str) -> bool:
    """What the other side gets: ``{"type": "signal.offer", "payload": <as sent>, "session_id", "from"}``."""
    with contextlib.suppress(ValueError):
        got, put = json.loads(received), json.loads(sent)
        return isinstance(got, dict) and got.get("type") == put["action"] and got.get("payload") == put["payload"]
    return False


async def time_one(route: Route, payload: str) -> float:
    started = time.perf_counter()
    await route.sender.send(payload)
    try:
        received = await asyncio.wait_for(route.receiver.recv(), REPLY_TIMEOUT)
    except TimeoutError:
        answer = await _pending(route.sender) if route.sender is not route.receiver else None
        raise BenchError(f"{route.name}: nothing arrived in {REPLY_TIMEOUT:.0f} s; the sender got {answer!r}") from None
    elapsed = time.perf_counter() - started
    if not isinstance(received, str) or not route.matches(payload, received):
        raise BenchError(f"{route.name}: expected the message, got {str(received)[:200]!r}")
    return elapsed


async def _pending(socket: ClientConnection, wait: float = 0.2) -> str | bytes | None:
    """A message already waiting on ``socket`` (an error reply, say), or None."""
    try:
        return await asyncio.wait_for(socket.recv(), wait)
    except TimeoutError:
        return None


async def measure(routes: Sequence[Route], *, messages: int, warmup: int, block: int, size: int) -> None:
    """Warm-up, then alternating timed blocks; each route's ``samples`` gets ``messages`` round trips.

    Each turn starts with ``TURN_WARMUP`` untimed messages: the first message after
    the other route's turn pays for waking an idle server process, an artefact of
    alternating that would otherwise land in p99 of whichever route is faster.
    """
    numbers = itertools.count(1)
    for _ in range(warmup):
        for route in routes:
            await time_one(route, route.encode(next(numbers), size))
    for round_number in range(-(-messages // block)):
        order = routes if round_number % 2 == 0 else list(reversed(routes))
        for route in order:
            for _ in range(TURN_WARMUP):
                await time_one(route, route.encode(next(numbers), size))
            for _ in range(min(block, messages - len(route.samples))):
                route.samples.append(await time_one(route, route.encode(next(numbers), size)))


@dataclass(frozen=True)
class RelayCall:
    """Two signed-up people in an accepted free call, and the real app's gateway they connect to."""

    url: str  # ws://.../stage, without the token
    session_id: str
    client_token: str
    expert_token: str


@contextlib.asynccontextmanager
async def open_routes(bare_url: str, gateway_url: str, relay: RelayCall | None) -> AsyncIterator[list[Route]]:
    """One echo route per server, through the same client code; with ``relay``, the client's
    ``signal.offer`` through the real app to the expert, both devices joined to the call."""
    async with contextlib.AsyncExitStack() as stack:
        bare = await stack.enter_async_context(connect(bare_url, compression=None))
        gateway = await stack.enter_async_context(connect(gateway_url, compression=None))
        routes = [Route("bare echo", bare, bare), Route("gateway + handler", gateway, gateway)]
        if relay is not None:
            client, expert = [
                await stack.enter_async_context(connect(f"{relay.url}?token={token}", compression=None))
                for token in (relay.client_token, relay.expert_token)
            ]
            for socket in (client, expert):
                await _join(socket, relay.session_id)
            for socket in (client, expert):  # the call's notifications (session.joined, session.active)
                while await _pending(socket, 0.5) is not None:
                    pass
            from chalicelib.models.session import CallSession

            state = CallSession.get(relay.session_id, consistent_read=True).state
            if state != "active":
                raise BenchError(f"{RELAY}: both joined but the call is {state}, not active")
            routes.append(Route(RELAY, client, expert, relayed_offer, offer_message(relay.session_id)))
        yield routes


async def _join(socket: ClientConnection, session_id: str) -> None:
    """``session.join`` from this device; waits for the app's answer to it."""
    await socket.send(json.dumps({"action": "session.join", "session_id": session_id}))
    deadline = time.monotonic() + REPLY_TIMEOUT
    while time.monotonic() < deadline:
        answer = json.loads(await asyncio.wait_for(socket.recv(), REPLY_TIMEOUT))
        if answer.get("type") == "error":
            raise BenchError(f"session.join refused: {answer}")
        if answer.get("type") == "session" and answer.get("action") == "session.join":
            return
    raise BenchError("session.join: no answer")


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Summary:
    name: str
    p50: float
    p99: float
    mean: float

    @classmethod
    def of(cls, route: Route) -> Summary:
        cuts = statistics.quantiles(route.samples, n=100, method="inclusive")
        return cls(route.name, cuts[49], cuts[98], statistics.fmean(route.samples))


def per_message(gateway_log: str, messages: int) -> dict[str, float]:
    """What the gateway logged per timed message: invocations, management API calls and (for the
    real app, whose wrapper logs them) DynamoDB requests, each kind and in all."""
    counts: Counter[str] = Counter()
    for line in gateway_log.splitlines():
        with contextlib.suppress(ValueError, AttributeError):
            entry = json.loads(line)
            if entry.get("message") == "invoke":
                counts[f"{entry['route']} invocations"] += 1
            elif entry.get("message") == "@connections":
                counts[f"@connections {entry['method']}"] += 1
            elif entry.get("message") == "dynamodb":
                counts[f"DynamoDB {entry['operation']}"] += 1
                counts["DynamoDB calls (all)"] += 1
    return {name: count / messages for name, count in sorted(counts.items())}


def report(summaries: Sequence[Summary], extra: dict[str, dict[str, float]], args: argparse.Namespace) -> str:
    ms = 1000.0
    lines = [
        f"WebSocket relay latency: {args.messages} messages of {args.size} bytes per route, "
        f"blocks of {args.block} alternating, after {args.warmup} warm-up messages each",
        f"  {'route':<22}{'p50':>10}{'p99':>10}{'mean':>10}",
    ]
    for s in summaries:
        lines.append(f"  {s.name:<22}{s.p50 * ms:>8.3f}ms{s.p99 * ms:>8.3f}ms{s.mean * ms:>8.3f}ms")
    bare = summaries[0]
    for other in summaries[1:]:
        ratios = f"p50 {other.p50 / bare.p50:.1f}x, p99 {other.p99 / bare.p99:.1f}x"
        lines.append(f"ratio {other.name} / {bare.name}: {ratios}")
    for route, counts in extra.items():
        lines.append(f"per relayed message, {route}:")
        for name, value in counts.items():
            lines.append(f"  {name} {value:.2f}")
    if RELAY in extra:
        calls = relay_dynamodb_calls(extra)
        verdict = "within" if calls <= RELAY_DYNAMODB_BOUND else "OVER"
        lines.append(f"DynamoDB calls per relayed message: {calls:.2f} ({verdict} the bound of "
                     f"{RELAY_DYNAMODB_BOUND:.0f})")  # fmt: skip
    return "\n".join(lines)


def relay_dynamodb_calls(extra: dict[str, dict[str, float]]) -> float:
    return extra.get(RELAY, {}).get("DynamoDB calls (all)", 0.0)


# --------------------------------------------------------------------------- running it


def run(args: argparse.Namespace) -> int:
    extra_env = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory(prefix="ws-relay-bench-") as scratch, children() as start:
        work = Path(scratch)
        app_dir = Path(args.app_dir).resolve() if args.app_dir else _echo_app(work)
        moto_port, bare_port, ws_port, management_port = (free_port() for _ in range(4))
        python = sys.executable
        moto = start("moto server", [python, "-m", "moto.server", "-H", LOOPBACK, "-p", str(moto_port)],
                     child_env(), work / "moto.log")  # fmt: skip
        bare = start("bare echo", [python, "-m", "benchmarks.ws_relay", SERVE_ECHO, "--port", str(bare_port)],
                     child_env(), work / "echo.log")  # fmt: skip
        moto.wait_for("Running on")
        moto_url = f"http://{LOOPBACK}:{moto_port}"
        gateway_argv = [python, "-m", "infra.local.ws_gateway", "--app-dir", str(app_dir), "--stage", STAGE,
                        "--port", str(ws_port), "--management-port", str(management_port)]  # fmt: skip
        env = child_env(aws_env(moto_url) | extra_env)
        gateway = start("gateway", gateway_argv, env, work / "gateway.log")
        gateways = {"gateway + handler": gateway}
        relay: RelayCall | None = None
        if not args.no_relay:
            relay_port, relay_management_port = free_port(), free_port()
            app_environment, relay_call = _relay_call(moto_url)
            relay_argv = [python, "-m", "infra.local.ws_gateway", "--app-dir", str(_relay_app(work)),
                          "--stage", STAGE, "--port", str(relay_port),
                          "--management-port", str(relay_management_port)]  # fmt: skip
            gateways[RELAY] = start("relay gateway", relay_argv, child_env(app_environment), work / "relay.log")
            relay = RelayCall(f"ws://{LOOPBACK}:{relay_port}/{STAGE}", *relay_call)
        bare.wait_for("ready")
        for child in gateways.values():
            child.wait_for('"message": "ready"')
        bare_url, gateway_url = f"ws://{LOOPBACK}:{bare_port}/", f"ws://{LOOPBACK}:{ws_port}/{STAGE}{args.query}"
        summaries, extra = asyncio.run(_measure_all(bare_url, gateway_url, relay, gateways, args))
    print(report(summaries, extra, args))
    return 1 if relay_dynamodb_calls(extra) > RELAY_DYNAMODB_BOUND else 0


async def _measure_all(
    bare_url: str, gateway_url: str, relay: RelayCall | None, gateways: dict[str, Child], args: argparse.Namespace
) -> tuple[list[Summary], dict[str, dict[str, float]]]:
    async with open_routes(bare_url, gateway_url, relay) as routes:
        await measure(routes, messages=0, warmup=args.warmup, block=args.block, size=args.size)
        await asyncio.sleep(0.2)  # the warm-up's last log lines (a handler logs after its reply went out)
        timed_from = {name: len(child.log_text()) for name, child in gateways.items()}
        await measure(routes, messages=args.messages, warmup=0, block=args.block, size=args.size)
        await asyncio.sleep(0.2)  # the gateways' last log lines, read before the sockets close ($disconnect)
        timed_logs = {name: child.log_text()[timed_from[name] :] for name, child in gateways.items()}
    relayed = args.messages + TURN_WARMUP * -(-args.messages // args.block)  # what reached each gateway meanwhile
    extra = {name: per_message(log, relayed) for name, log in timed_logs.items()}
    return [Summary.of(route) for route in routes], extra


def _relay_call(moto_url: str) -> tuple[dict[str, str], tuple[str, str, str]]:
    """Provision Parley's resources on the moto server, sign two people up through Cognito and write
    an accepted free call between them (as tests/functional/test_realtime.py does; joining makes it
    active). Returns the app's environment and (session id, client's ID token, expert's ID token)."""
    os.environ.update(aws_env(moto_url) | {"PARLEY_TABLE_PREFIX": RELAY_TABLE_PREFIX})
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    import boto3

    from chalicelib.models.session import CallSession
    from infra.local.provision import provision

    resources = provision(moto_url, table_prefix=RELAY_TABLE_PREFIX)
    cognito = boto3.client("cognito-idp", endpoint_url=moto_url, region_name=resources.region)
    people: list[tuple[str, str]] = []
    for email in ("cleo.client@example.com", "ada.expert@example.com"):
        sub = cognito.sign_up(ClientId=resources.web_client_id, Username=email, Password=PASSWORD,
                              UserAttributes=[{"Name": "email", "Value": email}])["UserSub"]  # fmt: skip
        cognito.admin_confirm_sign_up(UserPoolId=resources.user_pool_id, Username=email)
        tokens = cognito.initiate_auth(ClientId=resources.web_client_id, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD})  # fmt: skip
        people.append((str(sub), str(tokens["AuthenticationResult"]["IdToken"])))
    (client_id, client_token), (expert_id, expert_token) = people
    now = datetime.now(UTC)
    session_id = "ses_wsrelaybench0001"
    CallSession(
        session_id, client_id=client_id, expert_id=expert_id, media="video", paid=False, state="accepted",
        requested_at=now - timedelta(minutes=1), expires_at=now + timedelta(minutes=1),
        accepted_at=now - timedelta(seconds=30), hold_ready=True, currency="USD", rate_per_minute=300,
        commission_bps=1000,
    ).save()  # fmt: skip
    return resources.app_environment(), (session_id, client_token, expert_token)


def _relay_app(work: Path) -> Path:
    app_dir = work / "relay_app"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(RELAY_APP.format(app_path=str(ROOT / "app.py")))
    return app_dir


def _echo_app(work: Path) -> Path:
    app_dir = work / "echo_app"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(ECHO_APP)
    return app_dir


def serve_echo(argv: Sequence[str]) -> int:
    """The bare echo server: every message straight back, nothing else."""
    parser = argparse.ArgumentParser(prog="bare echo")
    parser.add_argument("--port", type=int, required=True)
    port = parser.parse_args(argv).port
    from websockets.asyncio.server import ServerConnection, serve

    async def echo(socket: ServerConnection) -> None:
        async for received in socket:
            await socket.send(received)

    async def main() -> None:
        async with serve(echo, LOOPBACK, port, compression=None) as server:
            print("ready", flush=True)
            await server.serve_forever()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
    return 0


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="scripts/bench-ws-relay",
        description="Round-trip latency through the local WebSocket gateway and a Chalice handler vs a bare echo.",
    )
    parser.add_argument("--messages", type=int, default=1000, help="timed messages per route (default 1000)")
    parser.add_argument("--warmup", type=int, default=100, help="untimed messages per route first (default 100)")
    parser.add_argument("--block", type=int, default=100, help="messages per turn of a route (default 100)")
    parser.add_argument("--size", type=int, default=300, help="bytes per message (default 300)")
    parser.add_argument("--app-dir", help="the handler app's directory (default: a trivial echo app)")
    parser.add_argument("--query", default="", help="appended to the gateway URL, e.g. '?token=...'")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE", help="for the gateway's app")
    parser.add_argument("--no-relay", action="store_true", help=f"skip the {RELAY!r} route (Parley's own app)")
    args = parser.parse_args(argv)
    if min(args.messages, args.block, args.size) < 1 or args.warmup < 0:
        parser.error("--messages, --block and --size must be positive, --warmup not negative")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == [SERVE_ECHO]:
        return serve_echo(argv[1:])
    try:
        return run(parse_args(argv))
    except BenchError as error:
        print(f"benchmark failed: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
