"""What the admins' payout routes answer (``chalicelib.payouts.views``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from chalicelib.money.currency import CurrencyCode
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp

IsoWeek = Annotated[str, Field(pattern=r"^\d{4}-W\d{2}$", description="ISO 8601 week in UTC, e.g. 2026-W47.")]

_PAYOUT: dict[str, Any] = {
    "payout_id": "payout:a1b2c3d4-0000-4000-8000-00000000e001:USD:2026-W47",
    "expert_id": "a1b2c3d4-0000-4000-8000-00000000e001",
    "currency": "USD",
    "week": "2026-W47",
    "amount": 12800,
    "status": "paid",
    "stripe_transfer_id": "tr_1QxYzA2eZvKYlo2C9z8y7x6w",
    "destination": "acct_1QxYzB2fAwLZmp3D",
    "failure": None,
    "created_at": "2026-11-30T06:00:04+00:00",
    "updated_at": "2026-11-30T06:00:06+00:00",
}


class PayoutView(ResponseModel):
    """One expert's payout of one currency for one week."""

    payout_id: str = Field(description="payout:<expert id>:<currency>:<week>: one per expert, currency and week.")
    expert_id: str
    currency: CurrencyCode
    week: IsoWeek
    amount: MinorUnits = Field(ge=0)
    status: Literal["transferring", "paid", "failed"]
    stripe_transfer_id: str | None
    destination: str | None = Field(description="The Connect account the transfer goes to.")
    failure: str | None = Field(description="Why a failed payout failed.")
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class WeekPayouts(ResponseModel):
    """A page of one week's payouts, in payout id order."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"week": "2026-W47", "payouts": [_PAYOUT], "next_cursor": None}]}
    )

    week: IsoWeek
    payouts: list[PayoutView]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class PayoutDeadLetter(ResponseModel):
    """A payout message that failed every retry (read without removing it from the queue)."""

    message_id: str
    body: Any = Field(
        description="The message as sent: normally {expert_id, currency, week}; the raw text if it is not JSON."
    )
    sent_at: UtcTimestamp | None
    receive_count: int = Field(ge=0, description="How many times SQS has handed it out, this read included.")


class PayoutDeadLetters(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "messages": [
                        {
                            "message_id": "3f1e2d4c-5b6a-4789-8abc-def012345678",
                            "body": {
                                "expert_id": "a1b2c3d4-0000-4000-8000-00000000e001",
                                "currency": "USD",
                                "week": "2026-W47",
                            },
                            "sent_at": "2026-11-30T06:00:01+00:00",
                            "receive_count": 6,
                        }
                    ]
                }
            ]
        }
    )

    messages: list[PayoutDeadLetter] = Field(description="At most 10.")
