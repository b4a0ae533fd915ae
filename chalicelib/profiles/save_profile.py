"""Use case: create or replace the caller's expert profile, claiming its link atomically.

One DynamoDB transaction writes the profile (version-checked), claims the new
slug (only if nobody holds it), frees the old slug (only if we hold it) and
gives the account the expert role. Two experts racing for one slug: exactly one
transaction commits; the other gets ``slug_taken``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist, TransactWriteError

from chalicelib.accounts.account_records import EXPERT_ROLE, get_account
from chalicelib.discovery.index_writer import reindex_expert, wanted_facets
from chalicelib.errors import Conflict, FieldProblem, Unprocessable
from chalicelib.identity.caller import Caller
from chalicelib.models.account import Account
from chalicelib.models.base import write_transaction
from chalicelib.models.conditions import cancelled_items, transaction_conflicted
from chalicelib.models.expert_profile import EducationEntry, ExpertProfile
from chalicelib.models.profile_slug import ProfileSlug
from chalicelib.profiles.seller_skills import sync_seller_skills
from chalicelib.uploads.file_store import FileStore
from chalicelib.uploads.rules import belongs_to

if TYPE_CHECKING:
    from chalicelib.profiles.schemas import ProfileInput

COMMIT_ATTEMPTS = 3


def _changed_concurrently() -> Conflict:
    return Conflict(
        "Your profile or account changed while you were saving; load it and try again.", code="changed_concurrently"
    )


def find_own_profile(expert_id: str) -> ExpertProfile | None:
    try:
        return ExpertProfile.get(expert_id, consistent_read=True)
    except DoesNotExist:
        return None


def save_expert_profile(
    caller: Caller, data: ProfileInput, *, files: FileStore, media_base_url: str, now: datetime
) -> ExpertProfile:
    account = get_account(caller.account_id)
    previous = find_own_profile(caller.account_id)
    _check_uploads(caller.account_id, data, previous, files)
    profile = _profile_from(data, caller.account_id, previous, now)
    previous_facets = list(previous.search_facets or []) if previous else []
    for attempt in range(COMMIT_ATTEMPTS):
        try:
            _commit(profile, account, previous)
            break
        except TransactWriteError as error:
            if not transaction_conflicted(error):
                raise
            if attempt == COMMIT_ATTEMPTS - 1:
                raise _changed_concurrently() from None
    reindex_expert(profile, previous_facets, media_base_url)
    sync_seller_skills(profile.expert_id, profile.skills or [], (previous.skills or []) if previous else [])
    return profile


def _profile_from(data: ProfileInput, expert_id: str, previous: ExpertProfile | None, now: datetime) -> ExpertProfile:
    fields = data.model_dump(exclude={"education"})
    profile = ExpertProfile(
        expert_id,
        **fields,
        education=[EducationEntry(**entry.model_dump()) for entry in data.education],
        presence=previous.presence if previous else "offline",
        rating_total=previous.rating_total if previous else 0,
        rating_count=previous.rating_count if previous else 0,
        skill_stars=previous.skill_stars if previous else None,
        reputation=previous.reputation if previous else 0,
        response_count=previous.response_count if previous else 0,
        responses_within_24h=previous.responses_within_24h if previous else 0,
        responses_missed=previous.responses_missed if previous else 0,
        response_seconds=list(previous.response_seconds or []) if previous else [],
        created_at=previous.created_at if previous else now,
        updated_at=now,
    )
    if previous is not None:
        profile.version = previous.version
    profile.search_facets = wanted_facets(profile)
    return profile


def _check_uploads(account_id: str, data: ProfileInput, previous: ExpertProfile | None, files: FileStore) -> None:
    named = [
        ("photo_key", "photo", data.photo_key),
        ("intro_video_key", "intro_video", data.intro_video_key),
        ("resume_key", "resume", data.resume_key),
    ] + [
        (f"verification_document_keys.{i}", "verification_document", key)
        for i, key in enumerate(data.verification_document_keys)
    ]
    known = set()
    if previous:
        known = {previous.photo_key, previous.intro_video_key, previous.resume_key}
        known |= set(previous.verification_document_keys or [])
    problems = []
    for field, purpose, key in named:
        if key is None or key in known:
            continue
        if not belongs_to(key, purpose, account_id):
            problems.append(
                FieldProblem(field, "invalid_upload_key", f"Not one of your {purpose.replace('_', ' ')} uploads.")
            )
        elif not files.exists(key):
            problems.append(FieldProblem(field, "upload_missing", "Nothing was uploaded under this key yet."))
    if problems:
        raise Unprocessable("Some files are not uploaded.", problems, code=problems[0].code)


def _commit(profile: ExpertProfile, account: Account, previous: ExpertProfile | None) -> None:
    old_slug = previous.slug if previous else None
    claims_slug = profile.slug != old_slug
    try:
        with write_transaction() as transaction:
            transaction.save(profile)
            if claims_slug:
                claim = ProfileSlug(profile.slug, expert_id=profile.expert_id, claimed_at=profile.updated_at)
                transaction.save(claim, condition=ProfileSlug.slug.does_not_exist())
            if claims_slug and old_slug:
                transaction.delete(ProfileSlug(old_slug), condition=ProfileSlug.expert_id == profile.expert_id)
            if EXPERT_ROLE not in (account.roles or set()):
                transaction.update(account, actions=[Account.roles.add({EXPERT_ROLE})])
    except TransactWriteError as error:
        failed = cancelled_items(error)
        # PynamoDB sends deletes, then puts (profile, claim), then updates: find the claim's place.
        claim_at = (1 if claims_slug and old_slug else 0) + 1
        if claims_slug and len(failed) > claim_at and failed[claim_at]:
            raise Conflict(f"The profile link '{profile.slug}' is taken; choose another.", code="slug_taken") from None
        if any(failed):
            raise _changed_concurrently() from None
        raise  # a conflict with another transaction: the caller retries
