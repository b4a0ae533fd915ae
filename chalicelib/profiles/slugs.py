"""The rules of a profile link (``/p/<slug>``): lowercase words joined by hyphens."""

from __future__ import annotations

import re

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,39}$")

# Paths the web frontend uses itself, and words that would mislead.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "app", "about", "help", "login", "logout", "signup", "settings", "support",
     "experts", "expert", "search", "leads", "bookings", "parley", "static", "www", "me", "null"}
)  # fmt: skip


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be a profile link, or ``None`` when it can."""
    if not SLUG_PATTERN.match(slug):
        return (
            "A profile link has 3 to 40 lowercase letters, digits and single hyphens, "
            "and starts and ends with a letter or digit."
        )
    if slug in RESERVED_SLUGS:
        return f"'{slug}' is reserved; choose another profile link."
    return None
