"""Paid calls as the pages and the app make them, over the WebSocket protocol (docs/websocket-protocol.md).

A ``Device`` is one WebSocket to the gateway, with a reader task that notes every message the moment it
arrives (relayed signalling into its stream's tally, ``session.ended`` into the count of ends) and keeps
the rest in an inbox that the call's steps wait on. A ``lane`` is one expert who stays connected and
takes calls one after another, each from one of a few clients (each makes at most ``CALLS_PER_CLIENT``,
as a person might): every lane runs at the same time, so ``--calls`` calls are in flight together.

One call, driven from both ends by one coroutine (so that a side never signals into a drop it is making):
request, accept, both join at once (exactly one join reply says ``you_offer``), offer, answer and ICE
candidates both ways (numbered, acknowledged), ``media.connected``, a GET of the call by each side, then
until its hang-up time media toggles and late candidates from either side at random moments; some calls
drop a side's socket and that side reconnects, says ``hello``, joins again and offers again (an ICE
restart); then one side hangs up and both must be told ``session.ended``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from benchmarks.load.local import Counts, Person, Rest, Stack
from benchmarks.load.tally import ACK, Counted, Stream

CALLS_PER_CLIENT = 4  # call requests are rate-limited per account; a person makes a few
WAIT = 45.0  # seconds for any one expected message (a busy 2-core machine)
RATE = 300  # the experts' per-minute rate, USD minor units
NUMBERED = ("signal.offer", "signal.answer", "signal.ice")
REPLIES = ("session", "presence", "hello", "ack", "error")
RETRY_CODES = ("changed_concurrently", "expert_unavailable", "rate_limited")
SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n" + "a=fingerprint:sha-256 00\r\n" * 40

_ids = itertools.count(1)


class StepFailed(Exception):
    """A call could not go on: which step, and what came instead."""


@dataclass
class Ledger:
    """What the run saw happen, from every device: relayed streams, ends, calls."""

    streams: dict[tuple[str, str], Stream] = field(default_factory=dict)  # (session, sender role)
    counted: dict[tuple[str, str, str], Counted] = field(default_factory=dict)  # (session, sender role, kind)
    ended: Counter[tuple[str, str]] = field(default_factory=Counter)  # (session, receiver role)
    misrouted: list[str] = field(default_factory=list)

    def stream(self, session_id: str, sender: str) -> Stream:
        return self.streams.setdefault((session_id, sender), Stream())

    def count(self, session_id: str, sender: str, kind: str) -> Counted:
        return self.counted.setdefault((session_id, sender, kind), Counted())


@dataclass
class Call:
    """One call as the run made it, and what each side was told at its end."""

    lane: int
    expert: Person
    client: Person
    session_id: str | None = None
    payment_id: str | None = None
    hold_seconds: float = 0.0
    dropped: str | None = None  # the role whose socket dropped and came back
    hung_up_by: str | None = None
    ended: dict[str, dict[str, Any]] = field(default_factory=dict)  # role -> session.ended
    failure: str | None = None
    hung_up_at: float | None = None  # monotonic: when the hang-up was sent
    ended_at: float | None = None  # monotonic: when both sides had been told it ended


def other(role: str) -> str:
    return "client" if role == "expert" else "expert"


class Device:
    """One WebSocket of one person's, in a role (``client`` or ``expert``)."""

    def __init__(self, connection: ClientConnection, person: Person, role: str, counts: Counts, ledger: Ledger):
        self.connection, self.person, self.role = connection, person, role
        self.counts, self.ledger = counts, ledger
        self.inbox: list[dict[str, Any]] = []
        self.arrived = asyncio.Event()
        self.pending: dict[int, tuple[str, str, int | None, float]] = {}  # id -> (kind, session, seq, sent at)
        self.joined: set[str] = set()  # the calls this device joined: relayed messages of no other may reach it
        self.reader = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, stack: Stack, person: Person, role: str, counts: Counts, ledger: Ledger) -> Device:
        connection = await connect(f"{stack.info['ws_url']}?token={person.token}", open_timeout=WAIT, max_size=2**20)
        return cls(connection, person, role, counts, ledger)

    async def close(self) -> None:
        await self.connection.close()
        await self.reader

    async def _read(self) -> None:
        async for raw in self.connection:
            at = time.perf_counter()
            self.counts.ws_received += 1
            self._note(json.loads(raw), at)

    def _note(self, message: dict[str, Any], at: float) -> None:
        kind, session_id = message.get("type", ""), message.get("session_id", "")
        if (kind in NUMBERED or kind == "media.toggle") and session_id not in self.joined:
            self.ledger.misrouted.append(f"{kind} of {session_id} reached a {self.role} device not in that call")
        elif kind in NUMBERED or kind == "media.toggle":
            sender = other(self.role)
            payload = message.get("payload")
            if isinstance(payload, dict) and "seq" in payload:
                self.ledger.stream(session_id, sender).arrived(int(payload["seq"]), at)
            else:
                self.ledger.count(session_id, sender, kind).received += 1
        elif kind == "session.ended":
            self.ledger.ended[(session_id, self.role)] += 1
        if kind in ("ack", "error") and message.get("id") in self.pending:
            self._answered(message, at)
            return
        if kind == "error" and "id" not in message:
            self.counts.error(f"WS {message.get('code')}")
        if kind not in ("signal.ice", "media.toggle", "session.meter"):
            self.inbox.append(message)
            self.arrived.set()

    def _answered(self, message: dict[str, Any], at: float) -> None:
        what, session_id, seq, sent_at = self.pending.pop(message["id"])
        outcome = ACK if message["type"] == "ack" else str(message.get("code"))
        if outcome != ACK:
            self.counts.error(f"WS {outcome}")
        if seq is not None:
            self.ledger.stream(session_id, self.role).answered(seq, outcome)
        elif outcome == ACK:
            self.ledger.count(session_id, self.role, what).acked += 1
        self.counts.latencies.add("WS ack", at - sent_at)

    async def wait_for(self, what: str, match: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first message in the inbox that ``match``es, taken out of it; waits up to ``WAIT`` s."""
        deadline = time.monotonic() + WAIT
        while True:
            for index, message in enumerate(self.inbox):
                if match(message):
                    return self.inbox.pop(index)
            if self.reader.done():
                raise StepFailed(f"{self.role} socket closed while waiting for {what}")
            self.arrived.clear()
            try:
                await asyncio.wait_for(self.arrived.wait(), deadline - time.monotonic())
            except TimeoutError:
                raise StepFailed(f"{self.role} waited {WAIT:.0f} s for {what}") from None

    async def event(self, kind: str, session_id: str) -> dict[str, Any]:
        return await self.wait_for(kind, lambda m: m.get("type") == kind and _session_of(m) == session_id)

    async def send(self, body: dict[str, Any]) -> int:
        message_id = next(_ids)
        self.counts.ws_sent += 1
        await self.connection.send(json.dumps(body | {"id": message_id}))
        return message_id

    async def command(self, body: dict[str, Any], *, retry: bool = True) -> dict[str, Any]:
        """Sends ``body`` and returns its reply; an error that says "try again" is tried again (up to 5 times)."""
        if body["action"] == "session.join":
            self.joined.add(body["session_id"])
        for attempt in range(5):
            started = time.perf_counter()
            message_id = await self.send(body)
            reply = await self.wait_for(body["action"], _answering(message_id))
            self.counts.latencies.add("WS reply", time.perf_counter() - started)
            if reply["type"] != "error":
                return reply
            self.counts.error(f"WS {reply.get('code')}")
            if not retry or reply.get("code") not in RETRY_CODES or attempt == 4:
                raise StepFailed(f"{body['action']} by the {self.role}: {reply.get('code')} {reply.get('message')}")
            await asyncio.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def relay(self, session_id: str, action: str, payload: dict[str, Any] | None = None, **fields: Any) -> None:
        """Sends a relayed message (numbered in its payload, if it has one); its ack is awaited by ``settle``."""
        body: dict[str, Any] = {"action": action, "session_id": session_id, **fields}
        seq = None
        at = time.perf_counter()
        if action in NUMBERED:
            if payload is not None:
                seq = self.ledger.stream(session_id, self.role).send(at)
                payload = payload | {"seq": seq}
            body["payload"] = payload
        message_id = await self.send(body)
        self.pending[message_id] = (action, session_id, seq, at)

    async def settle(self) -> None:
        """Waits until every relayed message this device sent is acknowledged or refused."""
        deadline = time.monotonic() + WAIT
        while self.pending:
            if time.monotonic() > deadline or self.reader.done():
                raise StepFailed(f"{len(self.pending)} relayed messages of the {self.role} never answered")
            await asyncio.sleep(0.05)


def _answering(message_id: int) -> Callable[[dict[str, Any]], bool]:
    return lambda message: message.get("id") == message_id


def _session_of(message: dict[str, Any]) -> str | None:
    if "session_id" in message:
        return str(message["session_id"])
    session = message.get("session")
    return str(session["session_id"]) if isinstance(session, dict) else None


@dataclass
class Side:
    """A participant of the call in progress: the person, their role, their device now."""

    person: Person
    role: str
    device: Device


@dataclass
class Lanes:
    """What every lane shares: the stack, the clients, the tallies, the plan's randomness."""

    stack: Stack
    rest: Rest
    counts: Counts
    ledger: Ledger
    rng: random.Random
    deadline: float  # monotonic: no call starts after it
    hold: tuple[float, float]  # seconds a call lasts after it goes active
    long_hold: float  # seconds for a lane's first call when it is a long one (0: none)
    drop_share: float
    calls: list[Call] = field(default_factory=list)
    experts: list[Person] = field(default_factory=list)
    cards: dict[str, str] = field(default_factory=dict)  # client sub -> their saved card

    async def new_person(self, email: str, role: str) -> Person:
        person = await asyncio.to_thread(self.stack.sign_up, self.rest, email)
        if role == "expert":
            profile = {"slug": email.split("@")[0], "name": f"Load {email[:20]}", "categories": ["career"],
                       "languages": ["en"], "currency": "USD", "rate_per_minute": RATE, "free_minutes": 0}  # fmt: skip
            put = await self.rest.acall("PUT", "/experts/me", person, profile)
            if put.status_code != 200:
                raise RuntimeError(f"expert profile for {email}: {put.status_code} {put.text}")
        else:
            self.cards[person.sub] = await asyncio.to_thread(self.stack.save_card, self.rest, person)
        return person

    async def device(self, person: Person, role: str) -> Device:
        device = await Device.open(self.stack, person, role, self.counts, self.ledger)
        await device.command({"action": "hello"})
        return device


async def lane(lanes: Lanes, number: int, run: str, expert: Person, start_after: float) -> None:
    """One expert online, taking calls back to back until the deadline, from a new client every few calls."""
    await asyncio.sleep(start_after)
    rng = random.Random(lanes.rng.random())
    expert_side = Side(expert, "expert", await lanes.device(expert, "expert"))
    await expert_side.device.command({"action": "presence", "status": "online"})
    client_side: Side | None = None
    made, first = 0, True
    while (remaining := lanes.deadline - time.monotonic()) > lanes.hold[0]:
        if client_side is None or made == CALLS_PER_CLIENT:
            if client_side is not None:
                await client_side.device.close()
            person = await lanes.new_person(f"load-{run}-c{number}-{len(lanes.calls)}@example.com", "client")
            client_side, made = Side(person, "client", await lanes.device(person, "client")), 0
        hold = min(rng.uniform(*lanes.hold), remaining)  # a short call ends by the deadline (set-up aside)
        if first and number % 5 == 0 and lanes.long_hold:
            hold = lanes.long_hold + rng.uniform(0, 10)  # past 3 minutes: a call that costs something
        first = False
        call = Call(number, expert, client_side.person, hold_seconds=hold)
        lanes.calls.append(call)
        made += 1
        try:
            await one_call(lanes, call, expert_side, client_side, rng)
        except StepFailed as failed:
            call.failure = str(failed)
            await _hang_up_anyway(call, expert_side)
        except Exception as error:  # a socket that broke, a bug of ours: the call failed, the lane goes on
            call.failure = f"{type(error).__name__}: {error}"
            await _hang_up_anyway(call, expert_side)
    await asyncio.sleep(3)  # late duplicates of this lane's last call's events still reach both sides
    for side in (expert_side, client_side):
        if side is not None:
            await side.device.close()


async def _hang_up_anyway(call: Call, expert: Side) -> None:
    if call.session_id and not call.ended and not expert.device.reader.done():
        await expert.device.send({"action": "session.hang_up", "session_id": call.session_id})


async def one_call(lanes: Lanes, call: Call, expert: Side, client: Side, rng: random.Random) -> None:
    requested = await client.device.command({"action": "session.request", "expert_id": expert.person.sub,
                                              "media": rng.choice(["voice", "video"]),
                                              "payment_method_id": lanes.cards[client.person.sub]})  # fmt: skip
    session_id = call.session_id = str(requested["session"]["session_id"])
    call.payment_id = requested["session"].get("payment_id")
    await expert.device.event("session.requested", session_id)
    accepted = await expert.device.command({"action": "session.accept", "session_id": session_id})
    call.payment_id = call.payment_id or accepted["session"].get("payment_id")
    told = await client.device.event("session.accepted", session_id)
    if told.get("client_secret") and not told["session"].get("hold_ready"):
        raise StepFailed("the saved card's hold needs the client to confirm it")
    await expert.device.event("session.accepted", session_id)

    sides = {"expert": expert, "client": client}
    joins = await asyncio.gather(*(side.device.command(_join(session_id)) for side in sides.values()))
    offering = [side for side, reply in zip(sides.values(), joins, strict=True) if reply.get("you_offer")]
    for side in sides.values():
        active = await side.device.event("session.active", session_id)
        if active.get("you_offer"):
            offering.append(side)
    offerers = {side.role for side in offering}
    if len(offerers) != 1:
        raise StepFailed(f"after both joined at once, {sorted(offerers) or 'nobody'} was told to offer")
    offerer = offering[0]
    await negotiate(session_id, offerer, sides[other(offerer.role)], rng)
    await client.device.command({"action": "media.connected", "session_id": session_id})
    await expert.device.command({"action": "media.connected", "session_id": session_id})
    for side in sides.values():
        seen = await lanes.rest.acall("GET", f"/sessions/{session_id}", side.person)
        if seen.status_code != 200 or seen.json()["state"] != "active":
            raise StepFailed(f"GET /sessions/{session_id} by the {side.role} mid-call: {seen.status_code} {seen.text}")

    hang_up_at = time.monotonic() + call.hold_seconds
    drop_at = time.monotonic() + rng.uniform(0.2, 0.8) * call.hold_seconds if rng.random() < lanes.drop_share else None
    toggles = {"audio": True, "video": True}
    while (left := hang_up_at - time.monotonic()) > 0:
        await asyncio.sleep(min(left, rng.uniform(0.3, 2.0)))
        side = sides[rng.choice(["expert", "client"])]
        if rng.random() < 0.6:
            kind = rng.choice(["audio", "video"])
            toggles[kind] = not toggles[kind]
            await side.device.relay(session_id, "media.toggle", kind=kind, enabled=toggles[kind])
        else:
            await side.device.relay(session_id, "signal.ice", _candidate(rng))
        if drop_at is not None and time.monotonic() >= drop_at:
            drop_at = None
            call.dropped = rng.choice(["expert", "client"])
            await drop_and_rejoin(lanes, session_id, sides[call.dropped], sides[other(call.dropped)], rng)
    for side in sides.values():
        await side.device.settle()

    hanger = sides[rng.choice(["expert", "client"])]
    call.hung_up_by = hanger.role
    call.hung_up_at = time.monotonic()
    await hanger.device.command({"action": "session.hang_up", "session_id": session_id})
    for side in sides.values():
        call.ended[side.role] = await side.device.event("session.ended", session_id)
        side.device.counts.latencies.add("ended", time.monotonic() - call.hung_up_at)
    call.ended_at = time.monotonic()


def _join(session_id: str) -> dict[str, Any]:
    return {"action": "session.join", "session_id": session_id}


def _candidate(rng: random.Random) -> dict[str, Any]:
    port = rng.randrange(40_000, 60_000)
    return {"candidate": f"candidate:{port} 1 udp 2122260223 127.0.0.1 {port} typ host", "sdpMid": "0",
            "sdpMLineIndex": 0}  # fmt: skip


async def negotiate(session_id: str, offerer: Side, answerer: Side, rng: random.Random) -> None:
    """Offer, its candidates and their end; the answer once the offer arrives, with its own; all acknowledged."""
    await offerer.device.relay(session_id, "signal.offer", {"type": "offer", "sdp": SDP})
    for _ in range(rng.randint(2, 5)):
        await offerer.device.relay(session_id, "signal.ice", _candidate(rng))
    await offerer.device.relay(session_id, "signal.ice", None)
    await answerer.device.event("signal.offer", session_id)
    await answerer.device.relay(session_id, "signal.answer", {"type": "answer", "sdp": SDP})
    for _ in range(rng.randint(2, 5)):
        await answerer.device.relay(session_id, "signal.ice", _candidate(rng))
    await answerer.device.relay(session_id, "signal.ice", None)
    await offerer.device.event("signal.answer", session_id)
    await offerer.device.settle()
    await answerer.device.settle()


async def drop_and_rejoin(lanes: Lanes, session_id: str, dropping: Side, staying: Side, rng: random.Random) -> None:
    """``dropping``'s socket goes (no hang-up); it reconnects, finds the call in ``hello``, joins and offers again."""
    await dropping.device.settle()
    await staying.device.settle()
    await dropping.device.close()
    left = await staying.device.event("session.left", session_id)
    if left.get("role") != dropping.role:
        raise StepFailed(f"session.left named the {left.get('role')}, not the {dropping.role} who dropped")
    await asyncio.sleep(rng.uniform(0.2, 2.0))
    device = dropping.device = await Device.open(lanes.stack, dropping.person, dropping.role, lanes.counts,
                                                 lanes.ledger)  # fmt: skip
    hello = await device.command({"action": "hello"})
    if session_id not in {s["session_id"] for s in hello.get("sessions", [])}:
        raise StepFailed(f"hello after the {dropping.role}'s reconnect did not list the live call")
    rejoined = await device.command(_join(session_id))
    if not (rejoined.get("peer_present") and rejoined.get("you_offer")):
        raise StepFailed(
            f"rejoin reply: peer_present {rejoined.get('peer_present')}, you_offer {rejoined.get('you_offer')}"
        )
    joined = await staying.device.event("session.joined", session_id)
    if joined.get("role") != dropping.role or joined.get("you_offer"):
        raise StepFailed(f"session.joined after the rejoin: {joined}")
    await negotiate(session_id, dropping, staying, rng)
