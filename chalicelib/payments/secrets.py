"""Stripe's keys: from SSM Parameter Store in AWS, from the environment only on the local stack."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.stage_secrets import stage_secret


@lru_cache(maxsize=1)
def stripe_secret_key() -> str:
    return stage_secret("PARLEY_STRIPE_SECRET_PARAMETER", "PARLEY_STRIPE_SECRET_KEY")


@lru_cache(maxsize=1)
def stripe_webhook_secret() -> str:
    return stage_secret("PARLEY_STRIPE_WEBHOOK_SECRET_PARAMETER", "PARLEY_STRIPE_WEBHOOK_SECRET")
