"""Giving localstripe's objects the fields, and only the fields, of Stripe's example."""

from __future__ import annotations

from typing import Any

from infra.local.stripe_stand_in.fixtures import fixture


def reshape(object_type: str, exported: dict[str, Any], known: dict[str, Any]) -> dict[str, Any]:
    """Stripe's example's fields, valued from ``known``, then localstripe's export, then the example.

    Fields localstripe sends that Stripe's current API no longer has (``charges`` on a
    PaymentIntent, ``invoice`` on a charge, ``date`` on a refund) are left out.
    """
    template = fixture(object_type)
    shaped: dict[str, Any] = {}
    for key, example in template.items():
        if key in known:
            shaped[key] = known[key]
        elif key in exported:
            shaped[key] = exported[key]
        else:
            shaped[key] = example
    return shaped


def expanded(expand: Any, field: str) -> bool:
    return any(path == field or str(path).startswith(field + ".") for path in expand or [])
