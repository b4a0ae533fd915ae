"""What the upload route answers: a presigned POST for one file, straight to S3."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from chalicelib.web.responses import ResponseModel, UtcTimestamp


class PresignedUpload(ResponseModel):
    """POST the file as multipart form data to ``url`` with every one of ``fields``, the file last."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://parley-files.s3.amazonaws.com/",
                    "fields": {
                        "Content-Type": "application/pdf",
                        "key": "private/acc-buyer-1/lead_attachment/4b2d9f0e6a1c4e8b9d3f5a7c1e2b4d6f.pdf",
                        "policy": "eyJleHBpcmF0aW9uIjogIjIwMjYtMDMtMDJUMTA6MTU6MDBaIn0=",
                        "x-amz-algorithm": "AWS4-HMAC-SHA256",
                        "x-amz-credential": "ASIAEXAMPLE/20260302/eu-west-2/s3/aws4_request",
                        "x-amz-date": "20260302T100000Z",
                        "x-amz-signature": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
                    },
                    "key": "private/acc-buyer-1/lead_attachment/4b2d9f0e6a1c4e8b9d3f5a7c1e2b4d6f.pdf",
                    "max_bytes": 20971520,
                    "expires_at": "2026-03-02T10:15:00Z",
                }
            ]
        }
    )

    url: str = Field(description="Where to POST the file.")
    fields: dict[str, str] = Field(description="Form fields S3 signed (policy, signature, key, ...): send each as is.")
    key: str = Field(description="The file's key: attach it by this key (a lead, a message, a profile).")
    max_bytes: int = Field(ge=1, description="The largest file S3 accepts for this purpose.")
    expires_at: UtcTimestamp = Field(description="After this instant the POST is refused (15 minutes).")
