"""The ledger's accounts, by name. Balances are kept as credits minus debits.

Liabilities to experts and platform revenue therefore have positive balances;
the platform's cash at Stripe (an asset) runs negative. Platform accounts are
spread over ``PLATFORM_SHARDS`` items so no single item takes every write.
"""

from __future__ import annotations

import hashlib

PLATFORM_SHARDS = 8

PENDING = "pending"  # earned, inside the hold period (refunds still likely)
AVAILABLE = "available"  # payable at the next weekly payout
FROZEN = "frozen"  # held while a dispute on the charge is open
IN_TRANSIT = "in_transit"  # reserved for a payout whose transfer is under way
EXPERT_BUCKETS = (PENDING, AVAILABLE, FROZEN, IN_TRANSIT)


def shard_of(cause_id: str) -> int:
    return int(hashlib.sha256(cause_id.encode()).hexdigest(), 16) % PLATFORM_SHARDS


def expert_account(expert_id: str, bucket: str) -> str:
    if bucket not in EXPERT_BUCKETS:
        raise ValueError(f"unknown expert bucket {bucket}")
    return f"expert:{expert_id}:{bucket}"


def platform_cash(cause_id: str) -> str:
    """Money held on the platform's Stripe balance."""
    return f"platform:cash#{shard_of(cause_id)}"


def platform_fees(cause_id: str) -> str:
    """The platform's commission revenue."""
    return f"platform:fees#{shard_of(cause_id)}"


def platform_fee_accounts() -> list[str]:
    return [f"platform:fees#{n}" for n in range(PLATFORM_SHARDS)]


def expert_of(account: str) -> str | None:
    """The expert an account belongs to, or ``None`` for platform accounts."""
    kind, _, rest = account.partition(":")
    return rest.rsplit(":", 1)[0] if kind == "expert" else None
