"""The counters of the per-account rate limits, and the seats of the hold cap.

``RateCounter``: one item per account, action and window (``<action>#<account>#<window start>``), counted
by one conditional ``ADD`` per request (``chalicelib.limits.limiter``) and removed by TTL after its window.

``HoldSeat``: a client has ``HOLD_CAP`` seats (``<client>#<n>``); each unconfirmed hold (a booking whose card
or approval is awaited, a checkout whose hold awaits the expert) takes one in the transaction that writes it
(``chalicelib.limits.hold_cap``). A seat names its holder; it is free again once the holder is confirmed or
gone, which the next claim reads, so a seat is never left taken by a hold that ended.
"""

from __future__ import annotations

from pynamodb.attributes import TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.models.base import IntegerAttribute, StageRegion, StageTableName


class RateCounter(Model):
    class Meta:
        table_name = StageTableName("rate-limits")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    counter_key = UnicodeAttribute(hash_key=True)  # "<action>#<account id>#<window start, UTC ISO>"
    spent = IntegerAttribute(null=True)  # requests counted in the window
    expires = TTLAttribute(null=True)  # after the window: DynamoDB removes it


class HoldSeat(Model):
    class Meta:
        table_name = StageTableName("hold-seats")
        region = StageRegion()
        billing_mode = "PAY_PER_REQUEST"

    seat_key = UnicodeAttribute(hash_key=True)  # "<client id>#<seat number>"
    holder = UnicodeAttribute()  # "appointment:<id>" or "checkout:<id>"
    claimed_at = UTCDateTimeAttribute()
