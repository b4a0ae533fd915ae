"""How many reputation points each cause is worth, and the id each cause's event gets. Pure.

The seeds: answers, articles and documents earn experts reputation that makes them visible; rated
paid sessions earn by their rating, upvotes earn, downvotes lose. An id names its cause, so the same
cause recorded twice (a retry, a double submit) is one event.
"""

from __future__ import annotations

from typing import Literal

VoteKind = Literal["answer", "article", "document"]

STARS_POINTS: dict[int, int] = {1: -2, 2: -1, 3: 1, 4: 3, 5: 5}  # a rated paid session
ANSWER_POINTS = 2  # an answer to a question
ACCEPTED_ANSWER_POINTS = 15  # the asker marked it as the answer that helped
ARTICLE_POINTS = 5
DOCUMENT_POINTS = 3
UPVOTE_POINTS = 10
DOWNVOTE_POINTS = -2


def points_for_stars(stars: int) -> int:
    if stars not in STARS_POINTS:
        raise ValueError(f"stars must be 1 to 5, got {stars}")
    return STARS_POINTS[stars]


def points_for_vote(value: int) -> int:
    """What a standing vote of ``value`` (+1, -1, or 0 for none) is worth to the content's owner."""
    return {1: UPVOTE_POINTS, -1: DOWNVOTE_POINTS, 0: 0}[value]


def vote_change_points(old_value: int, new_value: int) -> int:
    """The points a change of one person's vote moves: what the new vote is worth less the old one."""
    return points_for_vote(new_value) - points_for_vote(old_value)


def review_event_id(session_id: str) -> str:
    return f"review#{session_id}"


def answer_event_id(answer_id: str) -> str:
    return f"answer#{answer_id}"


def answer_accepted_event_id(answer_id: str, move: int = 1) -> str:
    """The asker marked the answer accepted; ``move`` counts the question's acceptances (1 for the first), so an
    answer accepted again after the mark moved away and back earns its bonus again, once per move."""
    return f"accepted#{answer_id}" if move == 1 else f"accepted#{answer_id}#{move}"


def answer_unaccepted_event_id(answer_id: str, move: int) -> str:
    """The asker moved the accepted mark to another answer (the question's ``move``-th acceptance): the answer that
    had it gives its bonus back. The question's revision would not do: two moves need not have an edit between."""
    return f"unaccepted#{answer_id}#{move}"


def publication_event_id(kind: Literal["article", "document"], item_id: str) -> str:
    return f"{kind}#{item_id}"


def removal_event_id(kind: str, item_id: str) -> str:
    """Content removed: the points it earned by being published are taken back, once."""
    return f"removed#{kind}#{item_id}"


def vote_event_id(kind: VoteKind, item_id: str, voter_id: str, change: int) -> str:
    """The ``change``-th change of one person's vote on one item (1 for the first vote)."""
    return f"vote#{kind}#{item_id}#{voter_id}#{change}"
