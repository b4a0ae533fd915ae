"""Files people attach (to messages, to leads): what S3 holds under a key, short-lived download
links, and the one check every attachment passes: the owner's own upload for that purpose, present,
of an allowed type and size (``chalicelib.uploads.rules``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from chalicelib.errors import FieldProblem
from chalicelib.uploads.rules import UPLOAD_RULES, belongs_to


@dataclass(frozen=True)
class StoredFile:
    content_type: str
    size_bytes: int


class AttachmentStore(Protocol):
    def describe(self, key: str) -> StoredFile | None: ...

    def download_url(self, key: str, file_name: str, expires_in: int) -> str: ...


class S3AttachmentStore:
    def __init__(self, bucket: str) -> None:
        self.bucket = bucket

    def describe(self, key: str) -> StoredFile | None:
        from botocore.exceptions import ClientError

        try:
            head = _s3().head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise
        return StoredFile(content_type=str(head.get("ContentType", "")), size_bytes=int(head["ContentLength"]))

    def download_url(self, key: str, file_name: str, expires_in: int) -> str:
        disposition = 'attachment; filename="{}"'.format(file_name.replace('"', ""))
        params = {"Bucket": self.bucket, "Key": key, "ResponseContentDisposition": disposition}
        return str(_s3().generate_presigned_url("get_object", Params=params, ExpiresIn=expires_in))


def attachment_store() -> AttachmentStore:
    from chalicelib import runtime

    return S3AttachmentStore(runtime.settings().media_bucket)


def _s3() -> Any:
    return _client(os.environ.get("AWS_ENDPOINT_URL"))


@lru_cache(maxsize=4)
def _client(endpoint_url: str | None) -> Any:
    """Made on first use, one per endpoint."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint_url)


def check_attachment(
    store: AttachmentStore, *, purpose: str, owner_id: str, key: str, field: str
) -> StoredFile | FieldProblem:
    """What S3 holds under ``key`` if ``owner_id`` may attach it, else the problem (for ``field``)."""
    rule = UPLOAD_RULES[purpose]
    if not belongs_to(key, purpose, owner_id):
        noun = purpose.replace("_attachment", "s").replace("_", " ")
        return FieldProblem(field, "attachment_not_yours", f"Attach only files you uploaded for {noun}.")
    stored = store.describe(key)
    if stored is None:
        return FieldProblem(field, "attachment_missing", "Upload the file before attaching it.")
    if stored.content_type not in rule.content_types or stored.size_bytes > rule.max_bytes:
        return FieldProblem(field, "attachment_not_allowed", "This file's type or size is not allowed.")
    return stored
