"""Keeps a seller's ``SellerSkill`` items in step with the skills their profile lists.

A listed skill has an item ranked in matching (``rating_key`` from its stars; created with no
stars if new). A skill taken off the profile keeps its stars but loses ``rating_key``, which takes
it out of the ``by_rating`` index and so out of matching. Each write is conditioned on the stars
read (a rating landing in between makes it read again), and running it again writes the same.
"""

from __future__ import annotations

from collections.abc import Iterable

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.leads.ratings import rating_key
from chalicelib.models.conditions import condition_failed
from chalicelib.models.lead import SellerSkill

ATTEMPTS = 3


def sync_seller_skills(seller_id: str, skills: Iterable[str], previous_skills: Iterable[str]) -> None:
    listed = list(dict.fromkeys(skills))
    dropped = [skill for skill in dict.fromkeys(previous_skills) if skill not in listed]
    wanted = listed + dropped
    if not wanted:
        return
    current = {item.skill: item for item in SellerSkill.batch_get([(skill, seller_id) for skill in wanted])}
    for skill in listed:
        _list(seller_id, skill, current.get(skill))
    for skill in dropped:
        item = current.get(skill)
        if item is not None and item.rating_key is not None:
            item.update(actions=[SellerSkill.rating_key.remove()], condition=SellerSkill.skill.exists())


def _list(seller_id: str, skill: str, item: SellerSkill | None) -> None:
    for _ in range(ATTEMPTS):
        try:
            if item is None:
                fresh = SellerSkill(
                    skill, seller_id, stars_sum=0, stars_count=0, rating_key=rating_key(seller_id, 0, 0)
                )
                fresh.save(condition=SellerSkill.skill.does_not_exist())
                return
            wanted = rating_key(seller_id, item.stars_sum, item.stars_count)
            if item.rating_key != wanted:
                item.update(
                    actions=[SellerSkill.rating_key.set(wanted)],
                    condition=SellerSkill.stars_count == item.stars_count,
                )
            return
        except (PutError, UpdateError) as error:
            if not condition_failed(error):
                raise
            item = SellerSkill.get(skill, seller_id, consistent_read=True)  # stars or the item arrived meanwhile
    raise RuntimeError(f"SellerSkill {skill}/{seller_id} kept changing while being listed")
