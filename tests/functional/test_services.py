"""Services (as Otechie has them): an expert offers, edits, orders and deletes them; each has a checkout link."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users


def service_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Architecture review",
        "slug": "architecture-review",
        "description": "I read your design and tell you, in writing, what will break first.",
        "upfront_hold": 25_000,
        "ongoing_rate": {"amount": 15_000, "unit": "hour"},
        "meeting": {"location_url": "https://meet.example.com/ada-room", "duration_minutes": 45},
    }
    body.update(changes)
    return body


def create(api: Any, user: User, **changes: Any) -> Any:
    return api.post("/experts/me/services", headers=user.auth, body=json.dumps(service_body(**changes)))


def edit(api: Any, user: User, service_id: str, **changes: Any) -> Any:
    return api.put(f"/experts/me/services/{service_id}", headers=user.auth, body=json.dumps(service_body(**changes)))


def reorder(api: Any, user: User, service_ids: list[str]) -> Any:
    return api.put("/experts/me/services/order", headers=user.auth, body=json.dumps({"service_ids": service_ids}))


def public_list(api: Any, expert: User) -> list[dict[str, Any]]:
    response = api.get(f"/experts/{expert.sub}/services")
    assert response.status_code == 200, response.json_body
    return list(response.json_body["services"])


def field_codes(response: Any) -> dict[str, str]:
    return {problem["field"]: problem["code"] for problem in response.json_body["error"].get("fields", [])}


@pytest.fixture
def ada(api: Any, users: Users) -> User:
    user = users.sign_up("ada@example.com")
    become_expert(api, user, slug="ada-lovelace", currency="GBP")
    return user


@pytest.fixture
def grace(api: Any, users: Users) -> User:
    user = users.sign_up("grace@example.com")
    become_expert(api, user, slug="grace-hopper", name="Grace Hopper")
    return user


def test_an_expert_offers_a_service_in_their_currency_and_anyone_sees_it_without_signing_in(
    api: Any, ada: User
) -> None:
    made = create(api, ada)

    assert made.status_code == 201, made.json_body
    assert made.json_body["currency"] == "GBP"
    assert made.json_body["upfront_hold"] == 25_000
    assert made.json_body["meeting"] == {"location_url": "https://meet.example.com/ada-room", "duration_minutes": 45}
    [shown] = public_list(api, ada)
    assert shown["name"] == "Architecture review"
    assert shown["ongoing_rate"] == {"amount": 15_000, "unit": "hour"}
    assert shown["web_checkout_page"] == "/experts/ada-lovelace/services/architecture-review/checkout"


def test_a_service_names_its_checkout_web_page_so_nobody_takes_it_for_an_api_route(api: Any, ada: User) -> None:
    create(api, ada)
    [shown] = public_list(api, ada)

    assert "checkout_path" not in shown  # it had the shape of POST /experts/{id}/services/{service_id}/checkout
    assert shown["web_checkout_page"] == "/experts/ada-lovelace/services/architecture-review/checkout"


def test_the_public_list_says_how_long_the_meeting_is_but_keeps_its_link_for_checkout(api: Any, ada: User) -> None:
    create(api, ada)

    [shown] = public_list(api, ada)

    assert shown["meeting"] == {"duration_minutes": 45}


def test_a_service_without_hold_rate_or_meeting_is_just_a_description(api: Any, ada: User) -> None:
    made = create(api, ada, upfront_hold=None, ongoing_rate=None, meeting=None)

    assert made.status_code == 201, made.json_body
    assert (made.json_body["upfront_hold"], made.json_body["ongoing_rate"], made.json_body["meeting"]) == (
        None,
        None,
        None,
    )


def test_an_expert_edits_a_service_and_clients_see_the_change(api: Any, ada: User) -> None:
    service_id = create(api, ada).json_body["service_id"]

    edited = edit(api, ada, service_id, name="Deep architecture review", upfront_hold=40_000, meeting=None)

    assert edited.status_code == 200, edited.json_body
    [shown] = public_list(api, ada)
    assert (shown["name"], shown["upfront_hold"], shown["meeting"]) == ("Deep architecture review", 40_000, None)


def test_the_expert_orders_their_services_and_the_public_list_follows_that_order(api: Any, ada: User) -> None:
    first = create(api, ada, slug="first").json_body["service_id"]
    second = create(api, ada, slug="second").json_body["service_id"]
    third = create(api, ada, slug="third").json_body["service_id"]
    assert [s["service_id"] for s in public_list(api, ada)] == [first, second, third]

    ordered = reorder(api, ada, [third, first, second])

    assert ordered.status_code == 200, ordered.json_body
    assert [s["service_id"] for s in public_list(api, ada)] == [third, first, second]
    mine = api.get("/experts/me/services", headers=ada.auth).json_body["services"]
    assert [s["service_id"] for s in mine] == [third, first, second]


@pytest.mark.parametrize(
    ("order", "code"),
    [
        pytest.param(lambda mine, foreign: mine[:1], "missing_service", id="one-missing"),
        pytest.param(lambda mine, foreign: [*mine, foreign], "unknown_service", id="another-experts-service"),
        pytest.param(lambda mine, foreign: [mine[0], mine[0], mine[1]], "duplicate_service", id="one-named-twice"),
    ],
)
def test_a_reorder_that_does_not_name_each_of_the_experts_services_exactly_once_is_refused(
    api: Any, ada: User, grace: User, order: Any, code: str
) -> None:
    mine = [create(api, ada, slug=slug).json_body["service_id"] for slug in ("first", "second")]
    foreign = create(api, grace).json_body["service_id"]

    refused = reorder(api, ada, order(mine, foreign))

    assert refused.status_code == 422
    assert refused.json_body["error"]["code"] == "invalid_order"
    assert code in field_codes(refused).values()
    assert [s["service_id"] for s in public_list(api, ada)] == mine


def test_deleting_a_service_removes_it_and_frees_its_link(api: Any, ada: User) -> None:
    service_id = create(api, ada).json_body["service_id"]

    deleted = api.delete(f"/experts/me/services/{service_id}", headers=ada.auth)

    assert deleted.status_code == 200, deleted.json_body
    assert public_list(api, ada) == []
    assert api.get("/experts/by-slug/ada-lovelace/services/architecture-review").status_code == 404
    assert create(api, ada).status_code == 201


def test_the_direct_checkout_link_resolves_to_the_service_and_its_expert(api: Any, ada: User) -> None:
    service_id = create(api, ada).json_body["service_id"]
    path = public_list(api, ada)[0]["web_checkout_page"]
    profile_slug, service_slug = path.split("/")[2], path.split("/")[4]

    page = api.get(f"/experts/by-slug/{profile_slug}/services/{service_slug}")

    assert page.status_code == 200, page.json_body
    assert page.json_body["service"]["service_id"] == service_id
    assert page.json_body["service"]["upfront_hold"] == 25_000
    assert page.json_body["expert"]["expert_id"] == ada.sub
    assert page.json_body["expert"]["name"] == "Ada Lovelace"


def test_a_checkout_link_that_names_no_service_of_that_expert_is_not_found(api: Any, ada: User, grace: User) -> None:
    create(api, grace, slug="only-grace")

    missing = api.get("/experts/by-slug/ada-lovelace/services/only-grace")

    assert missing.status_code == 404
    assert missing.json_body["error"]["code"] == "service_not_found"


def test_two_services_of_one_expert_cannot_share_a_link(api: Any, ada: User) -> None:
    assert create(api, ada, slug="review").status_code == 201

    taken = create(api, ada, slug="review", name="Another review")

    assert taken.status_code == 409
    assert taken.json_body["error"]["code"] == "slug_taken"
    assert len(public_list(api, ada)) == 1


def test_an_edit_cannot_take_the_link_of_another_of_the_experts_services(api: Any, ada: User) -> None:
    create(api, ada, slug="review")
    other = create(api, ada, slug="audit").json_body["service_id"]

    taken = edit(api, ada, other, slug="review")

    assert taken.status_code == 409
    assert taken.json_body["error"]["code"] == "slug_taken"
    assert sorted(s["slug"] for s in public_list(api, ada)) == ["audit", "review"]


def test_two_experts_may_each_have_a_service_at_the_same_link(api: Any, ada: User, grace: User) -> None:
    assert create(api, ada, slug="review").status_code == 201
    assert create(api, grace, slug="review").status_code == 201

    grace_page = api.get("/experts/by-slug/grace-hopper/services/review").json_body

    assert grace_page["expert"]["expert_id"] == grace.sub


def test_renaming_a_service_link_frees_the_old_one(api: Any, ada: User) -> None:
    service_id = create(api, ada, slug="review").json_body["service_id"]

    renamed = edit(api, ada, service_id, slug="deep-review")

    assert renamed.status_code == 200, renamed.json_body
    assert renamed.json_body["web_checkout_page"] == "/experts/ada-lovelace/services/deep-review/checkout"
    assert api.get("/experts/by-slug/ada-lovelace/services/review").status_code == 404
    assert api.get("/experts/by-slug/ada-lovelace/services/deep-review").status_code == 200
    assert create(api, ada, slug="review").status_code == 201


@pytest.mark.parametrize(
    "description",
    ["Write to ada@example.com first.", "Call me on +44 20 7946 0958.", "See www.ada-reviews.com for details."],
)
def test_contact_details_in_a_description_are_refused_naming_the_field(api: Any, ada: User, description: str) -> None:
    refused = create(api, ada, description=description)

    assert refused.status_code == 400
    assert field_codes(refused) == {"description": "contact_details_not_allowed"}


def test_a_description_longer_than_500_characters_is_refused(api: Any, ada: User) -> None:
    refused = create(api, ada, description="a" * 501)

    assert refused.status_code == 400
    assert "description" in field_codes(refused)


@pytest.mark.parametrize("hold", [0, -500, 12.5, "2500", True])
def test_an_upfront_hold_must_be_a_positive_whole_number_of_minor_units(api: Any, ada: User, hold: Any) -> None:
    refused = create(api, ada, upfront_hold=hold)

    assert refused.status_code == 400
    assert "upfront_hold" in field_codes(refused)


@pytest.mark.parametrize(
    "url", ["http://meet.example.com/ada-room", "meet.example.com/ada-room", "ftp://meet.example.com", "https://"]
)
def test_a_meeting_link_must_be_an_https_link(api: Any, ada: User, url: str) -> None:
    refused = create(api, ada, meeting={"location_url": url, "duration_minutes": 30})

    assert refused.status_code == 400
    assert field_codes(refused) == {"meeting.location_url": "invalid_meeting_url"}


@pytest.mark.parametrize("minutes", [14, 241])
def test_a_meeting_lasts_from_15_to_240_minutes(api: Any, ada: User, minutes: int) -> None:
    meeting = {"location_url": "https://meet.example.com/ada-room", "duration_minutes": minutes}

    refused = create(api, ada, meeting=meeting)

    assert refused.status_code == 400
    assert "meeting.duration_minutes" in field_codes(refused)


def test_an_ongoing_rate_is_per_hour_week_or_month(api: Any, ada: User) -> None:
    refused = create(api, ada, ongoing_rate={"amount": 100, "unit": "day"})

    assert refused.status_code == 400
    assert "ongoing_rate.unit" in field_codes(refused)


def test_strangers_cannot_edit_or_delete_an_experts_service(api: Any, ada: User, grace: User) -> None:
    service_id = create(api, ada).json_body["service_id"]

    edited = edit(api, grace, service_id, name="Hijacked")
    deleted = api.delete(f"/experts/me/services/{service_id}", headers=grace.auth)

    assert (edited.status_code, deleted.status_code) == (404, 404)
    assert [s["name"] for s in public_list(api, ada)] == ["Architecture review"]


def test_offering_a_service_needs_a_signed_in_expert(api: Any, users: Users) -> None:
    anonymous = api.post("/experts/me/services", headers={"Content-Type": "application/json"}, body="{}")
    client = users.sign_up("client@example.com")
    register(api, client)

    not_expert = create(api, client)

    assert anonymous.status_code == 401
    assert not_expert.status_code == 404
    assert not_expert.json_body["error"]["code"] == "profile_not_found"


def test_the_services_of_an_unknown_expert_are_not_found(api: Any) -> None:
    assert api.get("/experts/no-such-expert/services").status_code == 404
