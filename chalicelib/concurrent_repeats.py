"""Repeats of one request served at the same time (a double click, a client retrying at once).

Every state change is a conditional write; of concurrent repeats one write wins and the others'
conditions fail. A loser re-reads: when what it finds is the state it was asked to reach, it
answers that (the repeat is idempotent); otherwise it answers 409 ``changed_concurrently``, and
the client loads the object again. A write that lost such a race and reached the API unhandled is
answered the same 409 (``chalicelib.models.conditions.lost_a_race``), never a 500.
"""

from __future__ import annotations

from chalicelib.errors import Conflict

CHANGED_CONCURRENTLY = "changed_concurrently"


def changed_concurrently(message: str = "This changed meanwhile; load it and retry.") -> Conflict:
    return Conflict(message, code=CHANGED_CONCURRENTLY)
