"""Message attachments: private, the sender's own uploads only, of the allowed types and sizes."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from chalicelib.conversations.attachments import AttachmentRef, checked_attachments
from chalicelib.errors import InvalidInput
from chalicelib.uploads.attachments import StoredFile
from chalicelib.uploads.rules import MB, UPLOAD_RULES, upload_key

PDF = "application/pdf"


@dataclass
class FakeStore:
    files: dict[str, StoredFile] = field(default_factory=dict)

    def describe(self, key: str) -> StoredFile | None:
        return self.files.get(key)

    def download_url(self, key: str, file_name: str, expires_in: int) -> str:
        return f"https://files.example/{key}?expires_in={expires_in}"


def refused_codes(refs: list[AttachmentRef], store: FakeStore, sender: str = "grace") -> list[str]:
    with pytest.raises(InvalidInput) as refused:
        checked_attachments(sender, refs, store)
    return [problem.code for problem in refused.value.problems]


def test_message_attachments_are_private_and_at_most_25_mb() -> None:
    rule = UPLOAD_RULES["message_attachment"]

    assert not rule.public
    assert rule.max_bytes == 25 * MB
    assert upload_key("message_attachment", "grace", PDF, "f1") == "private/grace/message_attachment/f1.pdf"
    assert {"application/pdf", "image/png", "image/jpeg", "text/plain"} <= set(rule.content_types)


def test_the_senders_own_upload_is_attached_with_its_type_and_size() -> None:
    key = upload_key("message_attachment", "grace", PDF, "f1")
    store = FakeStore({key: StoredFile(PDF, 1_234)})

    [attached] = checked_attachments("grace", [AttachmentRef(key, "brief.pdf")], store)

    assert (attached.key, attached.file_name, attached.content_type, attached.size_bytes) == (
        key, "brief.pdf", PDF, 1_234,
    )  # fmt: skip


def test_someone_elses_upload_or_another_purpose_is_refused() -> None:
    theirs = upload_key("message_attachment", "mallory", PDF, "f1")
    a_photo = upload_key("photo", "grace", "image/png", "f2")
    store = FakeStore({theirs: StoredFile(PDF, 10), a_photo: StoredFile("image/png", 10)})

    codes = refused_codes([AttachmentRef(theirs, "a.pdf"), AttachmentRef(a_photo, "b.png")], store)

    assert codes == ["attachment_not_yours", "attachment_not_yours"]


def test_a_missing_file_or_one_of_another_type_is_refused() -> None:
    missing = upload_key("message_attachment", "grace", PDF, "f1")
    wrong = upload_key("message_attachment", "grace", PDF, "f2")
    store = FakeStore({wrong: StoredFile("application/x-msdownload", 10)})

    codes = refused_codes([AttachmentRef(missing, "a.pdf"), AttachmentRef(wrong, "b.pdf")], store)

    assert codes == ["attachment_missing", "attachment_not_allowed"]
