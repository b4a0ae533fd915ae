"""moto's own server, plus a read-only local email outbox.

    python -m infra.local.moto_server [-H 127.0.0.1] [-p 5000]

Serves exactly the app ``python -m moto.server`` serves (every AWS service, ``/moto-api/``),
in the same process, with DynamoDB requests served one at a time as isolated as DynamoDB's
(``infra/local/moto_isolation.py``), Cognito's confirmation codes emailed and checked
(``infra/local/cognito_codes.py``), and one more route that moto does not have:

``GET /_parley/outbox[?to=address]``
    every email SES accepted, oldest first, as JSON: ``{"emails": [{"index", "id", "from",
    "to", "subject", "text", "attachments": [{"filename", "content_type", "content"}]}]}``.
    Plain (``SendEmail``) and raw (``SendRawEmail``, e.g. calendar invites) messages are shown
    the same way; ``to`` keeps only those addressed to that address (case-insensitive).

It reads moto's in-memory SES backend, which is why it runs in moto's process.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import signal
import sys
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import Any
from urllib.parse import parse_qs

OUTBOX_PATH = "/_parley/outbox"

WsgiApp = Any


def sent_messages() -> list[Any]:
    """Every message SES accepted, over every account and region moto knows, in sending order per backend."""
    from moto.ses.models import ses_backends

    found: list[Any] = []
    for account_id in list(ses_backends.keys()):
        for region in list(ses_backends[account_id].keys()):
            found.extend(ses_backends[account_id][region].sent_messages)
    return found


def outbox(to: str | None = None, messages: Iterable[Any] | None = None) -> list[dict[str, Any]]:
    """The outbox as plain data; ``to`` keeps only the emails addressed to it."""
    emails = [
        normalise(index, message) for index, message in enumerate(sent_messages() if messages is None else messages)
    ]
    if to:
        wanted = to.strip().lower()
        emails = [mail for mail in emails if wanted in (address.lower() for address in mail["to"])]
    return emails


def normalise(index: int, message: Any) -> dict[str, Any]:
    """One moto SES message (plain, raw or templated) as the outbox shows it."""
    if hasattr(message, "raw_data"):
        return _raw(index, message)
    destinations = getattr(message, "destinations", {}) or {}
    to = [address for key in ("ToAddresses", "CcAddresses", "BccAddresses") for address in destinations.get(key, [])]
    entry: dict[str, Any] = {
        "index": index,
        "id": getattr(message, "id", None) or ",".join(getattr(message, "ids", [])),
        "from": getattr(message, "source", ""),
        "to": to,
        "subject": getattr(message, "subject", None),
        "text": getattr(message, "body", None),
        "attachments": [],
    }
    if hasattr(message, "template"):
        entry["template"] = message.template
        entry["template_data"] = message.template_data
    return entry


def _raw(index: int, message: Any) -> dict[str, Any]:
    parsed = email.message_from_string(message.raw_data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    headers = [parsed.get(name) for name in ("To", "Cc", "Bcc") if parsed.get(name)]
    to = [address for _, address in getaddresses([str(h) for h in headers]) if address]
    for destination in message.destinations or []:  # the envelope, if the sender gave one
        address = parseaddr(destination)[1]
        if address and address not in to:
            to.append(address)
    text_part = parsed.get_body(preferencelist=("plain",))
    attachments = []
    for part in parsed.iter_attachments():
        assert isinstance(part, EmailMessage)
        payload = part.get_payload(decode=True) or b""
        assert isinstance(payload, bytes)
        charset = part.get_content_charset() or "utf-8"
        attachments.append(
            {
                "filename": part.get_filename(),
                "content_type": _content_type(part),
                "content": payload.decode(charset, errors="replace"),
            }
        )
    return {
        "index": index,
        "id": message.id,
        "from": parseaddr(str(parsed.get("From", "")))[1] or message.source,
        "to": to,
        "subject": str(parsed.get("Subject", "")),
        "text": text_part.get_content().replace("\r\n", "\n") if text_part is not None else None,
        "attachments": attachments,
    }


def _content_type(part: EmailMessage) -> str:
    """The type with its parameters, e.g. ``text/calendar; method=REQUEST; charset=UTF-8``."""
    params = [f"{name}={value}" for name, value in part.get_params(failobj=[])[1:] if name != "name"]
    return "; ".join([part.get_content_type(), *params])


def with_outbox(app: WsgiApp) -> WsgiApp:
    """``app`` with ``GET /_parley/outbox`` in front of it; everything else goes to ``app``."""

    def outbox_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").rstrip("/") != OUTBOX_PATH:
            return app(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            body = json.dumps({"error": "the outbox is read-only: GET it"}).encode()
            start_response("405 Method Not Allowed", [("Content-Type", "application/json"), ("Allow", "GET, HEAD")])
            return [body]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        to = (query.get("to") or [None])[0]
        body = json.dumps({"emails": outbox(to)}, indent=2).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]

    return outbox_app


def build_app() -> WsgiApp:
    """moto's WSGI app as ``moto.server.main`` builds it, with the outbox route, DynamoDB's isolation and
    Cognito's emailed confirmation codes (``infra/local/cognito_codes.py``)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from infra.local.cognito_codes import with_cognito_codes
    from infra.local.moto_isolation import isolate_dynamodb_requests

    isolate_dynamodb_requests()

    moto_app = DomainDispatcherApplication(create_backend_app)
    moto_app.debug = True  # type: ignore[attr-defined]
    return with_outbox(with_cognito_codes(moto_app))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.moto_server", description=__doc__.split("\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("-p", "--port", type=int, default=5000, help="port (default 5000)")
    args = parser.parse_args(argv)

    import os

    from moto.moto_server.werkzeug_app import MotoRequestHandler
    from werkzeug.serving import run_simple

    os.environ.setdefault("MOTO_PORT", str(args.port))  # as moto.server does: moto builds some URLs from it

    def stop(signum: int, frame: object) -> None:
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    run_simple(args.host, args.port, build_app(), threaded=True, request_handler=MotoRequestHandler)
    return 0


if __name__ == "__main__":
    sys.exit(main())
