"""TURN credentials for a call: the TURN REST API scheme, lasting until the call's cutoff plus a margin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.errors import Conflict, NotFound
from chalicelib.sessions.ice_servers import (
    MARGIN,
    check_live_call,
    credentials_expire_at,
    ice_configuration,
    turn_credential,
)
from chalicelib.sessions.session import REQUEST_TTL, Session

T0 = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def accepted() -> Session:
    return Session("s1", "grace", "ada", "video", True, "requested", T0, T0 + REQUEST_TTL).accept("ada", T0)


def test_the_credential_is_the_base64_hmac_sha1_of_expiry_and_account_under_the_shared_secret() -> None:
    # Vector made independently of this code:
    #   printf '%s' '1767225600:acct-42' | openssl dgst -sha1 -hmac 'north-sea-secret' -binary | base64
    credential = turn_credential("north-sea-secret", "acct-42", datetime(2026, 1, 1, tzinfo=UTC))

    assert credential.username == "1767225600:acct-42"
    assert credential.credential == "zmlsSJ36agb/o2R4GJEuUlP0osM="
    assert credential.expires_at == datetime(2026, 1, 1, tzinfo=UTC)


def test_an_expiry_between_seconds_is_cut_to_the_second_the_username_names() -> None:
    credential = turn_credential("s", "a", datetime(2026, 1, 1, 0, 0, 0, 900_000, tzinfo=UTC))

    assert credential.username == "1767225600:a"
    assert credential.expires_at == datetime(2026, 1, 1, tzinfo=UTC)


def test_credentials_of_an_active_call_last_until_its_90_minute_cutoff_plus_the_margin() -> None:
    active = accepted().card_held().connect("grace", T0).connect("ada", T0 + timedelta(minutes=2))

    assert credentials_expire_at(active, latest_start=T0 + timedelta(minutes=5)) == (
        T0 + timedelta(minutes=92) + MARGIN
    )


def test_credentials_of_a_call_not_started_yet_last_until_the_latest_cutoff_it_could_have() -> None:
    assert credentials_expire_at(accepted(), latest_start=T0 + timedelta(minutes=5)) == (
        T0 + timedelta(minutes=95) + MARGIN
    )


def test_only_the_two_participants_of_a_live_call_get_servers() -> None:
    call = accepted()
    check_live_call(call, "grace", T0)
    check_live_call(call, "ada", T0)
    with pytest.raises(NotFound):
        check_live_call(call, "mallory", T0)
    with pytest.raises(Conflict) as requested:
        check_live_call(Session("s2", "grace", "ada", "voice", True, "requested", T0, T0 + REQUEST_TTL), "grace", T0)
    assert requested.value.code == "session_requested"
    active = call.card_held().connect("grace", T0).connect("ada", T0)
    with pytest.raises(Conflict) as late:
        check_live_call(active, "grace", T0 + timedelta(minutes=90))
    assert late.value.code == "session_time_limit"
    with pytest.raises(Conflict) as ended:
        check_live_call(active.hang_up("ada", T0 + timedelta(minutes=9)), "grace", T0 + timedelta(minutes=9))
    assert ended.value.code == "session_ended"


def test_the_configuration_lists_stun_then_turn_with_its_credential() -> None:
    credential = turn_credential("s", "grace", T0)
    turn = (
        "turn:t.example:3478?transport=udp",
        "turn:t.example:3478?transport=tcp",
        "turns:t.example:443?transport=tcp",
    )

    assert ice_configuration(("stun:t.example:3478",), turn, credential) == {
        "ice_servers": [
            {"urls": ["stun:t.example:3478"]},
            {"urls": list(turn), "username": credential.username, "credential": credential.credential},
        ],
        "expires_at": "2026-11-22T10:00:00+00:00",
    }
    assert ice_configuration(("stun:t.example:3478",), (), credential)["ice_servers"] == [
        {"urls": ["stun:t.example:3478"]}
    ]
