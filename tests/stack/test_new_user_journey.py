"""A new user's first visit, against the running local stack, with real Cognito tokens.

They sign up through Cognito (moto), are confirmed, sign in, register their account,
write an expert profile, upload a photo straight to S3 with the presigned POST the
API hands out, set it on the profile and go online. Then anyone, without signing
in, finds them by search, by profile link and by id, sees the photo, and sees none
of the private fields.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
import requests
from websockets.sync.client import connect

from infra.local.demo_data import png
from tests.stack.conftest import eventually

if TYPE_CHECKING:
    from tests.stack.conftest import LocalStack

pytestmark = pytest.mark.stack

PASSWORD = "Journey-test-2026"
SEARCH_WAIT_SECONDS = 10.0


@dataclass(frozen=True)
class Journey:
    email: str
    id_token: str
    access_token: str
    expert_id: str
    slug: str
    photo: bytes
    photo_key: str
    verification_key: str
    signed_up: dict[str, Any]
    own_profile: dict[str, Any]


def expect(response: requests.Response, status: int, step: str) -> Any:
    assert response.status_code == status, (
        f"{step}: expected HTTP {status}, got {response.status_code} from "
        f"{response.request.method} {response.url}: {response.text[:800]}"
    )
    return response.json() if response.content else None


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def post_to_s3(ticket: dict[str, Any], filename: str, data: bytes, content_type: str) -> requests.Response:
    """Send the file to S3 as a browser form would: the presigned fields, then the file."""
    return requests.post(
        ticket["url"], data=ticket["fields"], files={"file": (filename, data, content_type)}, timeout=30
    )


def profile_body(slug: str, **changes: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": "Noor Haddad",
        "job_title": "Immigration lawyer",
        "company": "Haddad Legal",
        "advice_on": "visas, residence permits and citizenship applications",
        "offering": "A check of your application before you send it",
        "description": "Ten years of helping families and employers through immigration law.",
        "categories": ["law"],
        "tags": ["immigration", "visas"],
        "languages": ["en", "ar"],
        "currency": "USD",
        "rate_per_minute": 300,
        "hourly_rate": 15000,
        "free_minutes": 5,
        "skills": ["casework", "appeals"],
        "education": [{"institution": "SOAS University of London", "qualification": "LLM", "field": "Law"}],
    } | changes


def until(check: Callable[[], Any], what: str, seconds: float = SEARCH_WAIT_SECONDS) -> Any:
    return eventually(what, check, seconds)


@pytest.fixture(scope="module")
def journey(local_stack: LocalStack) -> Iterator[Journey]:
    api = local_stack.api_url
    cognito = local_stack.cognito()
    run = uuid.uuid4().hex[:8]
    email = f"noor.{run}@journey.parley.test"
    slug = f"noor-haddad-{run}"

    signed_up = cognito.sign_up(
        ClientId=local_stack.web_client_id,
        Username=email,
        Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    cognito.admin_confirm_sign_up(UserPoolId=local_stack.user_pool_id, Username=email)
    tokens = cognito.initiate_auth(
        ClientId=local_stack.web_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    me = bearer(tokens["IdToken"])

    expect(
        requests.post(f"{api}/accounts/me", json={"kind": "individual", "display_name": "Noor Haddad"},
                      headers=me, timeout=30),
        201, "register the account",
    )  # fmt: skip
    expect(requests.put(f"{api}/experts/me", json=profile_body(slug), headers=me, timeout=30), 200, "write the profile")

    document = b"%PDF-1.4\n% a verification document\n"
    ticket = expect(
        requests.post(f"{api}/uploads", headers=me, timeout=30, json={
            "purpose": "verification_document", "content_type": "application/pdf", "size_bytes": len(document)}),
        201, "ask for a verification-document upload",
    )  # fmt: skip
    assert post_to_s3(ticket, "passport.pdf", document, "application/pdf").status_code in (200, 201, 204)
    verification_key = ticket["key"]

    photo = png((120, 60, 40))
    ticket = expect(
        requests.post(f"{api}/uploads", headers=me, timeout=30,
                      json={"purpose": "photo", "content_type": "image/png", "size_bytes": len(photo)}),
        201, "ask for a photo upload",
    )  # fmt: skip
    assert ticket["url"].startswith(local_stack.moto_url), ticket["url"]
    uploaded = post_to_s3(ticket, "noor.png", photo, "image/png")
    assert uploaded.status_code in (200, 201, 204), uploaded.text
    photo_key = ticket["key"]

    body = profile_body(slug, photo_key=photo_key, verification_document_keys=[verification_key])
    own = expect(requests.put(f"{api}/experts/me", json=body, headers=me, timeout=30), 200, "set the photo")
    # presence follows open connections: the expert's page keeps its WebSocket open while the module's tests run
    with connect(f"{local_stack.info['ws_url']}?token={tokens['IdToken']}"):
        said = expect(
            requests.put(f"{api}/experts/me/presence", json={"status": "online"}, headers=me, timeout=30),
            200, "go online",
        )  # fmt: skip
        assert said == {"presence": "online", "intent": "online"}
        yield Journey(
            email=email,
            id_token=tokens["IdToken"],
            access_token=tokens["AccessToken"],
            expert_id=own["expert_id"],
            slug=slug,
            photo=photo,
            photo_key=photo_key,
            verification_key=verification_key,
            signed_up=signed_up,
            own_profile=own,
        )


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_the_stack_answers_health_on_loopback(local_stack: LocalStack) -> None:
    assert local_stack.api_url.startswith("http://127.0.0.1:")
    assert requests.get(f"{local_stack.api_url}/health", timeout=10).json() == {"status": "ok"}


def test_a_new_user_signs_up_with_cognito_and_the_api_accepts_their_real_tokens(
    local_stack: LocalStack, journey: Journey
) -> None:
    assert journey.signed_up["UserConfirmed"] is False  # confirmed afterwards, as by the e-mail link
    id_claims = claims(journey.id_token)
    assert id_claims["email"] == journey.email
    assert id_claims["aud"] == local_stack.web_client_id
    assert id_claims["iss"].endswith(local_stack.user_pool_id)
    assert id_claims["sub"] == journey.expert_id

    api = local_stack.api_url
    for token in (journey.id_token, journey.access_token):
        account = expect(requests.get(f"{api}/accounts/me", headers=bearer(token), timeout=30), 200, "read my account")
        assert account["display_name"] == "Noor Haddad"


def test_the_api_refuses_a_missing_or_forged_token(local_stack: LocalStack, journey: Journey) -> None:
    api = local_stack.api_url
    assert requests.get(f"{api}/experts/me", timeout=30).status_code == 401
    header, _payload, signature = journey.id_token.split(".")
    forged_claims = claims(journey.id_token) | {"sub": str(uuid.uuid4())}
    forged_payload = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=")
    forged = f"{header}.{forged_payload}.{signature}"
    assert requests.get(f"{api}/experts/me", headers=bearer(forged), timeout=30).status_code == 401


def test_the_new_expert_is_found_by_category_search_while_online(local_stack: LocalStack, journey: Journey) -> None:
    def search(**params: str) -> Callable[[], dict[str, Any] | None]:
        def find() -> dict[str, Any] | None:
            page = expect(requests.get(f"{local_stack.api_url}/experts", params=params, timeout=30), 200, "search")
            return next((item for item in page["items"] if item["expert_id"] == journey.expert_id), None)

        return find

    card = until(search(category="law"), "the expert did not appear in the law category")
    until(search(category="law", online="true"), "the expert did not appear among online lawyers")
    until(search(language="ar"), "the expert did not appear among Arabic speakers")
    assert card["slug"] == journey.slug
    assert card["name"] == "Noor Haddad"
    assert card["currency"] == "USD"
    assert card["rate_per_minute"] == 300
    assert card["presence"] == "online"
    assert card["photo_url"].endswith(journey.photo_key)


def test_the_photo_on_the_public_profile_can_be_fetched_but_private_documents_cannot(
    local_stack: LocalStack, journey: Journey
) -> None:
    profile = expect(requests.get(f"{local_stack.api_url}/experts/{journey.expert_id}", timeout=30), 200, "read by id")
    photo = requests.get(profile["photo_url"], timeout=30)
    assert photo.status_code == 200
    assert photo.content == journey.photo
    document = requests.get(f"{local_stack.media_base_url}/{journey.verification_key}", timeout=30)
    assert document.status_code == 403, "verification documents must not be readable by URL"


def test_the_new_expert_is_found_by_profile_link_and_by_id_with_the_same_profile(
    local_stack: LocalStack, journey: Journey
) -> None:
    api = local_stack.api_url
    by_slug = expect(requests.get(f"{api}/experts/by-slug/{journey.slug}", timeout=30), 200, "read by slug")
    by_id = expect(requests.get(f"{api}/experts/{journey.expert_id}", timeout=30), 200, "read by id")
    assert by_slug == by_id
    assert by_id["expert_id"] == journey.expert_id
    assert by_id["advice_on"] == "visas, residence permits and citizenship applications"
    assert by_id["education"][0]["qualification"] == "LLM"
    assert by_id["presence"] == "online"


def test_public_profiles_show_no_email_no_verification_documents_and_no_upload_keys(
    local_stack: LocalStack, journey: Journey
) -> None:
    api = local_stack.api_url
    answers = [
        requests.get(f"{api}/experts/by-slug/{journey.slug}", timeout=30),
        requests.get(f"{api}/experts/{journey.expert_id}", timeout=30),
        requests.get(f"{api}/experts", params={"category": "law"}, timeout=30),
    ]
    for answer in answers:
        assert answer.status_code == 200
        text = answer.text
        assert journey.email not in text
        assert journey.verification_key not in text
        assert "verification_document" not in text
        assert '"email"' not in text
        assert '"photo_key"' not in text


def test_the_expert_still_sees_their_private_fields_on_their_own_profile(
    local_stack: LocalStack, journey: Journey
) -> None:
    own = expect(
        requests.get(f"{local_stack.api_url}/experts/me", headers=bearer(journey.id_token), timeout=30),
        200, "read my profile",
    )  # fmt: skip
    assert own["verification_document_keys"] == [journey.verification_key]
    assert own["photo_key"] == journey.photo_key
