"""What may be uploaded, how big, and where it lands. Pure rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Purpose = Literal[
    "photo", "intro_video", "resume", "verification_document", "message_attachment", "lead_attachment", "document"
]

MB = 1024 * 1024


@dataclass(frozen=True)
class UploadRule:
    content_types: dict[str, str]  # content type -> file extension
    max_bytes: int
    public: bool


UPLOAD_RULES: dict[str, UploadRule] = {
    "photo": UploadRule({"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}, 5 * MB, public=True),
    "intro_video": UploadRule(
        {"video/mp4": "mp4", "video/webm": "webm", "video/quicktime": "mov"}, 200 * MB, public=True
    ),
    "resume": UploadRule({"application/pdf": "pdf"}, 10 * MB, public=True),
    "verification_document": UploadRule(
        {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}, 10 * MB, public=False
    ),
    # Files sent in conversations: private, read by the thread's participants through short-lived links.
    "message_attachment": UploadRule(
        {
            "application/pdf": "pdf",
            "image/png": "png",
            "image/jpeg": "jpg",
            "image/webp": "webp",
            "text/plain": "txt",
            "application/zip": "zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
        },
        25 * MB,
        public=False,
    ),
    # Files a buyer attaches to a lead: private, read through short-lived links by the buyer and the hired seller.
    "lead_attachment": UploadRule(
        {
            "application/pdf": "pdf",
            "image/png": "png",
            "image/jpeg": "jpg",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
            "text/plain": "txt",
            "application/zip": "zip",
        },
        20 * MB,
        public=False,
    ),
    # Documents experts publish on their profile: private objects, read through short-lived links.
    "document": UploadRule(
        {
            "application/pdf": "pdf",
            "application/msword": "doc",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
            "application/vnd.ms-excel": "xls",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
            "application/vnd.ms-powerpoint": "ppt",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
            "application/vnd.oasis.opendocument.text": "odt",
            "application/vnd.oasis.opendocument.spreadsheet": "ods",
            "application/vnd.oasis.opendocument.presentation": "odp",
            "text/plain": "txt",
            "application/rtf": "rtf",
        },
        25 * MB,
        public=False,
    ),
}

UPLOAD_URL_SECONDS = 15 * 60


def upload_prefix(purpose: str, account_id: str) -> str:
    """Everything ``account_id`` uploads for ``purpose`` lands below this prefix."""
    visibility = "public" if UPLOAD_RULES[purpose].public else "private"
    return f"{visibility}/{account_id}/{purpose}/"


def upload_key(purpose: str, account_id: str, content_type: str, file_id: str) -> str:
    extension = UPLOAD_RULES[purpose].content_types[content_type]
    return f"{upload_prefix(purpose, account_id)}{file_id}.{extension}"


def belongs_to(key: str, purpose: str, account_id: str) -> bool:
    return key.startswith(upload_prefix(purpose, account_id)) and "/" not in key.removeprefix(
        upload_prefix(purpose, account_id)
    )
