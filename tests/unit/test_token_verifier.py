"""The verifier's own rules, with a key pair made here and an injected clock."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chalicelib.errors import NotAuthenticated
from chalicelib.identity.tokens import JwksCache, TokenVerifier

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class CountingJwks(JwksCache):
    def __init__(self, clock: Any) -> None:
        super().__init__("http://unused", clock=clock)
        self.fetches = 0

    def _fetch(self) -> dict[str, Any]:
        self.fetches += 1
        return {"k1": KEY.public_key()}


def _token(**changes: Any) -> str:
    claims = {"iss": ISSUER, "sub": "ada", "aud": "web", "token_use": "id", "exp": 2_000, "email": "ada@example.com"}
    claims.update(changes)
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": changes.pop("kid", "k1")})


def _verifier(now: float = 1_000.0) -> tuple[TokenVerifier, CountingJwks]:
    jwks = CountingJwks(clock=lambda: now)
    return TokenVerifier(issuer=ISSUER, client_ids=("web", "mobile"), jwks=jwks, clock=lambda: now), jwks


def test_a_good_token_yields_the_caller_and_groups() -> None:
    verifier, _ = _verifier()
    caller = verifier.verify(_token(**{"cognito:groups": ["admins"]}))
    assert (caller.account_id, caller.email, caller.is_admin) == ("ada", "ada@example.com", True)


def test_the_key_set_is_fetched_once_and_cached_by_key_id() -> None:
    verifier, jwks = _verifier()
    for _ in range(5):
        verifier.verify(_token())
    assert jwks.fetches == 1


def test_an_unknown_key_id_refetches_at_most_once_a_minute() -> None:
    verifier, jwks = _verifier()
    for _ in range(3):
        with pytest.raises(NotAuthenticated):
            verifier.verify(jwt.encode({"sub": "x"}, KEY, algorithm="RS256", headers={"kid": "rotated"}))
    assert jwks.fetches == 1


def test_expiry_is_judged_by_the_clock() -> None:
    verifier, _ = _verifier(now=2_000.0)
    with pytest.raises(NotAuthenticated) as caught:
        verifier.verify(_token(exp=2_000))
    assert caught.value.code == "token_expired"
    assert _verifier(now=1_999.0)[0].verify(_token(exp=2_000)).account_id == "ada"


def test_access_tokens_are_checked_by_client_id() -> None:
    verifier, _ = _verifier()
    assert verifier.verify(_token(token_use="access", aud=None, client_id="mobile")).account_id == "ada"
    with pytest.raises(NotAuthenticated):
        verifier.verify(_token(token_use="access", client_id="elsewhere"))


def test_a_token_without_expiry_is_refused() -> None:
    verifier, _ = _verifier()
    token = jwt.encode({"iss": ISSUER, "sub": "ada", "aud": "web", "token_use": "id"}, KEY, algorithm="RS256",
                       headers={"kid": "k1"})  # fmt: skip
    with pytest.raises(NotAuthenticated):
        verifier.verify(token)


def test_time_is_real_seconds_by_default() -> None:
    verifier = TokenVerifier(issuer=ISSUER, client_ids=("web",), jwks=CountingJwks(clock=time.monotonic))
    with pytest.raises(NotAuthenticated):
        verifier.verify(_token(exp=int(time.time()) - 1))
