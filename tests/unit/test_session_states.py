"""Who may do what to a call, and when it starts and ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.errors import Conflict, Forbidden, NotFound
from chalicelib.sessions.billing import both_connected_seconds
from chalicelib.sessions.session import ACTIVE, EXPIRED, REQUEST_TTL, Session

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def requested(paid: bool = True) -> Session:
    return Session("s1", "grace", "ada", "video", paid, "requested", T0, T0 + REQUEST_TTL)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_only_the_expert_accepts_and_only_before_the_request_expires() -> None:
    with pytest.raises(Forbidden):
        requested().accept("grace", at(5))
    with pytest.raises(Conflict):
        requested().accept("ada", at(61))
    assert requested().accept("ada", at(5)).state == "accepted"


def test_strangers_can_do_nothing_to_a_call_and_are_told_it_does_not_exist() -> None:
    with pytest.raises(NotFound) as refused:
        requested().hang_up("mallory", at(5))
    assert refused.value.code == "session_not_found"


def test_a_paid_call_goes_active_only_when_both_are_in_and_the_card_is_held() -> None:
    call = requested().accept("ada", at(5)).connect("grace", at(6))
    with pytest.raises(Conflict) as refused:
        call.connect("ada", at(7))
    assert refused.value.code == "card_not_held"
    active = call.card_held().connect("ada", at(8))
    assert (active.state, active.active_at) == (ACTIVE, at(8))


def test_a_free_call_needs_no_card() -> None:
    call = requested(paid=False).accept("ada", at(5)).connect("grace", at(6)).connect("ada", at(7))
    assert call.state == ACTIVE


def test_an_unanswered_request_expires() -> None:
    assert requested().expire(at(60)).state == EXPIRED
    with pytest.raises(Conflict):
        requested().expire(at(30))


def test_a_call_past_90_minutes_is_due_to_end_and_ends_at_the_cutoff() -> None:
    call = requested(paid=False).accept("ada", at(0)).connect("grace", at(0)).connect("ada", at(0))
    assert call.due_to_end(at(89 * 60)) is None
    assert call.due_to_end(at(90 * 60)) == "time_limit"
    ended = call.end(at(95 * 60), "time_limit")
    assert ended.ended_at == at(90 * 60)
    billable = both_connected_seconds(
        ended.client_intervals, ended.expert_intervals, active_at=at(0), until=at(95 * 60)
    )
    assert billable == 90 * 60


def test_a_participant_who_drops_and_does_not_come_back_ends_the_call_after_the_grace() -> None:
    call = requested(paid=False).accept("ada", at(0)).connect("grace", at(0)).connect("ada", at(0))
    dropped = call.disconnect("grace", at(600))
    assert dropped.due_to_end(at(630)) is None
    assert dropped.due_to_end(at(660)) == "participant_left"
    back = dropped.connect("grace", at(620))
    assert back.due_to_end(at(700)) is None


def test_a_call_knows_each_sides_devices_and_a_side_leaves_with_its_last_one() -> None:
    call = requested(paid=False).accept("ada", at(5)).connect("grace", at(6), "phone").connect("ada", at(7), "laptop")
    both_grace = call.connect("grace", at(8), "tablet")
    assert (both_grace.role_of_device("tablet"), both_grace.role_of_device("laptop")) == ("client", "expert")
    assert both_grace.role_of_device("someone-elses") is None

    one_left = both_grace.drop_device("grace", "phone", at(9))
    gone = one_left.drop_device("grace", "tablet", at(10))
    assert (one_left.client_devices, one_left.client_connected_since) == ({"tablet"}, at(6))
    assert (gone.client_devices, gone.client_connected_since) == (frozenset(), None)
    assert gone.drop_device("grace", "tablet", at(11)) == gone  # a repeat changes nothing
    ended = one_left.end(at(12), "hung_up")
    assert (ended.client_devices, ended.expert_devices) == (frozenset(), frozenset())


def test_signalling_is_allowed_while_accepted_or_active_and_before_the_cutoff() -> None:
    accepted = requested(paid=False).accept("ada", at(5))
    accepted.check_signalling(at(6))
    active = accepted.connect("grace", at(6)).connect("ada", at(7))
    active.check_signalling(at(7) + timedelta(minutes=89, seconds=59))
    for refused, code in ((active, "session_time_limit"), (active.end(at(60), "hung_up"), "session_ended")):
        with pytest.raises(Conflict) as error:
            refused.check_signalling(at(7) + timedelta(minutes=90))
        assert error.value.code == code
