"""The OpenAPI generator refuses to describe two different request models under one name."""

from __future__ import annotations

import sys
import types

import pytest
from pydantic import BaseModel

from chalicelib.web.api import RouteDoc
from chalicelib.web.openapi import SchemaNameClash, build_document


def _route(path: str, body: str) -> RouteDoc:
    return RouteDoc(path, "post", "s", False, 200, body, (), (400,), "t")


def test_two_different_request_models_with_one_name_make_the_document_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    one, two = types.ModuleType("clash_one"), types.ModuleType("clash_two")

    class Attachment(BaseModel):
        file_name: str

    class Other(BaseModel):
        filename: str

    Other.__name__ = "Attachment"

    class Message(BaseModel):
        attachments: list[Attachment]

    one.Attachment, two.Attachment, two.Message = Attachment, Other, Message  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "clash_one", one)
    monkeypatch.setitem(sys.modules, "clash_two", two)
    assert build_document([_route("/a", "clash_one:Attachment"), _route("/b", "clash_two:Message")])
    with pytest.raises(SchemaNameClash, match="Attachment"):
        build_document([_route("/a", "clash_two:Message"), _route("/b", "clash_two:Attachment")])


def test_the_apps_document_has_one_attachment_shape_for_messages_checkouts_and_leads() -> None:
    import app  # noqa: F401  (registers every route)
    from chalicelib.web.api import ROUTE_DOCS

    document = build_document(ROUTE_DOCS)
    schemas = document["components"]["schemas"]
    refs = {
        name: schemas[name]["properties"]["attachments"]["items"]["$ref"]
        for name in ("LeadInput", "MessageInput", "CheckoutInput")
    }
    assert set(refs.values()) == {"#/components/schemas/AttachmentInput"}
    assert set(schemas["AttachmentInput"]["required"]) == {"key", "file_name"}
