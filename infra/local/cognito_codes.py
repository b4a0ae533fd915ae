"""Emailed confirmation codes for moto's Cognito, as a user pool that verifies email sends them.

moto's Cognito neither emails a code on sign-up nor checks the one given back (any code
confirms), and has no ``ResendConfirmationCode``. ``with_cognito_codes(app)`` puts this in
front of moto's WSGI app, for the user-pool JSON API (``X-Amz-Target:
AWSCognitoIdentityProviderService.<Action>``):

``SignUp``, ``ForgotPassword``
    passed to moto; once it accepted, a fresh 6-digit code is kept for that app client and
    user and emailed to the user's ``email`` through moto's SES, from ``no-reply@parley.local``
    (the identity ``infra/local/provision.py`` verifies), so it shows in the local outbox.
``ResendConfirmationCode``
    answered here for an unconfirmed user: a new code replaces the old one and is emailed.
``ConfirmSignUp``, ``ConfirmForgotPassword``
    a code other than the one kept is refused as Cognito refuses it (HTTP 400
    ``CodeMismatchException``); the right one goes on to moto and, once moto accepted, is
    forgotten. Sign-up codes and password codes are kept apart, as Cognito keeps them.

An app client with ``PreventUserExistenceErrors: ENABLED`` (as the stages' clients have) answers
for an unknown user as Cognito then does: a code "sent" (to no one) and a code mismatch.

Everything else, ``AdminConfirmSignUp`` included, goes to moto untouched.
"""

from __future__ import annotations

import io
import json
import secrets
import threading
from collections.abc import Iterable
from typing import Any

WsgiApp = Any

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
SENDER = "no-reply@parley.local"  # verified in SES by infra/local/provision.py (SENDER_EMAIL)
SIGN_UP, PASSWORD = "sign-up", "password"
SUBJECTS = {SIGN_UP: "Your Parley confirmation code", PASSWORD: "Your Parley password reset code"}
MISMATCH = "Invalid verification code provided, please try again."
JSON_TYPE = "application/x-amz-json-1.1"

# What each intercepted action does: issue a code (after moto accepts) or check one (before moto sees it).
ISSUES = {"SignUp": SIGN_UP, "ForgotPassword": PASSWORD}
CHECKS = {"ConfirmSignUp": SIGN_UP, "ConfirmForgotPassword": PASSWORD}
RESEND = "ResendConfirmationCode"


class CodeBook:
    """The outstanding codes, by purpose, app client and user (moto's username: the user's sub)."""

    def __init__(self) -> None:
        self._codes: dict[tuple[str, str, str], str] = {}
        self._lock = threading.Lock()

    def issue(self, purpose: str, client_id: str, username: str) -> str:
        code = f"{secrets.randbelow(1_000_000):06d}"
        with self._lock:
            self._codes[(purpose, client_id, username)] = code
        return code

    def matches(self, purpose: str, client_id: str, username: str, code: str) -> bool:
        with self._lock:
            kept = self._codes.get((purpose, client_id, username))
        return kept is not None and secrets.compare_digest(kept.encode(), code.strip().encode())

    def forget(self, purpose: str, client_id: str, username: str) -> None:
        with self._lock:
            self._codes.pop((purpose, client_id, username), None)


class CognitoRefusal(Exception):
    """An error answered in Cognito's shape: HTTP 400 ``{"__type", "message"}``."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Found:
    """Where moto keeps an app client's pool, and the user asked for (None when there is none)."""

    def __init__(self, account_id: str, region: str, client: Any, user: Any) -> None:
        self.account_id, self.region, self.client, self.user = account_id, region, client, user

    @property
    def hides_users(self) -> bool:
        """The client answers as if every user existed (``PreventUserExistenceErrors``, as Parley's stages set it)."""
        return bool(self.client.extended_config.get("PreventUserExistenceErrors") == "ENABLED")

    def user_or_refuse(self) -> Any:
        if self.user is None:
            raise CognitoRefusal("UserNotFoundException", "Username/client id combination not found.")
        return self.user


def locate(client_id: str, username: str) -> Found:
    """The pool of app client ``client_id`` in moto and its user ``username`` (by name or email)."""
    from moto.cognitoidp.models import cognitoidp_backends

    for account_id in list(cognitoidp_backends.keys()):
        for region in list(cognitoidp_backends[account_id].keys()):
            for pool in list(cognitoidp_backends[account_id][region].user_pools.values()):
                if client_id in pool.clients:
                    return Found(account_id, region, pool.clients[client_id], pool._get_user(username))
    raise CognitoRefusal("ResourceNotFoundException", f"User pool client {client_id} does not exist.")


def email_code(found: Found, purpose: str, code: str) -> None:
    """The code, emailed to the user through moto's SES in the pool's account and region."""
    from moto.ses.models import ses_backends

    address = found.user.attribute_lookup.get("email")
    if not address:
        raise CognitoRefusal("InvalidParameterException", "The user has no email address to send the code to.")
    what = "confirm your email address" if purpose == SIGN_UP else "choose a new password"
    body = (
        f"Your Parley {'confirmation' if purpose == SIGN_UP else 'password reset'} code is {code}\n\n"
        f"Enter it on Parley to {what}. If you did not ask for it, ignore this email.\n"
    )
    try:
        ses_backends[found.account_id][found.region].send_email(
            SENDER, SUBJECTS[purpose], body, {"ToAddresses": [address]}
        )
    except Exception as error:  # moto's MessageRejected: the sender is not verified in this region
        raise CognitoRefusal("CodeDeliveryFailureException", f"The code could not be emailed: {error}") from error


def delivery_details(user: Any) -> dict[str, str]:
    """Cognito's ``CodeDeliveryDetails``: where the code went, masked as Cognito masks it."""
    address = str(user.attribute_lookup.get("email", "") if user is not None else "")
    local, _, domain = address.partition("@")
    return {"Destination": f"{local[:1]}***@{domain[:1]}***", "DeliveryMedium": "EMAIL", "AttributeName": "email"}


def with_cognito_codes(app: WsgiApp, book: CodeBook | None = None) -> WsgiApp:
    """``app`` (moto's) with confirmation codes emailed and checked; see the module's doc."""
    codes = book or CodeBook()

    def codes_app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
        action = target[len(TARGET_PREFIX) :] if target.startswith(TARGET_PREFIX) else ""
        if environ.get("REQUEST_METHOD") != "POST" or action not in (*ISSUES, *CHECKS, RESEND):
            return app(environ, start_response)
        raw = _read_body(environ)
        try:
            params = json.loads(raw or b"{}")
        except ValueError:
            return app(environ, start_response)  # moto answers the malformed request as it does
        client_id, username = str(params.get("ClientId", "")), str(params.get("Username", ""))
        try:
            if action == RESEND:
                found = locate(client_id, username)
                if found.user is None and found.hides_users:  # as if sent, so no one learns who has signed up
                    return _answer(environ, start_response, "200 OK", {"CodeDeliveryDetails": delivery_details(None)})
                user = found.user_or_refuse()
                if user.status != "UNCONFIRMED":
                    raise CognitoRefusal("InvalidParameterException", "User is already confirmed.")
                email_code(found, SIGN_UP, codes.issue(SIGN_UP, client_id, user.username))
                return _answer(environ, start_response, "200 OK", {"CodeDeliveryDetails": delivery_details(user)})
            if action in CHECKS:
                purpose = CHECKS[action]
                try:
                    found = locate(client_id, username)
                except CognitoRefusal:
                    return app(environ, start_response)  # moto says what is wrong with the client
                if found.user is None and not found.hides_users:
                    return app(environ, start_response)  # moto says there is no such user
                code = str(params.get("ConfirmationCode", ""))
                if found.user is None or not codes.matches(purpose, client_id, found.user.username, code):
                    raise CognitoRefusal("CodeMismatchException", MISMATCH)
                status, headers, body = _call(app, environ)
                if status.startswith("2"):
                    codes.forget(purpose, client_id, found.user.username)
                start_response(status, headers)
                return body
            status, headers, body = _call(app, environ)
            if status.startswith("2"):
                purpose = ISSUES[action]
                found = locate(client_id, username)
                if found.user is not None or not found.hides_users:
                    user = found.user_or_refuse()
                    email_code(found, purpose, codes.issue(purpose, client_id, user.username))
                # moto's own header carries a code it made up, which this one replaces
                headers = [(k, v) for k, v in headers if k.lower() != "x-moto-forgot-password-confirmation-code"]
            start_response(status, headers)
            return body
        except CognitoRefusal as refusal:
            shape = {"__type": refusal.kind, "message": refusal.message}
            return _answer(environ, start_response, "400 Bad Request", shape)

    return codes_app


def _read_body(environ: dict[str, Any]) -> bytes:
    """The request's body, read once and put back so moto can read it too."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(raw)
    environ["CONTENT_LENGTH"] = str(len(raw))
    return bytes(raw)


def _call(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], list[bytes]]:
    """moto's answer, held back so its status decides what happens next."""
    seen: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, list(headers)
        return lambda data: None

    result = app(environ, start)
    try:
        body = [bytes(chunk) for chunk in result]
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return str(seen["status"]), list(seen["headers"]), body


def _answer(environ: dict[str, Any], start_response: Any, status: str, data: dict[str, Any]) -> list[bytes]:
    """A JSON answer of our own, with the CORS headers moto's answers carry (the web client calls it)."""
    body = json.dumps(data).encode()
    headers = [("Content-Type", JSON_TYPE), ("Content-Length", str(len(body)))]
    if environ.get("HTTP_ORIGIN"):
        headers += [("Access-Control-Allow-Origin", "*")]
    start_response(status, headers)
    return [body]
