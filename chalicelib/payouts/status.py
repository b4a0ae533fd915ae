"""A stored payout's status: ``transferring`` (money reserved, transfer under way), then ``paid`` or ``failed``."""

from __future__ import annotations

TRANSFERRING = "transferring"
PAID = "paid"
FAILED = "failed"
