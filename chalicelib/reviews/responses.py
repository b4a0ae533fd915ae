"""What the review routes answer (``chalicelib.reviews.reviews``)."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.web.responses import ResponseModel, UtcTimestamp

_EXAMPLE: dict[str, Any] = {
    "session_id": "5f0c2a9e8d7b4c1e9a3f6b2d1c0e4a7b",
    "expert_id": "a1b2c3d4-0000-4000-8000-00000000e001",
    "stars": 5,
    "comment": "Clear answers, and a plan for the next month.",
    "created_at": "2026-11-23T15:20:00+00:00",
}


class CallReview(ResponseModel):
    """A client's review of one charged call."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    session_id: str = Field(description="The reviewed call: one review per call.")
    expert_id: str
    stars: int = Field(ge=1, le=5)
    comment: str | None
    created_at: UtcTimestamp


class ExpertReviewPage(ResponseModel):
    """A page of an expert's reviews, newest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [_EXAMPLE],
                    "next_cursor": "eyJrIjp7ImNyZWF0ZWRfYXQiOnsiUyI6IjIwMjYtMTEtMjBUMDk6MzAifX0sInMiOiJyZXZpZXdzIn0",
                }
            ]
        }
    )

    items: list[CallReview]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")
