"""Articles and documents experts publish: worth reputation once, edits keep their history, removal gives
the points back once, and only an expert's own uploads of the document kind are published."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
import urllib3

from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.reputation.points import ARTICLE_POINTS, DOCUMENT_POINTS
from infra.local.provision import LocalAws
from tests.functional.builders import become_expert, register
from tests.functional.conftest import User, Users

BODY = "Most first calls go better with one page of notes: what you tried, what you measured, what you want next."


def article_body(**changes: Any) -> dict[str, Any]:
    return {"title": "How to prepare for a first call", "body": BODY, "category": "technology",
            "tags": ["consulting"]} | changes  # fmt: skip


def publish(api: Any, who: User, key: str | None = None, **changes: Any) -> Any:
    headers = who.auth | ({"Idempotency-Key": key} if key else {})
    return api.post("/articles", headers=headers, body=json.dumps(article_body(**changes)))


def reputation(expert: User) -> int:
    return int(ExpertProfile.get(expert.sub, consistent_read=True).reputation or 0)


def upload_document(
    api: Any, who: User, content_type: str = "application/pdf", content: bytes = b"%PDF-1.7 checklist"
) -> str:
    """A file uploaded as the app does it: a presigned POST from the API, then straight to S3."""
    body = {"purpose": "document", "content_type": content_type, "size_bytes": len(content)}
    made = api.post("/uploads", headers=who.auth, body=json.dumps(body))
    assert made.status_code == 201, made.json_body
    ticket = made.json_body
    fields = dict(ticket["fields"]) | {"file": ("checklist", content, content_type)}
    response = urllib3.request("POST", ticket["url"], fields=fields)
    assert response.status in (200, 201, 204), response.data
    return str(ticket["key"])


def publish_document(api: Any, who: User, upload_key: str, title: str = "Migration checklist") -> Any:
    body = {"title": title, "description": "Two pages.", "upload_key": upload_key, "file_name": "checklist.pdf"}
    return api.post("/documents", headers=who.auth, body=json.dumps(body))


@pytest.fixture
def expert(api: Any, users: Users) -> User:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    return ada


def test_a_published_article_is_on_the_experts_list_and_earns_its_points(api: Any, expert: User) -> None:
    made = publish(api, expert)
    assert made.status_code == 201, made.json_body
    article = made.json_body
    assert (article["revision"], article["upvotes"], article["downvotes"]) == (1, 0, 0)
    assert reputation(expert) == ARTICLE_POINTS == 5
    listed = api.get(f"/experts/{expert.sub}/articles")
    assert listed.status_code == 200
    assert [item["article_id"] for item in listed.json_body["items"]] == [article["article_id"]]
    assert listed.json_body["items"][0]["excerpt"] == BODY
    assert api.get(f"/articles/{article['article_id']}").json_body["body"] == BODY
    assert api.get(f"/experts/{expert.sub}").json_body["reputation"] == 5


def test_a_retry_with_the_same_idempotency_key_publishes_once(api: Any, expert: User) -> None:
    first = publish(api, expert, key="k-1")
    again = publish(api, expert, key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json_body["article_id"] == first.json_body["article_id"]
    assert reputation(expert) == ARTICLE_POINTS
    other = publish(api, expert, key="k-1", title="A different article altogether")
    assert other.status_code == 409
    assert other.json_body["error"]["code"] == "idempotency_key_reused"
    assert len(api.get(f"/experts/{expert.sub}/articles").json_body["items"]) == 1


def test_only_experts_publish_and_contact_details_are_refused(api: Any, users: Users, expert: User) -> None:
    grace = users.sign_up("grace@example.com")
    assert register(api, grace).status_code == 201
    refused = publish(api, grace)
    assert refused.status_code == 403
    assert refused.json_body["error"]["code"] == "not_an_expert"
    contact = publish(api, expert, body=BODY + " Write to me at ada@example.com for more.")
    assert contact.status_code == 400
    assert contact.json_body["error"]["code"] == "contact_details"
    assert publish(api, expert, title="Hi").status_code == 400
    assert publish(api, expert, body="Too short.").status_code == 400
    assert publish(api, expert, tags=["a", "b", "c", "d", "e", "f"]).status_code == 400
    assert publish(api, expert, category="not-a-category").status_code == 400
    assert reputation(expert) == 0


def test_an_edit_keeps_the_replaced_text_in_the_history(api: Any, users: Users, expert: User) -> None:
    article_id = publish(api, expert).json_body["article_id"]
    longer = BODY + " And bring the numbers."
    edited = api.patch(f"/articles/{article_id}", headers=expert.auth, body=json.dumps({"body": longer}))
    assert edited.status_code == 200, edited.json_body
    assert (edited.json_body["revision"], edited.json_body["body"]) == (2, longer)
    retitled = api.patch(
        f"/articles/{article_id}", headers=expert.auth, body=json.dumps({"title": "Preparing a first call"})
    )
    assert retitled.json_body["revision"] == 3
    history = api.get(f"/articles/{article_id}/revisions").json_body
    assert history["revision"] == 3
    assert [(r["revision"], r["title"], r["body"]) for r in history["items"]] == [
        (2, "How to prepare for a first call", longer),
        (1, "How to prepare for a first call", BODY),
    ]
    grace = users.sign_up("grace@example.com")
    assert register(api, grace).status_code == 201
    foreign = api.patch(f"/articles/{article_id}", headers=grace.auth, body=json.dumps({"title": "Mine now, really"}))
    assert foreign.status_code == 403
    assert foreign.json_body["error"]["code"] == "not_the_author"
    contact = api.patch(
        f"/articles/{article_id}", headers=expert.auth, body=json.dumps({"body": BODY + " Call +44 20 7946 0958."})
    )
    assert contact.status_code == 400
    assert reputation(expert) == ARTICLE_POINTS


def test_a_removed_article_is_hidden_and_its_points_go_back_once(api: Any, users: Users, expert: User) -> None:
    article_id = publish(api, expert).json_body["article_id"]
    grace = users.sign_up("grace@example.com")
    assert register(api, grace).status_code == 201
    assert api.delete(f"/articles/{article_id}", headers=grace.auth).status_code == 403
    removed = api.delete(f"/articles/{article_id}", headers=expert.auth)
    assert removed.status_code == 200, removed.json_body
    assert removed.json_body["removed_at"] is not None
    assert reputation(expert) == 0
    assert api.delete(f"/articles/{article_id}", headers=expert.auth).status_code == 404
    assert reputation(expert) == 0
    assert api.get(f"/articles/{article_id}").status_code == 404
    assert api.get(f"/experts/{expert.sub}/articles").json_body["items"] == []
    assert api.get(f"/admin/articles/{article_id}", headers=grace.auth).status_code == 403
    admin = users.sign_up("root@example.com", admin=True)
    seen = api.get(f"/admin/articles/{article_id}", headers=admin.auth)
    assert seen.status_code == 200
    assert seen.json_body["removed_at"] is not None


def test_an_admin_removes_an_article(api: Any, users: Users, expert: User) -> None:
    article_id = publish(api, expert).json_body["article_id"]
    admin = users.sign_up("root@example.com", admin=True)
    assert register(api, admin).status_code == 201
    assert api.delete(f"/articles/{article_id}", headers=admin.auth).status_code == 200
    assert reputation(expert) == 0


def test_an_experts_articles_are_newest_first_and_paginated(api: Any, expert: User) -> None:
    ids = [publish(api, expert, title=f"Article number {n}").json_body["article_id"] for n in range(3)]
    first = api.get(f"/experts/{expert.sub}/articles?limit=2").json_body
    assert [item["article_id"] for item in first["items"]] == [ids[2], ids[1]]
    rest = api.get(f"/experts/{expert.sub}/articles?limit=2&cursor={first['next_cursor']}").json_body
    assert [item["article_id"] for item in rest["items"]] == [ids[0]]
    assert api.get(f"/experts/{expert.sub}/articles?cursor=junk").status_code == 422
    assert api.get("/experts/nobody/articles").status_code == 404
    assert reputation(expert) == 3 * ARTICLE_POINTS


def test_a_pdf_upload_is_published_as_a_document_once(api: Any, expert: User) -> None:
    key = upload_document(api, expert)
    made = publish_document(api, expert, key)
    assert made.status_code == 201, made.json_body
    assert (made.json_body["content_type"], made.json_body["file_name"]) == ("application/pdf", "checklist.pdf")
    assert publish_document(api, expert, key).json_body["document_id"] == made.json_body["document_id"]
    assert reputation(expert) == DOCUMENT_POINTS
    listed = api.get(f"/experts/{expert.sub}/documents").json_body["items"]
    assert [d["document_id"] for d in listed] == [made.json_body["document_id"]]
    downloaded = urllib3.request("GET", listed[0]["download_url"])
    assert downloaded.status == 200
    assert downloaded.data == b"%PDF-1.7 checklist"


def test_documents_are_refused_unless_the_callers_own_present_upload_of_an_allowed_type(
    api: Any, users: Users, aws: LocalAws, expert: User
) -> None:
    exe = api.post(
        "/uploads", headers=expert.auth,
        body=json.dumps({"purpose": "document", "content_type": "application/x-msdownload", "size_bytes": 10}),
    )  # fmt: skip
    assert exe.status_code == 400
    assert exe.json_body["error"]["code"] == "unsupported_content_type"
    sneaked = f"private/{expert.sub}/document/tool.exe"
    s3 = boto3.client("s3", endpoint_url=aws.endpoint_url, region_name=aws.region)
    s3.put_object(Bucket=aws.media_bucket, Key=sneaked, Body=b"MZ", ContentType="application/x-msdownload")
    refused = publish_document(api, expert, sneaked)
    assert refused.status_code == 422
    assert refused.json_body["error"]["code"] == "attachment_not_allowed"

    rival = users.sign_up("rival@example.com")
    become_expert(api, rival, slug="rival-expert", name="Rival")
    theirs = upload_document(api, rival)
    assert publish_document(api, expert, theirs).json_body["error"]["code"] == "attachment_not_yours"
    message_file = upload_document(api, expert).replace("/document/", "/message_attachment/")
    assert publish_document(api, expert, message_file).json_body["error"]["code"] == "attachment_not_yours"
    missing = publish_document(api, expert, f"private/{expert.sub}/document/never-sent.pdf")
    assert missing.status_code == 422
    assert missing.json_body["error"]["code"] == "attachment_missing"
    assert reputation(expert) == 0

    client = users.sign_up("grace@example.com")
    assert register(api, client).status_code == 201
    assert publish_document(api, client, upload_document(api, client)).json_body["error"]["code"] == "not_an_expert"


def test_a_removed_document_is_hidden_and_its_points_go_back_once(api: Any, users: Users, expert: User) -> None:
    document_id = publish_document(api, expert, upload_document(api, expert)).json_body["document_id"]
    grace = users.sign_up("grace@example.com")
    assert register(api, grace).status_code == 201
    assert api.delete(f"/documents/{document_id}", headers=grace.auth).status_code == 403
    assert api.delete(f"/documents/{document_id}", headers=expert.auth).status_code == 200
    assert api.delete(f"/documents/{document_id}", headers=expert.auth).status_code == 404
    assert reputation(expert) == 0
    assert api.get(f"/experts/{expert.sub}/documents").json_body["items"] == []
