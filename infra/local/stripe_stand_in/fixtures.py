"""Stripe's own example objects, the templates every new object is built from.

``stripe_fixtures.json`` holds the resources the stand-in needs, taken unchanged
from Stripe's OpenAPI fixtures (``fixtures3.json``, ``{"resources": {type: example}}``).
An object starts as a deep copy of its type's example; the code then overrides
the fields it knows, so every field Stripe sends is present with a plausible value.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES_FILE = Path(__file__).with_name("stripe_fixtures.json")


@cache
def _resources() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = json.loads(FIXTURES_FILE.read_text())["resources"]
    return data


def fixture(object_type: str, **overrides: Any) -> dict[str, Any]:
    """A fresh copy of Stripe's example ``object_type``, with ``overrides`` applied."""
    example = copy.deepcopy(_resources()[object_type])
    example.update(overrides)
    return example


def fields_of(object_type: str) -> frozenset[str]:
    """The top-level fields Stripe's example of ``object_type`` has."""
    return frozenset(_resources()[object_type])
