"""Use cases: read a public profile by id or by link, and search experts page by page.

A search page reads one facet partition of the search index in sort order,
at most ``MAX_ITEMS_READ`` items however many experts exist, and returns an
opaque cursor to continue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition

from chalicelib.discovery.search_index import price_bound
from chalicelib.discovery.search_query import MAX_PRICE, SearchQuery, decode_cursor, encode_cursor
from chalicelib.errors import NotFound
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.expert_search_entry import ExpertSearchEntry
from chalicelib.models.profile_slug import ProfileSlug

READ_BATCH_FACTOR = 2  # items evaluated per DynamoDB page, as a multiple of the page size
MAX_READ_ROUNDS = 3


@dataclass(frozen=True)
class SearchPage:
    items: list[dict[str, Any]]
    next_cursor: str | None

    def to_json(self) -> dict[str, Any]:
        return {"items": self.items, "next_cursor": self.next_cursor}


def profile_by_id(expert_id: str) -> ExpertProfile:
    try:
        return ExpertProfile.get(expert_id)
    except DoesNotExist:
        raise NotFound("No expert has this id.", code="expert_not_found") from None


def profile_by_slug(slug: str) -> ExpertProfile:
    try:
        claim = ProfileSlug.get(slug.lower())
    except DoesNotExist:
        raise NotFound("No expert has this profile link.", code="expert_not_found") from None
    return profile_by_id(claim.expert_id)


def search_experts(query: SearchQuery, cursor: str | None) -> SearchPage:
    start_key = decode_cursor(query, cursor) if cursor else None
    index = {
        "price": ExpertSearchEntry.by_price,
        "rating": ExpertSearchEntry.by_rating,
        "reputation": ExpertSearchEntry.by_reputation,
    }[query.sort]
    pages = index.query(
        query.partition,
        range_key_condition=_range_condition(query),
        filter_condition=_filter_condition(query),
        last_evaluated_key=start_key,
        page_size=query.limit * READ_BATCH_FACTOR,
    ).page_iter
    items: list[dict[str, Any]] = []
    last_key: dict[str, Any] | None = None
    for round_number, page in enumerate(pages, start=1):
        for raw in page.get("Items", []):
            items.append(
                {"reputation": 0} | ExpertSearchEntry.from_raw_data(raw).card.as_dict()
            )  # cards before reputation: 0
            if len(items) == query.limit:
                last_key = {name: raw[name] for name in pages.key_names}
                break
        else:
            last_key = page.get("LastEvaluatedKey")
        if len(items) == query.limit or last_key is None or round_number == MAX_READ_ROUNDS:
            break
    return SearchPage(items, encode_cursor(query, last_key) if last_key else None)


def _range_condition(query: SearchQuery) -> Condition | None:
    if query.sort != "price" or query.currency is None:
        return None
    low = price_bound(query.currency, query.min_price or 0, upper=False)
    high = price_bound(query.currency, query.max_price if query.max_price is not None else MAX_PRICE, upper=True)
    return ExpertSearchEntry.price_key.between(low, high)


def _filter_condition(query: SearchQuery) -> Condition | None:
    conditions: list[Condition] = [
        getattr(ExpertSearchEntry, attribute).contains(value) for attribute, value in query.filters.items()
    ]
    if query.sort != "price" and query.currency is not None:
        conditions.append(ExpertSearchEntry.currency == query.currency)
        if query.min_price is not None:
            conditions.append(ExpertSearchEntry.price_per_minute >= query.min_price)
        if query.max_price is not None:
            conditions.append(ExpertSearchEntry.price_per_minute <= query.max_price)
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = combined & condition
    return combined
