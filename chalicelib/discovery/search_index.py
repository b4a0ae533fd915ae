"""Which search-index items an expert has, and how they sort. Pure rules, no I/O.

Each expert is written once per *facet*: ``all``, each category, tag and
language, and the same again prefixed ``online|`` while the expert is online.
A search reads one facet's partition in sort order, so a page costs the same
however many experts there are.
"""

from __future__ import annotations

from dataclasses import dataclass

ONLINE_PREFIX = "online|"
MAX_RATING_X100 = 500
_COUNT_WIDTH = 9
_REPUTATION_OFFSET = 10**9  # reputation may be negative; keys hold -1e9 .. 1e9-1


@dataclass(frozen=True)
class SearchFacts:
    expert_id: str
    categories: tuple[str, ...]
    tags: tuple[str, ...]
    languages: tuple[str, ...]
    online: bool
    currency: str
    rate_per_minute: int | None
    hourly_rate: int | None
    rating_total: int
    rating_count: int
    reputation: int = 0


def facet(kind: str, value: str) -> str:
    return f"{kind}:{value}"


def facets_for(facts: SearchFacts) -> list[str]:
    offline = ["all"]
    offline += [facet("category", c) for c in facts.categories]
    offline += [facet("tag", t) for t in facts.tags]
    offline += [facet("language", lang) for lang in facts.languages]
    online = [ONLINE_PREFIX + f for f in offline] if facts.online else []
    return offline + online


def rating_x100(rating_total: int, rating_count: int) -> int:
    """Average stars times 100, rounded half up (4.675 -> 468)."""
    if rating_count <= 0:
        return 0
    return (rating_total * 200 + rating_count) // (rating_count * 2)


def rating_key(facts: SearchFacts) -> str:
    """Ascending order of this key is best rated first, then most reviewed."""
    inverse_rating = MAX_RATING_X100 - rating_x100(facts.rating_total, facts.rating_count)
    inverse_count = 10**_COUNT_WIDTH - 1 - min(facts.rating_count, 10**_COUNT_WIDTH - 1)
    return f"{inverse_rating:03d}#{inverse_count:0{_COUNT_WIDTH}d}#{facts.expert_id}"


def reputation_key(facts: SearchFacts) -> str:
    """Ascending order of this key is most reputation first, then the rating order."""
    clamped = min(max(facts.reputation, -_REPUTATION_OFFSET), _REPUTATION_OFFSET - 1)
    inverse = 2 * _REPUTATION_OFFSET - 1 - (clamped + _REPUTATION_OFFSET)
    return f"{inverse:010d}#{rating_key(facts)}"


def price_per_minute(rate_per_minute: int | None, hourly_rate: int | None) -> int | None:
    """The price search compares: the rate per minute, else the hourly rate per minute rounded up."""
    if rate_per_minute is not None:
        return rate_per_minute
    if hourly_rate is not None:
        return -(-hourly_rate // 60)
    return None


def price_key(currency: str, price: int, expert_id: str) -> str:
    return f"{currency}#{price:012d}#{expert_id}"


def price_bound(currency: str, price: int, *, upper: bool) -> str:
    """A key that sorts before (or after, when ``upper``) every expert at ``price``."""
    return f"{currency}#{price:012d}#{'~' if upper else ''}"
