"""What the vote routes answer (``chalicelib.votes.voting``)."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.web.responses import ResponseModel


class VoteResult(ResponseModel):
    """The caller's vote on an item now, and the item's counts after it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "target": "article#art-5f0c2a9e8d7b4c1e9a3f6b2d1c0e4a7b",
                    "value": 1,
                    "upvotes": 5,
                    "downvotes": 1,
                    "owner_reputation": 118,
                }
            ]
        }
    )

    target: str = Field(description="'<kind>#<id>'.")
    value: int = Field(ge=-1, le=1, description="1 up, -1 down, 0 no vote.")
    upvotes: int = Field(ge=0)
    downvotes: int = Field(ge=0)
    owner_reputation: int | None = Field(description="The content owner's reputation after the vote.")


class MyVote(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"target": "answer#ans-1", "value": -1}]})

    target: str
    value: int = Field(ge=-1, le=1)


class MyVotes(ResponseModel):
    """The caller's standing vote on each item asked about (0 where none)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"votes": [{"target": "answer#ans-1", "value": -1}, {"target": "article#art-2", "value": 0}]}]
        }
    )

    votes: list[MyVote]
