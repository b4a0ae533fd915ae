"""What a user sends to register or change their account record."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class AccountInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["individual", "organisation"]
    display_name: Name
    organisation_name: Name | None = None

    @model_validator(mode="after")
    def _organisation_has_a_name(self) -> AccountInput:
        if self.kind == "organisation" and not self.organisation_name:
            raise PydanticCustomError(
                "organisation_name_required", "An organisation account needs its organisation's name."
            )
        if self.kind == "individual" and self.organisation_name:
            raise PydanticCustomError(
                "organisation_name_not_allowed", "Only organisation accounts have an organisation name."
            )
        return self
