"""The floor: the least a Chalice + PynamoDB Lambda can be to serve one profile read.

A bare Chalice app, one route, one PynamoDB model and no project code. Whatever cold
start this pays (Python, Chalice, botocore, PynamoDB, the first DynamoDB call), any
Chalice + PynamoDB Lambda pays; ``benchmarks/cold_start.py`` times Parley against it.
It reads the very item Parley's ``GET /experts/{expert_id}`` reads (table from
``FLOOR_TABLE``), and declares the same attributes, so both deserialize the same item.
"""

from __future__ import annotations

import os
from typing import Any

from chalice import Chalice, NotFoundError
from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.exceptions import DoesNotExist
from pynamodb.models import Model

app = Chalice(app_name="floor")


class Education(MapAttribute[str, object]):
    institution = UnicodeAttribute()
    qualification = UnicodeAttribute()
    field = UnicodeAttribute(null=True)
    start_year = NumberAttribute(null=True)
    end_year = NumberAttribute(null=True)


class Profile(Model):
    class Meta:
        table_name = os.environ.get("FLOOR_TABLE", "profiles")
        region = os.environ.get("AWS_REGION", "us-east-1")

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
    education = ListAttribute(of=Education, default=list)
    currency = UnicodeAttribute()
    rate_per_minute = NumberAttribute(null=True)
    hourly_rate = NumberAttribute(null=True)
    free_minutes = NumberAttribute(default=0)
    photo_key = UnicodeAttribute(null=True)
    intro_video_key = UnicodeAttribute(null=True)
    resume_key = UnicodeAttribute(null=True)
    verification_document_keys = ListAttribute(of=UnicodeAttribute, default=list)
    presence = UnicodeAttribute(default="offline")
    rating_total = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    search_facets = ListAttribute(of=UnicodeAttribute, default=list)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


@app.route("/experts/{expert_id}")
def get_profile(expert_id: str) -> dict[str, Any]:
    try:
        profile = Profile.get(expert_id)
    except DoesNotExist:
        raise NotFoundError(f"no expert {expert_id}") from None
    return profile.to_simple_dict()
