"""What every route shares: the OpenAPI document, JSON errors, CORS and one JSON log line per request."""

from __future__ import annotations

import json
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
    assert "security" not in document["paths"]["/experts/{expert_id}"]["get"]


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
