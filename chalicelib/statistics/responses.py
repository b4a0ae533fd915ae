"""What the statistics routes answer."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field

from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp


class ViewCounted(ResponseModel):
    """Whether a profile view beacon was counted."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"counted": True}]})

    counted: bool = Field(
        description="False when the signed-in expert viewed their own profile, or this viewer was counted today."
    )


class AppearancesCounted(ResponseModel):
    """How many of the experts in a search-appearances beacon were counted."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"counted": 12}]})

    counted: int = Field(ge=0, description="Ids of existing experts; unknown ids are not counted.")


class Amount(ResponseModel):
    currency: str
    amount: MinorUnits


_WEEK: dict[str, Any] = {
    "week": "2026-W49",
    "starts_at": "2026-11-30T00:00:00Z",
    "profile_views": 41,
    "search_appearances": 312,
    "calls": 3,
    "bookings": 2,
    "answers": 5,
    "reputation": 27,
    "earnings": [{"currency": "USD", "amount": 9000}],
}


class StatisticsWeek(ResponseModel):
    """One ISO week (UTC) of an expert's figures."""

    week: str = Field(description="ISO week, e.g. 2026-W49.")
    starts_at: UtcTimestamp = Field(description="Monday 00:00 UTC.")
    profile_views: int = Field(ge=0, description="Profile view beacons (the expert's own views not counted).")
    search_appearances: int = Field(ge=0, description="Times the expert was shown in search results.")
    calls: int = Field(ge=0, description="Calls that went active (both joined) that week and have ended.")
    bookings: int = Field(ge=0, description="Confirmed or completed appointments starting that week.")
    answers: int = Field(ge=0, description="Answers written that week and not removed.")
    reputation: int = Field(description="Reputation points gained that week (may be negative).")
    earnings: list[Amount] = Field(description="Earned that week per currency (the statement's 'earned').")


class StatisticsTotals(ResponseModel):
    profile_views: int
    search_appearances: int
    calls: int
    bookings: int
    answers: int
    reputation: int
    earnings: list[Amount]


class ExpertStatistics(ResponseModel):
    """The signed-in expert's figures week by week, newest first, and their totals."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"weeks": [_WEEK], "totals": {k: v for k, v in _WEEK.items() if k not in ("week", "starts_at")}}
            ]
        }
    )

    weeks: list[StatisticsWeek]
    totals: StatisticsTotals
