"""The verified caller of a request."""

from __future__ import annotations

from dataclasses import dataclass, field

ADMIN_GROUP = "admins"


@dataclass(frozen=True)
class Caller:
    account_id: str
    email: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return ADMIN_GROUP in self.groups
