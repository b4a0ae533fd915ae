"""Use cases: register, read and change the caller's account record."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, PutError

from chalicelib.errors import Conflict, InvalidInput, NotFound
from chalicelib.identity.caller import Caller
from chalicelib.models.account import Account
from chalicelib.models.conditions import condition_failed

if TYPE_CHECKING:
    from chalicelib.accounts.schemas import AccountInput

CLIENT_ROLE = "client"
EXPERT_ROLE = "expert"
ADMIN_ROLE = "admin"


def register_account(caller: Caller, data: AccountInput, now: datetime) -> Account:
    if not caller.email:
        raise InvalidInput(
            "Your user in the pool has no email address; add one before registering.", code="email_claim_missing"
        )
    account = Account(
        caller.account_id,
        email=caller.email,
        kind=data.kind,
        display_name=data.display_name,
        organisation_name=data.organisation_name,
        roles={CLIENT_ROLE, ADMIN_ROLE} if caller.is_admin else {CLIENT_ROLE},
        created_at=now,
        updated_at=now,
    )
    try:
        account.save(condition=Account.account_id.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            raise Conflict(
                "You have registered already; change your account with PUT /accounts/me.", code="account_exists"
            ) from None
        raise
    return account


def get_account(account_id: str) -> Account:
    try:
        return Account.get(account_id)
    except DoesNotExist:
        raise NotFound("Register your account first (POST /accounts/me).", code="account_not_found") from None


def change_account(caller: Caller, data: AccountInput, now: datetime) -> Account:
    account = get_account(caller.account_id)
    account.kind = data.kind
    account.display_name = data.display_name
    account.organisation_name = data.organisation_name
    account.updated_at = now
    try:
        account.save()
    except PutError as error:
        if condition_failed(error):
            raise Conflict(
                "Your account changed meanwhile; load it and try again.", code="changed_concurrently"
            ) from None
        raise
    return account


def account_view(account: Account) -> dict[str, Any]:
    return {
        "account_id": account.account_id,
        "email": account.email,
        "kind": account.kind,
        "display_name": account.display_name,
        "organisation_name": account.organisation_name,
        "roles": sorted(account.roles or ()),
        "created_at": account.created_at.isoformat(),
    }
