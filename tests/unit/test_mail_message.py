"""The raw email we hand SES: what a mail client reads back from it."""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from chalicelib.mail.send import Attachment, build_message

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"


def read_back(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_an_invite_attachment_keeps_its_calendar_type_method_name_and_exact_bytes() -> None:
    invite = Attachment("invite.ics", "text/calendar; method=REQUEST; charset=UTF-8", ICS)
    parsed = read_back(build_message("bookings@parley.test", "bob@example.com", "Confirmed", "See you.\n", (invite,)))

    (part,) = list(parsed.iter_attachments())
    assert part.get_content_type() == "text/calendar"
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == "invite.ics"
    assert part.get_payload(decode=True) == ICS  # CRLFs and all
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None
    assert body.get_content().splitlines() == ["See you."]


def test_non_ascii_text_and_subject_travel_7bit_clean_and_read_back_unchanged() -> None:
    text = "Rendez-vous confirmé avec José à 11:00.\n"
    message = build_message("bookings@parley.test", "zoe@example.com", "Confirmé: José", text)
    raw = message.as_bytes()

    assert raw.isascii()  # quoted-printable body, RFC 2047 subject: nothing relies on 8-bit transport
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    parsed = read_back(message)
    assert parsed["Subject"] == "Confirmé: José"
    assert parsed.get_content().splitlines() == text.splitlines()
    assert parsed["Date"]
