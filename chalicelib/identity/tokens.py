"""Verification of Cognito JWTs by our own code, in every mode.

Checks, in order: algorithm is RS256 (``none`` and HMAC are refused before any
key is looked at), the key id is one of the pool's (JWKS fetched once and cached
by key id, refetched at most once a minute for an unknown id), the RS256
signature, the issuer, ``token_use``, the client (``aud`` for ID tokens,
``client_id`` for access tokens) and expiry against an injectable clock.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import jwt
import urllib3

from chalicelib.errors import NotAuthenticated
from chalicelib.identity.caller import Caller

JWKS_REFETCH_SECONDS = 60.0


class JwksCache:
    """The pool's signing keys by key id, fetched over HTTPS on first need."""

    def __init__(self, url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._url = url
        self._clock = clock
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def key_for(self, kid: str) -> Any:
        key = self._keys.get(kid)
        if key is not None:
            return key
        with self._lock:
            due = self._fetched_at is None or self._clock() - self._fetched_at >= JWKS_REFETCH_SECONDS
            if kid not in self._keys and due:
                self._keys = self._fetch()
                self._fetched_at = self._clock()
        key = self._keys.get(kid)
        if key is None:
            raise NotAuthenticated("The token was not signed by a key of this user pool.", code="unknown_signing_key")
        return key

    def _fetch(self) -> dict[str, Any]:
        response = urllib3.request("GET", self._url, timeout=urllib3.Timeout(connect=2.0, read=3.0), retries=2)
        if response.status != 200:
            raise RuntimeError(f"JWKS endpoint answered {response.status}")
        document = json.loads(response.data)
        keys: dict[str, Any] = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") == "RSA" and jwk.get("kid"):
                keys[jwk["kid"]] = jwt.PyJWK(jwk, algorithm="RS256").key
        return keys


class TokenVerifier:
    def __init__(
        self,
        *,
        issuer: str,
        client_ids: tuple[str, ...],
        jwks: JwksCache,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._issuer = issuer
        self._client_ids = frozenset(client_ids)
        self._jwks = jwks
        self._clock = clock

    def verify(self, token: str) -> Caller:
        header = self._header(token)
        if header.get("alg") != "RS256":
            raise NotAuthenticated("Only RS256-signed tokens are accepted.", code="invalid_token")
        kid = header.get("kid")
        if not isinstance(kid, str):
            raise NotAuthenticated("The token names no signing key.", code="invalid_token")
        key = self._jwks.key_for(kid)
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key,
                algorithms=["RS256"],
                issuer=self._issuer,
                options={
                    "verify_exp": False,
                    "verify_aud": False,
                    "verify_iat": False,
                    "require": ["exp", "iss", "sub"],
                },
            )
        except jwt.InvalidIssuerError:
            raise NotAuthenticated("The token was issued by another user pool.", code="invalid_token") from None
        except jwt.InvalidTokenError:
            raise NotAuthenticated("The token's signature or form is not valid.", code="invalid_token") from None
        self._check_client(claims)
        self._check_expiry(claims)
        return Caller(
            account_id=str(claims["sub"]),
            email=claims.get("email"),
            groups=frozenset(claims.get("cognito:groups", [])),
            token_use=str(claims["token_use"]),
        )

    @staticmethod
    def _header(token: str) -> Mapping[str, Any]:
        try:
            return jwt.get_unverified_header(token)
        except jwt.InvalidTokenError:
            raise NotAuthenticated("The token is not a JWT.", code="invalid_token") from None

    def _check_client(self, claims: Mapping[str, Any]) -> None:
        use = claims.get("token_use")
        if use == "id":
            client = claims.get("aud")
        elif use == "access":
            client = claims.get("client_id")
        else:
            raise NotAuthenticated("The token is neither an ID nor an access token.", code="invalid_token")
        if client not in self._client_ids:
            raise NotAuthenticated("The token was issued to another app client.", code="invalid_token")

    def _check_expiry(self, claims: Mapping[str, Any]) -> None:
        expires_at = claims.get("exp")
        if not isinstance(expires_at, int | float) or expires_at <= self._clock():
            raise NotAuthenticated("The token has expired; sign in again.", code="token_expired")
