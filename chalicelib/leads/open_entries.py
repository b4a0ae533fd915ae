"""The per-skill entries of an open lead, written in the same transaction as the lead itself.

A lead is findable by skill exactly while it is open: ``put_entries`` when it is posted (or
edited: its skills may change), ``delete_entries`` when it stops being open (hired, closed).
"""

from __future__ import annotations

from pynamodb.transactions import TransactWrite

from chalicelib.models.lead import Lead, LeadSkillEntry


def entry_key(lead: Lead) -> str:
    return f"{lead.created_at.isoformat()}#{lead.lead_id}"


def entries_of(lead: Lead) -> list[LeadSkillEntry]:
    return [_entry(lead, skill) for skill in lead.skills]


def _entry(lead: Lead, skill: str) -> LeadSkillEntry:
    return LeadSkillEntry(
        skill, entry_key(lead), lead_id=lead.lead_id, buyer_id=lead.buyer_id, title=lead.title,
        title_lower=lead.title.lower(), skills=list(lead.skills), budget=lead.budget, currency=lead.currency,
        wished_deadline=lead.wished_deadline, created_at=lead.created_at,
    )  # fmt: skip


def put_entries(transaction: TransactWrite, lead: Lead, previous_skills: list[str] | None = None) -> None:
    """List ``lead`` under each of its skills (and no longer under skills it dropped)."""
    for entry in entries_of(lead):
        transaction.save(entry)
    for skill in set(previous_skills or []) - set(lead.skills):
        transaction.delete(LeadSkillEntry(skill, entry_key(lead)))


def delete_entries(transaction: TransactWrite, lead: Lead) -> None:
    for skill in lead.skills:
        transaction.delete(LeadSkillEntry(skill, entry_key(lead)))
