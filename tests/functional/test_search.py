"""Clients find experts by category, tag, language, price and presence, page by page, without a Scan."""

from __future__ import annotations

from typing import Any

from tests.functional.builders import become_expert
from tests.functional.conftest import DynamoReads, Users
from tests.functional.presence_cast import online_expert


def _experts(api: Any, users: Users, count: int, **changes: Any) -> list[str]:
    ids = []
    for i in range(count):
        user = users.sign_up(f"expert{i}@example.com")
        become_expert(api, user, slug=f"expert-{i:03d}", name=f"Expert {i}", **changes)
        ids.append(user.sub)
    return ids


def _search(api: Any, query: str) -> dict[str, Any]:
    response = api.get(f"/experts?{query}")
    assert response.status_code == 200, response.json_body
    return dict(response.json_body)


def test_search_by_category_tag_and_language_finds_only_matching_experts(api: Any, users: Users) -> None:
    law = users.sign_up("lawyer@example.com")
    dev = users.sign_up("dev@example.com")
    become_expert(api, law, slug="lawyer", name="Lawyer", categories=["law"], tags=["tax"], languages=["de"])
    become_expert(api, dev, slug="developer", name="Developer", categories=["technology"], tags=["python"])
    assert [e["slug"] for e in _search(api, "category=law")["items"]] == ["lawyer"]
    assert [e["slug"] for e in _search(api, "tag=python")["items"]] == ["developer"]
    assert [e["slug"] for e in _search(api, "language=de")["items"]] == ["lawyer"]
    assert _search(api, "category=law&language=en")["items"] == []
    assert {e["slug"] for e in _search(api, "")["items"]} == {"lawyer", "developer"}


def test_online_now_lists_only_experts_who_are_online(api: Any, users: Users) -> None:
    ada, bob = users.sign_up("ada@example.com"), users.sign_up("bob@example.com")
    become_expert(api, ada, slug="ada-online")
    become_expert(api, bob, slug="bob-offline", name="Bob")
    online_expert(api, ada)
    assert [e["slug"] for e in _search(api, "online=true&category=technology")["items"]] == ["ada-online"]
    api.put("/experts/me/presence", headers=ada.auth, body='{"status": "offline"}')
    assert _search(api, "online=true")["items"] == []


def test_sorting_by_price_is_cheapest_first_within_a_currency_and_range(api: Any, users: Users) -> None:
    for slug, rate, currency in [("mid", 250, "USD"), ("cheap", 100, "USD"), ("dear", 900, "USD"), ("euro", 50, "EUR")]:
        user = users.sign_up(f"{slug}@example.com")
        become_expert(api, user, slug=f"expert-{slug}", name=slug.title(), rate_per_minute=rate, currency=currency)
    page = _search(api, "sort=price&currency=USD")
    assert [e["rate_per_minute"] for e in page["items"]] == [100, 250, 900]
    ranged = _search(api, "sort=price&currency=USD&min_price=100&max_price=250")
    assert [e["rate_per_minute"] for e in ranged["items"]] == [100, 250]
    by_rating = _search(api, "currency=USD&max_price=300")
    assert sorted(e["rate_per_minute"] for e in by_rating["items"]) == [100, 250]


def test_an_hourly_only_expert_is_priced_per_minute_rounded_up(api: Any, users: Users) -> None:
    coach = users.sign_up("coach@example.com")
    become_expert(api, coach, slug="coach", rate_per_minute=None, hourly_rate=10001)
    assert _search(api, "sort=price&currency=USD&min_price=167&max_price=167")["items"][0]["slug"] == "coach"


def test_sorting_or_filtering_by_price_needs_a_currency(api: Any) -> None:
    response = api.get("/experts?sort=price")
    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["code"] == "currency_required"


def test_bad_search_parameters_are_named(api: Any) -> None:
    response = api.get("/experts?category=astrology&limit=500&online=maybe")
    fields = {p["field"] for p in response.json_body["error"]["fields"]}
    assert response.status_code == 400
    assert fields == {"category", "limit", "online"}


def test_pages_follow_the_cursor_through_every_expert_once(api: Any, users: Users) -> None:
    ids = _experts(api, users, 7)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        page = _search(api, "limit=3" + (f"&cursor={cursor}" if cursor else ""))
        seen += [e["expert_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(ids)


def test_a_cursor_from_another_search_or_tampered_with_is_refused(api: Any, users: Users) -> None:
    _experts(api, users, 3)
    cursor = _search(api, "limit=1")["next_cursor"]
    other = api.get(f"/experts?limit=1&category=law&cursor={cursor}")
    assert other.status_code == 422
    assert other.json_body["error"]["code"] == "invalid_cursor"
    assert api.get("/experts?cursor=not-a-cursor").json_body["error"]["code"] == "invalid_cursor"


def test_rated_experts_come_first(api: Any, users: Users) -> None:
    from chalicelib.models.expert_profile import ExpertProfile
    from chalicelib.profiles.presence import set_presence
    from chalicelib.runtime import now

    low, high = _experts(api, users, 2)
    for expert_id, total, count in [(low, 6, 2), (high, 14, 3)]:
        ExpertProfile.get(expert_id).update(
            actions=[ExpertProfile.rating_total.set(total), ExpertProfile.rating_count.set(count)]
        )
        set_presence(expert_id, "offline", media_base_url="http://media", now=now())  # re-index with the rating
    items = _search(api, "")["items"]
    assert [e["expert_id"] for e in items] == [high, low]
    assert items[0]["rating"] == {"average": 4.67, "count": 3}


def test_a_search_page_never_scans_and_reads_the_same_however_many_experts_exist(
    api: Any, users: Users, dynamo_reads: DynamoReads
) -> None:
    def items_read_for_one_page() -> int:
        dynamo_reads.calls.clear()
        page = _search(api, "limit=5&category=technology&language=fr")
        assert len(page["items"]) == 5
        assert "Scan" not in dynamo_reads.operations
        return dynamo_reads.items_read

    _experts(api, users, 12)
    few = items_read_for_one_page()
    for i in range(12, 48):
        user = users.sign_up(f"expert{i}@example.com")
        become_expert(api, user, slug=f"expert-{i:03d}", name=f"Expert {i}")
    many = items_read_for_one_page()
    assert dynamo_reads.operations == {"Query"}
    assert few == many <= 5 * 2 * 3


def test_public_reads_never_scan(api: Any, users: Users, dynamo_reads: DynamoReads) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    dynamo_reads.calls.clear()
    api.get(f"/experts/{ada.sub}")
    api.get("/experts/by-slug/ada-lovelace")
    api.get("/experts?tag=python&online=false")
    assert dynamo_reads.operations <= {"GetItem", "Query"}
    assert [name for name, _ in dynamo_reads.calls].count("GetItem") >= 2  # the profile reads happened
