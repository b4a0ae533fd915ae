"""The rules of a service, pure: its link, its meeting link, how many an expert may have, their order."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from urllib.parse import urlsplit

from chalicelib.errors import FieldProblem
from chalicelib.profiles.slugs import SLUG_PATTERN

MAX_SERVICES_PER_EXPERT = 20  # a reorder rewrites them all in one transaction (DynamoDB allows 100 items)
DESCRIPTION_LIMIT = 500
MIN_MEETING_MINUTES = 15
MAX_MEETING_MINUTES = 240
MAX_AMOUNT = 5_000_000  # 50,000.00 in any of our currencies
RATE_UNITS = ("hour", "week", "month")


def service_slug_problem(slug: str) -> str | None:
    """Why ``slug`` cannot be a service link, or ``None`` when it can (the profile link's pattern)."""
    if not SLUG_PATTERN.match(slug):
        return (
            "A service link has 3 to 40 lowercase letters, digits and single hyphens, "
            "and starts and ends with a letter or digit."
        )
    return None


def meeting_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a meeting's location, or ``None`` when it can: an https link to a host."""
    if any(character.isspace() for character in url):
        return "A meeting link has no spaces."
    parts = urlsplit(url)
    if parts.scheme.lower() != "https":
        return "A meeting link must start with https://."
    if not parts.hostname or "." not in parts.hostname or parts.username or parts.password:
        return "A meeting link names a host, such as https://meet.example.com/your-room."
    return None


def order_problems(current_ids: Sequence[str], proposed_ids: Sequence[str]) -> list[FieldProblem]:
    """What is wrong with ``proposed_ids`` as a new order of ``current_ids``: each must appear exactly once."""
    counts = Counter(proposed_ids)
    known = set(current_ids)
    problems = [
        FieldProblem(f"service_ids.{index}", "unknown_service", f"'{service_id}' is not one of your services.")
        for index, service_id in enumerate(proposed_ids)
        if service_id not in known
    ]
    problems += [
        FieldProblem("service_ids", "duplicate_service", f"'{service_id}' is named {count} times.")
        for service_id, count in counts.items()
        if count > 1
    ]
    problems += [
        FieldProblem("service_ids", "missing_service", f"'{service_id}' is missing; name every service once.")
        for service_id in current_ids
        if service_id not in counts
    ]
    return problems
