"""An expert's free initial consultation: their setting, offered or not and how long at most.

Most experts give a new client one free first meeting to see whether they are the right
person, so it is on by default (30 minutes); an expert may turn it off or set its length
(5 to 60 minutes, in 5-minute steps). ``POST /bookings`` refuses a free consultation the
expert does not offer, or one longer than they offer; the profile and the slots show it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from chalicelib.errors import Conflict, FieldProblem, InvalidInput
from chalicelib.models.availability import ExpertAvailability

DEFAULT_ENABLED = True
DEFAULT_MINUTES = 30
MIN_MINUTES = 5
MAX_MINUTES = 60


def _five_minute_steps(value: int) -> int:
    if value % 5:
        raise PydanticCustomError("not_on_grid", "A free consultation lasts a whole multiple of 5 minutes.")
    return value


class FreeConsultationInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # strict: the document says boolean, so 0 and "yes" are refused rather than read as one
    enabled: bool = Field(
        default=DEFAULT_ENABLED, strict=True, description="I give each new client one free consultation."
    )
    minutes: Annotated[
        int,
        Field(ge=MIN_MINUTES, le=MAX_MINUTES, strict=True, json_schema_extra={"multipleOf": 5}),
        AfterValidator(_five_minute_steps),
    ] = DEFAULT_MINUTES


@dataclass(frozen=True)
class FreeConsultationOffer:
    enabled: bool
    minutes: int

    def as_dict(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "minutes": self.minutes if self.enabled else None}


NOT_OFFERED = FreeConsultationOffer(enabled=False, minutes=0)


def offer_of(item: ExpertAvailability | None) -> FreeConsultationOffer:
    """The expert's setting (the default for availability saved before there was one); none without availability."""
    if item is None:
        return NOT_OFFERED
    enabled = DEFAULT_ENABLED if item.free_consultation_enabled is None else bool(item.free_consultation_enabled)
    return FreeConsultationOffer(enabled, int(item.free_consultation_minutes or DEFAULT_MINUTES))


def require_offered_free_consultation(item: ExpertAvailability, minutes: int) -> None:
    """A free consultation the expert offers, no longer than they offer it."""
    offer = offer_of(item)
    if not offer.enabled:
        raise Conflict("This expert does not offer a free consultation; book a paid one.",
                       code="free_consultation_not_offered")  # fmt: skip
    if minutes > offer.minutes:
        message = f"This expert's free consultation lasts at most {offer.minutes} minutes."
        raise InvalidInput(message, [FieldProblem("minutes", "free_consultation_too_long", message)],
                           code="free_consultation_too_long")  # fmt: skip


def public_free_consultation(expert_id: str) -> dict[str, Any]:
    """What a profile shows of it: ``{"enabled": false, "minutes": null}`` while the expert takes no bookings."""
    try:
        item: ExpertAvailability | None = ExpertAvailability.get(expert_id)
    except ExpertAvailability.DoesNotExist:
        item = None
    return offer_of(item).as_dict()
