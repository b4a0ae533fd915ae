"""A signed-up user registers their account record once, as an individual or an organisation."""

from __future__ import annotations

import json
from typing import Any

from tests.functional.builders import register
from tests.functional.conftest import Users


def test_a_new_user_registers_as_an_individual_and_becomes_a_client(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    response = register(api, ada)
    assert response.status_code == 201
    assert response.json_body["email"] == "ada@example.com"
    assert response.json_body["roles"] == ["client"]
    assert api.get("/accounts/me", headers=ada.auth).json_body["kind"] == "individual"


def test_registering_twice_is_refused_with_a_conflict(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    response = register(api, ada)
    assert response.status_code == 409
    assert response.json_body["error"]["code"] == "account_exists"


def test_an_organisation_must_give_its_name(api: Any, users: Users) -> None:
    acme = users.sign_up("buyer@acme.example")
    response = register(api, acme, kind="organisation")
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "organisation_name_required"
    assert register(api, acme, kind="organisation", organisation_name="Acme Ltd").status_code == 201


def test_a_missing_or_unwanted_organisation_name_is_reported_on_the_organisation_name_field(
    api: Any, users: Users
) -> None:
    acme = users.sign_up("buyer@acme.example")
    missing = register(api, acme, kind="organisation")
    unwanted = register(api, acme, kind="individual", organisation_name="Acme Ltd")

    assert [(f["field"], f["code"]) for f in missing.json_body["error"]["fields"]] == [
        ("organisation_name", "organisation_name_required")
    ]
    assert [(f["field"], f["code"]) for f in unwanted.json_body["error"]["fields"]] == [
        ("organisation_name", "organisation_name_not_allowed")
    ]


def test_an_admin_of_the_pool_is_an_admin_in_parley(api: Any, users: Users) -> None:
    root = users.sign_up("ops@parley.example", admin=True)
    assert sorted(register(api, root).json_body["roles"]) == ["admin", "client"]


def test_unknown_fields_are_refused_by_name(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    body = json.dumps({"kind": "individual", "display_name": "Ada", "roles": ["admin"]})
    response = api.post("/accounts/me", headers=ada.auth, body=body)
    assert response.status_code == 400
    assert response.json_body["error"]["fields"][0]["field"] == "roles"


def test_a_body_that_is_not_json_gets_a_clear_error(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    response = api.post("/accounts/me", headers=ada.auth, body="{kind: individual")
    assert response.status_code == 400
    assert response.json_body["error"]["code"] == "invalid_json"


def test_an_access_token_registers_the_account_with_the_users_email(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    headers = {"Authorization": f"Bearer {ada.access_token}", "Content-Type": "application/json"}
    body = json.dumps({"kind": "individual", "display_name": "Ada"})
    response = api.post("/accounts/me", headers=headers, body=body)
    assert response.status_code == 201, response.json_body
    assert response.json_body["email"] == "ada@example.com"
    again = api.post("/accounts/me", headers=headers, body=body)
    assert (again.status_code, again.json_body["error"]["code"]) == (409, "account_exists")


def test_registering_twice_names_the_method_that_changes_the_account_and_it_works(api: Any, users: Users) -> None:
    ada = users.sign_up("ada@example.com")
    register(api, ada)
    message = register(api, ada).json_body["error"]["message"]
    assert "PUT /accounts/me" in message
    body = json.dumps({"kind": "individual", "display_name": "Ada L."})
    assert api.put("/accounts/me", headers=ada.auth, body=body).status_code == 200
