"""Files attached to messages: the sender's own uploads (purpose ``message_attachment``), checked
in S3 when the message is sent, and read by the thread's participants through short-lived links."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol

from chalicelib.errors import FieldProblem, InvalidInput
from chalicelib.models.conversation import MessageAttachment
from chalicelib.uploads.rules import UPLOAD_RULES, belongs_to

PURPOSE = "message_attachment"
DOWNLOAD_LINK_SECONDS = 5 * 60


@dataclass(frozen=True)
class StoredFile:
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class AttachmentRef:
    key: str
    file_name: str


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


def checked_attachments(
    sender_id: str, refs: Sequence[AttachmentRef], store: AttachmentStore
) -> list[MessageAttachment]:
    """The attachments of a message, each one the sender's own upload, present in S3 and of an allowed type."""
    rule = UPLOAD_RULES[PURPOSE]
    problems: list[FieldProblem] = []
    attached: list[MessageAttachment] = []
    for index, ref in enumerate(refs):
        field = f"attachments.{index}.key"
        if not belongs_to(ref.key, PURPOSE, sender_id):
            problems.append(FieldProblem(field, "attachment_not_yours", "Attach only files you uploaded for messages."))
            continue
        stored = store.describe(ref.key)
        if stored is None:
            problems.append(FieldProblem(field, "attachment_missing", "Upload the file before sending the message."))
        elif stored.content_type not in rule.content_types or stored.size_bytes > rule.max_bytes:
            problems.append(FieldProblem(field, "attachment_not_allowed", "This file's type or size is not allowed."))
        else:
            attached.append(
                MessageAttachment(
                    key=ref.key, file_name=ref.file_name, content_type=stored.content_type, size_bytes=stored.size_bytes
                )
            )
    if problems:
        raise InvalidInput("Some attachments cannot be sent.", problems, code="invalid_attachment")
    return attached


def attachment_view(attachment: MessageAttachment, store: AttachmentStore | None) -> dict[str, Any]:
    """What a participant sees; ``store`` is given when the view includes a download link."""
    view: dict[str, Any] = {
        "key": attachment.key,
        "file_name": attachment.file_name,
        "content_type": attachment.content_type,
        "size_bytes": attachment.size_bytes,
    }
    if store is not None:
        view["download_url"] = store.download_url(attachment.key, attachment.file_name, DOWNLOAD_LINK_SECONDS)
    return view
