"""What an expert sends to start payout onboarding."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from chalicelib.connect.countries import PAYOUT_COUNTRIES


def _payout_country(value: str) -> str:
    if value not in PAYOUT_COUNTRIES:
        raise PydanticCustomError(
            "payout_country_not_supported", "Payouts are not available in '{value}' yet.", {"value": value}
        )
    return value


class OnboardingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country: Annotated[
        str,
        StringConstraints(strip_whitespace=True, to_upper=True),
        AfterValidator(_payout_country),
        Field(json_schema_extra={"enum": sorted(PAYOUT_COUNTRIES)}),
    ]
