"""Routes about the API itself: health, the OpenAPI and AsyncAPI documents, the catalogues."""

from __future__ import annotations

from typing import Any

from chalicelib.leads.skills import catalogue_entries
from chalicelib.money.currency import CURRENCIES
from chalicelib.profiles.catalogue import CATEGORIES, LANGUAGES
from chalicelib.web.api import ApiBlueprint, ApiRequest

api = ApiBlueprint(__name__, tag="meta")


RESPONSES = "chalicelib.web.meta_responses"


@api.route("/health", "GET", summary="Liveness", public=True, response=f"{RESPONSES}:Health")
def health(request: ApiRequest) -> dict[str, str]:
    return {"status": "ok"}


@api.route(
    "/openapi.json",
    "GET",
    summary="This API's OpenAPI 3 document",
    public=True,
    response=f"{RESPONSES}:OpenApiDocument",
)
def openapi(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.web.openapi import openapi_document

    return openapi_document()


@api.route(
    "/asyncapi.json",
    "GET",
    summary="The WebSocket API's AsyncAPI 3 document: every client action and server message, with its schema",
    public=True,
    response=f"{RESPONSES}:AsyncApiDocument",
)
def asyncapi(request: ApiRequest) -> dict[str, Any]:
    from chalicelib.realtime.asyncapi import asyncapi_document

    return asyncapi_document()


@api.route(
    "/catalogue",
    "GET",
    summary="Categories, languages, currencies and skills a profile or lead chooses from",
    public=True,
    response=f"{RESPONSES}:Catalogue",
)
def catalogue(request: ApiRequest) -> dict[str, Any]:
    return {
        "categories": [{"id": key, "name": name} for key, name in CATEGORIES.items()],
        "languages": [{"code": key, "name": name} for key, name in LANGUAGES.items()],
        "currencies": list(CURRENCIES),
        "skills": catalogue_entries(),
    }
