"""Profiles may not carry contact details; ordinary professional text passes."""

from __future__ import annotations

import pytest

from chalicelib.profiles.contact_details import find_contact_details


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Write to ada@example.com", "an email address"),
        ("ada at example dot com", "an email address"),
        ("ada (at) example (dot) com", "an email address"),
        ("Call +44 20 7946 0958", "a phone number"),
        ("(555) 123-4567 after six", "a phone number"),
        ("See https://ada.example", "a link"),
        ("See www.ada.dev", "a link"),
        ("Founder of adalovelace.com", "a link"),
        ("Follow @adalovelace", "a social handle"),
    ],
)
def test_contact_details_are_found_and_named(text: str, found: str) -> None:
    assert find_contact_details(text) == found


@pytest.mark.parametrize(
    "text",
    [
        "I worked 2010-2019 at IBM",
        "15 years of experience and 300 clients",
        "Tax law in the U.S. and e.g. Canada",
        "Python 3.11, node.js and AWS",
        "I charge 5.00 per minute",
        "ISO 27001 auditor",
        "Let's meet at noon. Then we talk",
    ],
)
def test_ordinary_professional_text_passes(text: str) -> None:
    assert find_contact_details(text) is None
