"""What every route shares: the OpenAPI document, JSON errors, CORS and one JSON log line per request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from chalicelib.handlers import discovery


def test_the_api_serves_a_valid_openapi_3_document_of_every_route(api: Any) -> None:
    from app import app

    document = api.get("/openapi.json").json_body
    validate(document)
    documented = {(path, method.upper()) for path, methods in document["paths"].items() for method in methods}
    registered = {(path, method) for path, entries in app.routes.items() for method in entries}
    assert documented == registered


def test_the_document_describes_request_bodies_and_who_may_call(api: Any) -> None:
    document = api.get("/openapi.json").json_body
    put_profile = document["paths"]["/experts/me"]["put"]
    schema_name = put_profile["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert "description" in document["components"]["schemas"][schema_name]["properties"]
    assert put_profile["security"] == [{"cognito": []}]
    assert document["paths"]["/experts/{expert_id}"]["get"]["security"] == []  # anyone, no token


def test_responses_allow_the_web_frontend_and_expose_the_request_id(api: Any) -> None:
    response = api.get("/health")
    assert response.headers["Access-Control-Allow-Origin"]
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["X-Request-Id"]


def test_an_unknown_expert_gets_a_json_error_with_a_stable_code(api: Any) -> None:
    response = api.get("/experts/nobody")
    assert response.status_code == 404
    error = response.json_body["error"]
    assert error["code"] == "expert_not_found"
    assert error["message"]
    assert error["request_id"] == response.headers["X-Request-Id"]


def test_an_internal_fault_is_a_500_that_hides_its_details_and_is_logged(
    api: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret table name parley-prod-accounts")

    monkeypatch.setattr(discovery, "profile_by_id", broken)
    response = api.get("/experts/ada")
    assert response.status_code == 500
    assert response.json_body["error"]["code"] == "internal_error"
    assert "secret" not in json.dumps(response.json_body)
    logged = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    fault = next(entry for entry in logged if entry["level"] == "error")
    assert "secret table name" in fault["exception"]
    assert fault["request_id"] == response.headers["X-Request-Id"]


def test_each_request_writes_one_json_log_line_with_its_request_id(
    api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    response = api.get("/experts?category=law")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    request_lines = [entry for entry in lines if entry["message"] == "request"]
    assert len(request_lines) == 1
    assert request_lines[0]["request_id"] == response.headers["X-Request-Id"]
    assert request_lines[0]["status"] == 200
    assert request_lines[0]["path"] == "/experts"


@pytest.mark.parametrize(
    ("method", "path", "content_type", "body", "status", "code"),
    [
        ("GET", "/nowhere", "application/json", b"", 404, "route_not_found"),
        ("DELETE", "/health", "application/json", b"", 405, "method_not_allowed"),
        ("POST", "/accounts/me", "text/plain", b"kind=individual", 415, "unsupported_media_type"),
        ("POST", "/accounts/me", "application/json", b'{"x": "' + b"a" * 300_000 + b'"}', 413, "body_too_large"),
    ],
)
def test_refusals_before_any_view_runs_are_json_errors_of_the_documented_shape(
    api: Any, users: Any, method: str, path: str, content_type: str, body: bytes, status: int, code: str
) -> None:
    ada = users.sign_up("ada@example.com")
    headers = {"Authorization": f"Bearer {ada.id_token}", "Content-Type": content_type}
    response = api.request(method, path, headers=headers, body=body)
    assert response.status_code == status
    error = json.loads(response.body)["error"]
    assert (error["code"], bool(error["message"])) == (code, True)
    assert error["request_id"] == response.headers["X-Request-Id"]


def test_the_deployed_gateways_own_answers_have_the_documented_error_shape() -> None:
    resources = json.loads((Path(__file__).resolve().parents[2] / "infra" / "resources.json").read_text())
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in resources["Resources"].values()
        if r["Type"] == "AWS::ApiGateway::GatewayResponse"
    }
    expected = {
        "MISSING_AUTHENTICATION_TOKEN",
        "REQUEST_TOO_LARGE",
        "UNSUPPORTED_MEDIA_TYPE",
        "THROTTLED",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    }
    assert expected <= set(responses)
    throttled = responses["THROTTLED"]  # the document promises every route a 429 with Retry-After
    assert throttled["StatusCode"] == "429"
    assert throttled["ResponseParameters"]["gatewayresponse.header.Retry-After"] == "'1'"
    for properties in responses.values():
        assert properties["RestApiId"] == {"Ref": "RestAPI"}
        rendered = properties["ResponseTemplates"]["application/json"].replace("$context.requestId", "r-1")
        rendered = rendered.replace("$context.error.messageString", '"Forbidden"')
        error = json.loads(rendered)["error"]
        assert (error["request_id"], bool(error["code"]), bool(error["message"])) == ("r-1", True, True)


def test_an_integer_field_takes_a_json_number_without_a_fraction_and_refuses_one_with_a_fraction(
    api: Any, users: Any
) -> None:
    from tests.functional.builders import register
    from tests.functional.lead_builders import lead_body

    buyer = users.sign_up("buyer@example.com")
    register(api, buyer)
    whole = api.post("/leads", headers=buyer.auth, body=json.dumps(lead_body(budget=150_000.0)))
    assert whole.status_code == 201, whole.json_body
    assert whole.json_body["budget"] == 150_000
    fraction = api.post("/leads", headers=buyer.auth, body=json.dumps(lead_body(budget=150_000.5)))
    assert fraction.status_code == 400
    assert fraction.json_body["error"]["fields"][0]["field"] == "budget"
    assert "28.0" in api.get("/openapi.json").json_body["info"]["description"]


@pytest.mark.parametrize("query", ["limit=", "sort=", "online=", "limit=&sort=rating"])
def test_an_empty_number_or_choice_in_the_query_is_refused_by_name_not_taken_as_absent(api: Any, query: str) -> None:
    response = api.get(f"/experts?{query}")
    assert response.status_code == 400, response.json_body
    error = response.json_body["error"]
    assert error["code"] == "empty_query_value"
    assert [problem["field"] for problem in error["fields"]] == [query.split("=")[0]]
    assert "empty_query_value" in api.get("/openapi.json").json_body["info"]["description"]


def test_a_negative_limit_is_refused_as_out_of_range_not_as_not_a_number(api: Any) -> None:
    response = api.get("/experts/nobody/reviews?limit=-5")
    assert response.status_code == 400
    error = response.json_body["error"]
    assert error["code"] == "invalid_number"
    assert "1 to 50" in error["message"]
