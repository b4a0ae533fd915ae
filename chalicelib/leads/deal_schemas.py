"""What buyers and sellers send while negotiating and running a lead's contract."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.leads.bid_rules import MAX_DAYS


class TermsInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: int = Field(gt=0, le=10_000_000, description="Minor units of the lead's currency.")
    days: int = Field(ge=1, le=MAX_DAYS, description="Days to deliver, counted from payment.")
    message: str | None = Field(default=None, max_length=2000)


class AcceptInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    round: int | None = Field(default=None, ge=1, description="The proposal number you read (guards against change).")


class PayInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_method_id: str = Field(min_length=1, max_length=255)


class DeliverInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=5000)


class AcceptWorkInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stars: dict[str, int] = Field(description="1 to 5 stars for each skill the lead named.")


class DisputeInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=5, max_length=5000)


class DisputeDecisionInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["seller", "buyer"] = Field(description="Who the evidence supports.")
