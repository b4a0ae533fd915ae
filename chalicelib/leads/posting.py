"""Use cases: a buyer posts a lead, edits it while it is open, closes it before hiring, lists My Leads.

The lead and its per-skill entries (how sellers find it) are written in one DynamoDB transaction,
so a lead is findable exactly while it is open. Edits are version-checked and conditioned on the
lead being open; closing moves it open -> closed and deletes its entries in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import TransactWriteError

from chalicelib.accounts.account_records import get_account
from chalicelib.errors import Conflict, FieldProblem, InvalidInput, Unprocessable
from chalicelib.leads import open_entries, states
from chalicelib.leads.limits import BUYER_STAGES, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from chalicelib.leads.views import buyers_lead, lead_card, lead_view
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items
from chalicelib.models.lead import Lead, LeadAttachment
from chalicelib.uploads.attachments import check_attachment
from chalicelib.web.cursors import decode_cursor, encode_cursor
from chalicelib.web.numbers import is_plain_digits

if TYPE_CHECKING:
    from chalicelib.leads.schemas import LeadInput
    from chalicelib.uploads.attachments import AttachmentStore
    from chalicelib.uploads.schemas import AttachmentInput

PURPOSE = "lead_attachment"


def _not_open(lead: Lead) -> Conflict:
    return Conflict(
        f"The lead is {lead.status.replace('_', ' ')}; only an open lead can be changed.", code="lead_not_open"
    )


def _changed() -> Conflict:
    return Conflict("The lead changed while you were saving; load it and try again.", code="lead_changed")


def post_lead(buyer_id: str, data: LeadInput, *, store: AttachmentStore, now: datetime) -> dict[str, Any]:
    get_account(buyer_id)  # any registered account may post (404 account_not_found otherwise)
    _check_deadline(data, now)
    attachments = checked_attachments(buyer_id, data.attachments, store, known=[])
    lead_id = uuid.uuid4().hex
    lead = Lead(
        lead_id,
        buyer_id=buyer_id,
        title=data.title,
        description=data.description,
        skills=list(data.skills),
        budget=data.budget,
        currency=data.currency,
        wished_deadline=data.wished_deadline.isoformat() if data.wished_deadline else None,
        attachments=attachments,
        status=states.OPEN,
        buyer_stage=states.buyer_stage_key(states.OPEN, now, lead_id),
        created_at=now,
        updated_at=now,
    )
    with write_transaction() as transaction:
        transaction.save(lead, condition=Lead.lead_id.does_not_exist())
        open_entries.put_entries(transaction, lead)
    return lead_view(lead, viewer_id=buyer_id, now=now)


def edit_lead(lead_id: str, buyer_id: str, data: LeadInput, *, store: AttachmentStore, now: datetime) -> dict[str, Any]:
    """Replace what the buyer wrote; only while the lead is open."""
    lead = buyers_lead(lead_id, buyer_id)
    if lead.status != states.OPEN:
        raise _not_open(lead)
    _check_deadline(data, now)
    lead.attachments = checked_attachments(buyer_id, data.attachments, store, known=list(lead.attachments or []))
    previous_skills = list(lead.skills or [])
    lead.title = data.title
    lead.description = data.description
    lead.skills = list(data.skills)
    lead.budget = data.budget
    lead.currency = data.currency
    lead.wished_deadline = data.wished_deadline.isoformat() if data.wished_deadline else None
    lead.updated_at = now
    try:
        with write_transaction() as transaction:
            transaction.save(lead, condition=Lead.status == states.OPEN)
            open_entries.put_entries(transaction, lead, previous_skills)
    except TransactWriteError as error:
        if any(cancelled_items(error)):
            raise _changed() from None
        raise
    return lead_view(lead, viewer_id=buyer_id, now=now)


def close_lead(lead_id: str, buyer_id: str, *, now: datetime) -> dict[str, Any]:
    """open -> closed (the buyer stops it before hiring); its open bids end."""
    from chalicelib.leads.bids import end_open_bids

    lead = buyers_lead(lead_id, buyer_id)
    if lead.status == states.CLOSED:  # a retry: finish ending the bids if the first attempt stopped short
        end_open_bids(lead, now)
        return lead_view(lead, viewer_id=buyer_id, now=now)
    if lead.status != states.OPEN:
        raise _not_open(lead)
    lead.status = states.CLOSED
    lead.buyer_stage = states.buyer_stage_key(states.CLOSED, lead.created_at, lead.lead_id)
    lead.updated_at = now
    try:
        with write_transaction() as transaction:
            transaction.save(lead, condition=Lead.status == states.OPEN)
            open_entries.delete_entries(transaction, lead)
    except TransactWriteError as error:
        if any(cancelled_items(error)):
            raise _changed() from None
        raise
    end_open_bids(lead, now)
    return lead_view(lead, viewer_id=buyer_id, now=now)


def my_leads(buyer_id: str, *, stage: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """The buyer's leads in one dashboard stage, newest first (the ``by_buyer`` index)."""
    scope = f"leads-mine:{buyer_id}:{stage}"
    results = Lead.by_buyer.query(
        buyer_id,
        Lead.buyer_stage.startswith(f"{stage}#"),
        scan_index_forward=False,
        limit=limit,
        last_evaluated_key=decode_cursor(scope, cursor) if cursor else None,
    )
    items = [lead_card(lead) for lead in results]
    last_key = results.last_evaluated_key
    return {"items": items, "next_cursor": encode_cursor(scope, last_key) if last_key else None}


def parse_mine(stage: str | None, limit: str | None) -> tuple[str, int]:
    problems = []
    stage = stage or "open"
    if stage not in BUYER_STAGES:
        problems.append(FieldProblem("stage", "invalid_stage", f"'stage' must be one of: {', '.join(BUYER_STAGES)}."))
    size = page_size(limit, problems)
    if problems:
        raise InvalidInput("The listing is not valid.", problems)
    return stage, size


def page_size(raw: str | None, problems: list[FieldProblem]) -> int:
    if raw is None:
        return DEFAULT_PAGE_SIZE
    if not is_plain_digits(raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        problems.append(
            FieldProblem("limit", "invalid_number", f"'limit' must be a whole number from 1 to {MAX_PAGE_SIZE}.")
        )
        return DEFAULT_PAGE_SIZE
    return int(raw)


def _check_deadline(data: LeadInput, now: datetime) -> None:
    if data.wished_deadline is not None and data.wished_deadline < now.date():
        raise Unprocessable(
            "The wished deadline is in the past.",
            [FieldProblem("wished_deadline", "deadline_in_past", "Choose today or a later date.")],
            code="deadline_in_past",
        )


def checked_attachments(
    buyer_id: str, refs: Sequence[AttachmentInput], store: AttachmentStore, *, known: list[LeadAttachment]
) -> list[LeadAttachment]:
    """Each attachment the buyer's own lead upload, present in S3 and of an allowed type and size.

    Files already on the lead (``known``) are kept as they are, with a new file name if given.
    """
    already = {attachment.key: attachment for attachment in known}
    problems: list[FieldProblem] = []
    attached: list[LeadAttachment] = []
    for index, ref in enumerate(refs):
        field = f"attachments.{index}.key"
        if ref.key in already:
            previous = already[ref.key]
            attached.append(LeadAttachment(key=ref.key, filename=ref.file_name, content_type=previous.content_type))
            continue
        found = check_attachment(store, purpose=PURPOSE, owner_id=buyer_id, key=ref.key, field=field)
        if isinstance(found, FieldProblem):
            problems.append(found)
        else:
            attached.append(LeadAttachment(key=ref.key, filename=ref.file_name, content_type=found.content_type))
    if len({attachment.key for attachment in attached}) != len(attached):
        problems.append(FieldProblem("attachments", "duplicate_attachment", "Attach each file once."))
    if problems:
        raise Unprocessable("Some attachments cannot be used.", problems, code="invalid_attachment")
    return attached
