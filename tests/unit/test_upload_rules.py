"""Uploads land under the uploader's own prefix; private documents stay out of the public prefix."""

from __future__ import annotations

from chalicelib.uploads.rules import belongs_to, upload_key


def test_public_files_land_under_public_and_documents_under_private() -> None:
    assert upload_key("photo", "ada", "image/png", "f1") == "public/ada/photo/f1.png"
    assert (
        upload_key("verification_document", "ada", "application/pdf", "f2")
        == "private/ada/verification_document/f2.pdf"
    )


def test_a_key_belongs_only_to_its_uploader_and_purpose() -> None:
    key = upload_key("photo", "ada", "image/jpeg", "f1")
    assert belongs_to(key, "photo", "ada")
    assert not belongs_to(key, "photo", "eve")
    assert not belongs_to(key, "resume", "ada")
    assert not belongs_to("public/ada/photo/nested/f1.jpg", "photo", "ada")


def test_documents_take_pdf_and_office_formats_privately_and_nothing_executable() -> None:
    from chalicelib.uploads.rules import UPLOAD_RULES

    rule = UPLOAD_RULES["document"]
    extensions = set(rule.content_types.values())
    assert extensions == {"pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "txt", "rtf"}
    assert "application/x-msdownload" not in rule.content_types
    assert not rule.public
    assert rule.max_bytes == 25 * 1024 * 1024
    assert upload_key("document", "ada", "application/pdf", "f3") == "private/ada/document/f3.pdf"
