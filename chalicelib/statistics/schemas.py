"""Request bodies of the statistics beacons."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from chalicelib.statistics.rules import MAX_APPEARANCES


class SearchAppearances(BaseModel):
    """The experts a page of search results showed."""

    model_config = ConfigDict(extra="forbid")

    expert_ids: list[str] = Field(
        min_length=1,
        max_length=MAX_APPEARANCES,
        description=f"1 to {MAX_APPEARANCES} different expert ids.",
        # what the validator below checks, stated in the document (one problem for the whole list)
        json_schema_extra={"items": {"type": "string", "minLength": 1, "maxLength": 200}, "uniqueItems": True},
    )

    @field_validator("expert_ids")
    @classmethod
    def _unique_and_not_empty(cls, ids: list[str]) -> list[str]:
        if any(not 1 <= len(i) <= 200 for i in ids):
            raise ValueError("Each expert id is 1 to 200 characters.")
        if len(set(ids)) != len(ids):
            raise ValueError("Each expert id may be given once.")
        return ids


class ProfileView(BaseModel):
    """A profile view; ``viewer`` lets an anonymous browser's repeated views of one day count once."""

    model_config = ConfigDict(extra="forbid")

    viewer: str | None = Field(
        default=None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$",
        description="A random id the browser keeps (8 to 64 letters, digits, - or _); ignored when signed in.",
    )  # fmt: skip
