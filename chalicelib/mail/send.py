"""Send one email through SES, with optional attachments (a calendar invite, say).

A plain text email goes through SES ``SendEmail`` (SES builds the MIME). One with attachments
is built with the standard library's ``email`` package (CRLF line ends, non-ASCII text
quoted-printable, attachments base64) and sent with ``SendRawEmail``, so an attachment
(``text/calendar; method=REQUEST``, for one) reaches the recipient as built; SES takes the
recipient from the ``To`` header. The sender is ``PARLEY_SENDER_EMAIL`` (set per stage; its SES
identity must be verified).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from functools import lru_cache
from typing import Any

from chalicelib.models.base import current_region


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar; method=REQUEST", "application/pdf", ...
    content: bytes


def send_email(to: str, subject: str, text: str, attachments: tuple[Attachment, ...] = ()) -> str:
    """Send ``text`` (and ``attachments``) to ``to``; returns SES's message id."""
    sender = sender_address()
    if not attachments:
        answer = ses_client().send_email(
            Source=sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
            },
        )
    else:
        message = build_message(sender, to, subject, text, attachments)
        answer = ses_client().send_raw_email(Source=sender, RawMessage={"Data": message.as_bytes()})
    return str(answer["MessageId"])


def build_message(
    sender: str, to: str, subject: str, text: str, attachments: tuple[Attachment, ...] = ()
) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)  # CRLF line ends, as on the wire
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # ASCII: 7bit (or quoted-printable for very long lines); anything else quoted-printable, never 8bit.
    message.set_content(text, cte=None if text.isascii() else "quoted-printable")
    for attachment in attachments:
        main, _, rest = attachment.content_type.partition("/")
        subtype, *parameters = (part.strip() for part in rest.split(";"))
        params = dict(parameter.split("=", 1) for parameter in parameters if "=" in parameter)
        message.add_attachment(
            attachment.content, maintype=main, subtype=subtype, filename=attachment.filename, params=params
        )
    return message


def sender_address() -> str:
    sender = os.environ.get("PARLEY_SENDER_EMAIL", "")
    if not sender:
        raise RuntimeError("environment variable PARLEY_SENDER_EMAIL is not set")
    return sender


def ses_client() -> Any:
    return _client(current_region(), os.environ.get("AWS_ENDPOINT_URL"))


@lru_cache(maxsize=4)
def _client(region: str, endpoint_url: str | None) -> Any:
    """Made on first use, one per region and endpoint."""
    import boto3

    return boto3.client("ses", region_name=region, endpoint_url=endpoint_url)
