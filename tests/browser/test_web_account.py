"""The account pages in a real browser on the local stack: signing up with the code the stack
emails, a wrong code refused with Cognito's message, a forgotten password reset by email, changing
the details and the password, and signing out here or everywhere."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError
from selenium.common.exceptions import StaleElementReferenceException

from tests.browser import steps_account, web
from tests.stack.conftest import LocalStack, new_person

pytestmark = pytest.mark.stack

PASSWORD = "Parley-signup-2026"
NEW_PASSWORD = "Parley-changed-2027"
MISMATCH = "Invalid verification code provided, please try again."


def _email(who: str) -> str:
    return f"{who}.{uuid.uuid4().hex[:8]}@example.com"


def _signs_in(stack: LocalStack, email: str, password: str) -> bool:
    try:
        stack.cognito().initiate_auth(
            ClientId=stack.web_client_id, AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )  # fmt: skip
    except ClientError:
        return False
    return True


def _next_step(tab: Any, name: str) -> str:
    return str(web.button(tab, name, within=tab.find_element("tag name", "main")).get_attribute("href"))


def _alerts(tab: Any) -> list[str]:
    try:
        return [str(e.text) for e in tab.find_elements("css selector", "[role=alert]")]
    except StaleElementReferenceException:  # re-rendered while read: look again
        return []


def _alert(tab: Any, text: str) -> None:
    """Waits for an alert (a refusal shown by the form) containing ``text``, case-insensitively."""
    web.wait_for(
        f"the alert {text!r}",
        lambda: any(text.lower() in shown.lower() for shown in _alerts(tab)),
        on_fail=lambda: web.state(tab),
    )


def test_a_client_signs_up_with_the_emailed_code_and_is_welcomed_with_find_an_expert(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    email = _email("new.client")
    tab = browsers()

    steps_account.sign_up(tab, local_stack, email, PASSWORD, as_expert=False, display_name="Nia Client")

    (mail,) = web.outbox(local_stack, email)
    assert (mail["from"], mail["subject"]) == ("no-reply@parley.local", "Your Parley confirmation code")
    assert _next_step(tab, "Find an expert").endswith("/search")
    assert not web.text_shown(tab, "Build your profile")
    assert steps_account.signed_in(tab)
    web.click(tab, "Account")
    web.wait_heading(tab, "Your account")
    web.wait_text(tab, email)
    assert web.text_shown(tab, "Nia Client")
    web.record_page(tab, "account-details")


def test_an_expert_signs_up_and_is_welcomed_with_build_your_profile(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    email = _email("new.expert")
    tab = browsers()

    steps_account.sign_up(tab, local_stack, email, PASSWORD, as_expert=True, display_name="Eli Expert")

    assert _next_step(tab, "Build your profile").endswith("/expert/profile")
    page = tab.find_element("xpath", "//section[@aria-labelledby='page-title']")
    assert not page.find_elements("xpath", ".//a[normalize-space()='Find an expert']")  # the header's is for all


def test_a_wrong_code_shows_cognitos_message_and_a_resent_code_confirms(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    email = _email("mistyped")
    tab = browsers()
    steps_account.fill_sign_up(tab, local_stack, email, PASSWORD, as_expert=False, display_name="Mo Typo")
    first = steps_account.emailed_code(local_stack, email)

    steps_account.enter_code(tab, f"{(int(first) + 1) % 1_000_000:06d}")

    _alert(tab, MISMATCH)
    web.record_page(tab, "account-confirm-refused")
    assert local_stack.cognito().admin_get_user(UserPoolId=local_stack.user_pool_id, Username=email)["UserStatus"] == (
        "UNCONFIRMED"
    )
    web.click(tab, "Resend code")
    web.wait_text(tab, f"We sent a new code to {email}.")
    steps_account.enter_code(tab, steps_account.emailed_code(local_stack, email, after=1))
    web.wait_heading(tab, "Welcome to Parley, Mo Typo")


def test_a_forgotten_password_is_reset_with_the_emailed_code_and_the_new_password_signs_in(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    person = new_person(local_stack, _email("forgetful"))
    tab = browsers()
    web.open_page(tab, local_stack, "/sign-in")
    web.click(tab, "Forgot your password?")
    web.wait_heading(tab, "Forgot your password?")
    web.fill(tab, "Email", person.email)
    web.record_page(tab, "account-forgot-password")
    web.click(tab, "Email me a code")
    web.wait_heading(tab, "Choose a new password")
    code = steps_account.emailed_code(local_stack, person.email, steps_account.RESET_SUBJECT)

    web.fill(tab, "Code from the email", f"{(int(code) + 1) % 1_000_000:06d}")
    web.fill(tab, "New password", NEW_PASSWORD)
    web.click(tab, "Change my password")
    _alert(tab, MISMATCH)
    web.record_page(tab, "account-reset-password")
    web.fill(tab, "Code from the email", code)
    web.click(tab, "Change my password")

    web.wait_heading(tab, "Sign in")
    web.wait_text(tab, "Your password is changed: sign in with the new one.")
    web.sign_in(tab, local_stack, person.email, NEW_PASSWORD)
    assert steps_account.signed_in(tab)
    assert not _signs_in(local_stack, person.email, "Stack-person-2026")


def test_changing_the_password_and_the_details_on_the_account_page(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    person = new_person(local_stack, _email("changer"))
    tab = browsers()
    web.sign_in(tab, local_stack, person.email, "Stack-person-2026")
    web.open_page(tab, local_stack, "/account")
    web.wait_heading(tab, "Your account")

    web.fill(tab, "Current password", "not-my-password-1A!")
    web.fill(tab, "New password", NEW_PASSWORD)
    web.click(tab, "Change password")
    web.wait_for(  # Cognito's refusal of the wrong current password (moto's message is just the username)
        "the refusal of the wrong current password", lambda: any(_alerts(tab)), on_fail=lambda: web.state(tab)
    )
    assert _signs_in(local_stack, person.email, "Stack-person-2026")
    web.fill(tab, "Current password", "Stack-person-2026")
    web.click(tab, "Change password")
    web.wait_text(tab, "Your password is changed: use the new one next time you sign in.")
    assert _signs_in(local_stack, person.email, NEW_PASSWORD)
    assert not _signs_in(local_stack, person.email, "Stack-person-2026")

    web.check(tab, "Organisation")
    web.fill(tab, "Display name", "Ada at Engines")
    web.fill(tab, "Organisation name", "Analytical Engines Ltd")
    web.click(tab, "Save details")
    web.wait_text(tab, "Your details are saved.")
    assert web.text_shown(tab, "Analytical Engines Ltd")
    web.open_page(tab, local_stack, "/account")  # what the API kept, after a reload
    web.wait_text(tab, "Analytical Engines Ltd")
    assert web.text_shown(tab, "Ada at Engines")


def test_signing_out_here_leaves_the_tab_signed_out_and_signing_out_everywhere_ends_the_other_sessions(
    local_stack: LocalStack, browsers: Callable[[], Any]
) -> None:
    person = new_person(local_stack, _email("leaver"))
    here, there = browsers(), browsers()
    web.sign_in(here, local_stack, person.email, "Stack-person-2026")

    steps_account.sign_out(here)

    web.open_page(here, local_stack, "/account")
    web.wait_heading(here, "Sign in")  # the account page needs signing in again
    web.sign_in(here, local_stack, person.email, "Stack-person-2026")
    web.sign_in(there, local_stack, person.email, "Stack-person-2026")
    refresh = json.loads(there.execute_script("return sessionStorage.getItem('parley.tokens')"))["refresh"]
    web.open_page(here, local_stack, "/account")
    web.wait_heading(here, "Your account")
    web.click(here, "Sign out everywhere")

    web.wait_for("this tab signed out", lambda: not steps_account.signed_in(here), on_fail=lambda: web.state(here))

    def refresh_refused() -> bool:
        try:
            local_stack.cognito().initiate_auth(
                ClientId=local_stack.web_client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": refresh},
            )  # fmt: skip
        except ClientError as error:
            return error.response["Error"]["Code"] == "NotAuthorizedException"
        return False

    web.wait_for("the other browser's refresh token refused by Cognito", refresh_refused)
