"""An expert's availability: weekly hours in their time zone, date overrides, buffers, notice, horizon.

One item per expert. Ranges are stored as ``"HH:MM-HH:MM"`` local wall-clock strings.
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute


class WeeklyHours(MapAttribute[str, object]):
    monday = StringListAttribute(default=list)
    tuesday = StringListAttribute(default=list)
    wednesday = StringListAttribute(default=list)
    thursday = StringListAttribute(default=list)
    friday = StringListAttribute(default=list)
    saturday = StringListAttribute(default=list)
    sunday = StringListAttribute(default=list)


class DateOverride(MapAttribute[str, object]):
    date = UnicodeAttribute()  # local date, YYYY-MM-DD
    ranges = StringListAttribute(default=list)  # empty: closed that day


class ExpertAvailability(Model):
    class Meta:
        table_name = StageTableName("expert-availability")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    expert_id = UnicodeAttribute(hash_key=True)
    time_zone = UnicodeAttribute()  # IANA name
    weekly_hours = WeeklyHours()
    overrides = ListAttribute[DateOverride](of=DateOverride, default=list)
    buffer_before_minutes = IntegerAttribute()
    buffer_after_minutes = IntegerAttribute()
    minimum_notice_minutes = IntegerAttribute()
    booking_horizon_days = IntegerAttribute()
    # The booking policy: a request waits for the expert's approval (24 h at most); cancelling or
    # rescheduling later than cancel_cutoff_hours before the start is late, and a client's late
    # cancellation is charged late_cancel_share_bps of the amount (an expert's never is).
    requires_approval = BooleanAttribute(default=False)
    cancel_cutoff_hours = IntegerAttribute(default=24)
    late_cancel_share_bps = IntegerAttribute(default=5000)
    # The free initial consultation (chalicelib.availability.free_consultation); absent: the defaults.
    free_consultation_enabled = BooleanAttribute(null=True)
    free_consultation_minutes = IntegerAttribute(null=True)
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()
