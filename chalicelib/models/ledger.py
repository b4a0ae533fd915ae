"""The ledger's storage: one item per posted transaction, one item per account balance.

Both are written in the same DynamoDB transaction as the state change that
causes them; the transaction item's id is the cause, so it is written once.
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class LedgerEntryAttribute(MapAttribute[str, object]):
    account = UnicodeAttribute()
    amount = IntegerAttribute()


class ByExpertIndex(GlobalSecondaryIndex["LedgerRecord"]):
    """An expert's postings in time order: their statement, week by week."""

    class Meta:
        index_name = "by-expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    occurred_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC


class LedgerRecord(Model):
    class Meta:
        table_name = StageTableName("ledger-transactions")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    txn_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    currency = UnicodeAttribute()
    entries = ListAttribute[LedgerEntryAttribute](of=LedgerEntryAttribute)
    expert_id = UnicodeAttribute(null=True)
    occurred_at = UnicodeAttribute()
    memo = MapAttribute[str, object](default=dict)

    by_expert = ByExpertIndex()


class OwedIndex(GlobalSecondaryIndex["LedgerBalance"]):
    """Sparse: only experts' available balances that may be owed a payout carry ``owed_shard``."""

    class Meta:
        index_name = "owed"
        projection = IncludeProjection(["balance"])

    owed_shard = UnicodeAttribute(hash_key=True)
    account = UnicodeAttribute(range_key=True)


class LedgerBalance(Model):
    class Meta:
        table_name = StageTableName("ledger-balances")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    account = UnicodeAttribute(hash_key=True)
    currency = UnicodeAttribute(range_key=True)
    balance = IntegerAttribute(default=0)  # credits minus debits, minor units
    owed_shard = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute(null=True)

    owed = OwedIndex()
