"""Leads (a buyer's request for work), their open-lead entries per skill, and sellers' stars per skill.

A ``Lead`` moves: open -> awaiting_payment (a seller's terms were accepted) -> in_progress (the
buyer paid; the platform holds the funds) -> delivered -> completed; or closed (the buyer stopped
it before hiring), cancelled (the deadline passed undelivered: refunded in full), disputed (funds
frozen). ``buyer_stage`` puts it in the buyer's dashboard (``by_buyer`` index, by stage).

While a lead is open, one ``LeadSkillEntry`` per skill it names lets sellers find it by skill
(a Query per skill, newest first, never a Scan); the entries are written and deleted in the same
transactions that change the lead (``chalicelib.leads.open_entries``).

``SellerSkill`` is one item per seller per catalogue skill on their profile, with the stars buyers
gave them in that skill; its ``by_rating`` index ranks a skill's sellers for matching.
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute


class LeadAttachment(MapAttribute[str, object]):
    key = UnicodeAttribute()  # S3 key of the buyer's upload (purpose lead_attachment)
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()


class ByBuyerIndex(GlobalSecondaryIndex["Lead"]):
    """A buyer's leads by dashboard stage, newest first within a stage."""

    class Meta:
        index_name = "by_buyer"
        projection = AllProjection()

    buyer_id = UnicodeAttribute(hash_key=True)
    buyer_stage = UnicodeAttribute(range_key=True)  # "<stage>#<created_at ISO>#<lead_id>"


class LeadAgendaIndex(GlobalSecondaryIndex["Lead"]):
    """Leads with something due (a delivery to accept automatically), by shard and time (sparse)."""

    class Meta:
        index_name = "agenda-by-shard"
        projection = KeysOnlyProjection()

    agenda_shard = UnicodeAttribute(hash_key=True)  # chalicelib.due_index.due_shard
    agenda_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC


class Lead(Model):
    class Meta:
        table_name = StageTableName("leads")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    lead_id = UnicodeAttribute(hash_key=True)
    buyer_id = UnicodeAttribute()
    title = UnicodeAttribute()
    description = UnicodeAttribute()
    skills = StringListAttribute(default=list)  # catalogue skill ids
    budget = IntegerAttribute()  # minor units of currency
    currency = UnicodeAttribute()
    wished_deadline = UnicodeAttribute(null=True)  # YYYY-MM-DD, the buyer's wish
    attachments = ListAttribute[LeadAttachment](of=LeadAttachment, default=list)
    status = UnicodeAttribute()  # see chalicelib.leads.states
    buyer_stage = UnicodeAttribute()
    # The contract, once a seller's terms are accepted
    seller_id = UnicodeAttribute(null=True)
    price = IntegerAttribute(null=True)  # agreed, minor units of currency
    days = IntegerAttribute(null=True)  # agreed days to deliver, counted from payment
    accepted_at = UTCDateTimeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)
    paid_at = UTCDateTimeAttribute(null=True)
    due_at = UTCDateTimeAttribute(null=True)  # paid_at + days
    delivered_at = UTCDateTimeAttribute(null=True)
    completed_at = UTCDateTimeAttribute(null=True)
    completed_by = UnicodeAttribute(null=True)  # the buyer, or "auto" (14 days of silence after delivery)
    cancelled_at = UTCDateTimeAttribute(null=True)
    disputed_at = UTCDateTimeAttribute(null=True)
    disputed_by = UnicodeAttribute(null=True)
    stars = MapAttribute[str, int](null=True)  # {skill: 1..5}, the buyer's rating on closing (raw map)
    agenda_shard = UnicodeAttribute(null=True)
    agenda_at = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()

    by_buyer = ByBuyerIndex()
    agenda = LeadAgendaIndex()


class LeadSkillEntry(Model):
    """An open lead, listed under one of its skills (exists exactly while the lead is open)."""

    class Meta:
        table_name = StageTableName("lead-skill-entries")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    skill = UnicodeAttribute(hash_key=True)
    entry_key = UnicodeAttribute(range_key=True)  # "<created_at ISO>#<lead_id>": newest first when read backwards
    lead_id = UnicodeAttribute()
    buyer_id = UnicodeAttribute()
    title = UnicodeAttribute()
    title_lower = UnicodeAttribute()  # for the search's text filter
    skills = StringListAttribute(default=list)
    budget = IntegerAttribute()
    currency = UnicodeAttribute()
    wished_deadline = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class ByRatingIndex(GlobalSecondaryIndex["SellerSkill"]):
    """A skill's sellers, best stars first when read backwards."""

    class Meta:
        index_name = "by_rating"
        projection = AllProjection()

    skill = UnicodeAttribute(hash_key=True)
    rating_key = UnicodeAttribute(range_key=True)  # "<average x 100, 3 digits>#<count, 6 digits>#<seller_id>"


class SellerSkill(Model):
    class Meta:
        table_name = StageTableName("seller-skills")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    skill = UnicodeAttribute(hash_key=True)
    seller_id = UnicodeAttribute(range_key=True)
    stars_sum = IntegerAttribute(default=0)
    stars_count = IntegerAttribute(default=0)
    rating_key = UnicodeAttribute(null=True)  # absent while the skill is not on the seller's profile (out of matching)

    by_rating = ByRatingIndex()
