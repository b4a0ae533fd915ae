"""The SQS client payouts use, made on first use (boto3's clients cost tens of milliseconds)."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

from chalicelib.models.base import current_region


def sqs_client() -> Any:
    return _client(current_region(), os.environ.get("AWS_ENDPOINT_URL"))


@lru_cache(maxsize=4)
def _client(region: str, endpoint_url: str | None) -> Any:
    """One client per region and endpoint, so a test or the local stack that moves the endpoint gets a new one."""
    import boto3

    return boto3.client("sqs", region_name=region, endpoint_url=endpoint_url)


def queue_url(variable: str) -> str:
    url = os.environ.get(variable, "")
    if not url:
        raise RuntimeError(f"environment variable {variable} is not set")
    return url
