"""Use cases: an expert creates, edits, orders and deletes their services; anyone lists them.

A service's link is claimed in the same DynamoDB transaction that writes the
service (a ``ServiceSlug`` item keyed by expert and slug, written only if nobody
holds it), and freed in the transaction that renames or deletes the service, so
two services of one expert can never share a link. The caller's account id is
the services' partition key: an expert can only ever reach their own services.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.errors import Conflict, NotFound, Unprocessable
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.service import ExpertService, Meeting, OngoingRate, ServiceSlug
from chalicelib.services.rules import MAX_SERVICES_PER_EXPERT, order_problems

if TYPE_CHECKING:
    from chalicelib.services.schemas import ServiceInput


@dataclass(frozen=True)
class ExpertServices:
    """An expert's profile (for its link and currency) and their services in display order."""

    profile: ExpertProfile
    services: list[ExpertService]


def list_services(expert_id: str, *, consistent: bool = False) -> list[ExpertService]:
    """The expert's services in display order (one Query of their partition)."""
    services = ExpertService.query(expert_id, consistent_read=consistent)
    return sorted(services, key=lambda service: (service.position, service.created_at, service.service_id))


def public_services(expert_id: str) -> ExpertServices:
    from chalicelib.discovery.find_experts import profile_by_id

    return ExpertServices(profile_by_id(expert_id), list_services(expert_id))


def own_services(expert_id: str) -> ExpertServices:
    return ExpertServices(_own_profile(expert_id), list_services(expert_id, consistent=True))


def service_for_checkout(profile_slug: str, service_slug: str) -> tuple[ExpertProfile, ExpertService]:
    """What the direct checkout link ``/experts/<profile_slug>/services/<service_slug>/checkout`` shows."""
    from chalicelib.discovery.find_experts import profile_by_slug

    profile = profile_by_slug(profile_slug)
    try:
        claim = ServiceSlug.get(profile.expert_id, service_slug.lower())
        return profile, ExpertService.get(profile.expert_id, claim.service_id)
    except DoesNotExist:
        raise NotFound("This expert has no service at this link.", code="service_not_found") from None


def create_service(expert_id: str, data: ServiceInput, *, now: datetime) -> tuple[ExpertProfile, ExpertService]:
    profile = _own_profile(expert_id)
    existing = list_services(expert_id, consistent=True)
    if len(existing) >= MAX_SERVICES_PER_EXPERT:
        raise Conflict(
            f"You have {MAX_SERVICES_PER_EXPERT} services, the most an expert may offer; delete one first.",
            code="too_many_services",
        )
    service = ExpertService(
        expert_id,
        uuid.uuid4().hex,
        position=max((s.position for s in existing), default=-1) + 1,
        created_at=now,
    )
    _apply(service, data, profile, now)
    try:
        with write_transaction() as transaction:
            transaction.save(service, condition=ExpertService.service_id.does_not_exist())
            transaction.save(_claim(service), condition=ServiceSlug.slug.does_not_exist())
    except TransactWriteError as error:
        raise _refusal(error, service.slug, claim_index=1) from None
    return profile, service


def edit_service(
    expert_id: str, service_id: str, data: ServiceInput, *, now: datetime
) -> tuple[ExpertProfile, ExpertService]:
    """Replace a service's fields; a new link is claimed and the old one freed in the same transaction."""
    profile = _own_profile(expert_id)
    service = _own_service(expert_id, service_id)
    old_slug = service.slug
    _apply(service, data, profile, now)
    renamed = service.slug != old_slug
    try:
        with write_transaction() as transaction:
            transaction.save(service)  # checks the version read above
            if renamed:
                transaction.save(_claim(service), condition=ServiceSlug.slug.does_not_exist())
                transaction.delete(
                    ServiceSlug(expert_id, old_slug), condition=ServiceSlug.service_id == service.service_id
                )
    except TransactWriteError as error:
        raise _refusal(error, service.slug, claim_index=2 if renamed else None) from None
    return profile, service


def reorder_services(expert_id: str, service_ids: list[str]) -> ExpertServices:
    """Show the services in the order of ``service_ids``, which names each of them exactly once."""
    profile = _own_profile(expert_id)
    current = {service.service_id: service for service in list_services(expert_id, consistent=True)}
    problems = order_problems(list(current), service_ids)
    if problems:
        raise Unprocessable("Name each of your services exactly once, and no others.", problems, code="invalid_order")
    ordered = [current[service_id] for service_id in service_ids]
    try:
        with write_transaction() as transaction:
            for position, service in enumerate(ordered):
                transaction.update(service, actions=[ExpertService.position.set(position)])
    except TransactWriteError as error:
        raise _refusal(error, None, claim_index=None) from None
    for position, service in enumerate(ordered):
        service.position = position
    return ExpertServices(profile, ordered)


def delete_service(expert_id: str, service_id: str) -> None:
    """Delete the service and free its link."""
    service = _own_service(expert_id, service_id)
    try:
        with write_transaction() as transaction:
            transaction.delete(service)  # checks the version read above
            transaction.delete(
                ServiceSlug(expert_id, service.slug), condition=ServiceSlug.service_id == service.service_id
            )
    except TransactWriteError as error:
        raise _refusal(error, None, claim_index=None) from None


def _apply(service: ExpertService, data: ServiceInput, profile: ExpertProfile, now: datetime) -> None:
    service.name = data.name
    service.slug = data.slug
    service.description = data.description
    service.currency = profile.currency
    service.upfront_hold = data.upfront_hold
    service.ongoing_rate = OngoingRate(**data.ongoing_rate.model_dump()) if data.ongoing_rate else None
    service.meeting = Meeting(**data.meeting.model_dump()) if data.meeting else None
    service.updated_at = now


def _claim(service: ExpertService) -> ServiceSlug:
    return ServiceSlug(service.expert_id, service.slug, service_id=service.service_id)


def _own_profile(expert_id: str) -> ExpertProfile:
    try:
        return ExpertProfile.get(expert_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("You have no expert profile yet.", code="profile_not_found") from None


def _own_service(expert_id: str, service_id: str) -> ExpertService:
    try:
        return ExpertService.get(expert_id, service_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound("You have no service with this id.", code="service_not_found") from None


def _refusal(error: TransactWriteError, slug: str | None, *, claim_index: int | None) -> Conflict:
    """Why a service transaction was cancelled. ``claim_index`` is where the link's claim was sent:
    PynamoDB sends a transaction's deletes first, then its puts, then its updates."""
    failed = cancelled_items(error)
    if claim_index is not None and len(failed) > claim_index and failed[claim_index]:
        return Conflict(f"You already have a service at the link '{slug}'; choose another.", code="slug_taken")
    return Conflict(
        "Your services changed while you were saving; load them and try again.", code="changed_concurrently"
    )
