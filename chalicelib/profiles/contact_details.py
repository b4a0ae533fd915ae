"""Profiles may not carry contact details: clients reach experts through Parley only.

``find_contact_details`` names the first kind of contact detail in a text, or
``None``. It looks for email addresses (also written "name at domain dot com"),
phone numbers (seven or more digits, with the usual separators) and links
(URLs, ``www.`` hosts and bare domains with a common top-level domain).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from chalicelib.errors import FieldProblem, InvalidInput

_TLD = r"(?:com|net|org|io|co|me|info|biz|app|dev|uk|de|fr|es|it|nl|ch|ca|us|eu|ly|gg|to)"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SPELLED_EMAIL = re.compile(
    rf"\w+\s*(?:\(at\)|\[at\]|\s+at\s+)\s*[\w-]+\s*(?:\(dot\)|\[dot\]|\s+dot\s+|\.)\s*{_TLD}\b",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w/])\+?\(?\d(?:[\s().-]*\d){6,}(?!\w)")
_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_DOMAIN = re.compile(rf"\b[a-z0-9-]{{2,}}\.{_TLD}\b", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[a-z0-9_]{3,}\b", re.IGNORECASE)

_YEAR_RANGE = re.compile(r"\b(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}\b")


def find_contact_details(text: str) -> str | None:
    """Return "an email address", "a phone number", "a link" or "a social handle" if found."""
    if _EMAIL.search(text) or _SPELLED_EMAIL.search(text):
        return "an email address"
    if _URL.search(text) or _DOMAIN.search(text):
        return "a link"
    if _PHONE.search(_YEAR_RANGE.sub(" ", text)):
        return "a phone number"
    if _HANDLE.search(text):
        return "a social handle"
    return None


def refuse_contact_details(fields: Mapping[str, str | None], what: str) -> None:
    """400 ``contact_details`` naming each field of ``fields`` that carries contact details; ``what`` is the
    plural of what is written ("Questions", "Messages"). Questions, answers, articles, documents, reviews and
    messages stay on the platform as profiles do."""
    found = {name: kind for name, text in fields.items() if text and (kind := find_contact_details(text))}
    if found:
        raise InvalidInput(
            f"{what} may not contain {next(iter(found.values()))}.",
            [FieldProblem(name, "contact_details", f"Remove {kind}.") for name, kind in found.items()],
            code="contact_details",
        )
