"""Functional tests: the app through ``chalice.test.Client`` against a moto server.

The effects of changes (emails, booking thread entries) are delivered around every request, as the
deliveries pipe and consumer would with no lag (``tests/functional/deliveries.py``).

One moto server runs for the session on a free loopback port; every test gets
freshly provisioned resources (tables, user pool, bucket), so tests never see
each other's data. Tokens are real: moto's Cognito signs them with RS256 and
serves the JWKS our code fetches over HTTP.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
import urllib3
from chalice.test import Client
from moto.server import ThreadedMotoServer
from pynamodb.connection.base import Connection

from chalicelib import runtime
from infra.local import gateway_responses
from infra.local.moto_isolation import isolate_dynamodb_requests
from infra.local.provision import LocalAws, provision
from tests.functional import deliveries

PASSWORD = "Correct-horse-42"

logging.getLogger("werkzeug").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    isolate_dynamodb_requests()  # transactions atomic across threads, as in DynamoDB
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalAws]:
    urllib3.request("POST", f"{moto_url}/moto-api/reset")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_url)
    monkeypatch.setenv("PARLEY_TABLE_PREFIX", "parley-test-")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    resources = provision(moto_url, table_prefix="parley-test-")
    for name, value in resources.app_environment().items():
        monkeypatch.setenv(name, value)
    runtime.reset()
    deliveries.start(moto_url, "parley-test-")
    yield resources
    deliveries.stop()


@pytest.fixture(autouse=True)
def _invocations_followed_by_their_deliveries(monkeypatch: pytest.MonkeyPatch) -> None:
    """A function a test invokes (a WebSocket route, a consumer) is followed by its changes' effects,
    as a request through the test client is."""
    from chalice.test import TestLambdaClient

    invoke = TestLambdaClient.invoke

    def delivered(self: TestLambdaClient, function_name: str, *args: Any, **kwargs: Any) -> Any:
        deliveries.deliver_pending()
        answer = invoke(self, function_name, *args, **kwargs)
        deliveries.deliver_pending()
        return answer

    monkeypatch.setattr(TestLambdaClient, "invoke", delivered)


@pytest.fixture(autouse=True)
def _responses_checked_against_the_document(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every response a test receives from the app must be one the OpenAPI document describes."""
    from chalice.test import TestHTTPClient

    from tests.contract import check_response

    answer = TestHTTPClient.request

    def checked(self: TestHTTPClient, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        deliveries.deliver_pending()  # what earlier changes (jobs run by the test, say) call for
        response = answer(self, method, path, *args, **kwargs)
        deliveries.deliver_pending()
        check_response(method, path, response.status_code, response.body)
        return response

    monkeypatch.setattr(TestHTTPClient, "request", checked)


@pytest.fixture
def api(aws: LocalAws) -> Iterator[Any]:
    from app import app

    gateway_responses.install()  # unknown paths answer as the deployed API's GatewayResponses do
    with Client(app, stage_name="local") as client:
        yield client.http


@dataclass
class User:
    email: str
    id_token: str
    access_token: str
    sub: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.id_token}", "Content-Type": "application/json"}


@dataclass
class Users:
    """Signs people up through Cognito as the web app would, and signs them in."""

    aws: LocalAws
    made: dict[str, User] = field(default_factory=dict)

    @property
    def cognito(self) -> Any:
        return boto3.client("cognito-idp", endpoint_url=self.aws.endpoint_url, region_name=self.aws.region)

    def sign_up(self, email: str, *, client_id: str | None = None, admin: bool = False) -> User:
        client_id = client_id or self.aws.web_client_id
        if email not in self.made:
            sub = self.cognito.sign_up(
                ClientId=client_id, Username=email, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}],
            )["UserSub"]  # fmt: skip
            self.cognito.admin_confirm_sign_up(UserPoolId=self.aws.user_pool_id, Username=email)
            if admin:
                self.cognito.admin_add_user_to_group(
                    UserPoolId=self.aws.user_pool_id, Username=email, GroupName="admins"
                )
            self.made[email] = User(email, "", "", sub)
        tokens = self.cognito.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
        )["AuthenticationResult"]  # fmt: skip
        user = User(email, tokens["IdToken"], tokens["AccessToken"], self.made[email].sub)
        self.made[email] = user
        return user


@pytest.fixture
def users(aws: LocalAws) -> Users:
    return Users(aws)


@pytest.fixture(autouse=True)
def _clean_environment() -> Iterator[None]:
    saved = dict(os.environ)
    yield
    os.environ.clear()
    os.environ.update(saved)
    runtime.reset()


WEBHOOK_SECRET = "whsec_parley_functional_tests"


@pytest.fixture
def stripe_api(aws: LocalAws, local_stripe_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The app pointed at the local Stripe stand-in; returns a StripeClient acting as Stripe.js would."""
    import stripe

    urllib3.request("DELETE", f"{local_stripe_url}/_config/data")  # a fresh Stripe account for every test
    monkeypatch.setenv("PARLEY_STRIPE_API_BASE", local_stripe_url)
    monkeypatch.setenv("PARLEY_STRIPE_SECRET_KEY", "sk_test_parley")
    monkeypatch.setenv("PARLEY_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    runtime.reset()
    return stripe.StripeClient("sk_test_parley", base_addresses={"api": local_stripe_url})


@pytest.fixture
def call_timers(aws: LocalAws, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Calls' timers played on the test's clock (``tests/functional/call_timers.py``) instead of the SQS queue."""
    from tests.functional.call_timers import PlayedTimers

    played = PlayedTimers()
    monkeypatch.setattr(runtime, "call_timers", lambda: played)
    return played


@dataclass
class DynamoReads:
    """Every DynamoDB operation the app makes, with the items each one read."""

    calls: list[tuple[str, int]] = field(default_factory=list)

    @property
    def operations(self) -> set[str]:
        return {name for name, _ in self.calls}

    @property
    def items_read(self) -> int:
        return sum(count for _, count in self.calls)


@pytest.fixture
def dynamo_reads(monkeypatch: pytest.MonkeyPatch) -> DynamoReads:
    reads = DynamoReads()
    original = Connection.dispatch

    def recording(self: Connection, operation_name: str, operation_kwargs: dict[str, Any]) -> Any:
        result = original(self, operation_name, operation_kwargs)
        reads.calls.append((operation_name, int(result.get("ScannedCount", result.get("Count", 0)))))
        return result

    monkeypatch.setattr(Connection, "dispatch", recording)
    return reads
