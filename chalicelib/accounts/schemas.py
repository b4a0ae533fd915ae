"""What a user sends to register or change their account record."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class AccountInput(BaseModel):
    # The document states the rule below: an organisation names itself, an individual has no organisation name.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "if": {"properties": {"kind": {"const": "organisation"}}, "required": ["kind"]},
            "then": {"required": ["organisation_name"], "properties": {"organisation_name": {"type": "string"}}},
            "else": {"properties": {"organisation_name": {"type": "null"}}},
        },
    )

    kind: Literal["individual", "organisation"]
    display_name: Name
    organisation_name: Name | None = Field(default=None, validate_default=True)

    @field_validator("organisation_name")
    @classmethod
    def _organisation_has_a_name(cls, name: str | None, info: ValidationInfo) -> str | None:
        """Reported on ``organisation_name`` itself, so a form shows it by that input."""
        kind = info.data.get("kind")
        if kind == "organisation" and not name:
            raise PydanticCustomError(
                "organisation_name_required", "An organisation account needs its organisation's name."
            )
        if kind == "individual" and name:
            raise PydanticCustomError(
                "organisation_name_not_allowed", "Only organisation accounts have an organisation name."
            )
        return name
