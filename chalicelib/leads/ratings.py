"""Stars per skill: how a seller's stars in one skill are kept and ranked (pure, plus the update).

Each ``SellerSkill`` keeps the sum and count of the stars buyers gave in that skill; its
``rating_key`` sorts a skill's sellers by average (then by how many ratings back it), so the
``by_rating`` index read backwards is the ranking matching uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.models.lead import SellerSkill

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

MIN_STARS, MAX_STARS = 1, 5


def rating_key(seller_id: str, stars_sum: int, stars_count: int) -> str:
    """Sorts as (average to two decimals, count, seller): "450#000012#<id>" for 4.50 from 12 ratings."""
    average = (stars_sum * 100 + stars_count // 2) // stars_count if stars_count else 0
    return f"{average:03d}#{min(stars_count, 999_999):06d}#{seller_id}"


def average(stars_sum: int, stars_count: int) -> float | None:
    return round(stars_sum / stars_count, 2) if stars_count else None


def star_updates(seller_id: str, stars: dict[str, int]) -> list[tuple[SellerSkill, list[Any], Any]]:
    """The SellerSkill updates for one rating (item, actions, condition), to run in the closing transaction.

    The rank is recomputed from the item as read, so each update is conditioned on the count
    being unchanged (a concurrent rating makes the transaction fail and the caller retry). A
    skill the seller does not list on their profile keeps its stars but stays out of matching.
    """
    updates: list[tuple[SellerSkill, list[Any], Any]] = []
    keys = [(skill, seller_id) for skill in stars]
    current = {item.skill: item for item in SellerSkill.batch_get(keys)}
    for skill, given in stars.items():
        item = current.get(skill)
        condition: Any
        if item is None:
            item, condition = (
                SellerSkill(skill, seller_id, stars_sum=0, stars_count=0),
                SellerSkill.skill.does_not_exist(),
            )
        else:
            condition = SellerSkill.stars_count == item.stars_count
        total, count = item.stars_sum + given, item.stars_count + 1
        actions = [SellerSkill.stars_sum.set(total), SellerSkill.stars_count.set(count)]
        if item.rating_key is not None:
            actions.append(SellerSkill.rating_key.set(rating_key(seller_id, total, count)))
        updates.append((item, actions, condition))
    return updates


def write_stars(transaction: TransactWrite, seller_id: str, stars: dict[str, int]) -> None:
    """Add one rating to ``transaction``: each skill's SellerSkill (matching) and the profile's copy
    (``ExpertProfile.skill_stars``, shown on the profile without a second read), on condition that
    neither changed since read (a concurrent rating makes the transaction fail; retry)."""
    from chalicelib.models.expert_profile import ExpertProfile

    updates = star_updates(seller_id, stars)
    for item, actions, condition in updates:
        transaction.update(item, actions=actions, condition=condition)
    profile = ExpertProfile.get(seller_id, consistent_read=True)
    after = {skill: dict(counts) for skill, counts in _as_dict(profile.skill_stars).items()}
    for item, _, _ in updates:
        after[item.skill] = {"sum": item.stars_sum + stars[item.skill], "count": item.stars_count + 1}
    transaction.update(profile, actions=[ExpertProfile.skill_stars.set(after)])  # and, as always, its version


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value.as_dict()) if value is not None else {}
