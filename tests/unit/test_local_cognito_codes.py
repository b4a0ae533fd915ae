"""The local moto server emails Cognito's confirmation codes and checks them, as a real user pool does."""

from __future__ import annotations

import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from werkzeug.serving import make_server

from infra.local.moto_server import build_app
from infra.local.provision import SENDER_EMAIL

PASSWORD = "First-password-2026"
NEW_PASSWORD = "Second-password-2026"
MISMATCH = "Invalid verification code provided, please try again."


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    """The local stack's moto app (build_app) served on a free loopback port for this module."""
    server = make_server("127.0.0.1", 0, build_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="moto-with-codes", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _client(service: str, url: str) -> Any:
    return boto3.client(
        service, endpoint_url=url, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
    )


class Pool:
    """A fresh user pool set up as infra/local/provision.py sets the local one up, with its SES sender."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.cognito = _client("cognito-idp", url)
        self.pool_id = self.cognito.create_user_pool(
            PoolName=f"codes-{uuid.uuid4().hex[:8]}",
            UsernameAttributes=["email"],
            AutoVerifiedAttributes=["email"],
            Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireNumbers": True}},
        )["UserPool"]["Id"]
        self.client_id = self.cognito.create_user_pool_client(
            UserPoolId=self.pool_id, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"]
        )["UserPoolClient"]["ClientId"]
        _client("ses", url).verify_email_identity(EmailAddress=SENDER_EMAIL)

    def sign_up(self, email: str) -> None:
        self.cognito.sign_up(
            ClientId=self.client_id, Username=email, Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email}],
        )  # fmt: skip

    def status(self, email: str) -> str:
        return str(self.cognito.admin_get_user(UserPoolId=self.pool_id, Username=email)["UserStatus"])

    def signs_in(self, email: str, password: str) -> bool:
        try:
            self.cognito.initiate_auth(
                ClientId=self.client_id, AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )  # fmt: skip
        except ClientError:
            return False
        return True

    def emails(self, to: str) -> list[dict[str, Any]]:
        with urllib.request.urlopen(f"{self.url}/_parley/outbox?to={to}", timeout=5) as response:
            return list(json.loads(response.read())["emails"])

    def last_code(self, to: str) -> str:
        found = re.findall(r"\b(\d{6})\b", self.emails(to)[-1]["text"])
        assert found, self.emails(to)[-1]
        return str(found[0])


@pytest.fixture
def pool(moto_url: str) -> Pool:
    return Pool(moto_url)


def _address() -> str:
    return f"person-{uuid.uuid4().hex[:10]}@example.com"


def _refusal(call: Any) -> tuple[int, str, str]:
    with pytest.raises(ClientError) as raised:
        call()
    error = raised.value.response
    return int(error["ResponseMetadata"]["HTTPStatusCode"]), str(error["Error"]["Code"]), str(error["Error"]["Message"])


def test_signing_up_emails_a_six_digit_code_from_the_verified_sender_and_only_that_code_confirms(pool: Pool) -> None:
    email = _address()
    pool.sign_up(email)

    (mail,) = pool.emails(email)
    assert (mail["from"], mail["to"], mail["subject"]) == (SENDER_EMAIL, [email], "Your Parley confirmation code")
    code = pool.last_code(email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert _refusal(
        lambda: pool.cognito.confirm_sign_up(ClientId=pool.client_id, Username=email, ConfirmationCode=wrong)
    ) == (400, "CodeMismatchException", MISMATCH)
    assert pool.status(email) == "UNCONFIRMED"

    pool.cognito.confirm_sign_up(ClientId=pool.client_id, Username=email, ConfirmationCode=code)

    assert pool.status(email) == "CONFIRMED"
    assert pool.signs_in(email, PASSWORD)
    assert (
        _refusal(  # a code confirms once: it is forgotten after use
            lambda: pool.cognito.confirm_sign_up(ClientId=pool.client_id, Username=email, ConfirmationCode=code)
        )[1]
        == "CodeMismatchException"
    )


def test_a_resent_code_replaces_the_first_and_a_confirmed_or_unknown_person_gets_cognitos_refusal(pool: Pool) -> None:
    email = _address()
    pool.sign_up(email)
    first = pool.last_code(email)

    sent = pool.cognito.resend_confirmation_code(ClientId=pool.client_id, Username=email)

    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert len(pool.emails(email)) == 2
    second = pool.last_code(email)
    if first != second:  # one in a million they are the same code
        assert (
            _refusal(
                lambda: pool.cognito.confirm_sign_up(ClientId=pool.client_id, Username=email, ConfirmationCode=first)
            )[1]
            == "CodeMismatchException"
        )
    pool.cognito.confirm_sign_up(ClientId=pool.client_id, Username=email, ConfirmationCode=second)
    assert pool.status(email) == "CONFIRMED"
    assert _refusal(lambda: pool.cognito.resend_confirmation_code(ClientId=pool.client_id, Username=email)) == (
        400, "InvalidParameterException", "User is already confirmed.",
    )  # fmt: skip
    assert _refusal(lambda: pool.cognito.resend_confirmation_code(ClientId=pool.client_id, Username=_address()))[1] == (
        "UserNotFoundException"
    )


def test_a_forgotten_password_is_reset_only_with_the_emailed_code_and_the_new_password_then_signs_in(
    pool: Pool,
) -> None:
    email = _address()
    pool.sign_up(email)
    sign_up_code = pool.last_code(email)
    pool.cognito.confirm_sign_up(ClientId=pool.client_id, Username=email, ConfirmationCode=sign_up_code)

    asked = pool.cognito.forgot_password(ClientId=pool.client_id, Username=email)

    assert "x-moto-forgot-password-confirmation-code" not in asked["ResponseMetadata"]["HTTPHeaders"]
    mail = pool.emails(email)[-1]
    assert (mail["from"], mail["subject"]) == (SENDER_EMAIL, "Your Parley password reset code")
    code = pool.last_code(email)
    for wrong in {sign_up_code, f"{(int(code) + 1) % 1_000_000:06d}"} - {code}:  # a sign-up code is no password code
        assert _refusal(
            lambda wrong=wrong: pool.cognito.confirm_forgot_password(
                ClientId=pool.client_id, Username=email, ConfirmationCode=wrong, Password=NEW_PASSWORD
            )
        ) == (400, "CodeMismatchException", MISMATCH)
    assert pool.signs_in(email, PASSWORD)

    pool.cognito.confirm_forgot_password(
        ClientId=pool.client_id, Username=email, ConfirmationCode=code, Password=NEW_PASSWORD
    )

    assert pool.signs_in(email, NEW_PASSWORD)
    assert not pool.signs_in(email, PASSWORD)


def test_an_operator_still_confirms_a_sign_up_without_a_code(pool: Pool) -> None:
    email = _address()
    pool.sign_up(email)

    pool.cognito.admin_confirm_sign_up(UserPoolId=pool.pool_id, Username=email)

    assert pool.status(email) == "CONFIRMED"
    assert pool.signs_in(email, PASSWORD)


def test_the_browser_reads_the_refusal_in_cognitos_json_shape_across_origins(pool: Pool) -> None:
    email = _address()
    pool.sign_up(email)
    request = urllib.request.Request(
        pool.url,
        data=json.dumps({"ClientId": pool.client_id, "Username": email, "ConfirmationCode": "000000x"}).encode(),
        headers={
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSCognitoIdentityProviderService.ConfirmSignUp",
            "Origin": "http://127.0.0.1:8000",
        },
        method="POST",
    )

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)

    assert refused.value.code == 400
    assert refused.value.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(refused.value.read()) == {"__type": "CodeMismatchException", "message": MISMATCH}


def test_a_client_that_hides_who_signed_up_answers_for_an_unknown_address_as_if_it_had_sent_a_code(
    pool: Pool,
) -> None:
    hiding = pool.cognito.create_user_pool_client(
        UserPoolId=pool.pool_id, ClientName="hiding", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]["ClientId"]  # fmt: skip
    nobody = _address()

    pool.cognito.forgot_password(ClientId=hiding, Username=nobody)
    pool.cognito.resend_confirmation_code(ClientId=hiding, Username=nobody)

    assert pool.emails(nobody) == []
    assert _refusal(
        lambda: pool.cognito.confirm_sign_up(ClientId=hiding, Username=nobody, ConfirmationCode="123456")
    ) == (400, "CodeMismatchException", MISMATCH)
    assert _refusal(lambda: pool.cognito.forgot_password(ClientId=pool.client_id, Username=nobody))[1] == (
        "UserNotFoundException"
    )
