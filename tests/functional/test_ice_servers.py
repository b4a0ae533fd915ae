"""ICE servers for a call: STUN and TURN for its two participants while it is live, nobody else."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Any

import boto3
import pytest

from chalicelib import runtime
from chalicelib.sessions import calls
from infra.local.provision import LocalAws
from tests.functional.test_calls import Parties, make_parties, start_call

SECRET = "turn-secret-from-ssm"
STUN = "stun:turn.test.parley.example:3478"
TURN = (
    "turn:turn.test.parley.example:3478?transport=udp",
    "turn:turn.test.parley.example:3478?transport=tcp",
    "turns:turn.test.parley.example:443?transport=tcp",
)


@pytest.fixture
def parties(api: Any, users: Any, stripe_api: Any, aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Parties:
    """A stage whose TURN secret is in SSM, as on dev and prod."""
    ssm = boto3.client("ssm", endpoint_url=aws.endpoint_url, region_name=aws.region)
    ssm.put_parameter(Name="/parley/test/turn/secret", Value=SECRET, Type="SecureString")
    monkeypatch.setenv("PARLEY_TURN_SECRET_PARAMETER", "/parley/test/turn/secret")
    monkeypatch.setenv("PARLEY_STUN_URLS", STUN)
    monkeypatch.setenv("PARLEY_TURN_URLS", ",".join(TURN))
    runtime.reset()
    return make_parties(api, users, stripe_api)


def ice(api: Any, session_id: str, who: Any) -> Any:
    return api.get(f"/sessions/{session_id}/ice-servers", headers=who.auth)


def test_both_participants_of_a_live_call_get_stun_and_turn_until_its_cutoff_plus_a_margin(
    api: Any, parties: Parties
) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)

    for person in (p.client, p.expert):
        answer = ice(api, session_id, person)
        assert answer.status_code == 200, answer.body
        stun, turn = answer.json_body["ice_servers"]
        assert stun == {"urls": [STUN]}
        assert turn["urls"] == list(TURN)
        expiry, account = turn["username"].split(":")
        assert account == person.sub
        cutoff = datetime.fromisoformat(str(calls.get_call(session_id, person.sub)["cutoff_at"]))
        assert cutoff + timedelta(minutes=5) <= datetime.fromisoformat(answer.json_body["expires_at"])
        assert datetime.fromisoformat(answer.json_body["expires_at"]).timestamp() == int(expiry)
        assert int(expiry) <= (cutoff + timedelta(minutes=15)).timestamp()
        signed = hmac.new(SECRET.encode(), turn["username"].encode(), hashlib.sha1).digest()
        assert turn["credential"] == base64.b64encode(signed).decode()


def test_a_stranger_gets_no_turn_credentials_only_the_404_of_a_missing_call(api: Any, parties: Parties) -> None:
    p = parties
    session_id = start_call(p, runtime.now())

    refused = ice(api, session_id, p.stranger)
    missing = ice(api, "no-such-call", p.stranger)

    assert refused.status_code == missing.status_code == 404
    assert refused.json_body["error"]["code"] == missing.json_body["error"]["code"] == "session_not_found"
    assert "credential" not in refused.body.decode()
    assert api.get(f"/sessions/{session_id}/ice-servers").status_code == 401


def test_a_call_that_has_ended_gets_no_more_credentials(api: Any, parties: Parties) -> None:
    p, t0 = parties, runtime.now()
    session_id = start_call(p, t0)
    calls.hang_up(session_id, p.client.sub, now=t0)

    ended = ice(api, session_id, p.client)

    assert ended.status_code == 409
    assert ended.json_body["error"]["code"] == "session_ended"
