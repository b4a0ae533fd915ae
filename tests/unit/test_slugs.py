"""A profile link is short, lowercase and not one of the frontend's own paths."""

from __future__ import annotations

import pytest

from chalicelib.profiles.slugs import slug_problem


@pytest.mark.parametrize("slug", ["ray", "ada-lovelace", "expert-007", "a" * 40])
def test_good_links_are_accepted(slug: str) -> None:
    assert slug_problem(slug) is None


@pytest.mark.parametrize("slug", ["ab", "Ada", "-ada", "ada-", "ada--l", "ada_l", "a" * 41, "ada lovelace"])
def test_malformed_links_are_refused(slug: str) -> None:
    assert slug_problem(slug) is not None


def test_reserved_words_are_refused_with_a_reason() -> None:
    assert "reserved" in (slug_problem("admin") or "")
