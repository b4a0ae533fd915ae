"""The search index's sort keys order experts the way clients expect."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.discovery.search_index import (
    SearchFacts,
    facets_for,
    price_bound,
    price_key,
    price_per_minute,
    rating_key,
    rating_x100,
    reputation_key,
)

ADA = SearchFacts(
    expert_id="ada", categories=("technology",), tags=("python",), languages=("en", "fr"), online=False,
    currency="USD", rate_per_minute=300, hourly_rate=None, rating_total=0, rating_count=0,
)  # fmt: skip


def test_an_offline_expert_is_indexed_under_all_and_each_facet() -> None:
    assert facets_for(ADA) == ["all", "category:technology", "tag:python", "language:en", "language:fr"]


def test_an_online_expert_is_also_indexed_under_the_online_facets() -> None:
    facets = facets_for(replace(ADA, online=True))
    assert "online|all" in facets
    assert "online|language:fr" in facets
    assert len(facets) == 10


def test_the_average_rating_rounds_half_up() -> None:
    assert rating_x100(14, 3) == 467  # 4.6666...
    assert rating_x100(187, 40) == 468  # 4.675 exactly
    assert rating_x100(0, 0) == 0


@given(
    st.tuples(st.integers(1, 5), st.integers(1, 500)),
    st.tuples(st.integers(1, 5), st.integers(1, 500)),
)
def test_better_average_ratings_sort_first(a: tuple[int, int], b: tuple[int, int]) -> None:
    (stars_a, count_a), (stars_b, count_b) = a, b
    key_a = rating_key(replace(ADA, expert_id="a", rating_total=stars_a * count_a, rating_count=count_a))
    key_b = rating_key(replace(ADA, expert_id="b", rating_total=stars_b * count_b, rating_count=count_b))
    if stars_a > stars_b:
        assert key_a < key_b


def test_unrated_experts_sort_after_rated_ones() -> None:
    rated = rating_key(replace(ADA, expert_id="b", rating_total=1, rating_count=1))
    assert rated < rating_key(ADA)


@given(st.integers(0, 10**11), st.integers(0, 10**11))
def test_price_keys_sort_by_price(low: int, high: int) -> None:
    if low < high:
        assert price_key("USD", low, "zzz") < price_key("USD", high, "aaa")


@given(st.integers(0, 10**9))
def test_price_bounds_enclose_every_expert_at_that_price(price: int) -> None:
    key = price_key("USD", price, "any-expert-id")
    assert price_bound("USD", price, upper=False) < key < price_bound("USD", price, upper=True)


def test_an_hourly_rate_is_compared_per_minute_rounded_up() -> None:
    assert price_per_minute(None, 6000) == 100
    assert price_per_minute(None, 6001) == 101
    assert price_per_minute(250, 6000) == 250
    assert price_per_minute(None, None) is None


@given(st.integers(-(10**12), 10**12), st.integers(-(10**12), 10**12))
def test_more_reputation_sorts_first_whatever_the_rating(points_a: int, points_b: int) -> None:
    a = reputation_key(replace(ADA, expert_id="a", reputation=points_a, rating_total=5, rating_count=1))
    b = reputation_key(replace(ADA, expert_id="b", reputation=points_b))
    if _kept(points_a) != _kept(points_b):
        assert (a < b) == (_kept(points_a) > _kept(points_b))
    else:
        assert a < b  # same reputation: the better rated first


def _kept(points: int) -> int:
    """What a key can tell apart: -1e9 .. 1e9-1 (far beyond any expert's points)."""
    return min(max(points, -(10**9)), 10**9 - 1)
