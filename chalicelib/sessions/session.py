"""A paid call's life as pure rules: who may do what, when, and what follows.

requested -> accepted -> active -> ended, or declined / cancelled / expired.
The call goes active when both participants are connected to it (and, for a paid
call, the client's card is held); it ends at hang-up, at the 90-minute cutoff, or
when one side dropped and did not come back within the grace period.

A booked appointment's call (``ends_by`` set: the booked end) is opened already accepted (the
booking paid for it); it ends at hang-up or at its cutoff, the booked end or 90 minutes after
going active if that comes first. A side that drops may come back until then: it is not ended
for a participant leaving, and nobody joins it after the booked end.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.sessions.billing import Interval, cutoff_at

REQUESTED = "requested"
ACCEPTED = "accepted"
ACTIVE = "active"
ENDED = "ended"
DECLINED = "declined"
CANCELLED = "cancelled"
EXPIRED = "expired"
FINISHED = (ENDED, DECLINED, CANCELLED, EXPIRED)

CLIENT = "client"
EXPERT = "expert"

REQUEST_TTL = timedelta(seconds=60)  # the default; PARLEY_CALL_REQUEST_SECONDS sets it per stage
DROP_GRACE = timedelta(seconds=60)


@dataclass(frozen=True)
class Session:
    session_id: str
    client_id: str
    expert_id: str
    media: str  # voice | video
    paid: bool
    state: str
    requested_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    active_at: datetime | None = None
    ended_at: datetime | None = None
    end_reason: str | None = None
    hold_ready: bool = False  # the card is held (always true for a free call)
    client_connected_since: datetime | None = None
    expert_connected_since: datetime | None = None
    client_intervals: tuple[Interval, ...] = ()
    expert_intervals: tuple[Interval, ...] = ()
    media_connected_at: datetime | None = None  # when a participant first reported its media connected
    ends_by: datetime | None = None  # an appointment's call: its booked end
    # the connections of each side's devices in the call: joined and not left (none once the side left)
    client_devices: frozenset[str] = frozenset()
    expert_devices: frozenset[str] = frozenset()

    def role_of(self, account_id: str) -> str:
        if account_id == self.client_id:
            return CLIENT
        if account_id == self.expert_id:
            return EXPERT
        raise NotFound("No call has this id.", code="session_not_found")  # as for a missing one: ids cannot be probed

    def devices_of(self, role: str) -> frozenset[str]:
        return self.client_devices if role == CLIENT else self.expert_devices

    def connected_since(self, role: str) -> datetime | None:
        return self.client_connected_since if role == CLIENT else self.expert_connected_since

    def role_of_device(self, device: str) -> str | None:
        """Whose joined device this connection is (``None``: no device in the call)."""
        if device in self.client_devices:
            return CLIENT
        if device in self.expert_devices:
            return EXPERT
        return None

    def participant(self, role: str) -> str:
        return self.client_id if role == CLIENT else self.expert_id

    def _with_devices(self, role: str, devices: frozenset[str]) -> Session:
        return replace(self, client_devices=devices) if role == CLIENT else replace(self, expert_devices=devices)

    @property
    def cutoff(self) -> datetime | None:
        """When an active call ends at the latest: 90 minutes after going active, or an appointment's booked end."""
        if self.active_at is None:
            return None
        limit = cutoff_at(self.active_at)
        return min(limit, self.ends_by) if self.ends_by is not None else limit

    @property
    def end_reason_at_cutoff(self) -> str:
        if self.ends_by is not None and self.cutoff == self.ends_by:
            return "booked_end"
        return "time_limit"

    def accept(self, by: str, at: datetime) -> Session:
        self._expect(self.role_of(by) == EXPERT, "Only the expert accepts a call.")
        self._expect_state(REQUESTED)
        if at >= self.expires_at:
            raise Conflict("This call request has expired.", code="session_expired")
        return replace(self, state=ACCEPTED, accepted_at=at, hold_ready=self.hold_ready or not self.paid)

    def decline(self, by: str, at: datetime) -> Session:
        self._expect(self.role_of(by) == EXPERT, "Only the expert declines a call.")
        self._expect_state(REQUESTED)
        return replace(self, state=DECLINED, ended_at=at, end_reason="declined")

    def cancel(self, by: str, at: datetime) -> Session:
        self._expect(self.role_of(by) == CLIENT, "Only the client cancels a call request.")
        self._expect_state(REQUESTED, ACCEPTED)
        return replace(self, state=CANCELLED, ended_at=at, end_reason="cancelled")

    def expire(self, at: datetime) -> Session:
        self._expect_state(REQUESTED)
        if at < self.expires_at:
            raise Conflict("This call request has not expired yet.", code="not_expired")
        return replace(self, state=EXPIRED, ended_at=self.expires_at, end_reason="expired")

    def card_held(self) -> Session:
        return replace(self, hold_ready=True)

    def connect(self, account_id: str, at: datetime, device: str | None = None) -> Session:
        """A participant's device (its connection, when it has one) joined the call; the call goes
        active once both are in."""
        role = self.role_of(account_id)
        self._expect_state(ACCEPTED, ACTIVE)
        if self.ends_by is not None and at >= self.ends_by:
            raise Conflict("This appointment's time is over.", code="appointment_ended")
        joined = (
            replace(self, client_connected_since=self.client_connected_since or at)
            if role == CLIENT
            else replace(self, expert_connected_since=self.expert_connected_since or at)
        )
        if device is not None:
            joined = joined._with_devices(role, self.devices_of(role) | {device})
        both_in = joined.client_connected_since is not None and joined.expert_connected_since is not None
        if joined.state == ACCEPTED and both_in:
            if not joined.hold_ready:
                raise Conflict("The client's card is not held yet.", code="card_not_held")
            return replace(joined, state=ACTIVE, active_at=at)
        return joined

    def media_connected(self, account_id: str, at: datetime) -> Session:
        """A participant reports that media flows between them; the first report's time is kept.
        Billing counts from it (never before both joined: see ``billing_end.py``)."""
        self.role_of(account_id)
        if self.media_connected_at is not None:
            return self
        self._expect_state(ACCEPTED, ACTIVE)
        return replace(self, media_connected_at=at)

    def drop_device(self, account_id: str, device: str, at: datetime) -> Session:
        """One device of a participant left the call (closed, or found gone); the participant leaves
        with their last one. A device not in the call changes nothing."""
        role = self.role_of(account_id)
        devices = self.devices_of(role)
        if device not in devices:
            return self
        remaining = self._with_devices(role, devices - {device})
        return remaining if remaining.devices_of(role) else remaining.disconnect(account_id, at)

    def disconnect(self, account_id: str, at: datetime) -> Session:
        """A participant left the call (with all their devices); their connected time is recorded."""
        role = self.role_of(account_id)
        since = self.connected_since(role)
        left = self._with_devices(role, frozenset())
        if since is None:
            return left
        interval = (Interval(since, at),)
        if role == CLIENT:
            return replace(left, client_connected_since=None, client_intervals=self.client_intervals + interval)
        return replace(left, expert_connected_since=None, expert_intervals=self.expert_intervals + interval)

    def hang_up(self, by: str, at: datetime) -> Session:
        self.role_of(by)
        return self.end(at, "hung_up")

    def end(self, at: datetime, reason: str) -> Session:
        """End an active call at ``at`` (never past its cutoff), closing both sides' connected time."""
        self._expect_state(ACTIVE, ACCEPTED)
        ended_at = min(at, self.cutoff) if self.cutoff else at
        closed = self
        for participant in (self.client_id, self.expert_id):
            closed = closed.disconnect(participant, ended_at)
        return replace(closed, state=ENDED, ended_at=ended_at, end_reason=reason)

    def check_signalling(self, at: datetime) -> None:
        """Signalling is relayed while the call is accepted or active and before its cutoff."""
        self._expect_state(ACCEPTED, ACTIVE)
        if self.cutoff is not None and at >= self.cutoff:
            raise Conflict("This call has reached its time limit.", code="session_time_limit")

    def due_to_end(self, now: datetime) -> str | None:
        """Why the sweep should end this call now, if it should."""
        if self.state != ACTIVE or self.active_at is None:
            return None
        if self.cutoff is not None and now >= self.cutoff:
            return self.end_reason_at_cutoff
        if self.ends_by is not None:
            return None  # an appointment's call waits for a dropped side until its end
        gone = [c is None for c in (self.client_connected_since, self.expert_connected_since)]
        last_left = max((i.end for i in self.client_intervals + self.expert_intervals), default=None)
        if any(gone) and last_left is not None and now - last_left >= DROP_GRACE:
            return "participant_left"
        return None

    @staticmethod
    def _expect(condition: bool, message: str) -> None:
        if not condition:
            raise Forbidden(message, code="not_your_move")

    def _expect_state(self, *states: str) -> None:
        if self.state not in states:
            raise Conflict(f"This call is {self.state}.", code=f"session_{self.state}")
