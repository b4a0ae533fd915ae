"""An expert's profile: what clients read, search and pay for. Keyed by the account id."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.models.base import (
    IntegerAttribute,
    IntegerListAttribute,
    StageRegion,
    StageTableName,
    StringListAttribute,
)


class EducationEntry(MapAttribute[str, object]):
    institution = UnicodeAttribute()
    qualification = UnicodeAttribute()
    field = UnicodeAttribute(null=True)
    start_year = IntegerAttribute(null=True)
    end_year = IntegerAttribute(null=True)


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
    categories = StringListAttribute(default=list)
    tags = StringListAttribute(default=list)
    languages = StringListAttribute(default=list)
    skills = StringListAttribute(default=list)
    education = ListAttribute[EducationEntry](of=EducationEntry, default=list)
    currency = UnicodeAttribute()
    rate_per_minute = IntegerAttribute(null=True)  # minor units
    hourly_rate = IntegerAttribute(null=True)  # minor units
    free_minutes = IntegerAttribute(default=0)
    photo_key = UnicodeAttribute(null=True)
    intro_video_key = UnicodeAttribute(null=True)
    resume_key = UnicodeAttribute(null=True)
    verification_document_keys = StringListAttribute(default=list)
    presence = UnicodeAttribute(default="offline")  # online | busy | offline: what clients see
    # what the expert last said (online | offline); shown online only while a device of theirs is connected
    presence_intent = UnicodeAttribute(null=True)
    rating_total = IntegerAttribute(default=0)  # sum of 1..5 stars
    rating_count = IntegerAttribute(default=0)
    # Stars per skill from closed leads, {skill: {"sum": n, "count": n}}: a copy of the SellerSkill items
    # (which rank matching), written in the same transaction, so a profile read needs no second read.
    skill_stars = MapAttribute[str, Any](null=True)
    reputation = IntegerAttribute(default=0)  # the sum of its ReputationEvent items (chalicelib.reputation)
    # Responsiveness (chalicelib.conversations): each wait on the expert's answer ends answered (in the transaction
    # of the answer) or missed (by the hourly reminder job, 24 hours on; a late answer then moves it to answered).
    response_count = IntegerAttribute(default=0)  # waits the expert answered
    responses_within_24h = IntegerAttribute(default=0)
    responses_missed = IntegerAttribute(default=0)  # waits 24 hours old without an answer, not answered since
    response_seconds = IntegerListAttribute(default=list)  # the last 50 answers, oldest first
    search_facets = StringListAttribute(default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
