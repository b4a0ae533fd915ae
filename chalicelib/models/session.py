"""A paid call (session) as stored, and the marker of a client's first call with an expert.

Live sessions (requested, accepted, active, or ended but not yet settled) carry
``live_shard`` and ``due_at``: the sparse, sharded ``live`` index holds only them,
so the timers' backstop reads only what is live and overdue, never the whole table (each
call's own timer, ``chalicelib/sessions/timers.py``, says when it is due next).
Calls that ring or are under way (requested, accepted, active) also carry ``live_client_id``
and ``live_expert_id``: two sparse indexes find a person's live calls for a device that just
connected, without a Scan. ``active-by-expert`` holds the calls that went active (both joined), by
expert and time, for the expert's weekly statistics. ``client_devices`` and ``expert_devices``
hold the WebSocket connections of each side's devices that joined the call and have not left
it, so the relay reads this item alone (``chalicelib/realtime/relay.py``).
"""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute

LIVE_SHARDS = 8


class IntervalAttribute(MapAttribute[str, object]):
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()


class LiveSessionsIndex(GlobalSecondaryIndex["CallSession"]):
    """Sparse and sharded: only live sessions are in it, by when their timer should next look."""

    class Meta:
        index_name = "live"
        projection = KeysOnlyProjection()

    live_shard = UnicodeAttribute(hash_key=True)  # "0" .. "7"
    due_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, sorts as time


class LiveByClientIndex(GlobalSecondaryIndex["CallSession"]):
    """Sparse: a client's calls that ring or are under way."""

    class Meta:
        index_name = "live-by-client"
        projection = KeysOnlyProjection()

    live_client_id = UnicodeAttribute(hash_key=True)


class LiveByExpertIndex(GlobalSecondaryIndex["CallSession"]):
    """Sparse: an expert's calls that ring or are under way."""

    class Meta:
        index_name = "live-by-expert"
        projection = KeysOnlyProjection()

    live_expert_id = UnicodeAttribute(hash_key=True)


class ActiveByExpertIndex(GlobalSecondaryIndex["CallSession"]):
    """Sparse: an expert's calls that went active (both joined), by when: the weekly statistics."""

    class Meta:
        index_name = "active-by-expert"
        projection = IncludeProjection(["state"])

    expert_id = UnicodeAttribute(hash_key=True)
    active_at = UTCDateTimeAttribute(range_key=True)


class CallSession(Model):
    class Meta:
        table_name = StageTableName("sessions")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"  # its changes' effects are delivered from it (chalicelib/outbox)

    session_id = UnicodeAttribute(hash_key=True)
    client_id = UnicodeAttribute()
    expert_id = UnicodeAttribute()
    media = UnicodeAttribute()
    paid = BooleanAttribute()
    state = UnicodeAttribute()
    requested_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    accepted_at = UTCDateTimeAttribute(null=True)
    active_at = UTCDateTimeAttribute(null=True)
    ended_at = UTCDateTimeAttribute(null=True)
    end_reason = UnicodeAttribute(null=True)
    hold_ready = BooleanAttribute(default=False)
    client_connected_since = UTCDateTimeAttribute(null=True)
    expert_connected_since = UTCDateTimeAttribute(null=True)
    # the connection ids of each side's devices in the call (joined, not left); absent when none
    client_devices = UnicodeSetAttribute(null=True)
    expert_devices = UnicodeSetAttribute(null=True)
    media_connected_at = UTCDateTimeAttribute(null=True)  # the first report that media flows; billing counts from it
    client_intervals = ListAttribute[IntervalAttribute](of=IntervalAttribute, default=list)
    expert_intervals = ListAttribute[IntervalAttribute](of=IntervalAttribute, default=list)
    link_id = UnicodeAttribute(null=True)
    # a booked appointment's call: opened by POST /bookings/{id}/call, paid by the booking, ends by its end
    appointment_id = UnicodeAttribute(null=True)
    ends_by = UTCDateTimeAttribute(null=True)  # the appointment's booked end
    payment_method_id = UnicodeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)
    # the client's card failed when the expert accepted: the request waits for another card until it expires
    payment_failed_at = UTCDateTimeAttribute(null=True)
    payment_failure_code = UnicodeAttribute(null=True)
    payment_failure_reason = UnicodeAttribute(null=True)
    # the tariff as it was when the call was requested
    currency = UnicodeAttribute()
    rate_per_minute = IntegerAttribute(null=True)
    hourly_rate = IntegerAttribute(null=True)
    free_minutes = IntegerAttribute(default=0)
    commission_bps = IntegerAttribute()
    warnings_sent = StringListAttribute(default=list)
    # the bill, once ended
    billable_seconds = IntegerAttribute(null=True)
    billed_minutes = IntegerAttribute(null=True)
    amount = IntegerAttribute(null=True)
    fee = IntegerAttribute(null=True)
    earnings = IntegerAttribute(null=True)
    settled = BooleanAttribute(default=False)  # charged (or released) and receipts sent
    live_shard = UnicodeAttribute(null=True)
    due_at = UnicodeAttribute(null=True)
    live_client_id = UnicodeAttribute(null=True)  # set while requested, accepted or active
    live_expert_id = UnicodeAttribute(null=True)
    version = VersionAttribute()

    live = LiveSessionsIndex()
    live_by_client = LiveByClientIndex()
    live_by_expert = LiveByExpertIndex()
    active_by_expert = ActiveByExpertIndex()


class FirstCall(Model):
    """Written when a client's call with an expert ends: later calls get no free minutes."""

    class Meta:
        table_name = StageTableName("first-calls")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    pair = UnicodeAttribute(hash_key=True)  # "<client_id>#<expert_id>"
    session_id = UnicodeAttribute()
    ended_at = UTCDateTimeAttribute()
