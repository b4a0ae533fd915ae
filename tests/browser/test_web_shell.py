"""The client's frame: any page path is served the app, a page that needs sign-in sends the
person to sign in and back, and an unknown path says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser import web
from tests.stack.conftest import LocalStack, new_person

pytestmark = pytest.mark.stack


def test_signing_in_from_the_sign_in_page_leads_home_and_a_wrong_password_shows_cognitos_message(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    person = new_person(local_stack, "shell.person@example.com")
    tab = browsers()
    web.open_page(tab, local_stack, "/sign-in")
    web.wait_heading(tab, "Sign in")
    web.fill(tab, "Email", person.email)
    web.fill(tab, "Password", "not-the-password")
    web.click(tab, "Sign in")
    refusal = web.wait_for(
        "Cognito's refusal shown",
        lambda: tab.find_elements("css selector", "[role=alert]"),
        on_fail=lambda: web.state(tab),
    )
    assert "password" in refusal[0].text.lower()
    web.sign_in(tab, local_stack, person.email, "Stack-person-2026")
    assert tab.current_url.rstrip("/") == local_stack.info["web_url"].rstrip("/")


def test_an_unknown_page_path_is_served_the_client_which_says_the_page_is_not_found(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    tab = browsers()
    web.open_page(tab, local_stack, "/no/such/page")
    web.wait_heading(tab, "Page not found")
    assert web.text_shown(tab, "There is no page at /no/such/page.")
