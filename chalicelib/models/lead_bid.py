"""A seller's bid on a lead and the proposals of its negotiation.

``LeadBid`` (lead, seller) holds the latest terms and who proposed them; only the bid's seller
and the lead's buyer ever read it. Each proposal is a ``LeadProposal`` (bid, sequence number),
put on condition that it does not exist: kept in order, never edited. Accepting writes the lead,
the bid and the acceptance in one transaction on condition that the lead is still open and the
accepted proposal is still the latest, so only one seller's terms can be accepted per lead.
"""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class BySellerIndex(GlobalSecondaryIndex["LeadBid"]):
    """A seller's bids by dashboard stage (requested, in_progress, completed, ended), newest first."""

    class Meta:
        index_name = "by_seller"
        projection = AllProjection()

    seller_id = UnicodeAttribute(hash_key=True)
    seller_stage = UnicodeAttribute(range_key=True)  # "<stage>#<created_at ISO>#<lead_id>"


class LeadBid(Model):
    class Meta:
        table_name = StageTableName("lead-bids")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    lead_id = UnicodeAttribute(hash_key=True)
    seller_id = UnicodeAttribute(range_key=True)
    buyer_id = UnicodeAttribute()
    lead_title = UnicodeAttribute()
    currency = UnicodeAttribute()
    status = UnicodeAttribute()  # negotiating | accepted | lost (another seller's were) | withdrawn | ended
    rounds = IntegerAttribute(default=0)  # proposals so far; the latest is number ``rounds``
    price = IntegerAttribute()  # the latest proposal's terms
    days = IntegerAttribute()
    proposed_by = UnicodeAttribute()  # buyer | seller: who made the latest proposal
    seller_stage = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()

    by_seller = BySellerIndex()


class LeadProposal(Model):
    """One proposal of a negotiation, immutable."""

    class Meta:
        table_name = StageTableName("lead-proposals")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    bid_key = UnicodeAttribute(hash_key=True)  # "<lead_id>#<seller_id>"
    number = IntegerAttribute(range_key=True)  # 1, 2, 3, ... in the order made
    proposed_by = UnicodeAttribute()  # buyer | seller
    price = IntegerAttribute()
    days = IntegerAttribute()
    message = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
