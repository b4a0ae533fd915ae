"""Settings of one deployment stage, read from the environment on first use.

Every value comes from the stage's environment (``.chalice/config.json`` in AWS,
the local stack's launcher locally). Nothing here talks to AWS.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    stage: str
    region: str
    table_prefix: str
    user_pool_id: str
    user_pool_client_ids: tuple[str, ...]
    jwks_url: str
    media_bucket: str
    media_base_url: str
    web_origin: str
    commission_bps: int
    earnings_hold_days: int
    call_request_seconds: int
    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()

    @property
    def token_issuer(self) -> str:
        """Cognito's issuer claim; moto uses the same AWS form for its tokens."""
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.user_pool_id}"


def _require(name: str) -> str:
    value = os.environ.get(name, "")
    if not value:
        raise RuntimeError(f"environment variable {name} is not set")
    return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    pool_id = _require("PARLEY_USER_POOL_ID")
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
    bucket = _require("PARLEY_MEDIA_BUCKET")
    return Settings(
        stage=os.environ.get("PARLEY_STAGE", "local"),
        region=region,
        table_prefix=table_prefix(),
        user_pool_id=pool_id,
        user_pool_client_ids=tuple(c for c in _require("PARLEY_USER_POOL_CLIENT_IDS").split(",") if c),
        jwks_url=os.environ.get("PARLEY_JWKS_URL") or f"{issuer}/.well-known/jwks.json",
        media_bucket=bucket,
        media_base_url=os.environ.get("PARLEY_MEDIA_BASE_URL") or f"https://{bucket}.s3.{region}.amazonaws.com",
        web_origin=os.environ.get("PARLEY_WEB_ORIGIN", "*"),
        commission_bps=int(os.environ.get("PARLEY_COMMISSION_BPS", "1000")),
        earnings_hold_days=int(os.environ.get("PARLEY_EARNINGS_HOLD_DAYS", "7")),
        call_request_seconds=int(os.environ.get("PARLEY_CALL_REQUEST_SECONDS", "60")),
        stun_urls=_url_list("PARLEY_STUN_URLS"),
        turn_urls=_url_list("PARLEY_TURN_URLS"),
    )


def _url_list(name: str) -> tuple[str, ...]:
    """A comma-separated list of URIs, e.g. the stage's STUN or TURN servers."""
    return tuple(url.strip() for url in os.environ.get(name, "").split(",") if url.strip())


def table_prefix() -> str:
    """Prefix of every DynamoDB table name, e.g. ``parley-dev-``."""
    return os.environ.get("PARLEY_TABLE_PREFIX", "parley-local-")


def reset_settings() -> None:
    """Forget cached settings (tests and the local stack change the environment)."""
    get_settings.cache_clear()
