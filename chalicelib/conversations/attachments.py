"""Files attached to messages: the sender's own uploads (purpose ``message_attachment``), checked
in S3 when the message is sent, and read by the thread's participants through short-lived links."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from chalicelib.errors import FieldProblem, Unprocessable
from chalicelib.models.conversation import MessageAttachment
from chalicelib.uploads.attachments import (
    AttachmentStore,
    check_attachment,
)

PURPOSE = "message_attachment"
DOWNLOAD_LINK_SECONDS = 5 * 60


@dataclass(frozen=True)
class AttachmentRef:
    key: str
    file_name: str


def checked_attachments(
    sender_id: str, refs: Sequence[AttachmentRef], store: AttachmentStore
) -> list[MessageAttachment]:
    """The attachments of a message, each one the sender's own upload, present in S3 and of an allowed type."""
    problems: list[FieldProblem] = []
    attached: list[MessageAttachment] = []
    for index, ref in enumerate(refs):
        found = check_attachment(
            store, purpose=PURPOSE, owner_id=sender_id, key=ref.key, field=f"attachments.{index}.key"
        )
        if isinstance(found, FieldProblem):
            problems.append(found)
        else:
            attached.append(
                MessageAttachment(
                    key=ref.key, file_name=ref.file_name, content_type=found.content_type, size_bytes=found.size_bytes
                )
            )
    if problems:
        raise Unprocessable("Some attachments cannot be sent.", problems, code="invalid_attachment")
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
