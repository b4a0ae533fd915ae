"""An expert's profile: what clients read, search and pay for. Keyed by the account id."""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.models.base import StageRegion, StageTableName


class EducationEntry(MapAttribute[str, object]):
    institution = UnicodeAttribute()
    qualification = UnicodeAttribute()
    field = UnicodeAttribute(null=True)
    start_year = NumberAttribute(null=True)
    end_year = NumberAttribute(null=True)


class ExpertProfile(Model):
    class Meta:
        table_name = StageTableName("expert-profiles")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    expert_id = UnicodeAttribute(hash_key=True)
    slug = UnicodeAttribute()
    name = UnicodeAttribute()
    job_title = UnicodeAttribute(null=True)
    company = UnicodeAttribute(null=True)
    advice_on = UnicodeAttribute(null=True)
    offering = UnicodeAttribute(null=True)
    description = UnicodeAttribute(null=True)
    categories = ListAttribute(of=UnicodeAttribute, default=list)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    languages = ListAttribute(of=UnicodeAttribute, default=list)
    skills = ListAttribute(of=UnicodeAttribute, default=list)
    education = ListAttribute(of=EducationEntry, default=list)
    currency = UnicodeAttribute()
    rate_per_minute = NumberAttribute(null=True)  # minor units
    hourly_rate = NumberAttribute(null=True)  # minor units
    free_minutes = NumberAttribute(default=0)
    photo_key = UnicodeAttribute(null=True)
    intro_video_key = UnicodeAttribute(null=True)
    resume_key = UnicodeAttribute(null=True)
    verification_document_keys = ListAttribute(of=UnicodeAttribute, default=list)
    presence = UnicodeAttribute(default="offline")  # online | busy | offline
    rating_total = NumberAttribute(default=0)  # sum of 1..5 stars
    rating_count = NumberAttribute(default=0)
    search_facets = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
