"""The running local stack, started once per test session as a developer starts it.

``python -m infra.local.stack --no-seed --no-reload`` runs as a subprocess on free
loopback ports with a temporary state directory, so two test runs never collide
and the developer's ``.local`` is left alone. The stack writes ``stack.json``
once everything answers; the fixture yields its endpoints and, at the end, stops
the launcher by its pid (SIGINT, then SIGKILL) and checks it left no process behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.local.stack import interrupt

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0
STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class LocalStack:
    api_url: str
    moto_url: str
    localstripe_url: str
    region: str
    user_pool_id: str
    web_client_id: str
    mobile_client_id: str
    media_bucket: str
    media_base_url: str
    jwks_url: str
    state_dir: Path
    started_in_seconds: float
    info: dict[str, Any]

    def cognito(self) -> Any:
        import boto3

        return boto3.client(
            "cognito-idp",
            region_name=self.region,
            endpoint_url=self.moto_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@dataclass(frozen=True)
class Person:
    """Someone who signed up through Cognito, confirmed, signed in and registered their account."""

    sub: str
    token: str
    email: str = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def eventually(
    what: str, condition: Callable[[], Any], timeout: float = 30.0, on_fail: Callable[[], str] | None = None
) -> Any:
    """Polls ``condition`` until it returns something truthy (a schedule firing on the moved clock,
    a webhook arriving, a page updating); fails naming ``what`` (and ``on_fail()``, or the last value)
    after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = on_fail() if on_fail else f"last: {value!r}"
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{detail}", pytrace=False)
        time.sleep(0.1)


def new_person(stack: LocalStack, email: str, password: str = "Stack-person-2026") -> Person:
    import requests

    cognito = stack.cognito()
    sub = cognito.sign_up(
        ClientId=stack.info["web_client_id"], Username=email, Password=password,
        UserAttributes=[{"Name": "email", "Value": email}],
    )["UserSub"]  # fmt: skip
    cognito.admin_confirm_sign_up(UserPoolId=stack.info["user_pool_id"], Username=email)
    token = cognito.initiate_auth(
        ClientId=stack.info["web_client_id"], AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )["AuthenticationResult"]["IdToken"]  # fmt: skip
    person = Person(str(sub), str(token), email)
    account = {"kind": "individual", "display_name": email.split("@")[0]}
    registered = requests.post(f"{stack.info['api_url']}/accounts/me", json=account, headers=person.auth, timeout=30)
    assert registered.status_code == 201, registered.text
    return person


def _launcher_output(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[-6000:]
    except OSError:
        return "(no output)"


def _alive(pid: int) -> bool:
    """True if ``pid`` runs; a zombie (exited, not yet reaped) counts as stopped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


_UNCHECKED: list[bool] = []  # non-empty while responses_unchecked() is in force


@contextmanager
def responses_unchecked() -> Iterator[None]:
    """Within it, no stack's answers are checked against the document (the fuzzer checks them itself and counts
    what breaks it; a raise inside its transport would stop it instead). Every stack's checker obeys it, however
    many stacks (the stack suite's, the browser suite's) have wrapped ``requests`` in this process."""
    _UNCHECKED.append(True)
    try:
        yield
    finally:
        _UNCHECKED.pop()


def check_responses_from(api_url: str) -> Callable[[], None]:
    """From now on every answer ``requests`` gets from ``api_url`` must be one the OpenAPI document describes
    (except within ``responses_unchecked()``); returns the function that stops checking."""
    import requests

    from tests.contract import check_response

    answer = requests.Session.request

    def checked(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        response = answer(self, method, url, *args, **kwargs)
        if url.startswith(api_url + "/") and not _UNCHECKED:
            check_response(method, url[len(api_url) :], response.status_code, response.content)
        return response

    requests.Session.request = checked  # type: ignore[method-assign]

    def stop() -> None:
        requests.Session.request = answer  # type: ignore[method-assign]

    return stop


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    state_dir = tmp_path_factory.mktemp("local-stack")
    output_path = state_dir / "launcher.out"
    stack_file = state_dir / "stack.json"
    # The launcher sets every AWS/Parley variable the stack needs; none of the
    # test process's own (e.g. a functional test's endpoint) may leak into it.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PARLEY_"))}
    started = time.monotonic()
    with output_path.open("wb") as output:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "infra.local.stack", "--state-dir", str(state_dir), "--no-seed", "--no-reload"],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    stop_checking: list[Callable[[], None]] = []
    try:
        while not stack_file.exists():
            if launcher.poll() is not None:
                pytest.fail(
                    f"the local stack exited with code {launcher.returncode} before it was ready:\n"
                    + _launcher_output(output_path),
                    pytrace=False,
                )
            if time.monotonic() - started > START_TIMEOUT:
                pytest.fail(
                    f"the local stack was not ready after {START_TIMEOUT:.0f} s:\n" + _launcher_output(output_path),
                    pytrace=False,
                )
            time.sleep(0.1)
        info = json.loads(stack_file.read_text())
        stop_checking.append(check_responses_from(info["api_url"]))
        yield LocalStack(
            api_url=info["api_url"],
            moto_url=info["moto_url"],
            localstripe_url=info["localstripe_url"],
            region=info["region"],
            user_pool_id=info["user_pool_id"],
            web_client_id=info["web_client_id"],
            mobile_client_id=info["mobile_client_id"],
            media_bucket=info["media_bucket"],
            media_base_url=info["media_base_url"],
            jwks_url=info["jwks_url"],
            state_dir=state_dir,
            started_in_seconds=round(time.monotonic() - started, 2),
            info=info,
        )
    finally:
        for stop in stop_checking:
            stop()
        children = list(json.loads(stack_file.read_text())["pids"].values()) if stack_file.exists() else []
        if not interrupt(launcher, STOP_TIMEOUT):
            pytest.fail("the local stack did not stop on SIGINT; killed it", pytrace=False)
    left = [pid for pid in children if _alive(pid)]
    assert launcher.returncode == 0, f"the launcher exited with {launcher.returncode}:\n{_launcher_output(output_path)}"
    assert not left, f"processes of the local stack still running after it stopped: {left}"


@pytest.fixture
def clock(local_stack: LocalStack) -> Iterator[Path]:
    """The stack's clock offset in seconds (every process of the local stack adds it to its
    clock), reset to zero after the test: time passes without waiting."""
    path = Path(local_stack.info["app_environment"]["PARLEY_CLOCK_OFFSET_FILE"])
    yield path
    path.write_text("0")
