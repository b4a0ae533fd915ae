"""Appointments, the time locks that keep them from overlapping, and free-consultation markers.

An appointment is written in one transaction with one ``AppointmentLock`` per 5-minute
granule it occupies (buffers included; ``chalicelib.bookings.time_locks``), each put on
condition that it does not exist: of two overlapping bookings at most one commits. While an
appointment holds its time it carries ``busy_expert_id``/``busy_start``, which put it in the
sparse ``busy`` index the slots endpoint queries; cancelling removes them.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class BusyIndex(GlobalSecondaryIndex["Appointment"]):
    """An expert's appointments that hold their time, by start (sparse)."""

    class Meta:
        index_name = "busy"
        projection = IncludeProjection(["busy_end"])

    busy_expert_id = UnicodeAttribute(hash_key=True)
    busy_start = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, sorts as time


class Appointment(Model):
    class Meta:
        table_name = StageTableName("appointments")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    appointment_id = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # paid | free_consultation
    status = UnicodeAttribute()  # holding | confirmed | cancelled
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    minutes = IntegerAttribute()
    buffer_before_minutes = IntegerAttribute()
    buffer_after_minutes = IntegerAttribute()
    lock_count = IntegerAttribute()  # granules locked, from start - buffer_before to end + buffer_after
    service_id = UnicodeAttribute(null=True)
    currency = UnicodeAttribute(null=True)
    amount = IntegerAttribute(null=True)  # minor units held on the card
    payment_id = UnicodeAttribute(null=True)
    cancelled_by = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    busy_expert_id = UnicodeAttribute(null=True)
    busy_start = UnicodeAttribute(null=True)
    busy_end = UnicodeAttribute(null=True)

    busy = BusyIndex()


class AppointmentLock(Model):
    """One 5-minute granule of one expert's time, held by one appointment."""

    class Meta:
        table_name = StageTableName("appointment-locks")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    lock_key = UnicodeAttribute(hash_key=True)  # "<expert_id>#<granule start, UTC ISO>"
    appointment_id = UnicodeAttribute()
    expires = TTLAttribute(null=True)  # DynamoDB removes locks of long-past granules


class FreeConsultation(Model):
    """A client's one free initial consultation with one expert."""

    class Meta:
        table_name = StageTableName("free-consultations")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    pair = UnicodeAttribute(hash_key=True)  # "<client_id>#<expert_id>"
    appointment_id = UnicodeAttribute()
