"""Sellers find open leads that fit their skills; buyers find sellers that fit a lead, best stars first.

Both read by skill with Query (never Scan), and a page costs the same however many leads exist.
"""

from __future__ import annotations

import json
from typing import Any

from tests.functional.builders import become_expert, profile_body, register
from tests.functional.conftest import DynamoReads, User, Users
from tests.functional.lead_builders import give_stars, post_lead


def _leads(api: Any, seller: User, query: str = "") -> dict[str, Any]:
    response = api.get(f"/leads?{query}", headers=seller.auth)
    assert response.status_code == 200, response.json_body
    return dict(response.json_body)


def _titles(page: dict[str, Any]) -> list[str]:
    return [item["title"] for item in page["items"]]


def _all_pages(api: Any, user: User, path: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(50):
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = api.get(f"{path}{'&' if '?' in path else '?'}{query}", headers=user.auth)
        assert response.status_code == 200, response.json_body
        items += response.json_body["items"]
        cursor = response.json_body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the pages never ended")


def test_the_catalogue_lists_the_skills(api: Any) -> None:
    skills = {skill["id"]: skill for skill in api.get("/catalogue").json_body["skills"]}
    assert 60 <= len(skills) <= 100
    assert skills["python"] == {"id": "python", "name": "Python", "category": "technology"}
    assert {"aws", "distributed-systems", "negotiation", "bookkeeping"} <= set(skills)


def test_a_profile_with_a_skill_outside_the_catalogue_is_refused(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    response = api.put("/experts/me", headers=ada.auth, body=json.dumps(profile_body(skills=["python", "juggling"])))
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "unknown_skill"
    assert response.json_body["error"]["fields"][0]["field"] == "skills.1"


def test_the_public_profile_shows_the_stars_of_each_skill(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada, skills=["python", "aws", "sql"])
    give_stars(ada.sub, {"python": 5, "aws": 4})
    give_stars(ada.sub, {"python": 4})
    profile = api.get(f"/experts/{ada.sub}").json_body
    assert profile["skill_stars"] == [
        {"skill": "python", "average": 4.5, "count": 2},
        {"skill": "aws", "average": 4.0, "count": 1},
        {"skill": "sql", "average": None, "count": 0},
    ]


def test_a_seller_sees_open_leads_of_their_own_skills_newest_first_and_not_their_own(api: Any, users: Users) -> None:
    buyer, seller = users.sign_up("buyer@example.com"), users.sign_up("seller@example.com")
    become_expert(api, seller, skills=["python", "sql"])
    post_lead(api, buyer, title="Python first", skills=["python"])
    post_lead(api, buyer, title="Lawyer wanted", skills=["contract-law"])
    post_lead(api, buyer, title="Both of my skills", skills=["sql", "python", "aws"])
    post_lead(api, buyer, title="SQL tuning", skills=["sql"])
    post_lead(api, seller, title="My own python lead", skills=["python"])
    assert _titles(_leads(api, seller)) == ["SQL tuning", "Both of my skills", "Python first"]
    assert _titles(_leads(api, seller, "skill=contract-law")) == ["Lawyer wanted"]


def test_a_seller_whose_skills_do_not_fit_sees_none_of_the_leads(api: Any, users: Users) -> None:
    buyer, lawyer = users.sign_up("buyer@example.com"), users.sign_up("lawyer@example.com")
    become_expert(api, lawyer, slug="lawyer", skills=["contract-law", "tribunals"])
    post_lead(api, buyer, skills=["python"])
    assert _leads(api, lawyer)["items"] == []


def test_leads_filter_by_currency_budget_and_title_words(api: Any, users: Users) -> None:
    buyer, seller = users.sign_up("buyer@example.com"), users.sign_up("seller@example.com")
    become_expert(api, seller, skills=["python"])
    post_lead(api, buyer, title="Small Django fix", skills=["python"], budget=20_000)
    post_lead(api, buyer, title="Big data pipeline", skills=["python"], budget=900_000)
    post_lead(api, buyer, title="Euro django app", skills=["python"], budget=50_000, currency="EUR")
    assert _titles(_leads(api, seller, "currency=USD")) == ["Big data pipeline", "Small Django fix"]
    assert _titles(_leads(api, seller, "currency=USD&min_budget=100000")) == ["Big data pipeline"]
    assert _titles(_leads(api, seller, "currency=USD&max_budget=100000")) == ["Small Django fix"]
    assert _titles(_leads(api, seller, "q=DJANGO")) == ["Euro django app", "Small Django fix"]


def test_bad_search_filters_are_named(api: Any, users: Users) -> None:
    seller = users.sign_up("seller@example.com")
    become_expert(api, seller, skills=["python"])
    response = api.get("/leads?skill=astrology&currency=JPY&min_budget=-1&limit=99", headers=seller.auth)
    assert response.status_code == 400
    assert {p["field"]: p["code"] for p in response.json_body["error"]["fields"]} == {
        "skill": "unknown_skill", "currency": "unknown_currency",
        "min_budget": "invalid_number", "limit": "invalid_number",
    }  # fmt: skip
    needs_currency = api.get("/leads?max_budget=100", headers=seller.auth).json_body["error"]["fields"][0]["code"]
    assert needs_currency == "currency_required"
    nobody = users.sign_up("nobody@example.com")
    no_skills = api.get("/leads", headers=nobody.auth)
    assert (no_skills.status_code, no_skills.json_body["error"]["code"]) == (422, "skill_required")


def test_pages_across_several_skills_list_every_lead_once_in_order(api: Any, users: Users) -> None:
    buyer, seller = users.sign_up("buyer@example.com"), users.sign_up("seller@example.com")
    become_expert(api, seller, skills=["python", "sql", "aws"])
    skill_sets = [["python"], ["sql"], ["python", "sql"], ["aws"], ["aws", "python", "sql"], ["go"], ["sql"]]
    titles = [post_lead(api, buyer, title=f"Lead number {i}", skills=s)["title"] for i, s in enumerate(skill_sets)]
    expected = [t for t, s in zip(titles, skill_sets, strict=True) if set(s) & {"python", "sql", "aws"}][::-1]
    for limit in (1, 2, 3, 50):
        assert [item["title"] for item in _all_pages(api, seller, "/leads", limit)] == expected


def test_a_search_cursor_of_another_search_or_seller_is_refused(api: Any, users: Users) -> None:
    buyer, seller, other = (users.sign_up(f"{n}@example.com") for n in ("buyer", "seller", "other"))
    become_expert(api, seller, skills=["python"])
    become_expert(api, other, slug="other", skills=["python"])
    post_lead(api, buyer, skills=["python"]), post_lead(api, buyer, skills=["python"])
    cursor = _leads(api, seller, "limit=1")["next_cursor"]
    assert cursor is not None
    for user, query in [(seller, "skill=sql&"), (seller, "q=port&"), (other, "")]:
        refused = api.get(f"/leads?{query}limit=1&cursor={cursor}", headers=user.auth)
        assert (refused.status_code, refused.json_body["error"]["code"]) == (422, "invalid_cursor")


def test_a_search_page_never_scans_and_reads_the_same_with_30_or_300_leads(
    api: Any, users: Users, dynamo_reads: DynamoReads
) -> None:
    from chalicelib import runtime
    from chalicelib.leads.posting import post_lead as post
    from chalicelib.leads.schemas import LeadInput
    from chalicelib.uploads.attachments import attachment_store
    from tests.functional.lead_builders import lead_body

    buyer, seller = users.sign_up("buyer@example.com"), users.sign_up("seller@example.com")
    register(api, buyer)
    become_expert(api, seller, skills=["python", "sql"])
    store = attachment_store()

    def add(count: int) -> None:
        for i in range(count):
            skills = [["python"], ["sql"], ["python", "sql"], ["go"]][i % 4]
            post(buyer.sub, LeadInput.model_validate(lead_body(skills=skills)), store=store, now=runtime.now())

    def items_read_for_one_page() -> int:
        dynamo_reads.calls.clear()
        page = _leads(api, seller, "limit=10")
        assert len(page["items"]) == 10
        assert "Scan" not in dynamo_reads.operations
        return dynamo_reads.items_read

    add(30)
    few = items_read_for_one_page()
    add(270)
    many = items_read_for_one_page()
    assert few == many <= 10 * 2 * 3 + 1  # page size x skills x reads per skill, and the profile's skills
    assert dynamo_reads.operations <= {"Query", "GetItem"}


def test_a_buyer_sees_sellers_whose_skills_fit_best_stars_first(api: Any, users: Users) -> None:
    buyer = users.sign_up("buyer@example.com")
    become_expert(api, buyer, slug="buyer-expert", name="The Buyer", skills=["python"])  # never matched to own lead
    sellers = {}
    for name, skills in [("Ada", ["python", "aws"]), ("Bob", ["python"]), ("Cy", ["aws"]), ("Dee", ["contract-law"]),
                         ("Eve", ["python", "sql"])]:  # fmt: skip
        user = users.sign_up(f"{name.lower()}@example.com")
        become_expert(api, user, slug=f"seller-{name.lower()}", name=name, skills=skills)
        sellers[name] = user.sub
    give_stars(sellers["Bob"], {"python": 5})
    give_stars(sellers["Ada"], {"python": 4, "aws": 5})
    give_stars(sellers["Ada"], {"python": 4, "aws": 4})
    give_stars(sellers["Cy"], {"aws": 3})
    lead = post_lead(api, buyer, skills=["python", "aws"])
    page = api.get(f"/leads/{lead['lead_id']}/sellers", headers=buyer.auth).json_body
    assert [s["name"] for s in page["items"]] == ["Bob", "Ada", "Cy", "Eve"]
    ada = page["items"][1]
    assert ada["slug"] == "seller-ada"
    assert ada["score"] == 8.5
    assert ada["skill_stars"] == [
        {"skill": "python", "average": 4.0, "count": 2}, {"skill": "aws", "average": 4.5, "count": 2},
    ]  # fmt: skip
    paged = _all_pages(api, buyer, f"/leads/{lead['lead_id']}/sellers", 1)
    assert [s["name"] for s in paged] == ["Bob", "Ada", "Cy", "Eve"]


def test_only_the_buyer_sees_a_leads_sellers(api: Any, users: Users) -> None:
    buyer, other = users.sign_up("buyer@example.com"), users.sign_up("other@example.com")
    register(api, other)
    lead = post_lead(api, buyer)
    response = api.get(f"/leads/{lead['lead_id']}/sellers", headers=other.auth)
    assert (response.status_code, response.json_body["error"]["code"]) == (403, "not_the_buyer")


def test_a_skill_taken_off_the_profile_keeps_its_stars_but_leaves_matching(api: Any, users: Users) -> None:
    buyer, ada = users.sign_up("buyer@example.com"), users.sign_up("ada@example.com")
    become_expert(api, ada, skills=["python", "aws"])
    give_stars(ada.sub, {"aws": 5})
    lead = post_lead(api, buyer, skills=["aws"])
    sellers = f"/leads/{lead['lead_id']}/sellers"
    assert [s["seller_id"] for s in api.get(sellers, headers=buyer.auth).json_body["items"]] == [ada.sub]
    become_expert(api, ada, skills=["python"])
    assert api.get(sellers, headers=buyer.auth).json_body["items"] == []
    become_expert(api, ada, skills=["python", "aws"])
    back = api.get(sellers, headers=buyer.auth).json_body["items"]
    assert back[0]["skill_stars"] == [{"skill": "aws", "average": 5.0, "count": 1}]
