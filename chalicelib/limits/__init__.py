"""Limits against abuse: per-account rate limits (``rate_limits``, ``limiter``) and the hold cap (``hold_cap``)."""
