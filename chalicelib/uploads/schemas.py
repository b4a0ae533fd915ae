"""The request for an upload URL, and the one shape of an uploaded file attached to a message or a lead."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chalicelib.uploads.rules import UPLOAD_RULES, Purpose


def _per_purpose() -> list[dict[str, object]]:
    """The document's statement of ``UPLOAD_RULES``: each purpose's content types and largest size."""
    return [
        {
            "if": {"properties": {"purpose": {"const": purpose}}, "required": ["purpose"]},
            "then": {
                "properties": {
                    "content_type": {"enum": sorted(rule.content_types)},
                    "size_bytes": {"maximum": rule.max_bytes},
                }
            },
        }
        for purpose, rule in UPLOAD_RULES.items()
    ]


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=lambda schema: schema.update(allOf=_per_purpose()))

    purpose: Purpose
    content_type: str = Field(max_length=100)
    size_bytes: int = Field(ge=1, description="The size of the file to upload, in bytes.")


class AttachmentInput(BaseModel):
    """A file uploaded with POST /uploads, attached by its key: the same shape for messages and leads."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(
        max_length=300, description="The key POST /uploads returned (purpose message_attachment or lead_attachment)."
    )
    file_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="The name the file is shown and downloaded under."
    )
