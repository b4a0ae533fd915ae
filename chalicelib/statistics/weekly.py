"""An expert's figures per ISO week, each read from its own records with one bounded Query.

- profile views and search appearances: ``ExpertWeek`` items, the weeks' key range;
- calls: ``CallSession.active_by_expert`` (calls that went active, i.e. both joined) by ``active_at``,
  counted when ended;
- bookings: ``Appointment.by_expert`` by ``start``, confirmed or completed;
- answers: ``Answer.by_expert`` by ``created_key``, not removed;
- reputation: the sum of ``ReputationEvent`` points (``events_between``);
- earnings: the ledger's weekly statement (``weekly_statement``), its ``earned`` column per currency.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from chalicelib.errors import Forbidden
from chalicelib.statistics.rules import BOOKED, Week, recent_weeks, week_of
from chalicelib.timestamps import sortable_utc, utc_text

_COUNTS = ("profile_views", "search_appearances", "calls", "bookings", "answers", "reputation")


def require_expert(account_id: str) -> None:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.models.expert_profile import ExpertProfile

    try:
        ExpertProfile.get(account_id, attributes_to_get=["expert_id"])
    except DoesNotExist:
        raise Forbidden(
            "Only experts have statistics: create your expert profile first.", code="not_an_expert"
        ) from None


def expert_statistics(expert_id: str, *, weeks: int, now: datetime) -> dict[str, Any]:
    span = recent_weeks(now, weeks)
    newest, oldest = span[0], span[-1]
    figures: dict[str, dict[str, int]] = {w.label: dict.fromkeys(_COUNTS, 0) for w in span}
    _week_counters(expert_id, oldest, newest, figures)
    _calls(expert_id, oldest, newest, figures)
    _bookings(expert_id, oldest, newest, figures)
    _answers(expert_id, oldest, newest, figures)
    _reputation(expert_id, oldest, newest, figures)
    earnings = _earnings(expert_id, weeks, now, figures)
    rows = [
        {"week": w.label, "starts_at": utc_text(w.start)} | figures[w.label] | {"earnings": _amounts(earnings[w.label])}
        for w in span
    ]
    totals_earned: dict[str, int] = defaultdict(int)
    for per_currency in earnings.values():
        for currency, amount in per_currency.items():
            totals_earned[currency] += amount
    totals = {name: sum(figures[w.label][name] for w in span) for name in _COUNTS}
    return {"weeks": rows, "totals": totals | {"earnings": _amounts(totals_earned)}}


def _amounts(per_currency: dict[str, int]) -> list[dict[str, Any]]:
    return [{"currency": c, "amount": a} for c, a in sorted(per_currency.items()) if a]


def _bump(figures: dict[str, dict[str, int]], moment: datetime, name: str, by: int = 1) -> None:
    label = week_of(moment).label
    if label in figures:
        figures[label][name] += by


def _week_counters(expert_id: str, oldest: Week, newest: Week, figures: dict[str, dict[str, int]]) -> None:
    from chalicelib.models.expert_week import ExpertWeek

    for item in ExpertWeek.query(expert_id, ExpertWeek.week.between(oldest.label, newest.label)):
        if item.week in figures:
            figures[item.week]["profile_views"] += item.profile_views or 0
            figures[item.week]["search_appearances"] += item.search_appearances or 0


def _calls(expert_id: str, oldest: Week, newest: Week, figures: dict[str, dict[str, int]]) -> None:
    from chalicelib.models.session import CallSession
    from chalicelib.sessions.session import ENDED

    condition = CallSession.active_at.between(oldest.start, newest.end)
    for call in CallSession.active_by_expert.query(expert_id, range_key_condition=condition):
        if call.state == ENDED and call.active_at is not None and call.active_at < newest.end:
            _bump(figures, call.active_at, "calls")


def _bookings(expert_id: str, oldest: Week, newest: Week, figures: dict[str, dict[str, int]]) -> None:
    from chalicelib.models.appointment import Appointment

    condition = Appointment.start.between(oldest.start, newest.end)
    for appointment in Appointment.by_expert.query(expert_id, range_key_condition=condition):
        if appointment.status in BOOKED and appointment.start < newest.end:
            _bump(figures, appointment.start, "bookings")


def _answers(expert_id: str, oldest: Week, newest: Week, figures: dict[str, dict[str, int]]) -> None:
    from chalicelib.models.question import Answer

    condition = Answer.created_key.between(sortable_utc(oldest.start), sortable_utc(newest.end))
    for answer in Answer.by_expert.query(expert_id, range_key_condition=condition):
        if answer.removed_at is None and answer.created_at < newest.end:
            _bump(figures, answer.created_at, "answers")


def _reputation(expert_id: str, oldest: Week, newest: Week, figures: dict[str, dict[str, int]]) -> None:
    from chalicelib.reputation.record import events_between

    for event in events_between(expert_id, oldest.start, newest.end):
        _bump(figures, event.created_at, "reputation", event.points)


def _earnings(
    expert_id: str, weeks: int, now: datetime, figures: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """The statement reads from ``now - weeks``, which is before the oldest week's Monday: it covers them all."""
    from chalicelib.ledger.statements import weekly_statement

    earned: dict[str, dict[str, int]] = {label: defaultdict(int) for label in figures}
    for row in weekly_statement(expert_id, weeks=weeks, now=now):
        if row["week"] in earned:
            earned[row["week"]][row["currency"]] += int(row["earned"])
    return earned
