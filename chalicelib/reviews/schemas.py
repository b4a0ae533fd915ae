"""What a client sends to review a call."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReviewInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stars: int = Field(ge=1, le=5, description="1 (poor) to 5 (excellent).")
    comment: str | None = Field(default=None, max_length=1000, description="Optional; no contact details.")
