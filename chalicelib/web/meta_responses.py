"""What the routes about the API itself answer: health and the catalogues."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.web.responses import ResponseModel


class Health(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: Literal["ok"]


class Category(ResponseModel):
    id: str
    name: str


class Language(ResponseModel):
    code: str
    name: str


class Skill(ResponseModel):
    id: str
    name: str
    category: str


class Catalogue(ResponseModel):
    """What a profile or a lead chooses from."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "categories": [{"id": "business", "name": "Business"}],
                    "languages": [{"code": "en", "name": "English"}],
                    "currencies": ["USD", "GBP", "EUR"],
                    "skills": [{"id": "bookkeeping", "name": "Bookkeeping", "category": "business"}],
                }
            ]
        }
    )

    categories: list[Category]
    languages: list[Language]
    currencies: list[str]
    skills: list[Skill]


class OpenApiDocument(ResponseModel):
    """This document: OpenAPI 3.1 (its own schema is the OpenAPI specification's)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={"examples": [{"openapi": "3.1.0", "info": {"title": "Parley API"}, "paths": {}}]},
    )

    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
    components: dict[str, Any] = Field(default_factory=dict)


class AsyncApiDocument(ResponseModel):
    """The WebSocket API's AsyncAPI 3.0 document (its own schema is the AsyncAPI specification's)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"asyncapi": "3.0.0", "info": {"title": "Parley WebSocket API"}, "channels": {}, "operations": {}}
            ]
        },
    )

    asyncapi: str
    info: dict[str, Any]
    channels: dict[str, Any]
    operations: dict[str, Any]
    components: dict[str, Any] = Field(default_factory=dict)
