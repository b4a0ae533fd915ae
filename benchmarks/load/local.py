"""The load run's local stack and its people: start and stop the stack, sign people up, call the REST API.

The stack is the one a developer starts (``python -m infra.local.stack --no-seed --no-reload``) in a
temporary state directory, stopped at the end by its pid (SIGINT, then SIGKILL), also on failure.
Everyone the run needs signs up through moto's Cognito, registers (``POST /accounts/me``), and so
on, through the public API only; each REST request is timed and counted by status, and a ``429``
is counted, then waited out as its ``Retry-After`` says and sent again.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from benchmarks.load.tally import Latencies
from infra.local.stack import interrupt

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 180.0
STOP_TIMEOUT = 30.0
REST_TIMEOUT = 60.0
MOST_RETRIES_AFTER_429 = 3
PASSWORD = "Load-run-person-2026"
CARD: Any = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031, "cvc": "123"}


@dataclass
class Counts:
    """Everything the run counts, shared by its clients (one event loop; REST threads lock)."""

    latencies: Latencies = field(default_factory=Latencies)
    rest_status: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # "REST 429", "WS peer_not_connected", ...
    ws_sent: int = 0
    ws_received: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str) -> None:
        with self.lock:
            self.errors[what] += 1


@dataclass(frozen=True)
class Person:
    sub: str
    token: str
    email: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Rest:
    """The REST API as the run's clients call it: timed, counted, 429 waited out (``Retry-After``)."""

    def __init__(self, api_url: str, counts: Counts, pool: int) -> None:
        self.api_url = api_url
        self.counts = counts
        self.session = requests.Session()
        self.session.mount("http://", HTTPAdapter(pool_connections=4, pool_maxsize=pool))

    def call(self, method: str, path: str, person: Person | None = None, body: Any = None) -> requests.Response:
        headers = person.auth if person else {}
        for attempt in range(MOST_RETRIES_AFTER_429 + 1):
            started = time.perf_counter()
            response = self.session.request(
                method, self.api_url + path, json=body, headers=headers, timeout=REST_TIMEOUT
            )
            took = time.perf_counter() - started
            with self.counts.lock:
                self.counts.rest_status[response.status_code] += 1
                self.counts.latencies.add("REST", took)
            if response.status_code >= 400:
                code = _error_code(response)
                self.counts.error(f"REST {response.status_code} {code}".rstrip())
            if response.status_code != 429 or attempt == MOST_RETRIES_AFTER_429:
                return response
            time.sleep(float(response.headers.get("Retry-After", "1")))
        raise AssertionError("unreachable")

    async def acall(self, method: str, path: str, person: Person | None = None, body: Any = None) -> requests.Response:
        return await asyncio.to_thread(self.call, method, path, person, body)


def _error_code(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return ""


class Stack:
    """A running local stack: its ``stack.json``, and the AWS and Stripe clients the run needs."""

    def __init__(self, info: dict[str, Any]) -> None:
        import boto3
        import stripe

        self.info = info
        self.cognito = boto3.client(
            "cognito-idp", region_name=info["region"], endpoint_url=info["moto_url"],
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )  # fmt: skip
        self.stripe = stripe.StripeClient(
            info["stripe_secret_key"], base_addresses={"api": info["app_environment"]["PARLEY_STRIPE_API_BASE"]}
        )

    def sign_up(self, rest: Rest, email: str) -> Person:
        """Cognito sign-up (confirmed by the admin API, as the stack tests do), sign-in, and registration."""
        client_id, pool_id = self.info["web_client_id"], self.info["user_pool_id"]
        sub = self.cognito.sign_up(
            ClientId=client_id, Username=email, Password=PASSWORD, UserAttributes=[{"Name": "email", "Value": email}]
        )["UserSub"]
        self.cognito.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
        token = self.cognito.initiate_auth(
            ClientId=client_id, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD}
        )["AuthenticationResult"]["IdToken"]
        person = Person(str(sub), str(token), email)
        registered = rest.call("POST", "/accounts/me", person, {"kind": "individual", "display_name": email[:30]})
        if registered.status_code != 201:
            raise RuntimeError(f"registering {email}: {registered.status_code} {registered.text}")
        return person

    def save_card(self, rest: Rest, person: Person) -> str:
        """What Stripe.js does on the card form: a SetupIntent from ``POST /payments/card-setup``,
        confirmed with a new card, which Stripe attaches to the person's customer. Its id."""
        setup = rest.call("POST", "/payments/card-setup", person)
        if setup.status_code != 201:
            raise RuntimeError(f"card setup for {person.email}: {setup.status_code} {setup.text}")
        method = self.stripe.v1.payment_methods.create(params={"type": "card", "card": CARD})
        self.stripe.v1.setup_intents.confirm(setup.json()["setup_intent_id"], params={"payment_method": method.id})
        return str(method.id)

    def outbox(self) -> list[dict[str, Any]]:
        """Every email SES accepted (the moto server's local outbox)."""
        answer = requests.get(f"{self.info['moto_url']}/_parley/outbox", timeout=REST_TIMEOUT)
        answer.raise_for_status()
        return list(answer.json()["emails"])


@contextmanager
def running_stack(state_dir: Path | None) -> Iterator[tuple[Stack, float]]:
    """A stack, and the seconds it took to start: ``state_dir``'s running one if given, else a new one
    in a temporary directory, stopped by its pid when the block ends (however it ends)."""
    if state_dir is not None:
        yield Stack(json.loads((state_dir / "stack.json").read_text())), 0.0
        return
    directory = Path(tempfile.mkdtemp(prefix="parley-load-"))
    output_path = directory / "launcher.out"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PARLEY_"))}
    started = time.monotonic()
    with output_path.open("wb") as output:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "infra.local.stack", "--state-dir", str(directory), "--no-seed", "--no-reload"],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        stack_file = directory / "stack.json"
        while not stack_file.exists():
            if launcher.poll() is not None:
                raise RuntimeError(f"the local stack exited ({launcher.returncode}); see {output_path}")
            if time.monotonic() - started > START_TIMEOUT:
                raise RuntimeError(f"the local stack was not ready after {START_TIMEOUT:.0f} s; see {output_path}")
            time.sleep(0.2)
        yield Stack(json.loads(stack_file.read_text())), time.monotonic() - started
    finally:
        interrupt(launcher, STOP_TIMEOUT)
        print(f"local stack stopped (exit {launcher.returncode}); its logs: {directory}", file=sys.stderr)
