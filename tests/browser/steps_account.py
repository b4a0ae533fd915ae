"""Journey steps on the account pages, as a person takes them: signing up with the code the local
stack emails (its outbox), signing in and out, and reading the codes Cognito sends.

Every step takes the person's browser and, where it opens a page or reads their email, the stack.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.browser import web

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

CONFIRMATION_SUBJECT = "Your Parley confirmation code"
RESET_SUBJECT = "Your Parley password reset code"


def codes_sent(stack: LocalStack, email: str, subject: str) -> list[str]:
    """The 6-digit codes emailed to ``email`` under ``subject``, oldest first."""
    found = []
    for mail in web.outbox(stack, email):
        if mail["subject"] == subject:
            match = re.search(r"\b(\d{6})\b", mail["text"] or "")
            assert match, f"an email {subject!r} to {email} without a 6-digit code: {mail['text']!r}"
            found.append(match.group(1))
    return found


def emailed_code(stack: LocalStack, email: str, subject: str = CONFIRMATION_SUBJECT, *, after: int = 0) -> str:
    """The newest code emailed to ``email`` once more than ``after`` such emails arrived."""

    def arrived() -> list[str] | None:
        sent = codes_sent(stack, email, subject)
        return sent if len(sent) > after else None

    codes = web.wait_for(
        f"email number {after + 1} {subject!r} to {email}",
        arrived,
        on_fail=lambda: f"outbox for {email}: {web.outbox(stack, email)}",
    )
    return str(codes[-1])


def fill_sign_up(
    driver: Any, stack: LocalStack, email: str, password: str, *, as_expert: bool, display_name: str
) -> None:
    """Opens /sign-up, fills it in and sends it; the confirmation page follows."""
    web.open_page(driver, stack, "/sign-up")
    web.wait_heading(driver, "Sign up")
    web.fill(driver, "Email", email)
    web.fill(driver, "Password", password)
    web.check(driver, "Expert" if as_expert else "Client")
    web.check(driver, "Individual")
    web.fill(driver, "Display name", display_name)
    web.record_page(driver, "account-sign-up")
    web.click(driver, "Sign up")
    web.wait_heading(driver, "Confirm your email")


def enter_code(driver: Any, code: str) -> None:
    """Types the confirmation code on /confirm and sends it."""
    web.fill(driver, "Confirmation code", code)
    web.click(driver, "Confirm")


def sign_up(driver: Any, stack: LocalStack, email: str, password: str, *, as_expert: bool, display_name: str) -> None:
    """Signs up through the pages with the code from the outbox; ends signed in on the welcome page."""
    fill_sign_up(driver, stack, email, password, as_expert=as_expert, display_name=display_name)
    web.record_page(driver, "account-confirm")
    enter_code(driver, emailed_code(stack, email))
    web.wait_heading(driver, f"Welcome to Parley, {display_name}")
    web.record_page(driver, "account-welcome-expert" if as_expert else "account-welcome-client")


def signed_in(driver: Any) -> bool:
    """The header offers the account (so someone is signed in) rather than signing in."""
    return bool(driver.find_elements("xpath", "//header//nav//a[normalize-space()='Sign out']"))


def sign_out(driver: Any) -> None:
    """The header's "Sign out": this tab forgets the person and goes home, offering to sign in again."""
    web.click(driver, "Sign out", within=driver.find_element("tag name", "header"))
    web.wait_for(
        "signed out, the header offering to sign in",
        lambda: (
            not signed_in(driver) and driver.find_elements("xpath", "//header//nav//a[normalize-space()='Sign in']")
        ),
        on_fail=lambda: web.state(driver),
    )
