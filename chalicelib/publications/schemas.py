"""What experts send to publish and edit articles and to publish documents."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.profiles.schemas import Category, Tag

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=200)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=50, max_length=50_000)]


class ArticleInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title = Field(description="5 to 200 characters; no contact details.")
    body: Body = Field(description="50 to 50,000 characters of plain text; no contact details.")
    category: Category | None = Field(default=None, description="A category of GET /catalogue.")
    tags: list[Tag] = Field(default_factory=list, max_length=5)


class ArticleEdit(BaseModel):
    """The fields to change; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    body: Body | None = None
    category: Category | None = None
    tags: list[Tag] | None = Field(default=None, max_length=5)


class DocumentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title = Field(description="5 to 200 characters; no contact details.")
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = Field(
        default=None, description="Up to 2,000 characters; no contact details."
    )
    upload_key: str = Field(max_length=300, description="The key POST /uploads returned for purpose document.")
    file_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="The name the file is shown and downloaded under."
    )
