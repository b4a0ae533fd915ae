"""A search reads the most selective partition and keeps the rest as filters."""

from __future__ import annotations

import pytest

from chalicelib.discovery.search_query import SearchQuery, decode_cursor, encode_cursor, parse_search
from chalicelib.errors import InvalidInput


def test_a_tag_is_the_partition_and_category_and_language_become_filters() -> None:
    query = parse_search({"tag": "Tax", "category": "law", "language": "de", "online": "true"})
    assert query.partition == "online|tag:tax"
    assert query.filters == {"categories": "law", "languages": "de"}


def test_with_nothing_named_the_whole_index_is_read_most_reputation_first() -> None:
    query = parse_search({})
    assert (query.partition, query.index_name, query.filters) == ("all", "by-reputation", {})


def test_sorting_by_rating_reads_the_rating_index() -> None:
    assert parse_search({"sort": "rating"}).index_name == "by-rating"


def test_a_cursor_round_trips_for_the_same_search_only() -> None:
    query = SearchQuery(category="law", sort="rating")
    key = {"facet": {"S": "category:law"}, "expert_id": {"S": "ada"}, "rating_key": {"S": "500#x#ada"}}
    assert decode_cursor(query, encode_cursor(query, key)) == key
    with pytest.raises(InvalidInput):
        decode_cursor(SearchQuery(category="finance"), encode_cursor(query, key))
    with pytest.raises(InvalidInput):
        decode_cursor(SearchQuery(category="law", sort="price", currency="USD"), encode_cursor(query, key))


def test_a_cursor_with_a_forged_key_is_refused() -> None:
    query = SearchQuery()
    forged = {"facet": {"S": "category:law"}, "expert_id": {"S": "ada"}, "rating_key": {"S": "x"}}
    with pytest.raises(InvalidInput):
        decode_cursor(query, encode_cursor(SearchQuery(category="law"), forged).replace("Y", "Z"))
    with pytest.raises(InvalidInput):
        decode_cursor(query, encode_cursor(query, forged))  # partition in the key differs from the search


def test_every_bad_parameter_is_reported_at_once() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_search({"sort": "cheapest", "min_price": "-1", "currency": "BTC"})
    assert {p.field for p in caught.value.problems} == {"sort", "min_price", "currency"}
