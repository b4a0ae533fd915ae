"""The verified caller of a request."""

from __future__ import annotations

from dataclasses import dataclass, field

from chalicelib.errors import Forbidden

ADMIN_GROUP = "admins"


@dataclass(frozen=True)
class Caller:
    account_id: str
    email: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    token_use: str = "id"

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups

    def require_admin(self, to_do: str) -> None:
        """The one admin check: operators' routes call this before doing anything."""
        if not self.is_admin:
            raise Forbidden(f"Only admins {to_do}.")
