"""What a person sends to vote, and to look up their votes."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

TargetKey = Annotated[str, StringConstraints(pattern=r"^(answer|article|document)#[^#\s]{1,100}$")]


class VoteInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: Literal[1, -1, 0] = Field(description="1 up, -1 down, 0 takes your vote back.")


class VoteLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[TargetKey] = Field(
        min_length=1, max_length=100, description="Items as '<kind>#<id>' (kind: answer, article, document)."
    )
