"""Every request's token is verified by our code: bad tokens get 401, whatever the mode."""

from __future__ import annotations

import base64
import gzip
import json
import time
from importlib import resources
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from infra.local.provision import LocalAws
from tests.functional.conftest import Users


def _moto_pool_key() -> dict[str, Any]:
    """The private key moto's Cognito signs with: lets a test mint a token the pool would issue."""
    data = resources.files("moto.cognitoidp").joinpath("resources/jwks-private.json.gz").read_bytes()
    return dict(json.loads(gzip.decompress(data)))


def _claims(aws: LocalAws, sub: str, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": f"https://cognito-idp.{aws.region}.amazonaws.com/{aws.user_pool_id}",
        "sub": sub, "aud": aws.web_client_id, "token_use": "id", "email": "mallory@example.com",
        "iat": now, "exp": now + 3600,
    }  # fmt: skip
    claims.update(changes)
    return claims


def _sign_with_pool_key(claims: dict[str, Any]) -> str:
    key = jwt.PyJWK(_moto_pool_key())
    return jwt.encode(claims, key.key, algorithm="RS256", headers={"kid": _moto_pool_key()["kid"]})


def _code(response: Any) -> str:
    return str(response.json_body["error"]["code"])


def test_a_request_without_a_token_is_refused(api: Any) -> None:
    response = api.get("/accounts/me")
    assert response.status_code == 401
    assert _code(response) == "token_missing"


def test_a_real_id_token_from_the_web_client_is_accepted(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    response = api.get("/accounts/me", headers=ada.auth)
    assert response.status_code == 404  # authenticated, but not registered yet
    assert _code(response) == "account_not_found"


def test_a_real_access_token_from_the_mobile_client_is_accepted(api: Any, users: Users, aws: LocalAws) -> None:
    ada = users.sign_up("ada@example.com", client_id=aws.mobile_client_id)
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {ada.access_token}"})
    assert _code(response) == "account_not_found"


def test_a_token_forged_with_another_key_is_refused(api: Any, aws: LocalAws) -> None:
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(_claims(aws, "mallory"), forger, algorithm="RS256", headers={"kid": _moto_pool_key()["kid"]})
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert _code(response) == "invalid_token"


def test_a_token_whose_payload_was_edited_is_refused(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    header, payload, signature = ada.id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "someone-else"
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {header}.{edited}.{signature}"})
    assert response.status_code == 401


def test_an_expired_token_is_refused(api: Any, aws: LocalAws) -> None:
    past = int(time.time()) - 7200
    token = _sign_with_pool_key(_claims(aws, "ada", iat=past, exp=past + 3600))
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert _code(response) == "token_expired"


def test_a_token_from_another_user_pool_is_refused(api: Any, users: Users, aws: LocalAws) -> None:
    cognito = users.cognito
    other_pool = cognito.create_user_pool(PoolName="someone-elses")["UserPool"]["Id"]
    other_client = cognito.create_user_pool_client(
        UserPoolId=other_pool, ClientName="theirs", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    cognito.admin_create_user(UserPoolId=other_pool, Username="eve@example.com", TemporaryPassword="Temp-pass-123")
    cognito.admin_set_user_password(
        UserPoolId=other_pool, Username="eve@example.com", Password="Correct-horse-42", Permanent=True
    )
    token = cognito.initiate_auth(
        ClientId=other_client, AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "eve@example.com", "PASSWORD": "Correct-horse-42"},
    )["AuthenticationResult"]["IdToken"]  # fmt: skip
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert _code(response) == "invalid_token"


def test_a_token_issued_to_another_app_client_is_refused(api: Any, users: Users, aws: LocalAws) -> None:
    stranger = users.cognito.create_user_pool_client(
        UserPoolId=aws.user_pool_id, ClientName="not-ours", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
    )["UserPoolClient"]["ClientId"]
    eve = users.sign_up("eve@example.com", client_id=stranger)
    for token in (eve.id_token, eve.access_token):
        response = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert _code(response) == "invalid_token"


def test_an_unsigned_alg_none_token_is_refused(api: Any, aws: LocalAws) -> None:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    token = f"{part({'alg': 'none', 'typ': 'JWT', 'kid': _moto_pool_key()['kid']})}.{part(_claims(aws, 'ada'))}."
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert _code(response) == "invalid_token"


def test_a_token_signed_with_hmac_using_the_public_key_is_refused(api: Any, aws: LocalAws) -> None:
    public_n = _moto_pool_key()["n"].encode()
    token = jwt.encode(_claims(aws, "ada"), public_n, algorithm="HS256", headers={"kid": _moto_pool_key()["kid"]})
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_token_that_is_not_a_jwt_is_refused(api: Any) -> None:
    response = api.get("/accounts/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert _code(response) == "invalid_token"


def test_a_token_that_is_not_an_id_or_access_token_is_refused(api: Any, aws: LocalAws) -> None:
    token = _sign_with_pool_key(_claims(aws, "ada", token_use="refresh"))
    response = api.get("/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
