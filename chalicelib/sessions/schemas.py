"""What a client sends to ask an expert for a call."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CallRequestInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expert_id: str = Field(min_length=1, max_length=128)
    media: str = Field(pattern="^(voice|video)$", description="voice or video")
    payment_method_id: str | None = Field(default=None, max_length=255, description="A saved card (Stripe.js)")
    link_id: str | None = Field(default=None, max_length=64, description="A session link of this expert")


class CallCardInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    payment_method_id: str = Field(min_length=1, max_length=255, description="Another card of the client's (Stripe.js)")
