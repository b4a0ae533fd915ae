"""A search for experts, read from query parameters, and the partition that answers it.

Pure rules: which facet partition and index a search reads, which of its
conditions stay as filters, and the opaque cursor that continues it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from chalicelib.discovery.search_index import ONLINE_PREFIX, facet
from chalicelib.errors import FieldProblem, InvalidInput, Unprocessable
from chalicelib.money.currency import is_currency
from chalicelib.profiles.catalogue import CATEGORIES, LANGUAGES
from chalicelib.web import cursors
from chalicelib.web.numbers import is_plain_digits

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
MAX_PRICE = 10**11

Sort = Literal["reputation", "rating", "price"]
SORTS: tuple[Sort, ...] = ("reputation", "rating", "price")
SORT_KEYS: dict[Sort, str] = {"reputation": "reputation_key", "rating": "rating_key", "price": "price_key"}


@dataclass(frozen=True)
class SearchQuery:
    category: str | None = None
    tag: str | None = None
    language: str | None = None
    online: bool = False
    currency: str | None = None
    min_price: int | None = None
    max_price: int | None = None
    sort: Sort = "reputation"
    limit: int = DEFAULT_PAGE_SIZE

    @property
    def index_name(self) -> str:
        return "by-" + self.sort

    @property
    def partition(self) -> str:
        """The facet to read: the most selective one the search names."""
        if self.tag:
            key = facet("tag", self.tag)
        elif self.category:
            key = facet("category", self.category)
        elif self.language:
            key = facet("language", self.language)
        else:
            key = "all"
        return ONLINE_PREFIX + key if self.online else key

    @property
    def filters(self) -> dict[str, str]:
        """Conditions on list attributes that the partition does not already guarantee."""
        named = {"tags": self.tag, "categories": self.category, "languages": self.language}
        chosen = self.partition.removeprefix(ONLINE_PREFIX).split(":")[0]
        used = {"tag": "tags", "category": "categories", "language": "languages"}.get(chosen)
        return {attr: value for attr, value in named.items() if value and attr != used}


def parse_search(params: Mapping[str, str | None]) -> SearchQuery:
    problems: list[FieldProblem] = []

    def problem(name: str, code: str, message: str) -> None:
        problems.append(FieldProblem(name, code, message))

    def integer(name: str, low: int, high: int) -> int | None:
        raw = params.get(name)
        if raw is None:
            return None
        if not is_plain_digits(raw) or not low <= int(raw) <= high:
            problem(name, "invalid_number", f"'{name}' must be a whole number from {low} to {high}.")
            return None
        return int(raw)

    category = params.get("category")
    if category is not None and category not in CATEGORIES:
        problem("category", "unknown_category", f"'{category}' is not a category.")
    language = params.get("language")
    if language is not None and language not in LANGUAGES:
        problem("language", "unknown_language", f"'{language}' is not an ISO 639-1 language code.")
    tag = params.get("tag")
    if tag is not None:
        tag = tag.strip().lower()
    currency = params.get("currency")
    if currency is not None and not is_currency(currency):
        problem("currency", "unknown_currency", f"'{currency}' is not a supported currency.")
    online_raw = params.get("online")
    if online_raw not in (None, "true", "false"):
        problem("online", "invalid_boolean", "'online' must be true or false.")
    sort = next((known for known in SORTS if known == (params.get("sort") or "reputation")), None)
    if sort is None:
        problem("sort", "invalid_sort", "'sort' must be reputation, rating or price.")
    min_price = integer("min_price", 0, MAX_PRICE)
    max_price = integer("max_price", 0, MAX_PRICE)
    limit = integer("limit", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    if (sort == "price" or min_price is not None or max_price is not None) and currency is None:
        problem("currency", "currency_required", "Give a currency to sort or filter by price.")
    if min_price is not None and max_price is not None and min_price > max_price:
        problem("min_price", "invalid_range", "'min_price' is above 'max_price'.")
    if problems:
        raise InvalidInput("The search is not valid.", problems)
    return SearchQuery(
        category=category,
        tag=tag,
        language=language,
        online=online_raw == "true",
        currency=currency,
        min_price=min_price,
        max_price=max_price,
        sort=sort or "reputation",
        limit=limit,
    )


def encode_cursor(query: SearchQuery, last_key: Mapping[str, Any]) -> str:
    return cursors.encode_cursor(_cursor_scope(query), last_key)


def decode_cursor(query: SearchQuery, cursor: str) -> dict[str, Any]:
    """The start key a cursor carries, refused unless it was made for this same search."""
    key = cursors.decode_cursor(_cursor_scope(query), cursor)
    expected = {"facet", "expert_id", SORT_KEYS[query.sort]}
    valid = set(key) == expected and all(set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
    if not valid or key["facet"]["S"] != query.partition:
        raise Unprocessable("The cursor is not valid for this search; start again without it.", code="invalid_cursor")
    return key


def _cursor_scope(query: SearchQuery) -> str:
    return f"search:{query.partition}:{query.index_name}"
