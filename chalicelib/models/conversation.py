"""Conversations: threads between a client and an expert, their immutable messages, and who sees which.

A thread (``Conversation``) is tied to one subject: a booking, a service checkout, a
lead, or a client's direct messages to an expert (``thread_id`` is ``<subject>:<subject id>``).
Its messages (``ConversationMessage``) are written once, on condition that their id is new, and
never updated: there is no code path that changes a sent message. ``ConversationMember`` holds one item per participant,
so "my threads, newest activity first" is one Query of the ``by-activity`` index.

While a client waits on the expert's answer, the thread carries ``remind_shard``/``remind_at``
(a shard and the time the expert is due a reminder): the sparse ``remind-due-by-shard`` index the
hourly reminder job reads. The job removes them when it reminds, an answer removes them too.
"""

from __future__ import annotations

from pynamodb.attributes import ListAttribute, MapAttribute, UnicodeAttribute, UnicodeSetAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection, LocalSecondaryIndex
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName, StringListAttribute


class RemindDueIndex(GlobalSecondaryIndex["Conversation"]):
    """Threads whose expert is due a reminder, by shard and the time it is due (sparse)."""

    class Meta:
        index_name = "remind-due-by-shard"
        projection = KeysOnlyProjection()

    remind_shard = UnicodeAttribute(hash_key=True)  # chalicelib.due_index.due_shard
    remind_at = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, sorts as time


class Conversation(Model):
    class Meta:
        table_name = StageTableName("conversations")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"
        stream_view_type = "NEW_AND_OLD_IMAGES"  # reminders are delivered from it (chalicelib/outbox)

    thread_id = UnicodeAttribute(hash_key=True)
    subject = UnicodeAttribute()  # booking | service_checkout | lead | direct
    subject_id = UnicodeAttribute()
    client_id = UnicodeAttribute()  # for a lead: the buyer
    expert_id = UnicodeAttribute()  # for a lead: the seller
    title = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    last_activity_at = UTCDateTimeAttribute()
    last_preview = UnicodeAttribute(null=True)
    last_sender_id = UnicodeAttribute(null=True)  # "system" for a state change
    waiting_on = UnicodeAttribute(null=True)  # the account whose answer is awaited
    waiting_since = UTCDateTimeAttribute(null=True)
    remind_shard = UnicodeAttribute(null=True)
    remind_at = UnicodeAttribute(null=True)
    reminded_at = UTCDateTimeAttribute(null=True)
    missed_at = UTCDateTimeAttribute(null=True)  # the current wait passed 24 hours unanswered (counted as missed)
    payment_ids = UnicodeSetAttribute(null=True)  # payments the evidence export includes

    remind_due = RemindDueIndex()


class ByActivityIndex(GlobalSecondaryIndex["ConversationMember"]):
    """A person's threads by their latest activity."""

    class Meta:
        index_name = "by-activity"
        projection = KeysOnlyProjection()

    account_id = UnicodeAttribute(hash_key=True)
    last_activity = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, then "#<thread id>"


class ConversationMember(Model):
    """One participant of one thread: what lists a person's threads."""

    class Meta:
        table_name = StageTableName("conversation-members")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    account_id = UnicodeAttribute(hash_key=True)
    thread_id = UnicodeAttribute(range_key=True)
    role = UnicodeAttribute()  # client | expert
    last_activity = UnicodeAttribute()

    by_activity = ByActivityIndex()


class MessageAttachment(MapAttribute[str, object]):
    key = UnicodeAttribute()  # the S3 key of the sender's own upload
    file_name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = IntegerAttribute()


class AppointmentRequest(MapAttribute[str, object]):
    """A client's request for an appointment, sent with a direct message: when they could meet, and for how long."""

    preferred_times = StringListAttribute()  # ISO 8601 UTC instants as the API writes them (utc_text)
    minutes = IntegerAttribute()


class BySentIndex(LocalSecondaryIndex["ConversationMessage"]):
    """A thread's messages in the order they were sent."""

    class Meta:
        index_name = "by-sent"
        projection = AllProjection()

    thread_id = UnicodeAttribute(hash_key=True)
    sent_key = UnicodeAttribute(range_key=True)  # ISO 8601 UTC, then "#<message id>"


class ConversationMessage(Model):
    """A message or a state change in a thread. Written once; never updated or deleted."""

    class Meta:
        table_name = StageTableName("conversation-messages")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    thread_id = UnicodeAttribute(hash_key=True)
    message_id = UnicodeAttribute(range_key=True)  # derived from the sender's idempotency key or the event
    sent_key = UnicodeAttribute()
    kind = UnicodeAttribute()  # message | event
    sender_id = UnicodeAttribute()  # "system" for an event
    text = UnicodeAttribute()
    sent_at = UTCDateTimeAttribute()
    event_key = UnicodeAttribute(null=True)
    payment_id = UnicodeAttribute(null=True)
    attachments = ListAttribute(of=MessageAttachment, null=True)
    appointment_request = AppointmentRequest(null=True)

    by_sent = BySentIndex()
