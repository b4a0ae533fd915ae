"""The platform's commission: basis points of the amount charged, rounded half up.

Example from the seeds: $3.00 a minute for 30 minutes is 9000 cents; at 1000 bps
the fee is 900 and the expert earns 8100.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_COMMISSION_BPS = 1_000  # 10%
BPS_DENOMINATOR = 10_000


@dataclass(frozen=True)
class ChargeSplit:
    total: int
    fee: int
    earnings: int


def platform_fee(total: int, bps: int) -> int:
    """round-half-up(total x bps / 10000) for a non-negative total."""
    if total < 0 or not 0 <= bps <= BPS_DENOMINATOR:
        raise ValueError(f"cannot take {bps} bps of {total}")
    return (total * bps * 2 + BPS_DENOMINATOR) // (BPS_DENOMINATOR * 2)


def split_charge(total: int, bps: int) -> ChargeSplit:
    fee = platform_fee(total, bps)
    return ChargeSplit(total=total, fee=fee, earnings=total - fee)
