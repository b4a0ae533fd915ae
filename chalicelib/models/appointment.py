"""Appointments, the time locks that keep them from overlapping, and free-consultation markers.

An appointment is written in one transaction with one ``AppointmentLock`` per 5-minute
granule it occupies (buffers included; ``chalicelib.bookings.time_locks``), each put on
condition that it does not exist: of two overlapping bookings at most one commits. While an
appointment holds its time it carries ``busy_expert_id``/``busy_start``, which put it in the
sparse ``busy`` index the slots endpoint queries; cancelling removes them.

While something is still to be done about an appointment (its approval runs out, a reminder is
due, its card hold nears the network's limit, it has ended and is to be charged) it carries
``agenda_shard``/``agenda_at``: the sparse ``agenda-by-shard`` index the scheduled job reads
(``chalicelib.bookings.agenda``). Every write bumps ``revision`` on condition that it is
unchanged, so two writers never both act on the same state.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class BusyIndex(GlobalSecondaryIndex["Appointment"]):
    """An expert's appointments that hold their time, by start (sparse)."""

    class Meta:
        index_name = "busy"
        projection = IncludeProjection(["busy_end"])

    busy_expert_id = UnicodeAttribute(hash_key=True)
    busy_start = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, sorts as time


class AgendaIndex(GlobalSecondaryIndex["Appointment"]):
    """Appointments with something due, by shard and the time it is due (sparse; ``chalicelib.due_index``)."""

    class Meta:
        index_name = "agenda-by-shard"
        projection = KeysOnlyProjection()

    agenda_shard = UnicodeAttribute(hash_key=True)  # chalicelib.due_index.due_shard
    agenda_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, sorts as time


class ByExpertIndex(GlobalSecondaryIndex["Appointment"]):
    """An expert's appointments by start: their agenda and the requests awaiting them."""

    class Meta:
        index_name = "by_expert"
        projection = AllProjection()

    expert_id = UnicodeAttribute(hash_key=True)
    start = UTCDateTimeAttribute(range_key=True)


class ByClientIndex(GlobalSecondaryIndex["Appointment"]):
    """A client's appointments by start."""

    class Meta:
        index_name = "by_client"
        projection = AllProjection()

    client_id = UnicodeAttribute(hash_key=True)
    start = UTCDateTimeAttribute(range_key=True)


class Appointment(Model):
    class Meta:
        table_name = StageTableName("appointments")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"  # its changes' effects are delivered from it (chalicelib/outbox)

    appointment_id = UnicodeAttribute(hash_key=True)
    expert_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # paid | free_consultation
    # holding (time locked, card not held yet) | requested (awaits the expert's approval) | confirmed
    # | completed | cancelled | declined | expired (approval not given in time)
    status = UnicodeAttribute()
    revision = IntegerAttribute(default=0)  # bumped by every write; writes are conditional on it
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    minutes = IntegerAttribute()
    buffer_before_minutes = IntegerAttribute()
    buffer_after_minutes = IntegerAttribute()
    lock_count = IntegerAttribute()  # granules locked, from start - buffer_before to end + buffer_after
    expert_zone = UnicodeAttribute(default="UTC")  # IANA zone of the expert's availability at booking
    client_zone = UnicodeAttribute(default="UTC")  # IANA zone the client booked in
    sequence = IntegerAttribute(default=0)  # the calendar invite's SEQUENCE: + 1 on each reschedule or cancellation
    service_id = UnicodeAttribute(null=True)
    service_name = UnicodeAttribute(null=True)
    meeting_url = UnicodeAttribute(null=True)  # the service's meeting link, if it has one
    note = UnicodeAttribute(null=True)  # what the client wrote when booking
    media = UnicodeAttribute(null=True)  # voice | video, for the appointment's call (null: video, as booked before)
    call_session_id = UnicodeAttribute(null=True)  # the appointment's call, once a participant opened it
    currency = UnicodeAttribute(null=True)
    amount = IntegerAttribute(null=True)  # minor units held on the card
    payment_id = UnicodeAttribute(null=True)
    hold_placed_at = UTCDateTimeAttribute(null=True)  # when the card was authorised (the network's clock)
    # The policy agreed at booking: cancelling or rescheduling less than cutoff hours before the start
    # is "late"; a client's late cancellation is charged late_share_bps of the amount.
    cancel_cutoff_hours = IntegerAttribute(default=0)
    late_share_bps = IntegerAttribute(default=0)
    charged = IntegerAttribute(null=True)  # minor units finally charged (after completion or cancellation)
    hold_captured_at = UTCDateTimeAttribute(null=True)  # the held amount was captured (early, or when settled)
    settled_at = UTCDateTimeAttribute(null=True)  # the card matches ``charged`` (captured, released, refunded)
    cancelled_by = UnicodeAttribute(null=True)
    decided_at = UTCDateTimeAttribute(null=True)  # the expert approved or declined
    reminders_sent = IntegerAttribute(default=0)  # how many of the reminders (24 h, 1 h before) are done
    approval_reminded = IntegerAttribute(default=0)  # 1 once the expert was reminded of a waiting request
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    busy_expert_id = UnicodeAttribute(null=True)
    busy_start = UnicodeAttribute(null=True)
    busy_end = UnicodeAttribute(null=True)
    agenda_shard = UnicodeAttribute(null=True)
    agenda_at = UnicodeAttribute(null=True)

    busy = BusyIndex()
    agenda = AgendaIndex()
    by_expert = ByExpertIndex()
    by_client = ByClientIndex()


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
