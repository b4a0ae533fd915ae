"""What the payout-account routes answer (``chalicelib.connect.onboarding``)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from chalicelib.web.responses import ResponseModel

OnboardingStage = Literal["not_started", "in_progress", "pending_verification", "complete"]


class PayoutAccountStatus(ResponseModel):
    """How far the expert's Stripe Connect Express account got (``not_started``: there is no account yet)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "onboarding": "pending_verification",
                    "payouts_enabled": False,
                    "country": "GB",
                    "requirements_due": ["individual.verification.document"],
                }
            ]
        }
    )

    onboarding: OnboardingStage
    payouts_enabled: bool
    country: str | None = Field(description="The account's country (ISO 3166-1 alpha-2), fixed once made; null before.")
    requirements_due: list[str] = Field(description="What Stripe still needs, in its terms.")


class PayoutOnboarding(ResponseModel):
    """A fresh link to Stripe's onboarding for the expert's account, and the account's status."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "onboarding_url": "https://connect.stripe.com/setup/e/acct_1QxYzB2fAwLZmp3D/q9rS8tU7vW6x",
                    "onboarding": "in_progress",
                    "payouts_enabled": False,
                    "country": "GB",
                    "requirements_due": ["external_account", "individual.dob.day"],
                }
            ]
        }
    )

    onboarding_url: str = Field(description="Stripe's page; it works once and for a few minutes.")
    onboarding: Literal["in_progress", "pending_verification", "complete"]
    payouts_enabled: bool
    country: str = Field(description="ISO 3166-1 alpha-2.")
    requirements_due: list[str]
