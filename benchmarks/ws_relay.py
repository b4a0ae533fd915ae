"""Relay latency through the local WebSocket gateway, against a bare WebSocket echo on the same machine.

What: the time from sending a message on one WebSocket to receiving it back, over
``--messages`` messages (1,000 by default), for two routes that the same client code drives:

* **bare echo**: a ``websockets`` echo server on loopback, the floor any WebSocket
  round trip on this machine pays;
* **gateway + handler**: the message goes through ``infra.local.ws_gateway`` into a
  Chalice ``$default`` handler, which sends it back with ``app.websocket_api.send``,
  a POST to the gateway's ``@connections`` management API, as our relay does.

Both servers run in their own processes, with their own settings matching
(permessage-deflate off, as API Gateway has it); the gateway process is started as
the local stack starts it, so it also writes its JSON log lines. Each route gets
``--warmup`` untimed messages first (imports, the boto3 client, connection pools),
then timed blocks of ``--block`` messages alternate between the routes, in turns
whose order flips each round (each turn after 5 untimed messages), so machine
noise hits both. Messages are
signalling-sized JSON (``--size`` bytes) numbered so that a reply can only match
its own message. Printed: p50 / p99 / mean of each route and the ratio
gateway/bare, plus what the gateway did per timed message (from its log).

The handler app is a parameter: ``--app-dir`` serves another app (its ``app.py``)
instead of the trivial echo; ``--env NAME=VALUE`` adds to the gateway's
environment. A moto server is started for the gateway (it refuses to run without
a local AWS); its URL is in the gateway's ``AWS_ENDPOINT_URL``, for apps that read
or write DynamoDB per message. A relay between two clients is a ``Route`` whose
sender and receiver differ (see ``open_routes``).

    scripts/bench-ws-relay [--messages 1000] [--warmup 100] [--block 100] [--size 300] [--app-dir DIR]
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
    samples: list[float] = field(default_factory=list)


def message(number: int, size: int) -> str:
    """Signalling-sized JSON, numbered: an ICE candidate as the relay would carry it."""
    head = {"action": "signal.ice", "session_id": "bench", "seq": number, "candidate": ""}
    padding = max(0, size - len(json.dumps(head)))
    return json.dumps(head | {"candidate": "c" * padding})


async def time_one(route: Route, payload: str) -> float:
    started = time.perf_counter()
    await route.sender.send(payload)
    received = await asyncio.wait_for(route.receiver.recv(), REPLY_TIMEOUT)
    elapsed = time.perf_counter() - started
    if not isinstance(received, str) or not route.matches(payload, received):
        raise BenchError(f"{route.name}: expected the message back, got {str(received)[:200]!r}")
    return elapsed


async def measure(routes: Sequence[Route], *, messages: int, warmup: int, block: int, size: int) -> None:
    """Warm-up, then alternating timed blocks; each route's ``samples`` gets ``messages`` round trips.

    Each turn starts with ``TURN_WARMUP`` untimed messages: the first message after
    the other route's turn pays for waking an idle server process, an artefact of
    alternating that would otherwise land in p99 of whichever route is faster.
    """
    numbers = itertools.count(1)
    for _ in range(warmup):
        for route in routes:
            await time_one(route, message(next(numbers), size))
    for round_number in range(-(-messages // block)):
        order = routes if round_number % 2 == 0 else list(reversed(routes))
        for route in order:
            for _ in range(TURN_WARMUP):
                await time_one(route, message(next(numbers), size))
            for _ in range(min(block, messages - len(route.samples))):
                route.samples.append(await time_one(route, message(next(numbers), size)))


@contextlib.asynccontextmanager
async def open_routes(bare_url: str, gateway_url: str) -> AsyncIterator[list[Route]]:
    """One echo route per server, through the same client code. A two-client relay adds a Route here."""
    async with connect(bare_url, compression=None) as bare, connect(gateway_url, compression=None) as gateway:
        yield [Route("bare echo", bare, bare), Route("gateway + handler", gateway, gateway)]


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


def per_message(gateway_log: str, timed_from: int, messages: int) -> dict[str, float]:
    """What the gateway logged per timed message: invocations and management API calls."""
    counts: Counter[str] = Counter()
    for line in gateway_log[timed_from:].splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if entry.get("message") == "invoke":
                counts[f"{entry['route']} invocations"] += 1
            elif entry.get("message") == "@connections":
                counts[f"@connections {entry['method']}"] += 1
    return {name: count / messages for name, count in sorted(counts.items())}


def report(summaries: Sequence[Summary], extra: dict[str, float], args: argparse.Namespace) -> str:
    ms = 1000.0
    lines = [
        f"WebSocket relay latency: {args.messages} messages of {args.size} bytes per route, "
        f"blocks of {args.block} alternating, after {args.warmup} warm-up messages each",
        f"  {'route':<22}{'p50':>10}{'p99':>10}{'mean':>10}",
    ]
    for s in summaries:
        lines.append(f"  {s.name:<22}{s.p50 * ms:>8.3f}ms{s.p99 * ms:>8.3f}ms{s.mean * ms:>8.3f}ms")
    bare, gateway = summaries[0], summaries[-1]
    ratios = f"p50 {gateway.p50 / bare.p50:.1f}x, p99 {gateway.p99 / bare.p99:.1f}x"
    lines.append(f"ratio {gateway.name} / {bare.name}: {ratios}")
    for name, value in extra.items():
        lines.append(f"  per relayed message: {name} {value:.2f}")
    return "\n".join(lines)


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
        gateway_argv = [python, "-m", "infra.local.ws_gateway", "--app-dir", str(app_dir), "--stage", STAGE,
                        "--port", str(ws_port), "--management-port", str(management_port)]  # fmt: skip
        env = child_env(aws_env(f"http://{LOOPBACK}:{moto_port}") | extra_env)
        gateway = start("gateway", gateway_argv, env, work / "gateway.log")
        bare.wait_for("ready")
        gateway.wait_for('"message": "ready"')
        bare_url, gateway_url = f"ws://{LOOPBACK}:{bare_port}/", f"ws://{LOOPBACK}:{ws_port}/{STAGE}{args.query}"
        summaries, extra = asyncio.run(_measure_all(bare_url, gateway_url, gateway, args))
    print(report(summaries, extra, args))
    return 0


async def _measure_all(
    bare_url: str, gateway_url: str, gateway: Child, args: argparse.Namespace
) -> tuple[list[Summary], dict[str, float]]:
    async with open_routes(bare_url, gateway_url) as routes:
        await measure(routes, messages=0, warmup=args.warmup, block=args.block, size=args.size)
        timed_from = len(gateway.log_text())
        await measure(routes, messages=args.messages, warmup=0, block=args.block, size=args.size)
    await asyncio.sleep(0.2)  # the gateway's last log lines
    relayed = args.messages + TURN_WARMUP * -(-args.messages // args.block)  # what reached the gateway meanwhile
    return [Summary.of(route) for route in routes], per_message(gateway.log_text(), timed_from, relayed)


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
