"""Routes for the caller's own account record."""

from __future__ import annotations

from typing import Any

from chalicelib import runtime
from chalicelib.limits.rate_limits import SIGN_UP
from chalicelib.web.api import ApiBlueprint, ApiRequest

api = ApiBlueprint(__name__, tag="accounts")
ACCOUNT_INPUT = "chalicelib.accounts.schemas:AccountInput"
ACCOUNT_VIEW = "chalicelib.accounts.responses:AccountView"


@api.route(
    "/accounts/me", "POST", summary="Register my account after signing up", status=201,
    body=ACCOUNT_INPUT, errors=(400, 401, 409), response=ACCOUNT_VIEW, limit=SIGN_UP,
)  # fmt: skip
def register_me(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.accounts.account_records import account_view, register_account
    from chalicelib.accounts.schemas import AccountInput
    from chalicelib.identity.email import with_email

    caller = with_email(request.caller, request.token)
    return account_view(register_account(caller, request.body(AccountInput), runtime.now()))


@api.route("/accounts/me", "GET", summary="My account", errors=(401, 404), response=ACCOUNT_VIEW)
def read_me(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.accounts.account_records import account_view, get_account

    return account_view(get_account(request.caller.account_id))


@api.route(
    "/accounts/me", "PUT", summary="Change my account", body=ACCOUNT_INPUT, errors=(400, 401, 404, 409),
    response=ACCOUNT_VIEW,
)  # fmt: skip
def change_me(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.accounts.account_records import account_view, change_account
    from chalicelib.accounts.schemas import AccountInput

    return account_view(change_account(request.caller, request.body(AccountInput), runtime.now()))
