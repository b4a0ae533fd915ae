"""What the earnings and revenue routes answer (``chalicelib.ledger.statements``)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from chalicelib.money.currency import CurrencyCode
from chalicelib.payouts.responses import IsoWeek
from chalicelib.web.responses import MinorUnits, ResponseModel

Balance = Annotated[int, Field(description="Minor units of the currency (cents, pence); negative after a clawback.")]


class EarningsInCurrency(ResponseModel):
    """An expert's earnings in one currency, by where the money is."""

    currency: CurrencyCode
    pending: Balance = Field(description="In the hold period after a charge.")
    available: Balance = Field(description="Paid out next Monday.")
    frozen: Balance = Field(description="Held while a dispute is open.")
    on_the_way: Balance = Field(description="In a transfer under way.")
    paid: MinorUnits = Field(ge=0, description="Transferred to the expert's Stripe account, ever.")


class EarningsPayout(ResponseModel):
    """One of the expert's weekly payouts."""

    week: IsoWeek
    currency: CurrencyCode
    amount: MinorUnits = Field(ge=0)
    status: Literal["transferring", "paid", "failed"]


class ExpertEarnings(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "currencies": [
                        {
                            "currency": "USD",
                            "pending": 3200,
                            "available": 1600,
                            "frozen": 0,
                            "on_the_way": 0,
                            "paid": 25600,
                        }
                    ],
                    "payouts": [{"week": "2026-W47", "currency": "USD", "amount": 12800, "status": "paid"}],
                }
            ]
        }
    )

    currencies: list[EarningsInCurrency] = Field(description="Each currency the expert has earned or been paid in.")
    payouts: list[EarningsPayout] = Field(description="The 20 latest payouts, newest week first.")


class EarningsStatementWeek(ResponseModel):
    """One week and currency of the expert's statement: the amounts are totals of that week's ledger entries."""

    week: IsoWeek
    currency: CurrencyCode
    earned: MinorUnits = Field(ge=0)
    refunded: MinorUnits = Field(ge=0)
    disputed: MinorUnits = Field(ge=0, description="Lost to disputes.")
    paid_out: MinorUnits = Field(ge=0)


class EarningsStatement(ResponseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "weeks": [
                        {
                            "week": "2026-W48",
                            "currency": "USD",
                            "earned": 4800,
                            "refunded": 400,
                            "disputed": 0,
                            "paid_out": 12800,
                        }
                    ]
                }
            ]
        }
    )

    weeks: list[EarningsStatementWeek] = Field(description="Newest week first; weeks with no entries are left out.")


class RevenueInCurrency(ResponseModel):
    currency: CurrencyCode
    revenue: Balance = Field(description="The platform's commission, net of refunds and lost disputes.")


class PlatformRevenue(ResponseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"revenue": [{"currency": "USD", "revenue": 51200}]}]})

    revenue: list[RevenueInCurrency]
