"""The local stack's moto server (``python -m infra.local.moto_server``) with its email outbox."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from chalicelib.mail.send import Attachment, build_message

REPO = Path(__file__).resolve().parents[2]
SENDER = "bookings@parley.test"
ICS = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return int(error.code), None


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The wrapper as the local stack runs it, on a free loopback port; stopped after the tests."""
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.local.moto_server", "-H", "127.0.0.1", "-p", str(port)],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()  # the stack's ready check
                break
            except (urllib.error.URLError, OSError):
                assert process.poll() is None, f"the moto server exited with {process.returncode}"
                assert time.monotonic() < deadline, "the moto server did not start in 30 s"
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def ses(moto_server: str) -> Any:
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=5).close()
    client = boto3.client(
        "ses", endpoint_url=moto_server, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    client.verify_email_identity(EmailAddress=SENDER)
    return client


def test_the_outbox_shows_a_raw_email_with_its_invite_and_a_plain_one_in_sending_order(
    ses: Any, moto_server: str
) -> None:
    invite = Attachment("invite.ics", "text/calendar; method=REQUEST; charset=UTF-8", ICS.encode())
    raw = build_message(SENDER, "bob@example.com", "Confirmed: Tax review", "See you on Friday.\n", (invite,))
    ses.send_raw_email(Source=SENDER, RawMessage={"Data": raw.as_bytes()})
    ses.send_email(
        Source=SENDER, Destination={"ToAddresses": ["ada@example.com"]},
        Message={"Subject": {"Data": "Your Parley call receipt"}, "Body": {"Text": {"Data": "Amount: USD 1.00\n"}}},
    )  # fmt: skip

    status, body = _get(f"{moto_server}/_parley/outbox")

    assert status == 200
    first, second = body["emails"]
    assert first["index"] == 0
    assert second["index"] == 1
    assert (first["from"], first["to"], first["subject"]) == (SENDER, ["bob@example.com"], "Confirmed: Tax review")
    assert first["text"] == "See you on Friday.\n"
    assert first["attachments"] == [
        {"filename": "invite.ics", "content_type": "text/calendar; method=REQUEST; charset=UTF-8", "content": ICS}
    ]
    assert (second["from"], second["to"], second["subject"]) == (
        SENDER,
        ["ada@example.com"],
        "Your Parley call receipt",
    )
    assert (second["text"], second["attachments"]) == ("Amount: USD 1.00\n", [])


def test_the_outbox_filters_by_recipient_and_is_read_only(ses: Any, moto_server: str) -> None:
    for to in ("bob@example.com", "ada@example.com", "bob@example.com"):
        ses.send_email(
            Source=SENDER, Destination={"ToAddresses": [to]},
            Message={"Subject": {"Data": f"to {to}"}, "Body": {"Text": {"Data": "hello"}}},
        )  # fmt: skip

    status, body = _get(f"{moto_server}/_parley/outbox?to=BOB@example.com")
    assert status == 200
    assert [(m["index"], m["to"]) for m in body["emails"]] == [(0, ["bob@example.com"]), (2, ["bob@example.com"])]
    refused = urllib.request.Request(f"{moto_server}/_parley/outbox", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(refused, timeout=5)
    assert error.value.code == 405


def test_moto_itself_still_answers_next_to_the_outbox(moto_server: str) -> None:
    status, _ = _get(f"{moto_server}/moto-api/data.json")
    assert status == 200
    assert _get(f"{moto_server}/_parley/outbox")[0] == 200
