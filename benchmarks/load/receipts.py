"""Each side's receipt of each call, watched for in the moto outbox while the run goes on.

A receipt is an email to the participant whose text names the call's session id. The outbox is read
every ``EVERY`` seconds during the run, so each receipt's first sighting is known to that precision:
its lag is the time from the hang-up being sent to that sighting. At the end the
outbox is read until every receipt is in (or ``WAIT`` seconds pass), then once more after ``DOUBLES``
seconds, so that a second copy has time to show.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter

from benchmarks.load.calls import Call
from benchmarks.load.local import Stack

EVERY = 2.0
WAIT = 180.0
DOUBLES = 5.0
TOKEN = re.compile(r"[\w-]{8,}")

Key = tuple[str, str]  # (session id, recipient's address)


class Receipts:
    def __init__(self, stack: Stack, calls: list[Call]) -> None:
        self.stack, self.calls = stack, calls
        self.first_seen: dict[Key, float] = {}
        self.copies: Counter[Key] = Counter()

    def wanted(self) -> dict[Key, Call]:
        """The receipts owed so far: both sides of every call that ended as planned."""
        return {
            (str(call.session_id), person.email.lower()): call
            for call in self.calls
            if call.ended_at is not None and not call.failure
            for person in (call.client, call.expert)
        }

    async def look(self) -> None:
        sessions = {str(call.session_id) for call in self.calls if call.session_id}
        mails = await asyncio.to_thread(self.stack.outbox)
        seen_at = time.monotonic()
        copies: Counter[Key] = Counter()
        for mail in mails:
            for session_id in sessions.intersection(TOKEN.findall(mail["text"])):
                for address in mail["to"]:
                    copies[(session_id, address.lower())] += 1
        for key in copies:
            self.first_seen.setdefault(key, seen_at)
        self.copies = copies

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await self.look()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), EVERY)

    async def finish(self) -> list[str]:
        """What is wrong with the receipts owed: missing, or sent more than once."""
        wanted = self.wanted()
        deadline = time.monotonic() + WAIT
        while any(self.copies[key] == 0 for key in wanted) and time.monotonic() < deadline:
            await asyncio.sleep(EVERY)
            await self.look()
        await asyncio.sleep(DOUBLES)
        await self.look()
        missing = sorted(key for key in wanted if self.copies[key] == 0)
        doubled = sorted(key for key in wanted if self.copies[key] > 1)
        wrong = [f"{len(missing)} missing (session, to): {missing[:3]}"] if missing else []
        return wrong + ([f"{len(doubled)} sent more than once (session, to): {doubled[:3]}"] if doubled else [])

    def found(self) -> int:
        return sum(self.copies[key] for key in self.wanted())

    def lags(self) -> list[float]:
        """Seconds from a call's hang-up to the first sighting of each of its receipts."""
        return [
            self.first_seen[key] - float(call.hung_up_at or 0.0)
            for key, call in self.wanted().items()
            if key in self.first_seen
        ]
