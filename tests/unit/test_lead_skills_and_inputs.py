"""The skills catalogue, the lead's input rules and the lead upload rule (pure)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from chalicelib.leads.schemas import LeadInput
from chalicelib.leads.skills import SKILL_CATEGORY, SKILLS, catalogue_entries
from chalicelib.profiles.catalogue import CATEGORIES
from chalicelib.uploads.rules import UPLOAD_RULES, belongs_to, upload_key

ROOT = Path(__file__).resolve().parents[2]


def test_skill_ids_are_lowercase_hyphenated_and_each_in_a_profile_category() -> None:
    assert 60 <= len(SKILLS) <= 100
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", skill) for skill in SKILLS)
    assert set(SKILL_CATEGORY.values()) == set(CATEGORIES)
    assert [entry["id"] for entry in catalogue_entries()] == list(SKILLS)


def test_every_skill_the_demo_profiles_and_the_stack_tests_use_is_in_the_catalogue() -> None:
    from infra.local.demo_data import DEMO_USERS

    used = {skill for user in DEMO_USERS for skill in (user.get("profile") or {}).get("skills", [])}
    assert used
    assert used <= set(SKILLS)
    assert {"mathematics", "casework", "appeals"} <= set(SKILLS)


def _lead(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {"title": "A fair title", "skills": ["python"], "budget": 100, "currency": "USD"}
    body.update(changes)
    return body


def test_a_lead_input_normalises_skills_and_keeps_each_once() -> None:
    lead = LeadInput.model_validate(_lead(skills=[" Python ", "python", "aws"]))
    assert lead.skills == ["python", "aws"]
    assert lead.description == ""
    assert lead.wished_deadline is None
    assert lead.attachments == []


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": "Tiny"}, "string_too_short"),
        ({"skills": ["knitting"]}, "unknown_skill"),
        ({"skills": []}, "too_short"),
        ({"budget": 10_000_001}, "less_than_equal"),
        ({"budget": "100"}, "int_type"),
        ({"currency": "JPY"}, "literal_error"),
        ({"wished_deadline": "next week"}, "date_from_datetime_parsing"),
        ({"attachments": [{"key": "k", "file_name": "f"}] * 11}, "too_long"),
        ({"owner": "me"}, "extra_forbidden"),
    ],
)
def test_a_bad_lead_input_is_refused_with_a_code(changes: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationError) as error:
        LeadInput.model_validate(_lead(**changes))
    assert code in {problem["type"] for problem in error.value.errors()}


def test_lead_attachments_are_private_limited_to_20_mb_and_office_pdf_image_text_or_zip() -> None:
    rule = UPLOAD_RULES["lead_attachment"]
    assert not rule.public
    assert rule.max_bytes == 20 * 1024 * 1024
    assert set(rule.content_types.values()) == {"pdf", "png", "jpg", "docx", "xlsx", "txt", "zip"}
    key = upload_key("lead_attachment", "buyer-1", "application/pdf", "abc")
    assert key == "private/buyer-1/lead_attachment/abc.pdf"
    assert belongs_to(key, "lead_attachment", "buyer-1")
    assert not belongs_to(key, "lead_attachment", "buyer-2")
    assert not belongs_to(key, "message_attachment", "buyer-1")
