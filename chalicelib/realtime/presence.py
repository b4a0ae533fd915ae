"""Presence follows open connections: an expert is shown online (found by ``online=true``, callable)
only while they have said so AND a device of theirs has a WebSocket open.

What the expert says (REST ``PUT /experts/me/presence`` or the ``presence`` message) is kept as
their intent. Saying "online" with no device connected is remembered but shows them offline
until a device connects; the last device's disconnect (or a connection API Gateway answers
410 Gone for) shows them offline again, and the next connection restores "online". A busy
expert stays busy until their call ends, which then applies the same rule.
"""

from __future__ import annotations

from datetime import datetime

from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.profiles.presence import set_presence
from chalicelib.profiles.save_profile import find_own_profile

ONLINE = "online"
OFFLINE = "offline"
BUSY = "busy"


def shown_presence(intent: str | None, connected: bool) -> str:
    """What clients see of an expert who is not in a call."""
    return ONLINE if intent == ONLINE and connected else OFFLINE


def say_presence(expert_id: str, intent: str, *, media_base_url: str, now: datetime) -> ExpertProfile:
    """The expert says online or offline; a busy expert's shown presence is left to the call."""
    from chalicelib.realtime.connections import connections_of

    profile = find_own_profile(expert_id)
    current = profile.presence if profile is not None else None
    shown = BUSY if current == BUSY else shown_presence(intent, bool(connections_of(expert_id, now)))
    return set_presence(expert_id, shown, intent=intent, media_base_url=media_base_url, now=now)


def device_connected(account_id: str, *, media_base_url: str, now: datetime) -> None:
    """A device connected: an expert who said online and was shown offline is shown online again."""
    profile = find_own_profile(account_id)
    if profile is not None and profile.presence == OFFLINE and profile.presence_intent == ONLINE:
        set_presence(account_id, ONLINE, media_base_url=media_base_url, now=now)


def no_device_left(account_id: str, *, media_base_url: str, now: datetime) -> None:
    """The person's last connection is gone: an online expert is shown offline (their intent is kept)."""
    profile = find_own_profile(account_id)
    if profile is not None and profile.presence == ONLINE:
        set_presence(account_id, OFFLINE, media_base_url=media_base_url, now=now)


def after_call(expert_id: str, *, media_base_url: str, now: datetime) -> None:
    """A call ended: a busy expert is shown online again only if they still say so and are connected."""
    from chalicelib.realtime.connections import connections_of

    profile = find_own_profile(expert_id)
    if profile is not None and profile.presence == BUSY:
        shown = shown_presence(profile.presence_intent, bool(connections_of(expert_id, now)))
        set_presence(expert_id, shown, media_base_url=media_base_url, now=now)
