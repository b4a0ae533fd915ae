"""Use case: give the caller a presigned POST for one file of a given purpose."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.errors import FieldProblem, InvalidInput
from chalicelib.timestamps import utc_text
from chalicelib.uploads.file_store import FileStore
from chalicelib.uploads.rules import UPLOAD_RULES, UPLOAD_URL_SECONDS, upload_key


@dataclass(frozen=True)
class UploadTicket:
    url: str
    fields: dict[str, str]
    key: str
    max_bytes: int
    expires_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "fields": self.fields,
            "key": self.key,
            "max_bytes": self.max_bytes,
            "expires_at": utc_text(self.expires_at),
        }


def presign_upload(
    *, account_id: str, purpose: str, content_type: str, size_bytes: int, files: FileStore, now: datetime
) -> UploadTicket:
    rule = UPLOAD_RULES[purpose]
    if content_type not in rule.content_types:
        allowed = ", ".join(sorted(rule.content_types))
        raise InvalidInput(
            f"A {purpose.replace('_', ' ')} must be one of: {allowed}.",
            [FieldProblem("content_type", "unsupported_content_type", f"Allowed: {allowed}.")],
            code="unsupported_content_type",
        )
    if size_bytes > rule.max_bytes:
        limit_mb = rule.max_bytes // (1024 * 1024)
        raise InvalidInput(
            f"A {purpose.replace('_', ' ')} may be at most {limit_mb} MB.",
            [FieldProblem("size_bytes", "file_too_large", f"At most {rule.max_bytes} bytes.")],
            code="file_too_large",
        )
    key = upload_key(purpose, account_id, content_type, uuid.uuid4().hex)
    post = files.presign_post(key, content_type, rule.max_bytes, UPLOAD_URL_SECONDS)
    return UploadTicket(
        url=post["url"],
        fields=post["fields"],
        key=key,
        max_bytes=rule.max_bytes,
        expires_at=now + timedelta(seconds=UPLOAD_URL_SECONDS),
    )
