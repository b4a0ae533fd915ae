"""The compatibility check: a change that would break an installed app fails, naming what broke; additions pass."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from infra.api_compat import RELEASE_PATH, breaking_changes, current_document, main

OPERATION_REMOVED = "the operation was removed (a renamed path or method is a removed one)"
FIELD_REMOVED = "was removed (a renamed field is a removed one)"


def _document() -> dict[str, Any]:
    """A small OpenAPI 3.1 document written the way ours is: $ref with siblings, anyOf with null, const."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/experts/{expert_id}": {
                "get": {
                    "security": [],
                    "parameters": [{"name": "expert_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Expert"}}}},
                        "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                    },
                }
            },
            "/experts": {
                "get": {
                    "security": [],
                    "parameters": [
                        {
                            "name": "sort",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["rating", "price"]},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 50},
                        },
                    ],
                    "responses": {"200": {"content": {"application/json": {}}}},
                }
            },
            "/bookings": {
                "post": {
                    "security": [{"cognito": []}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BookingInput"}}},
                    },
                    "responses": {"201": {"content": {"application/json": {}}}},
                }
            },
        },
        "components": {
            "schemas": {
                "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object"}}},
                "Expert": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "display_name", "status", "rate"],
                    "properties": {
                        "id": {"type": "string"},
                        "display_name": {"type": "string", "maxLength": 80},
                        "status": {"type": "string", "enum": ["online", "offline", "busy"]},
                        "kind": {"const": "expert", "type": "string"},
                        "headline": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None},
                        "rate": {"$ref": "#/components/schemas/Rate", "description": "Per minute."},
                    },
                },
                "Rate": {
                    "type": "object",
                    "required": ["amount", "currency"],
                    "properties": {"amount": {"type": "integer"}, "currency": {"type": "string"}},
                },
                "BookingInput": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["expert_id", "minutes"],
                    "properties": {
                        "expert_id": {"type": "string", "minLength": 1, "maxLength": 128},
                        "minutes": {"type": "integer", "minimum": 5, "maximum": 475},
                        "kind": {"type": "string", "enum": ["paid", "free_consultation"], "default": "paid"},
                        "note": {"anyOf": [{"type": "string", "maxLength": 2000}, {"type": "null"}], "default": None},
                    },
                },
            }
        },
    }


def _changes(change: Any) -> list[str]:
    """The breaking changes found after ``change`` edits a copy of the document in place."""
    before = _document()
    after = copy.deepcopy(before)
    change(after)
    return [str(found) for found in breaking_changes(before, after)]


def _schemas(doc: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = doc["components"]["schemas"]
    return schemas


def test_the_current_document_is_compatible_with_the_released_one() -> None:
    released = json.loads(RELEASE_PATH.read_text(encoding="utf-8"))
    assert [str(change) for change in breaking_changes(released, current_document())] == []


def test_a_document_compared_with_itself_has_no_breaking_change() -> None:
    assert _changes(lambda doc: None) == []


def test_removing_a_route_fails_naming_the_operation() -> None:
    def remove(doc: dict[str, Any]) -> None:
        del doc["paths"]["/bookings"]

    assert _changes(remove) == ["POST /bookings: " + OPERATION_REMOVED]


def test_renaming_a_path_fails_as_the_old_path_removed() -> None:
    def rename(doc: dict[str, Any]) -> None:
        doc["paths"]["/booking-requests"] = doc["paths"].pop("/bookings")

    assert _changes(rename) == ["POST /bookings: " + OPERATION_REMOVED]


def test_renaming_only_a_path_parameter_keeps_the_url_and_passes() -> None:
    def rename(doc: dict[str, Any]) -> None:
        item = doc["paths"].pop("/experts/{expert_id}")
        item["get"]["parameters"][0]["name"] = "id"
        doc["paths"]["/experts/{id}"] = item

    assert _changes(rename) == []


def test_removing_any_route_of_the_real_document_fails_naming_it() -> None:
    before = current_document()
    path, item = next(iter(before["paths"].items()))
    after = copy.deepcopy(before)
    del after["paths"][path]
    found = [str(change) for change in breaking_changes(before, after)]
    assert sorted(found) == sorted(f"{method.upper()} {path}: {OPERATION_REMOVED}" for method in item)


def test_renaming_a_response_field_fails_naming_the_old_field() -> None:
    def rename(doc: dict[str, Any]) -> None:
        expert = _schemas(doc)["Expert"]
        expert["properties"]["name"] = expert["properties"].pop("display_name")
        expert["required"] = ["id", "name", "status", "rate"]

    assert _changes(rename) == ["GET /experts/{expert_id}: response 200 field `display_name`: " + FIELD_REMOVED]


def test_removing_an_optional_response_field_fails() -> None:
    def remove(doc: dict[str, Any]) -> None:
        del _schemas(doc)["Expert"]["properties"]["headline"]

    assert _changes(remove) == ["GET /experts/{expert_id}: response 200 field `headline`: " + FIELD_REMOVED]


def test_a_field_inside_a_referenced_schema_with_siblings_is_checked_too() -> None:
    def remove(doc: dict[str, Any]) -> None:
        del _schemas(doc)["Rate"]["properties"]["currency"]
        _schemas(doc)["Rate"]["required"] = ["amount"]

    assert _changes(remove) == ["GET /experts/{expert_id}: response 200 field `rate.currency`: " + FIELD_REMOVED]


def test_a_required_response_field_becoming_optional_fails() -> None:
    def loosen(doc: dict[str, Any]) -> None:
        _schemas(doc)["Expert"]["required"] = ["id", "display_name", "rate"]

    assert _changes(loosen) == [
        "GET /experts/{expert_id}: response 200 field `status`: is no longer always sent (it was required)"
    ]


def test_a_response_field_becoming_nullable_fails() -> None:
    def loosen(doc: dict[str, Any]) -> None:
        _schemas(doc)["Expert"]["properties"]["display_name"] = {"anyOf": [{"type": "string"}, {"type": "null"}]}

    assert _changes(loosen) == ["GET /experts/{expert_id}: response 200 field `display_name`: may now be null"]


def test_a_type_list_with_null_counts_as_nullable() -> None:
    def loosen(doc: dict[str, Any]) -> None:
        _schemas(doc)["Expert"]["properties"]["id"] = {"type": ["string", "null"]}

    assert _changes(loosen) == ["GET /experts/{expert_id}: response 200 field `id`: may now be null"]


def test_removing_an_enum_value_from_a_response_fails_naming_the_value() -> None:
    def narrow(doc: dict[str, Any]) -> None:
        _schemas(doc)["Expert"]["properties"]["status"]["enum"] = ["online", "offline"]

    assert _changes(narrow) == ['GET /experts/{expert_id}: response 200 field `status`: enum value "busy" removed']


def test_changing_a_response_constant_fails() -> None:
    def change(doc: dict[str, Any]) -> None:
        _schemas(doc)["Expert"]["properties"]["kind"]["const"] = "person"

    assert _changes(change) == [
        'GET /experts/{expert_id}: response 200 field `kind`: the constant "expert" is gone (now "person")'
    ]


def test_removing_an_enum_value_from_a_request_fails_naming_the_value() -> None:
    def narrow(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["kind"]["enum"] = ["paid"]

    assert _changes(narrow) == ['POST /bookings: request body field `kind`: enum value "free_consultation" removed']


def test_removing_an_enum_value_from_a_query_parameter_fails() -> None:
    def narrow(doc: dict[str, Any]) -> None:
        doc["paths"]["/experts"]["get"]["parameters"][0]["schema"]["enum"] = ["rating"]

    assert _changes(narrow) == ['GET /experts: query parameter `sort`: enum value "price" removed']


def test_tightening_a_type_fails_naming_the_field_and_both_types() -> None:
    def tighten(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["expert_id"] = {"type": "integer"}

    assert _changes(tighten) == [
        "POST /bookings: request body field `expert_id`: type tightened from string to integer"
    ]


def test_changing_a_response_field_type_fails() -> None:
    def change(doc: dict[str, Any]) -> None:
        _schemas(doc)["Rate"]["properties"]["amount"] = {"type": "string"}

    assert _changes(change) == [
        "GET /experts/{expert_id}: response 200 field `rate.amount`: type changed from integer to string"
    ]


@pytest.mark.parametrize(
    ("keyword", "value", "message"),
    [
        ("maxLength", 64, "field `expert_id`: maxLength lowered from 128 to 64"),
        ("minLength", 3, "field `expert_id`: minLength raised from 1 to 3"),
        ("pattern", "^exp_", "field `expert_id`: pattern added: '^exp_'"),
    ],
)
def test_tightening_a_request_bound_fails_naming_it(keyword: str, value: Any, message: str) -> None:
    def tighten(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["expert_id"][keyword] = value

    assert _changes(tighten) == [f"POST /bookings: request body {message}"]


def test_lowering_a_maximum_inside_a_nullable_field_fails() -> None:
    def tighten(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["note"]["anyOf"][0]["maxLength"] = 500

    assert _changes(tighten) == ["POST /bookings: request body field `note`: maxLength lowered from 2000 to 500"]


def test_a_query_limit_that_was_open_and_gains_a_maximum_fails() -> None:
    def tighten(doc: dict[str, Any]) -> None:
        del doc["paths"]["/experts"]["get"]["parameters"][1]["schema"]["maximum"]

    # the reverse direction: the released document had no maximum, the current one has 50
    before = _document()
    tighten(before)
    found = [str(change) for change in breaking_changes(before, _document())]
    assert found == ["GET /experts: query parameter `limit`: maximum 50 was added"]


def test_a_request_field_that_stops_taking_null_fails() -> None:
    def tighten(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["note"] = {"type": "string", "maxLength": 2000}

    assert _changes(tighten) == ["POST /bookings: request body field `note`: no longer takes null"]


def test_an_optional_request_field_becoming_required_fails() -> None:
    def require(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["required"].append("note")

    assert _changes(require) == ["POST /bookings: request body field `note`: became required"]


def test_adding_a_required_request_field_fails() -> None:
    def add(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["referral"] = {"type": "string"}
        _schemas(doc)["BookingInput"]["required"].append("referral")

    assert _changes(add) == ["POST /bookings: request body field `referral`: was added as required"]


def test_a_query_parameter_added_as_required_or_made_required_fails() -> None:
    def require(doc: dict[str, Any]) -> None:
        parameters = doc["paths"]["/experts"]["get"]["parameters"]
        parameters[0]["required"] = True
        parameters.append({"name": "region", "in": "query", "required": True, "schema": {"type": "string"}})

    assert _changes(require) == [
        "GET /experts: query parameter `sort`: became required",
        "GET /experts: query parameter `region`: was added as required",
    ]


def test_a_token_required_on_a_public_route_fails() -> None:
    def secure(doc: dict[str, Any]) -> None:
        doc["paths"]["/experts"]["get"]["security"] = [{"cognito": []}]

    assert _changes(secure) == ["GET /experts: security: the public operation now needs a token"]


def test_a_success_status_changed_fails() -> None:
    def change(doc: dict[str, Any]) -> None:
        responses = doc["paths"]["/bookings"]["post"]["responses"]
        responses["200"] = responses.pop("201")

    assert _changes(change) == ["POST /bookings: response 201: is no longer answered"]


def test_renaming_a_component_schema_keeps_its_shape_and_passes() -> None:
    def rename(doc: dict[str, Any]) -> None:
        _schemas(doc)["Price"] = _schemas(doc).pop("Rate")
        _schemas(doc)["Expert"]["properties"]["rate"]["$ref"] = "#/components/schemas/Price"

    assert _changes(rename) == []


def test_a_request_field_newly_limited_to_many_values_names_the_first_few() -> None:
    def limit(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["expert_id"]["enum"] = [f"exp_{n}" for n in range(20)]

    assert _changes(limit) == [
        'POST /bookings: request body field `expert_id`: is now limited to "exp_0", "exp_1", "exp_2", "exp_3", '
        '"exp_4", "exp_5", "exp_6", "exp_7", … (20 values)'
    ]


def test_adding_an_optional_request_field_passes() -> None:
    def add(doc: dict[str, Any]) -> None:
        _schemas(doc)["BookingInput"]["properties"]["referral"] = {
            "anyOf": [{"type": "string", "maxLength": 64}, {"type": "null"}],
            "default": None,
        }

    assert _changes(add) == []


def test_additions_pass_new_routes_response_fields_enum_values_and_looser_request_rules() -> None:
    def add(doc: dict[str, Any]) -> None:
        doc["paths"]["/experts/{expert_id}/reviews"] = copy.deepcopy(doc["paths"]["/experts/{expert_id}"])
        expert = _schemas(doc)["Expert"]
        expert["properties"]["languages"] = {"type": "array", "items": {"type": "string"}}
        expert["required"].append("languages")
        expert["properties"]["status"]["enum"].append("away")
        booking = _schemas(doc)["BookingInput"]["properties"]
        booking["minutes"]["maximum"] = 600
        booking["expert_id"]["maxLength"] = 256
        booking["kind"]["enum"].append("gift")
        doc["paths"]["/experts"]["get"]["parameters"].append(
            {"name": "tag", "in": "query", "required": False, "schema": {"type": "string"}}
        )
        doc["paths"]["/bookings"]["post"]["responses"]["409"] = {"content": {"application/json": {}}}

    assert _changes(add) == []


def test_an_untyped_response_becoming_typed_is_an_addition() -> None:
    def type_it(doc: dict[str, Any]) -> None:
        doc["paths"]["/experts"]["get"]["responses"]["200"]["content"]["application/json"] = {
            "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Expert"}}
        }
        doc["paths"]["/bookings"]["post"]["responses"]["201"]["content"]["application/json"] = {
            "schema": {"type": "object", "properties": {"id": {"type": "string"}}}
        }

    assert _changes(type_it) == []


def test_a_recursive_schema_is_compared_without_looping() -> None:
    def recurse(doc: dict[str, Any]) -> None:
        _schemas(doc)["Rate"]["properties"]["previous"] = {"$ref": "#/components/schemas/Rate"}

    before = _document()
    recurse(before)
    after = copy.deepcopy(before)
    del _schemas(after)["Rate"]["properties"]["currency"]
    found = [str(change) for change in breaking_changes(before, after)]
    assert "GET /experts/{expert_id}: response 200 field `rate.currency`: " + FIELD_REMOVED in found
    assert "GET /experts/{expert_id}: response 200 field `rate.previous.currency`: " + FIELD_REMOVED in found


def test_the_check_command_fails_listing_each_breaking_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    released = current_document()
    item = next(iter(released["paths"].values()))
    released["paths"]["/retired-route"] = copy.deepcopy(item)
    release_file = tmp_path / "openapi-release.json"
    release_file.write_text(json.dumps(released), encoding="utf-8")
    assert main(["check", "--release-file", str(release_file)]) == 1
    output = capsys.readouterr()
    for method in item:
        assert f"breaking: {method.upper()} /retired-route: the operation was removed" in output.out
    assert "Versioning the API" in output.err


def test_releasing_over_a_breaking_change_needs_allow_breaking(tmp_path: Path) -> None:
    released = current_document()
    released["paths"]["/retired-route"] = copy.deepcopy(next(iter(released["paths"].values())))
    release_file = tmp_path / "openapi-release.json"
    release_file.write_text(json.dumps(released), encoding="utf-8")
    assert main(["release", "--release-file", str(release_file)]) == 1
    assert "/retired-route" in release_file.read_text(encoding="utf-8")
    assert main(["release", "--release-file", str(release_file), "--allow-breaking"]) == 0
    assert json.loads(release_file.read_text(encoding="utf-8")) == current_document()
    assert main(["check", "--release-file", str(release_file)]) == 0
