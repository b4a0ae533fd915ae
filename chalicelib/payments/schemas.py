"""What an operator sends to refund a payment."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RefundInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int = Field(ge=1, description="Minor units to give back; at most what is captured and not yet refunded.")
