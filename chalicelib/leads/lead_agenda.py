"""The leads' scheduled job: a buyer silent for 14 days after delivery has accepted the work.

Reads the sparse ``agenda-by-shard`` index of leads (a Query per shard for everything due up to
now, however long the job was down; never a Scan): a delivered lead whose 14 days are up is
completed automatically (no stars) and its earnings hold started (released at once if already
over); a completed lead whose hold did not start yet gets it started. Completing is conditioned
on the lead's version, so however often the job runs, each lead completes once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from chalicelib.due_index import due_entries
from chalicelib.errors import Conflict
from chalicelib.leads.contract import AUTO, complete, release_held_earnings
from chalicelib.leads.states import COMPLETED, DELIVERED
from chalicelib.models.lead import Lead
from chalicelib.web.logs import log_error


@dataclass
class LeadAgendaOutcome:
    due: int = 0
    completed: int = 0
    released: int = 0
    failed: int = 0


def run_lead_agenda(now: datetime) -> LeadAgendaOutcome:
    outcome = LeadAgendaOutcome()
    for entry in due_entries(lambda shard, until: Lead.agenda.query(shard, Lead.agenda_at <= until), now):
        outcome.due += 1
        try:
            _advance(Lead.get(entry.lead_id, consistent_read=True), now, outcome)
        except Conflict:
            continue  # the buyer acted just now, or another run did: theirs stands
        except Exception as error:  # one lead's failure must not stop the others
            outcome.failed += 1
            log_error("lead agenda step failed", lead_id=entry.lead_id, error=repr(error))
    return outcome


def _advance(lead: Lead, now: datetime, outcome: LeadAgendaOutcome) -> None:
    if lead.agenda_at is None or datetime.fromisoformat(lead.agenda_at) > now:
        return
    if lead.status == DELIVERED:
        complete(lead, by=AUTO, stars=None, now=now)
        outcome.completed += 1
    elif lead.status == COMPLETED:
        release_held_earnings(lead, now)
        outcome.released += 1
