"""Use cases: a seller finds open leads that fit their skills; a buyer finds sellers that fit a lead.

Both read one sorted partition per skill (``LeadSkillEntry`` newest first; ``SellerSkill.by_rating``
best stars first) with Query, never Scan, and merge them in order: a k-way merge that only ever
takes the highest head of all partitions, so the merged order is exact. A page reads at most a
fixed number of DynamoDB pages per skill, whatever the number of leads or sellers, and its opaque
cursor carries, per skill partition, the sort key below which that partition continues.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pynamodb.expressions.condition import Condition

from chalicelib.errors import FieldProblem, InvalidInput, Unprocessable
from chalicelib.leads.limits import DEFAULT_PAGE_SIZE, MAX_BUDGET, MAX_PAGE_SIZE, MAX_SEARCH_TEXT
from chalicelib.leads.skills import is_skill
from chalicelib.leads.views import buyers_lead, entry_card
from chalicelib.models.lead import LeadSkillEntry, SellerSkill
from chalicelib.money.currency import is_currency
from chalicelib.web.cursors import decode_cursor, encode_cursor
from chalicelib.web.numbers import is_plain_digits

QUERIES_PER_PARTITION = 3  # DynamoDB pages read per skill partition, at most, for one page of results

T = TypeVar("T")

# read(partition, below, start_key, page_size) -> ([(sort key, item)], last evaluated key or None)
Reader = Callable[[str, str | None, dict[str, Any] | None, int], tuple[list[tuple[str, T]], dict[str, Any] | None]]


@dataclass
class _Partition(Generic[T]):
    name: str
    below: str | None  # read sort keys strictly below this (None: from the top)
    buffer: list[tuple[str, T]] = field(default_factory=list)
    start_key: dict[str, Any] | None = None
    exhausted: bool = False
    consumed_to: str | None = None  # everything at or above this is taken or filtered out
    reads: int = 0


@dataclass(frozen=True)
class Merged(Generic[T]):
    items: list[tuple[str, str, T]]  # (partition, sort key, item), best first, one per identity
    next_bounds: dict[str, str] | None  # per live partition, the key to continue below


def merge_partitions(
    bounds: Mapping[str, str | None], read: Reader[T], *, limit: int, identity: Callable[[T], str], page_size: int
) -> Merged[T]:
    """Take up to ``limit`` items, best (highest sort key) first, across partitions, each identity once.

    Items sharing a sort key across partitions are one item (a lead listed under several skills).
    """
    parts = [_Partition[T](name, below, consumed_to=below) for name, below in bounds.items()]

    def fill(part: _Partition[T]) -> bool:
        """Make the partition's head known (or the partition exhausted); False once its reads are used up."""
        while not part.buffer and not part.exhausted:
            if part.reads >= QUERIES_PER_PARTITION:
                return False
            items, last_key = read(part.name, part.below, part.start_key, page_size)
            part.reads += 1
            part.buffer.extend(items)
            part.start_key = last_key
            part.exhausted = last_key is None
            if not items and last_key is not None:
                part.consumed_to = _sort_key(last_key)
        return True

    taken: list[tuple[str, str, T]] = []
    seen: set[str] = set()
    while len(taken) < limit:
        if not all([fill(part) for part in parts]):  # a list: fill every partition, not only up to a failure
            break
        live = [part for part in parts if part.buffer]
        if not live:
            break
        top = max(part.buffer[0][0] for part in live)
        for part in live:
            if part.buffer[0][0] == top:
                key, item = part.buffer.pop(0)
                part.consumed_to = key
                if identity(item) not in seen:
                    seen.add(identity(item))
                    taken.append((part.name, key, item))
    # "" continues a partition from its top (nothing of it taken yet)
    next_bounds = {part.name: part.consumed_to or "" for part in parts if part.buffer or not part.exhausted}
    return Merged(taken, next_bounds or None)


def _sort_key(last_key: Mapping[str, Any]) -> str:
    for name in ("entry_key", "rating_key"):
        if name in last_key:
            return str(last_key[name]["S"])
    raise ValueError("a last evaluated key without a sort key")


def _cursor(scope: str, bounds: dict[str, str] | None) -> str | None:
    return encode_cursor(scope, {name: {"S": below} for name, below in bounds.items()}) if bounds else None


def _bounds_from(scope: str, cursor: str | None, partitions: list[str]) -> dict[str, str | None]:
    """Where each partition continues: from the top without a cursor; with one, only the live ones."""
    if cursor is None:
        return dict.fromkeys(partitions)
    key = decode_cursor(scope, cursor)
    if not set(key) <= set(partitions) or not all("S" in value for value in key.values()):
        raise Unprocessable("The cursor is not valid for this listing; start again without it.", code="invalid_cursor")
    return {name: str(value["S"]) or None for name, value in key.items()}


# Sellers: open leads that fit


@dataclass(frozen=True)
class LeadSearch:
    skills: tuple[str, ...]
    currency: str | None = None
    min_budget: int | None = None
    max_budget: int | None = None
    text: str | None = None
    limit: int = DEFAULT_PAGE_SIZE

    def scope(self, caller_id: str) -> str:
        return "|".join(
            ["leads", caller_id, ",".join(self.skills), self.currency or "", str(self.min_budget or ""),
             str(self.max_budget or ""), self.text or ""]
        )  # fmt: skip


def parse_lead_search(params: Mapping[str, str | None], own_skills: Callable[[], list[str]]) -> LeadSearch:
    """Read the search's query parameters; 400 naming every bad one. Without ``skill``: the caller's own."""
    problems: list[FieldProblem] = []

    def integer(name: str, low: int, high: int) -> int | None:
        raw = params.get(name)
        if raw is None:
            return None
        if not is_plain_digits(raw) or not low <= int(raw) <= high:
            problems.append(
                FieldProblem(name, "invalid_number", f"'{name}' must be a whole number from {low} to {high}.")
            )
            return None
        return int(raw)

    skill = params.get("skill")
    if skill is not None and not is_skill(skill):
        problems.append(FieldProblem("skill", "unknown_skill", f"'{skill}' is not a skill of the catalogue."))
    currency = params.get("currency")
    if currency is not None and not is_currency(currency):
        problems.append(FieldProblem("currency", "unknown_currency", f"'{currency}' is not a supported currency."))
    min_budget = integer("min_budget", 0, MAX_BUDGET)
    max_budget = integer("max_budget", 0, MAX_BUDGET)
    limit = integer("limit", 1, MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
    if (min_budget is not None or max_budget is not None) and currency is None:
        problems.append(FieldProblem("currency", "currency_required", "Give a currency to filter by budget."))
    if min_budget is not None and max_budget is not None and min_budget > max_budget:
        problems.append(FieldProblem("min_budget", "invalid_range", "'min_budget' is above 'max_budget'."))
    text = (params.get("q") or "").strip().lower() or None
    if text is not None and len(text) > MAX_SEARCH_TEXT:
        problems.append(FieldProblem("q", "too_long", f"'q' may be at most {MAX_SEARCH_TEXT} characters."))
    if problems:
        raise InvalidInput("The search is not valid.", problems)
    skills = [skill] if skill else [s for s in own_skills() if is_skill(s)]
    if not skills:
        raise Unprocessable(
            "List skills on your expert profile, or name a skill to search.",
            [FieldProblem("skill", "skill_required", "Name a skill, or list skills on your profile.")],
            code="skill_required",
        )
    return LeadSearch(tuple(dict.fromkeys(skills)), currency, min_budget, max_budget, text, limit)


def profile_skills(account_id: str) -> list[str]:
    from pynamodb.exceptions import DoesNotExist

    from chalicelib.models.expert_profile import ExpertProfile

    try:
        profile = ExpertProfile.get(account_id, attributes_to_get=["skills"])
    except DoesNotExist:
        return []
    return list(profile.skills or [])


def search_leads(caller_id: str, search: LeadSearch, cursor: str | None) -> dict[str, Any]:
    """Open leads under any of the search's skills, newest first, each once; not the caller's own."""
    scope = search.scope(caller_id)
    condition = _lead_filter(caller_id, search)

    def read(
        skill: str, below: str | None, start_key: dict[str, Any] | None, page_size: int
    ) -> tuple[list[tuple[str, LeadSkillEntry]], dict[str, Any] | None]:
        pages = LeadSkillEntry.query(
            skill,
            LeadSkillEntry.entry_key < below if below else None,
            filter_condition=condition,
            scan_index_forward=False,
            last_evaluated_key=start_key,
            page_size=page_size,
        ).page_iter
        page = next(pages)
        entries = [LeadSkillEntry.from_raw_data(raw) for raw in page.get("Items", [])]
        return [(entry.entry_key, entry) for entry in entries], page.get("LastEvaluatedKey")

    merged = merge_partitions(
        _bounds_from(scope, cursor, list(search.skills)), read, limit=search.limit,
        identity=lambda entry: entry.lead_id, page_size=search.limit,
    )  # fmt: skip
    return {
        "items": [entry_card(entry) for _, _, entry in merged.items],
        "next_cursor": _cursor(scope, merged.next_bounds),
    }


def _lead_filter(caller_id: str, search: LeadSearch) -> Condition:
    condition: Condition = LeadSkillEntry.buyer_id != caller_id
    if search.currency is not None:
        condition &= LeadSkillEntry.currency == search.currency
    if search.min_budget is not None:
        condition &= LeadSkillEntry.budget >= search.min_budget
    if search.max_budget is not None:
        condition &= LeadSkillEntry.budget <= search.max_budget
    if search.text:
        condition &= LeadSkillEntry.title_lower.contains(search.text)
    return condition


# Buyers: sellers that fit a lead


def matching_sellers(
    lead_id: str, caller_id: str, *, cursor: str | None, limit: int, media_base_url: str
) -> dict[str, Any]:
    """Sellers listing the lead's skills, best stars first (each at their best of the lead's skills).

    Read from each skill's ``by_rating`` partition, merged by rank; a seller is listed once, under
    the lead skill they are best rated in, so a page never repeats a seller of an earlier page.
    """
    lead = buyers_lead(lead_id, caller_id)
    skills = list(lead.skills or [])
    scope = f"lead-sellers|{lead.lead_id}"

    def read(
        skill: str, below: str | None, start_key: dict[str, Any] | None, page_size: int
    ) -> tuple[list[tuple[str, SellerSkill]], dict[str, Any] | None]:
        pages = SellerSkill.by_rating.query(
            skill,
            SellerSkill.rating_key < below if below else None,
            filter_condition=SellerSkill.seller_id != lead.buyer_id,
            scan_index_forward=False,
            last_evaluated_key=start_key,
            page_size=page_size,
        ).page_iter
        page = next(pages)
        items = [SellerSkill.from_raw_data(raw) for raw in page.get("Items", [])]
        return [(str(item.rating_key), item) for item in items], page.get("LastEvaluatedKey")

    merged = merge_partitions(
        _bounds_from(scope, cursor, skills), read, limit=limit, identity=lambda item: item.seller_id,
        page_size=limit,
    )  # fmt: skip
    sellers = [item.seller_id for _, _, item in merged.items]
    stars = _stars_of(sellers, skills)
    profiles = _profiles_of(sellers)
    shown = []
    for _skill, key, item in merged.items:
        mine = stars.get(item.seller_id, {})
        best = max((s.rating_key or "" for s in mine.values()), default="")
        profile = profiles.get(item.seller_id)
        if profile is None or best > key:  # no profile any more; or listed under a better skill, earlier
            continue
        shown.append(_seller_card(profile, skills, mine, media_base_url))
    return {"items": shown, "next_cursor": _cursor(scope, merged.next_bounds)}


def _stars_of(sellers: list[str], skills: list[str]) -> dict[str, dict[str, SellerSkill]]:
    found: dict[str, dict[str, SellerSkill]] = {}
    if not sellers:
        return found
    for item in SellerSkill.batch_get([(skill, seller) for seller in sellers for skill in skills]):
        found.setdefault(item.seller_id, {})[item.skill] = item
    return found


def _profiles_of(sellers: list[str]) -> dict[str, Any]:
    from chalicelib.models.expert_profile import ExpertProfile

    if not sellers:
        return {}
    return {profile.expert_id: profile for profile in ExpertProfile.batch_get(sellers)}


def _seller_card(profile: Any, skills: list[str], stars: dict[str, SellerSkill], media_base_url: str) -> dict[str, Any]:
    from chalicelib.leads.ratings import average
    from chalicelib.profiles.views import media_url

    per_skill = []
    score = 0.0
    for skill in skills:
        item = stars.get(skill)
        listed = item is not None and item.rating_key is not None
        total, count = (int(item.stars_sum or 0), int(item.stars_count or 0)) if item and listed else (0, 0)
        mean = average(total, count)
        score += mean or 0
        if listed:
            per_skill.append({"skill": skill, "average": mean, "count": count})
    return {
        "seller_id": profile.expert_id,
        "name": profile.name,
        "slug": profile.slug,
        "job_title": profile.job_title,
        "photo_url": media_url(media_base_url, profile.photo_key),
        "skill_stars": per_skill,
        "score": round(score, 2),
    }
