"""The claim on a profile link: one item per slug, so a slug has at most one holder."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class ProfileSlug(Model):
    class Meta:
        table_name = StageTableName("profile-slugs")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    slug = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    claimed_at = UTCDateTimeAttribute()
