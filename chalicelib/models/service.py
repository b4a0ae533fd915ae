"""An expert's services (as Otechie has them), and the claims on their links.

A service's link (``/experts/<profile slug>/services/<service slug>``) is unique
per expert: a ``ServiceSlug`` item keyed (expert, slug) is written in the same
transaction that creates or renames the service, and deleted when it is freed.
"""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, UnicodeAttribute, UTCDateTimeAttribute, VersionAttribute
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class OngoingRate(MapAttribute[str, object]):
    """Shown at checkout only; never charged by Parley."""

    amount = IntegerAttribute()  # minor units of the service's currency
    unit = UnicodeAttribute()  # hour | week | month


class Meeting(MapAttribute[str, object]):
    location_url = UnicodeAttribute()  # https video-conferencing link
    duration_minutes = IntegerAttribute()


class ExpertService(Model):
    class Meta:
        table_name = StageTableName("expert-services")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    expert_id = UnicodeAttribute(hash_key=True)
    service_id = UnicodeAttribute(range_key=True)
    position = IntegerAttribute()  # display order among the expert's services, from 0
    slug = UnicodeAttribute()
    name = UnicodeAttribute()
    description = UnicodeAttribute()
    currency = UnicodeAttribute()  # the expert's currency when the amounts were written
    upfront_hold = IntegerAttribute(null=True)  # minor units, authorised at checkout
    ongoing_rate = OngoingRate(null=True)
    meeting = Meeting(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class ServiceSlug(Model):
    """The claim on one service link of one expert: at most one service holds it."""

    class Meta:
        table_name = StageTableName("service-slugs")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    expert_id = UnicodeAttribute(hash_key=True)
    slug = UnicodeAttribute(range_key=True)
    service_id = UnicodeAttribute()
