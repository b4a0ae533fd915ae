"""The request for an upload URL."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.uploads.rules import Purpose


class UploadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: Purpose
    content_type: str = Field(max_length=100)
    size_bytes: int = Field(ge=1, description="The size of the file to upload, in bytes.")
