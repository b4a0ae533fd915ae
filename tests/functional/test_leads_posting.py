"""A buyer posts a lead, edits it while it is open, closes it before hiring, and finds it under My Leads."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3

from infra.local.provision import LocalAws
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users
from tests.functional.lead_builders import lead_body, post_lead


def _upload(
    api: Any, aws: LocalAws, user: User, content_type: str, data: bytes, purpose: str = "lead_attachment"
) -> str:
    ticket = api.post(
        "/uploads", headers=user.auth,
        body=json.dumps({"purpose": purpose, "content_type": content_type, "size_bytes": len(data)}),
    )  # fmt: skip
    assert ticket.status_code == 201, ticket.json_body
    key = str(ticket.json_body["key"])
    s3 = boto3.client("s3", endpoint_url=aws.endpoint_url, region_name=aws.region)
    s3.put_object(Bucket=aws.media_bucket, Key=key, Body=data, ContentType=content_type)
    return key


def _fields(response: Any, status: int = 400) -> dict[str, str]:
    """The problems by field: 400 for what the document refuses, 422 for what fits it but cannot be used."""
    assert response.status_code == status, response.json_body
    return {problem["field"]: problem["code"] for problem in response.json_body["error"]["fields"]}


def _mine(api: Any, user: User, query: str = "") -> dict[str, Any]:
    response = api.get(f"/leads/mine?{query}", headers=user.auth)
    assert response.status_code == 200, response.json_body
    return dict(response.json_body)


def test_a_registered_buyer_posts_a_lead_and_finds_it_open_under_my_leads(api: Any, users: Users) -> None:
    buyer = users.sign_up("buyer@example.com")
    lead = post_lead(api, buyer)
    assert lead["status"] == "open"
    assert lead["stage"] == "open"
    assert lead["buyer_id"] == buyer.sub
    assert (lead["skills"], lead["budget"], lead["currency"]) == (["python", "aws"], 150_000, "USD")
    assert lead["wished_deadline"] == "2099-01-31"
    assert lead["created_at"].endswith("Z")
    assert lead["seller_id"] is None
    assert api.get(f"/leads/{lead['lead_id']}", headers=buyer.auth).json_body == lead
    assert [item["lead_id"] for item in _mine(api, buyer)["items"]] == [lead["lead_id"]]
    assert _mine(api, buyer, "stage=ended")["items"] == []


def test_posting_needs_a_registered_account_and_a_token(api: Any, users: Users) -> None:
    stranger = users.sign_up("stranger@example.com")
    response = api.post("/leads", headers=stranger.auth, body=json.dumps(lead_body()))
    assert (response.status_code, response.json_body["error"]["code"]) == (404, "account_not_found")
    assert api.post("/leads", body=json.dumps(lead_body())).status_code == 401


def test_every_bad_field_of_a_lead_is_named(api: Any, users: Users) -> None:
    buyer = users.sign_up("buyer@example.com")
    register(api, buyer)
    bad = lead_body(
        title="Fix", description="x" * 5001, skills=["python", "astrology"], budget=10_000_001, currency="JPY"
    )
    assert _fields(api.post("/leads", headers=buyer.auth, body=json.dumps(bad))) == {
        "title": "string_too_short",
        "description": "string_too_long",
        "skills.1": "unknown_skill",
        "budget": "less_than_equal",
        "currency": "literal_error",
    }
    for changes, field in [
        ({"budget": 0}, "budget"), ({"budget": 12.5}, "budget"), ({"skills": []}, "skills"),
        ({"skills": ["python"] * 11}, "skills"), ({"title": "t" * 121}, "title"),
    ]:  # fmt: skip
        assert field in _fields(api.post("/leads", headers=buyer.auth, body=json.dumps(lead_body(**changes))))
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    past = api.post("/leads", headers=buyer.auth, body=json.dumps(lead_body(wished_deadline=yesterday)))
    assert _fields(past, 422) == {"wished_deadline": "deadline_in_past"}


def test_attachments_are_the_buyers_own_uploaded_files_and_only_participants_get_links(
    api: Any, users: Users, aws: LocalAws
) -> None:
    buyer, other = users.sign_up("buyer@example.com"), users.sign_up("other@example.com")
    register(api, buyer), register(api, other)
    brief = _upload(api, aws, buyer, "application/pdf", b"%PDF-1.4 brief")
    sheet = _upload(
        api, aws, buyer, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04 sheet"
    )
    theirs = _upload(api, aws, other, "application/pdf", b"%PDF-1.4 not yours")
    never_uploaded = brief.rsplit("/", 1)[0] + "/0123456789abcdef.pdf"
    refused = api.post(
        "/leads", headers=buyer.auth,
        body=json.dumps(lead_body(attachments=[{"key": theirs, "file_name": "a.pdf"},
                                               {"key": never_uploaded, "file_name": "b.pdf"}])),
    )  # fmt: skip
    assert _fields(refused, 422) == {
        "attachments.0.key": "attachment_not_yours",
        "attachments.1.key": "attachment_missing",
    }
    files = [{"key": brief, "file_name": "brief.pdf"}, {"key": sheet, "file_name": "numbers.xlsx"}]
    lead = post_lead(api, buyer, attachments=files)
    assert [a["content_type"] for a in lead["attachments"]] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ]
    assert all("X-Amz-Signature" in a["download_url"] or "Signature" in a["download_url"] for a in lead["attachments"])
    seen_by_other = api.get(f"/leads/{lead['lead_id']}", headers=other.auth).json_body
    assert [a["file_name"] for a in seen_by_other["attachments"]] == ["brief.pdf", "numbers.xlsx"]
    assert all("download_url" not in a for a in seen_by_other["attachments"])


def test_lead_uploads_refuse_other_types_and_files_over_20_mb(api: Any, users: Users) -> None:
    buyer = users.sign_up("buyer@example.com")

    def ask(content_type: str, size: int) -> Any:
        body = {"purpose": "lead_attachment", "content_type": content_type, "size_bytes": size}
        return api.post("/uploads", headers=buyer.auth, body=json.dumps(body))

    assert ask("application/zip", 20 * 1024 * 1024).status_code == 201
    assert ask("application/zip", 20 * 1024 * 1024 + 1).json_body["error"]["code"] == "file_too_large"
    assert ask("video/mp4", 1000).json_body["error"]["code"] == "unsupported_content_type"


def test_the_buyer_edits_an_open_lead_and_search_follows_its_new_skills(api: Any, users: Users) -> None:
    buyer, seller = users.sign_up("buyer@example.com"), users.sign_up("seller@example.com")
    register(api, seller)
    lead = post_lead(api, buyer, skills=["python"])
    edited = api.put(
        f"/leads/{lead['lead_id']}", headers=buyer.auth,
        body=json.dumps(lead_body(title="Port our billing jobs to Go", skills=["go", "aws"], budget=90_000)),
    )  # fmt: skip
    assert edited.status_code == 200, edited.json_body
    assert (edited.json_body["title"], edited.json_body["skills"], edited.json_body["budget"]) == (
        "Port our billing jobs to Go", ["go", "aws"], 90_000,
    )  # fmt: skip
    assert edited.json_body["created_at"] == lead["created_at"]
    assert api.get("/leads?skill=python", headers=seller.auth).json_body["items"] == []
    found = api.get("/leads?skill=go", headers=seller.auth).json_body["items"]
    assert [(item["title"], item["budget"]) for item in found] == [("Port our billing jobs to Go", 90_000)]


def test_only_the_buyer_edits_or_closes_a_lead(api: Any, users: Users) -> None:
    buyer, other = users.sign_up("buyer@example.com"), users.sign_up("other@example.com")
    register(api, other)
    lead = post_lead(api, buyer)
    edit = api.put(f"/leads/{lead['lead_id']}", headers=other.auth, body=json.dumps(lead_body(title="Mine now!")))
    close = api.post(f"/leads/{lead['lead_id']}/close", headers=other.auth)
    assert (edit.status_code, edit.json_body["error"]["code"]) == (403, "not_the_buyer")
    assert (close.status_code, close.json_body["error"]["code"]) == (403, "not_the_buyer")
    assert api.get(f"/leads/{lead['lead_id']}", headers=buyer.auth).json_body["title"] == lead["title"]


def test_a_closed_lead_ends_leaves_search_and_is_hidden_from_everyone_but_its_buyer(api: Any, users: Users) -> None:
    buyer, seller = users.sign_up("buyer@example.com"), users.sign_up("seller@example.com")
    become_expert(api, seller, skills=["python"])
    lead = post_lead(api, buyer)
    assert [item["lead_id"] for item in api.get("/leads", headers=seller.auth).json_body["items"]] == [lead["lead_id"]]
    closed = api.post(f"/leads/{lead['lead_id']}/close", headers=buyer.auth)
    assert closed.status_code == 200, closed.json_body
    assert (closed.json_body["status"], closed.json_body["stage"]) == ("closed", "ended")
    assert api.get("/leads", headers=seller.auth).json_body["items"] == []
    hidden = api.get(f"/leads/{lead['lead_id']}", headers=seller.auth)
    assert (hidden.status_code, hidden.json_body["error"]["code"]) == (404, "lead_not_found")
    assert [item["status"] for item in _mine(api, buyer, "stage=ended")["items"]] == ["closed"]
    assert _mine(api, buyer, "stage=open")["items"] == []
    again = api.post(f"/leads/{lead['lead_id']}/close", headers=buyer.auth)
    edit = api.put(f"/leads/{lead['lead_id']}", headers=buyer.auth, body=json.dumps(lead_body()))
    assert (again.status_code, again.json_body["status"]) == (200, "closed")  # a retried close changes nothing
    assert (edit.status_code, edit.json_body["error"]["code"]) == (409, "lead_not_open")


def test_an_unknown_lead_is_404(api: Any, users: Users) -> None:
    buyer = users.sign_up("buyer@example.com")
    response = api.get("/leads/no-such-lead", headers=buyer.auth)
    assert (response.status_code, response.json_body["error"]["code"]) == (404, "lead_not_found")


def test_my_leads_come_by_stage_newest_first_page_by_page(api: Any, users: Users) -> None:
    from chalicelib.leads import states
    from chalicelib.models.lead import Lead

    buyer, other = users.sign_up("buyer@example.com"), users.sign_up("other@example.com")
    ids = [post_lead(api, buyer, title=f"Lead number {i}")["lead_id"] for i in range(5)]
    post_lead(api, other, title="Someone else's lead")
    for lead_id, status in [(ids[0], states.IN_PROGRESS), (ids[1], states.COMPLETED)]:  # as hiring would move them
        lead = Lead.get(lead_id)
        lead.update(
            actions=[
                Lead.status.set(status),
                Lead.buyer_stage.set(states.buyer_stage_key(status, lead.created_at, lead_id)),
            ]
        )
    seen, cursor = [], None
    for _ in range(5):
        page = _mine(api, buyer, "stage=open&limit=2" + (f"&cursor={cursor}" if cursor else ""))
        seen += [item["lead_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [ids[4], ids[3], ids[2]]
    assert [item["lead_id"] for item in _mine(api, buyer, "stage=in_progress")["items"]] == [ids[0]]
    assert [item["lead_id"] for item in _mine(api, buyer, "stage=completed")["items"]] == [ids[1]]
    first = _mine(api, buyer, "stage=open&limit=1")["next_cursor"]
    assert api.get(f"/leads/mine?stage=completed&cursor={first}", headers=buyer.auth).status_code == 422
    assert api.get(f"/leads/mine?stage=open&cursor={first}", headers=other.auth).status_code == 422
    assert _fields(api.get("/leads/mine?stage=hired&limit=0", headers=buyer.auth)) == {
        "stage": "invalid_stage", "limit": "invalid_number",
    }  # fmt: skip


def test_a_lead_takes_its_attachments_in_the_shape_the_document_gives_for_them(
    api: Any, users: Users, aws: LocalAws
) -> None:
    buyer = users.sign_up("buyer@example.com")
    register(api, buyer)
    schemas = api.get("/openapi.json").json_body["components"]["schemas"]
    attachment = schemas[schemas["LeadInput"]["properties"]["attachments"]["items"]["$ref"].split("/")[-1]]
    key = _upload(api, aws, buyer, "application/pdf", b"%PDF-1.4 brief")
    sent = {"key": key} | {name: "brief.pdf" for name in attachment["required"] if name != "key"}
    lead = post_lead(api, buyer, attachments=[sent])
    assert [{name: a[name] for name in sent} for a in lead["attachments"]] == [sent]
