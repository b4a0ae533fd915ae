"""The pure rules of a lead's negotiation and of stars per skill."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from chalicelib.errors import Conflict, Forbidden
from chalicelib.leads import bid_rules
from chalicelib.leads.ratings import average, rating_key


def test_only_the_buyer_and_the_bids_seller_are_parties() -> None:
    assert bid_rules.side_of("b", "b", "s") == "buyer"
    assert bid_rules.side_of("s", "b", "s") == "seller"
    with pytest.raises(Forbidden):
        bid_rules.side_of("other-seller", "b", "s")


def test_nobody_accepts_their_own_terms() -> None:
    bid_rules.require_may_accept("buyer", "seller")
    with pytest.raises(Conflict) as refused:
        bid_rules.require_may_accept("seller", "seller")
    assert refused.value.code == "own_terms"


def test_a_seller_dashboard_shows_pending_bids_as_requested_and_lost_ones_as_ended() -> None:
    assert bid_rules.seller_stage("negotiating") == "requested"
    assert bid_rules.seller_stage("accepted") == "in_progress"
    assert bid_rules.seller_stage("lost") == "ended"


def test_a_higher_average_ranks_first_then_more_ratings() -> None:
    keys = [rating_key("a", 9, 2), rating_key("b", 5, 1), rating_key("c", 45, 10), rating_key("d", 0, 0)]

    assert [key.rsplit("#", 1)[1] for key in sorted(keys, reverse=True)] == ["b", "c", "a", "d"]
    assert average(9, 2) == 4.5
    assert average(0, 0) is None


@given(st.lists(st.tuples(st.integers(0, 5_000), st.integers(1, 1_000)), min_size=2, max_size=20))
@example(pairs=[(31, 145), (34, 163)])  # 0.2138 and 0.2086 both show as 0.21: the count decides
@example(pairs=[(19, 212), (20, 211)])
def test_rating_keys_sort_as_the_averages_shown_to_two_decimals_do(pairs: list[tuple[int, int]]) -> None:
    rated = [(min(total, count * 5), count) for total, count in pairs]
    shown = {
        rating_key(f"s{i:03d}", total, count): (
            (Decimal(total) / Decimal(count)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
            count,
        )
        for i, (total, count) in enumerate(rated)
    }
    ordered = [shown[key] for key in sorted(shown)]

    # Ascending keys: lower shown average first; among equal averages, the fewer ratings first.
    assert ordered == sorted(ordered)
