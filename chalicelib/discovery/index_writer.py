"""Keeps an expert's search-index items in step with their profile.

The profile records the facets it should be indexed under (``search_facets``,
written in the same transaction as the profile). This writes those items with
the current card and deletes the ones the previous version had and this one
has not. It is idempotent: running it again writes the same items.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.exceptions import DoesNotExist

from chalicelib.discovery.search_index import (
    SearchFacts,
    facets_for,
    price_key,
    price_per_minute,
    rating_key,
    reputation_key,
)
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.expert_search_entry import ExpertSearchEntry
from chalicelib.profiles.views import public_card


def search_facts(profile: ExpertProfile) -> SearchFacts:
    return SearchFacts(
        expert_id=profile.expert_id,
        categories=tuple(profile.categories or ()),
        tags=tuple(profile.tags or ()),
        languages=tuple(profile.languages or ()),
        online=profile.presence == "online",
        currency=profile.currency,
        rate_per_minute=profile.rate_per_minute,
        hourly_rate=profile.hourly_rate,
        rating_total=int(profile.rating_total or 0),
        rating_count=int(profile.rating_count or 0),
        reputation=int(profile.reputation or 0),
    )


def wanted_facets(profile: ExpertProfile) -> list[str]:
    return facets_for(search_facts(profile))


def reindex_expert(profile: ExpertProfile, previous_facets: list[str], media_base_url: str) -> None:
    facts = search_facts(profile)
    facets = facets_for(facts)
    price = price_per_minute(facts.rate_per_minute, facts.hourly_rate)
    card = public_card(profile, media_base_url)
    with ExpertSearchEntry.batch_write() as batch:
        for name in facets:
            batch.save(
                ExpertSearchEntry(
                    name,
                    profile.expert_id,
                    rating_key=rating_key(facts),
                    reputation_key=reputation_key(facts),
                    price_key=price_key(facts.currency, price, profile.expert_id) if price is not None else None,
                    categories=list(facts.categories),
                    tags=list(facts.tags),
                    languages=list(facts.languages),
                    currency=facts.currency,
                    price_per_minute=price,
                    card=card,
                )
            )
        for stale in set(previous_facets) - set(facets):
            batch.delete(ExpertSearchEntry(stale, profile.expert_id))


def reindex_experts(expert_ids: Iterable[str], media_base_url: str) -> None:
    """Each expert's entries from a fresh read of their profile, after a change not written by the
    profile's own save (their rating or reputation moved); an expert without a profile has none."""
    for expert_id in sorted(set(expert_ids)):
        try:
            profile = ExpertProfile.get(expert_id, consistent_read=True)
        except DoesNotExist:
            continue
        reindex_expert(profile, list(profile.search_facets or []), media_base_url)
