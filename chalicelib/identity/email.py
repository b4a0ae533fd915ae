"""The caller's email address: in an ID token's claims, or asked of Cognito for an access token.

Access tokens carry no email claim; Cognito's GetUser answers for the token itself (no AWS
credentials needed, only the token), so that either token registers an account.
"""

from __future__ import annotations

from dataclasses import replace

import boto3

from chalicelib.errors import NotAuthenticated
from chalicelib.identity.caller import Caller
from chalicelib.settings import get_settings


def with_email(caller: Caller, token: str) -> Caller:
    """``caller`` with its email: the ID token's claim, else Cognito's answer for the access token."""
    if caller.email or caller.token_use != "access":
        return caller
    client = boto3.client("cognito-idp", region_name=get_settings().region)
    try:
        user = client.get_user(AccessToken=token)
    except client.exceptions.NotAuthorizedException:
        raise NotAuthenticated("The access token was revoked; sign in again.", code="invalid_token") from None
    attributes = {item["Name"]: item["Value"] for item in user.get("UserAttributes", [])}
    return replace(caller, email=attributes.get("email") or None)
