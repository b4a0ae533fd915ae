"""What the account routes answer: the caller's account record."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict

from chalicelib.web.responses import ResponseModel, UtcTimestamp


class AccountView(ResponseModel):
    """The caller's account; ``organisation_name`` is set for organisation accounts only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "account_id": "3f1c2a9e-7b1d-4c55-9a0e-2d6c1e8f4b21",
                    "email": "ada@example.com",
                    "kind": "organisation",
                    "display_name": "Ada Lovelace",
                    "organisation_name": "Analytical Engines Ltd",
                    "roles": ["client", "expert"],
                    "created_at": "2026-03-02T10:00:00+00:00",
                }
            ]
        }
    )

    account_id: str
    email: str
    kind: Literal["individual", "organisation"]
    display_name: str
    organisation_name: str | None
    roles: list[Literal["admin", "client", "expert"]]
    created_at: UtcTimestamp
