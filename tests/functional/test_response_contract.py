"""The contract holds both ways: a handler cannot answer with a field its model does not document,
and the suites' check (tests/contract.py) refuses any response the document does not describe."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice import Chalice
from chalice.test import Client

from chalicelib.web import api as web_api
from chalicelib.web.responses import ResponseModel
from tests.contract import BreaksContract, check_response, document


class ProbeAnswer(ResponseModel):
    status: str


def probe_app(answer: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> Chalice:
    document()  # Parley's routes are registered and documented first
    monkeypatch.setattr(web_api, "ROUTE_DOCS", [])  # the probe's route stays out of Parley's document
    probe = web_api.ApiBlueprint(__name__, tag="probe")

    @probe.route("/probe", "GET", summary="Answers what the test says", public=True,
                 response=f"{__name__}:ProbeAnswer")  # fmt: skip
    def answer_as_told(request: web_api.ApiRequest) -> dict[str, Any]:
        return answer

    app = Chalice(app_name="probe")
    app.register_blueprint(probe.blueprint)
    return app


def test_a_handler_answering_a_field_its_model_does_not_document_fails_with_a_500_that_names_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Client(probe_app({"status": "ok", "secret_note": "internal"}, monkeypatch)) as client:
        response = client.http.get("/probe")
    assert response.status_code == 500
    body = json.loads(response.body)
    assert body["error"]["code"] == "internal_error"
    assert "secret_note" not in response.body.decode()
    assert "secret_note" in capsys.readouterr().out  # the log names the field; the caller never sees it


def test_a_handler_answering_what_its_model_documents_is_answered_as_it_returned_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Client(probe_app({"status": "ok"}, monkeypatch)) as client:
        response = client.http.get("/probe")
    assert (response.status_code, json.loads(response.body)) == (200, {"status": "ok"})


def test_a_handler_answering_a_wrong_type_fails_with_a_500(monkeypatch: pytest.MonkeyPatch) -> None:
    with Client(probe_app({"status": 200}, monkeypatch)) as client:
        assert client.http.get("/probe").status_code == 500


def test_the_suites_refuse_a_response_with_an_undocumented_field() -> None:
    check_response("GET", "/health", 200, b'{"status": "ok"}')
    with pytest.raises(BreaksContract, match="Additional properties are not allowed"):
        check_response("GET", "/health", 200, b'{"status": "ok", "uptime": 3}')


def test_the_suites_refuse_a_status_the_document_does_not_declare() -> None:
    with pytest.raises(BreaksContract, match="declares only"):
        check_response("GET", "/health", 418, b'{"error": {"code": "teapot", "message": "No.", "request_id": "r"}}')


def test_the_suites_refuse_an_error_that_breaks_the_error_shape() -> None:
    with pytest.raises(BreaksContract, match="breaks its schema"):
        check_response("GET", "/health", 429, b'{"message": "Too Many Requests"}')
