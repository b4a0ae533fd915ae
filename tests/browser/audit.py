"""The checks every page a journey visits must pass (filled in by the quality work of issue 13:
axe-core's serious and critical violations, and the page's figures)."""

from __future__ import annotations

from typing import Any


def check_page(driver: Any, name: str, width: str) -> None:
    """Checks the page as it is now at ``width`` ("desktop" or "phone")."""
