"""The whole billing rule of a call, over random join / drop / rejoin / media report / hang-up / sweep sequences.

The call runs through the real rules (``Session`` for its states, ``bill_of_call`` for the bill,
the receipt's text), and the result is compared with a second statement of the rule written
here, independently: a second-by-second simulation of who was in the call.

The rule, as the seeds and DESIGN.md state it: billable seconds are those in which both were
connected, never past 90 minutes; billed minutes are the started minutes of those less the free
minutes; a call whose time together ends (the hang-up, or the last moment both were connected
when one side never came back) within 3 minutes of going active costs nothing, however late
the grace period or the sweep notices; the receipt's duration runs to that same end. Only seconds
from the first report that the call's media connected (by either side, even one made before the
other joined) are billed: a call with no report costs nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import example, given, settings
from hypothesis import strategies as st

from chalicelib.models.session import CallSession
from chalicelib.sessions.billing import Tariff
from chalicelib.sessions.billing_end import bill_of_call, billed_duration, running_bill
from chalicelib.sessions.calls import apply_session
from chalicelib.sessions.receipts import receipt_text
from chalicelib.sessions.session import REQUEST_TTL, Session

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
CLIENT, EXPERT = "grace", "ada"
SIDES = (CLIENT, EXPERT)

# What happens next, after a pause: one side's device drops (or comes back, if it had dropped),
# one side's page reports its media connected, one side hangs up, or the every-minute sweep runs.
TOGGLE_CLIENT, TOGGLE_EXPERT, REPORT_CLIENT, REPORT_EXPERT, HANG_UP_CLIENT, HANG_UP_EXPERT, SWEEP = (
    "toggle_client", "toggle_expert", "report_client", "report_expert", "hang_up_client", "hang_up_expert", "sweep",
)  # fmt: skip
REPORTS = {REPORT_CLIENT: CLIENT, REPORT_EXPERT: EXPERT}
# Hang-ups are rarer than drops and sweeps, so that long calls, rejoins and the 90-minute limit come up too.
ACTIONS = (TOGGLE_CLIENT, TOGGLE_EXPERT, SWEEP) * 3 + (REPORT_CLIENT, REPORT_EXPERT, HANG_UP_CLIENT, HANG_UP_EXPERT)


@dataclass(frozen=True)
class Call:
    first: str  # who joined first
    second_after: int  # seconds until the other joined: the call went active then
    early_report: bool  # the first to join reported its media connected before the other joined
    steps: tuple[tuple[int, str], ...]  # (seconds after the previous step, what happened)
    last_hang_up_after: int  # if nothing ended the call, someone hangs up this long after the last step
    last_hang_up_by: str


pauses = st.one_of(st.integers(0, 200), st.integers(0, 6_000))
calls = st.builds(
    Call,
    first=st.sampled_from(SIDES),
    second_after=st.integers(0, 120),
    early_report=st.booleans(),
    steps=st.lists(st.tuples(pauses, st.sampled_from(ACTIONS)), max_size=25).map(tuple),
    last_hang_up_after=pauses,
    last_hang_up_by=st.sampled_from(SIDES),
)
tariffs = st.one_of(
    st.builds(Tariff, st.just("USD"), rate_per_minute=st.integers(1, 1_000), hourly_rate=st.none()),
    st.builds(Tariff, st.just("USD"), rate_per_minute=st.none(), hourly_rate=st.integers(1, 100_000)),
)


# ---------------------------------------------------------------- the call through the real rules


def run_call(call: Call, at_sweep: Callable[[int, Session, datetime], None] | None = None) -> Session:
    """The call as the service runs it: the same rules the handlers and the sweep apply.
    ``at_sweep(step, session, now)`` sees the call at each sweep that leaves it running."""
    session = Session("s1", CLIENT, EXPERT, "video", True, "requested", T0, T0 + REQUEST_TTL)
    session = session.accept(EXPERT, T0).card_held().connect(call.first, T0)
    if call.early_report:
        session = session.media_connected(call.first, T0)
    other = EXPERT if call.first == CLIENT else CLIENT
    now = T0 + timedelta(seconds=call.second_after)
    session = session.connect(other, now)
    connected = {CLIENT: True, EXPERT: True}
    for step, (pause, action) in enumerate(call.steps):
        now += timedelta(seconds=pause)
        if action in (TOGGLE_CLIENT, TOGGLE_EXPERT):
            side = CLIENT if action == TOGGLE_CLIENT else EXPERT
            session = session.disconnect(side, now) if connected[side] else session.connect(side, now)
            connected[side] = not connected[side]
        elif action in REPORTS:
            session = session.media_connected(REPORTS[action], now)
        elif action in (HANG_UP_CLIENT, HANG_UP_EXPERT):
            return session.hang_up(CLIENT if action == HANG_UP_CLIENT else EXPERT, now)
        else:
            reason = session.due_to_end(now)
            if reason is not None:
                return session.end(now, reason)
            if at_sweep is not None:
                at_sweep(step, session, now)
    return session.hang_up(call.last_hang_up_by, now + timedelta(seconds=call.last_hang_up_after))


def receipt_of(session: Session, tariff: Tariff, free_minutes: int, bps: int) -> str:
    bill = bill_of_call(session, tariff, free_minutes=free_minutes, commission_bps=bps)
    item = CallSession(
        "s1", client_id=CLIENT, expert_id=EXPERT, media="video", paid=True, state="ended", requested_at=T0,
        expires_at=T0, currency=tariff.currency, rate_per_minute=tariff.rate_per_minute,
        hourly_rate=tariff.hourly_rate, free_minutes=free_minutes, commission_bps=bps,
        billable_seconds=bill.billable_seconds, billed_minutes=bill.billed_minutes, amount=bill.amount,
        fee=bill.fee, earnings=bill.earnings,
    )  # fmt: skip
    apply_session(item, session)
    return receipt_text(item, for_expert=True, other=CLIENT)


# ---------------------------------------------------------------- the rule, stated a second time


@dataclass(frozen=True)
class Expected:
    end_reason: str
    together_seconds: int  # seconds both were in, from the first media report, before the 90-minute limit
    duration_seconds: int  # from going active to the last second both were in
    minutes: int
    amount: int
    fee: int


def expected_bill(call: Call, *, rate: int | None, hourly: int | None, free_minutes: int, bps: int) -> Expected:
    """Second by second from going active: who is in, when the call stops, what it costs."""
    limit = 90 * 60
    present = {CLIENT: True, EXPERT: True}
    together: list[bool] = []  # together[s]: both in during second s after going active
    last_drop: int | None = None
    clock = 0  # seconds since going active
    media_from = 0 if call.early_report else None  # the first report, never before going active

    def pass_time(until: int) -> None:
        while len(together) < min(until, limit):
            together.append(present[CLIENT] and present[EXPERT])

    reason = ""
    stop = 0
    for pause, action in call.steps:
        clock += pause
        pass_time(clock)
        if action in (TOGGLE_CLIENT, TOGGLE_EXPERT):
            side = CLIENT if action == TOGGLE_CLIENT else EXPERT
            present[side] = not present[side]
            if not present[side]:
                last_drop = clock
        elif action in REPORTS:
            media_from = clock if media_from is None else media_from
        elif action in (HANG_UP_CLIENT, HANG_UP_EXPERT):
            reason, stop = "hung_up", clock
            break
        elif clock >= limit:
            reason, stop = "time_limit", clock
            break
        elif not all(present.values()) and last_drop is not None and clock - last_drop >= 60:
            reason, stop = "participant_left", clock
            break
    if not reason:
        clock += call.last_hang_up_after
        pass_time(clock)
        reason, stop = "hung_up", clock
    seconds = together[: min(stop, limit)]
    in_together = [s for s, both in enumerate(seconds) if both]
    duration = in_together[-1] + 1 if in_together else 0
    together_seconds = len([s for s in in_together if media_from is not None and s >= media_from])
    if duration < 3 * 60:
        minutes = 0
    else:
        started_minutes = (together_seconds + 59) // 60
        minutes = max(started_minutes - free_minutes, 0)
    if rate is not None:
        amount = rate * minutes
    else:
        assert hourly is not None
        amount = int(Fraction(hourly * minutes, 60) + Fraction(1, 2))
    fee = int(Fraction(amount * bps, 10_000) + Fraction(1, 2))
    return Expected(reason, together_seconds, duration, minutes, amount, fee)


# ---------------------------------------------------------------- the property


@settings(max_examples=300, deadline=None)
@given(call=calls, tariff=tariffs, free_minutes=st.integers(0, 10), bps=st.integers(0, 3_000))
@example(  # the call from issue 10: the client's socket closed at 2:30, the sweep ended the call at 4:19
    call=Call(CLIENT, 0, True, ((150, TOGGLE_CLIENT), (109, SWEEP)), 0, EXPERT),
    tariff=Tariff("USD", rate_per_minute=300, hourly_rate=None),
    free_minutes=0,
    bps=1_000,
)
@example(  # 30 minutes together and no media report from either side: nothing is owed
    call=Call(CLIENT, 0, False, (), 1_800, CLIENT),
    tariff=Tariff("USD", rate_per_minute=300, hourly_rate=None),
    free_minutes=0,
    bps=1_000,
)
@example(  # the expert's report alone, 2 minutes in, bills the 28 minutes after it
    call=Call(CLIENT, 30, False, ((120, REPORT_EXPERT), (300, REPORT_CLIENT)), 1_380, EXPERT),
    tariff=Tariff("USD", rate_per_minute=300, hourly_rate=None),
    free_minutes=0,
    bps=1_000,
)
def test_every_call_is_billed_to_the_last_moment_both_were_in_as_the_rule_states_it(
    call: Call, tariff: Tariff, free_minutes: int, bps: int
) -> None:
    session = run_call(call)
    bill = bill_of_call(session, tariff, free_minutes=free_minutes, commission_bps=bps)
    expected = expected_bill(
        call, rate=tariff.rate_per_minute, hourly=tariff.hourly_rate, free_minutes=free_minutes, bps=bps
    )
    assert session.end_reason == expected.end_reason
    assert bill.billable_seconds == expected.together_seconds
    assert int(billed_duration(session).total_seconds()) == expected.duration_seconds
    assert bill.within_no_charge_window == (expected.duration_seconds < 180)
    assert (bill.billed_minutes, bill.amount, bill.fee) == (expected.minutes, expected.amount, expected.fee)
    assert bill.earnings == expected.amount - expected.fee
    minutes, seconds = divmod(expected.duration_seconds, 60)
    receipt = receipt_of(session, tariff, free_minutes, bps)
    assert f"Duration: {minutes} min {seconds:02d} s\n" in receipt
    assert f"Billed minutes: {expected.minutes}\n" in receipt


@settings(max_examples=200, deadline=None)
@given(call=calls, tariff=tariffs, free_minutes=st.integers(0, 10), bps=st.integers(0, 3_000))
@example(  # the client's socket closed at 2:30 and the sweep ran at 3:10, within the grace: nothing is owed yet
    call=Call(CLIENT, 0, True, ((150, TOGGLE_CLIENT), (40, SWEEP)), 0, EXPERT),
    tariff=Tariff("USD", rate_per_minute=300, hourly_rate=None),
    free_minutes=0,
    bps=1_000,
)
def test_the_live_meter_at_every_sweep_is_what_the_call_would_cost_if_hung_up_then(
    call: Call, tariff: Tariff, free_minutes: int, bps: int
) -> None:
    def check_meter(step: int, session: Session, now: datetime) -> None:
        meter = running_bill(session, tariff, now=now, free_minutes=free_minutes, commission_bps=bps)
        hung_up_then = replace(call, steps=call.steps[:step], last_hang_up_after=call.steps[step][0])
        expected = expected_bill(
            hung_up_then, rate=tariff.rate_per_minute, hourly=tariff.hourly_rate, free_minutes=free_minutes, bps=bps
        )
        assert meter.billable_seconds == expected.together_seconds
        assert meter.within_no_charge_window == (expected.duration_seconds < 180)
        assert (meter.billed_minutes, meter.amount, meter.fee) == (expected.minutes, expected.amount, expected.fee)

    run_call(call, at_sweep=check_meter)
