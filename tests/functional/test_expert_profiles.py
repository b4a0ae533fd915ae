"""An expert writes a profile; clients read its public form by id and by link."""

from __future__ import annotations

import json
import threading
from typing import Any

import boto3
import pytest

from chalicelib import runtime
from chalicelib.errors import Conflict
from chalicelib.identity.caller import Caller
from chalicelib.profiles.save_profile import save_expert_profile
from chalicelib.profiles.schemas import ProfileInput
from infra.local.provision import LocalAws
from tests.functional.builders import become_expert, profile_body, register
from tests.functional.conftest import Users
from tests.functional.presence_cast import connect_device


def _put_profile(api: Any, auth: dict[str, str], **changes: Any) -> Any:
    return api.put("/experts/me", headers=auth, body=json.dumps(profile_body(**changes)))


def _upload(api: Any, aws: LocalAws, auth: dict[str, str], purpose: str, content_type: str, data: bytes) -> str:
    ticket = api.post(
        "/uploads", headers=auth,
        body=json.dumps({"purpose": purpose, "content_type": content_type, "size_bytes": len(data)}),
    ).json_body  # fmt: skip
    s3 = boto3.client("s3", endpoint_url=aws.endpoint_url, region_name=aws.region)
    s3.put_object(Bucket=aws.media_bucket, Key=ticket["key"], Body=data, ContentType=content_type)
    return str(ticket["key"])


def test_a_new_profile_is_public_by_id_and_by_link(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    by_id = api.get(f"/experts/{ada.sub}").json_body
    by_slug = api.get("/experts/by-slug/ada-lovelace").json_body
    assert by_id == by_slug
    assert by_id["name"] == "Ada Lovelace"
    assert by_id["rate_per_minute"] == 300
    assert by_id["free_minutes"] == 5
    assert by_id["presence"] == "offline"


def test_the_public_profile_never_shows_private_fields(api: Any, users: Users, aws: LocalAws) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    document = _upload(api, aws, ada.auth, "verification_document", "application/pdf", b"%PDF-1.4 passport")
    assert _put_profile(api, ada.auth, verification_document_keys=[document]).status_code == 200
    public = json.dumps(api.get(f"/experts/{ada.sub}").json_body)
    assert document not in public
    assert "verification" not in public
    assert "ada@example.com" not in public
    own = api.get("/experts/me", headers=ada.auth).json_body
    assert own["verification_document_keys"] == [document]


def test_creating_a_profile_makes_the_account_an_expert(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    assert api.get("/accounts/me", headers=ada.auth).json_body["roles"] == ["client", "expert"]


def test_a_profile_needs_a_registered_account(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    response = _put_profile(api, ada.auth)
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "account_not_found"


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("description", "Write to me at ada@example.com for a discount."),
        ("offering", "Call +44 20 7946 0958 any time."),
        ("advice_on", "Everything on https://ada.example.org"),
        ("job_title", "Founder of adalovelace.com"),
    ],
)
def test_contact_details_in_profile_text_are_refused_naming_the_field(
    api: Any, users: Users, field: str, text: str
) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    response = _put_profile(api, ada.auth, **{field: text})
    assert response.status_code == 400
    error = response.json_body["error"]
    assert error["code"] == "contact_details_not_allowed"
    assert error["fields"][0]["field"] == field
    assert api.get("/experts/me", headers=ada.auth).status_code == 404  # nothing was written


def test_offering_and_description_are_limited_to_500_characters(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    assert _put_profile(api, ada.auth, description="x" * 500).status_code == 200
    response = _put_profile(api, ada.auth, offering="x" * 501)
    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["field"] == "offering"


def test_a_profile_needs_a_rate_and_a_supported_currency(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    assert _put_profile(api, ada.auth, rate_per_minute=None).json_body["error"]["code"] == "rate_required"
    response = _put_profile(api, ada.auth, currency="JPY")
    assert response.json_body["error"]["fields"][0]["field"] == "currency"
    assert _put_profile(api, ada.auth, rate_per_minute=None, hourly_rate=12000, currency="CHF").status_code == 200


def test_a_taken_profile_link_is_refused(api: Any, users: Users) -> None:
    ada, bob = users.sign_up("ada@example.com"), users.sign_up("bob@example.com")
    become_expert(api, ada)
    register(api, bob)
    response = _put_profile(api, bob.auth, name="Bob")
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "slug_taken"
    assert api.get("/experts/me", headers=bob.auth).status_code == 404  # nothing half-written


def test_changing_the_link_frees_the_old_one(api: Any, users: Users) -> None:
    ada, bob = users.sign_up("ada@example.com"), users.sign_up("bob@example.com")
    become_expert(api, ada)
    assert _put_profile(api, ada.auth, slug="countess-ada").status_code == 200
    assert api.get("/experts/by-slug/ada-lovelace").status_code == 404
    assert api.get("/experts/by-slug/countess-ada").json_body["expert_id"] == ada.sub
    become_expert(api, bob, slug="ada-lovelace", name="Bob")
    assert api.get("/experts/by-slug/ada-lovelace").json_body["expert_id"] == bob.sub


def test_two_experts_claiming_one_link_at_once_exactly_one_wins(api: Any, users: Users) -> None:
    contenders = [users.sign_up(f"expert{i}@example.com") for i in range(2)]
    for user in contenders:
        register(api, user)
    barrier = threading.Barrier(len(contenders))
    outcomes: list[str] = []

    def claim(user: Any) -> None:
        data = ProfileInput.model_validate(profile_body(name=user.email.split("@")[0]))
        caller = Caller(user.sub, user.email)
        barrier.wait()
        try:
            save_expert_profile(caller, data, files=runtime.file_store(), media_base_url="http://m", now=runtime.now())
            outcomes.append("won")
        except Conflict as error:
            outcomes.append(error.code)

    threads = [threading.Thread(target=claim, args=(user,)) for user in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["slug_taken", "won"]
    holder = api.get("/experts/by-slug/ada-lovelace").json_body["expert_id"]
    loser = next(u for u in contenders if u.sub != holder)
    assert api.get(f"/experts/{loser.sub}").status_code == 404


def test_a_photo_uploaded_through_a_presigned_post_shows_on_the_profile(api: Any, users: Users, aws: LocalAws) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    photo = _upload(api, aws, ada.auth, "photo", "image/png", b"\x89PNG fake")
    assert _put_profile(api, ada.auth, photo_key=photo).status_code == 200
    assert api.get(f"/experts/{ada.sub}").json_body["photo_url"] == f"{aws.media_base_url}/{photo}"


def test_a_file_key_that_was_never_uploaded_is_refused(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    response = _put_profile(api, ada.auth, photo_key=f"public/{ada.sub}/photo/nothing.png")
    assert response.status_code == 422
    assert response.json_body["error"]["code"] == "upload_missing"


def test_someone_elses_upload_cannot_be_used(api: Any, users: Users, aws: LocalAws) -> None:
    ada, eve = users.sign_up("ada@example.com"), users.sign_up("eve@example.com")
    register(api, ada)
    register(api, eve)
    photo = _upload(api, aws, ada.auth, "photo", "image/png", b"\x89PNG ada")
    response = _put_profile(api, eve.auth, slug="eve-x", photo_key=photo)
    assert response.json_body["error"]["code"] == "invalid_upload_key"


def test_uploads_refuse_wrong_types_and_oversized_files(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    wrong_type = {"purpose": "photo", "content_type": "application/x-msdownload", "size_bytes": 10}
    too_big = {"purpose": "photo", "content_type": "image/jpeg", "size_bytes": 50 * 1024 * 1024}
    assert api.post("/uploads", headers=ada.auth, body=json.dumps(wrong_type)).json_body["error"]["code"] == (
        "unsupported_content_type"
    )
    assert api.post("/uploads", headers=ada.auth, body=json.dumps(too_big)).json_body["error"]["code"] == (
        "file_too_large"
    )


def test_the_presigned_post_is_signed_for_the_uploaders_own_prefix_and_the_size_limit(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    ticket = api.post(
        "/uploads", headers=ada.auth,
        body=json.dumps({"purpose": "photo", "content_type": "image/png", "size_bytes": 100}),
    ).json_body  # fmt: skip
    conditions = json.dumps(ticket["fields"])
    assert ticket["key"].startswith(f"public/{ada.sub}/photo/")
    assert ticket["max_bytes"] == 5 * 1024 * 1024
    assert "policy" in conditions.lower()


def test_an_expert_goes_online_and_offline(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    connect_device(ada)
    assert api.put("/experts/me/presence", headers=ada.auth, body='{"status": "online"}').json_body == {
        "presence": "online",
        "intent": "online",
    }
    assert api.get(f"/experts/{ada.sub}").json_body["presence"] == "online"
    api.put("/experts/me/presence", headers=ada.auth, body='{"status": "offline"}')
    assert api.get(f"/experts/{ada.sub}").json_body["presence"] == "offline"


def test_busy_cannot_be_set_by_hand(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    become_expert(api, ada)
    response = api.put("/experts/me/presence", headers=ada.auth, body='{"status": "busy"}')
    assert response.status_code == 400


def test_renaming_onto_someone_elses_link_is_refused_as_taken(api: Any, users: Users) -> None:
    ada, bob = users.sign_up("ada@example.com"), users.sign_up("bob@example.com")
    become_expert(api, ada)
    become_expert(api, bob, slug="bob-builder", name="Bob")
    response = _put_profile(api, bob.auth, name="Bob")  # bob asks for ada-lovelace, holding bob-builder
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "slug_taken"
    assert api.get("/experts/by-slug/bob-builder").json_body["expert_id"] == bob.sub
