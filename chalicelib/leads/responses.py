"""What the lead routes answer: leads, the listings of leads and of sellers, bids and their proposals."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from chalicelib.conversations.responses import EVIDENCE_EXAMPLE, ConversationEvidence
from chalicelib.money.currency import CurrencyCode
from chalicelib.web.responses import MinorUnits, ResponseModel, UtcTimestamp, sometimes

CalendarDate = Annotated[str, Field(json_schema_extra={"format": "date"}, description="YYYY-MM-DD.")]
LeadStatus = Literal[
    "open", "awaiting_payment", "in_progress", "delivered", "completed", "closed", "cancelled", "disputed"
]
BuyerStage = Literal["open", "in_progress", "completed", "ended"]
Side = Literal["buyer", "seller"]
NEXT_CURSOR = "Pass as 'cursor' for the next page; null on the last page."

_LEAD_ID = "6f1c2a9e4b7d4c2f9a1e3b5d7c9e1f20"
_ATTACHMENT_EXAMPLE: dict[str, Any] = {
    "key": "private/acc-buyer-1/lead_attachment/4b2d9f0e6a1c4e8b9d3f5a7c1e2b4d6f.xlsx",
    "file_name": "ledger-2025.xlsx",
    "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "download_url": "https://parley-files.s3.amazonaws.com/private/acc-buyer-1/lead_attachment/"
    "4b2d9f0e6a1c4e8b9d3f5a7c1e2b4d6f.xlsx?X-Amz-Expires=300",
}
_LEAD_EXAMPLE: dict[str, Any] = {
    "lead_id": _LEAD_ID,
    "buyer_id": "acc-buyer-1",
    "title": "Set up bookkeeping for a small shop",
    "description": "Two years of receipts to sort into a ledger, and a monthly routine I can keep up.",
    "skills": ["bookkeeping", "excel"],
    "budget": 50000,
    "currency": "USD",
    "wished_deadline": "2026-03-31",
    "attachments": [_ATTACHMENT_EXAMPLE],
    "status": "in_progress",
    "stage": "in_progress",
    "seller_id": "acc-seller-1",
    "price": 45000,
    "days": 7,
    "accepted_at": "2026-03-02T10:08:00Z",
    "payment_id": f"pay:lead:{_LEAD_ID}",
    "paid_at": "2026-03-02T10:10:00Z",
    "due_at": "2026-03-09T10:10:00Z",
    "delivered_at": None,
    "completed_at": None,
    "completed_by": None,
    "cancelled_at": None,
    "disputed_at": None,
    "stars": None,
    "created_at": "2026-03-01T09:00:00Z",
    "updated_at": "2026-03-02T10:10:00Z",
}


class LeadAttachmentView(ResponseModel):
    key: str
    file_name: str
    content_type: str
    download_url: str | SkipJsonSchema[None] = sometimes(
        "Present only for the lead's buyer and hired seller (a link valid for 5 minutes)."
    )


class LeadView(ResponseModel):
    """A lead, with its contract once a seller's terms are accepted."""

    model_config = ConfigDict(json_schema_extra={"examples": [_LEAD_EXAMPLE]})

    lead_id: str
    buyer_id: str
    title: str
    description: str
    skills: list[str] = Field(description="Skill ids from GET /catalogue.")
    budget: MinorUnits
    currency: CurrencyCode
    wished_deadline: CalendarDate | None
    attachments: list[LeadAttachmentView]
    status: LeadStatus
    stage: BuyerStage = Field(description="Where the lead is on its buyer's dashboard (GET /leads/mine).")
    seller_id: str | None = Field(description="The hired seller, once their terms are accepted.")
    price: MinorUnits | None = Field(description="The agreed price.")
    days: int | None = Field(description="The agreed days to deliver, counted from payment.")
    accepted_at: UtcTimestamp | None
    payment_id: str | None
    paid_at: UtcTimestamp | None
    due_at: UtcTimestamp | None = Field(description="The delivery deadline: paid_at plus days.")
    delivered_at: UtcTimestamp | None
    completed_at: UtcTimestamp | None
    completed_by: str | None = Field(
        description="The buyer's id; 'auto' (14 days after delivery) or 'dispute' (an operator's decision)."
    )
    cancelled_at: UtcTimestamp | None
    disputed_at: UtcTimestamp | None
    stars: dict[str, int] | None = Field(description="The buyer's stars per skill (1 to 5), once accepted.")
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class LeadPaymentView(LeadView):
    """The lead after paying: in progress; or still awaiting payment while the card needs its holder."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                _LEAD_EXAMPLE,
                _LEAD_EXAMPLE
                | {"status": "awaiting_payment", "payment_id": None, "paid_at": None, "due_at": None}
                | {"next_action": "confirm_card", "client_secret": "pi_3OqJkL2eZvKYlo2C0a1b2c3d_secret_x7Yz"},
            ]
        }
    )

    next_action: Literal["confirm_card"] | SkipJsonSchema[None] = sometimes(
        "Present only when the bank wants the cardholder: confirm with Stripe.js, then pay again."
    )
    client_secret: str | SkipJsonSchema[None] = sometimes(
        "Present only with next_action: the PaymentIntent's client secret."
    )


class LeadDisputeView(ResponseModel):
    """The disputed lead and the evidence record of its conversation."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "lead": _LEAD_EXAMPLE | {"status": "disputed", "disputed_at": "2026-03-05T09:00:00Z"},
                    "evidence": EVIDENCE_EXAMPLE,
                }
            ]
        }
    )

    lead: LeadView
    evidence: ConversationEvidence


_CARD_EXAMPLE: dict[str, Any] = {
    key: _LEAD_EXAMPLE[key]
    for key in ("lead_id", "title", "skills", "budget", "currency", "wished_deadline", "status", "stage",
                "seller_id", "price", "created_at", "updated_at")
}  # fmt: skip


class LeadCard(ResponseModel):
    """A buyer's own lead, as My Leads lists it."""

    lead_id: str
    title: str
    skills: list[str]
    budget: MinorUnits
    currency: CurrencyCode
    wished_deadline: CalendarDate | None
    status: LeadStatus
    stage: BuyerStage
    seller_id: str | None
    price: MinorUnits | None
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class MyLeadsPage(ResponseModel):
    """My leads in one dashboard stage, newest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_CARD_EXAMPLE], "next_cursor": None}]})

    items: list[LeadCard]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class LeadSearchCard(ResponseModel):
    """An open lead, as a seller's search lists it."""

    lead_id: str
    buyer_id: str
    title: str
    skills: list[str]
    budget: MinorUnits
    currency: CurrencyCode
    wished_deadline: CalendarDate | None
    created_at: UtcTimestamp


class LeadSearchPage(ResponseModel):
    """Open leads that fit, newest first, each once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [{key: _LEAD_EXAMPLE[key] for key in LeadSearchCard.model_fields}],
                    "next_cursor": "eyJrIjp7ImJvb2trZWVwaW5nIjp7IlMiOiIyMDI2In19LCJzIjoibGVhZHMifQ",
                }
            ]
        }
    )

    items: list[LeadSearchCard]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class LeadSellerSkillStars(ResponseModel):
    skill: str
    average: float | None = Field(ge=1, le=5, description="Mean stars in this skill, to 2 decimals; null if unrated.")
    count: int = Field(ge=0, description="How many ratings the average is of.")


class LeadSellerCard(ResponseModel):
    """A seller whose skills fit the lead, with their stars in the lead's skills."""

    seller_id: str
    name: str
    slug: str
    job_title: str | None
    photo_url: str | None
    skill_stars: list[LeadSellerSkillStars] = Field(description="The lead's skills the seller lists.")
    score: float = Field(ge=0, description="The sum of the averages over the lead's skills (the ranking's basis).")


class LeadSellerPage(ResponseModel):
    """Sellers that fit a lead, best stars in its skills first, each once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "seller_id": "acc-seller-1",
                            "name": "Ada Byron",
                            "slug": "ada-byron",
                            "job_title": "Chartered accountant",
                            "photo_url": "https://media.parley.example/public/acc-seller-1/photo/1a2b.jpg",
                            "skill_stars": [
                                {"skill": "bookkeeping", "average": 4.75, "count": 12},
                                {"skill": "excel", "average": None, "count": 0},
                            ],
                            "score": 4.75,
                        }
                    ],
                    "next_cursor": None,
                }
            ]
        }
    )

    items: list[LeadSellerCard]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


_BID_EXAMPLE: dict[str, Any] = {
    "lead_id": _LEAD_ID,
    "seller_id": "acc-seller-1",
    "buyer_id": "acc-buyer-1",
    "lead_title": "Set up bookkeeping for a small shop",
    "status": "negotiating",
    "stage": "requested",
    "currency": "USD",
    "price": 45000,
    "days": 7,
    "proposed_by": "buyer",
    "rounds": 2,
    "conversation_id": f"lead:{_LEAD_ID}.acc-seller-1",
    "created_at": "2026-03-01T12:00:00Z",
    "updated_at": "2026-03-02T08:30:00Z",
}
_PROPOSALS_EXAMPLE: list[dict[str, Any]] = [
    {"number": 1, "proposed_by": "seller", "price": 48000, "days": 7, "message": "I can start on Monday.",
     "created_at": "2026-03-01T12:00:00Z"},
    {"number": 2, "proposed_by": "buyer", "price": 45000, "days": 7, "message": None,
     "created_at": "2026-03-02T08:30:00Z"},
]  # fmt: skip


class LeadProposalView(ResponseModel):
    """One proposal of a negotiation, never changed once made."""

    number: int = Field(ge=1, description="1, 2, 3, ... in the order made.")
    proposed_by: Side
    price: MinorUnits
    days: int = Field(ge=1, description="Days to deliver, counted from payment.")
    message: str | None
    created_at: UtcTimestamp


class LeadBidCard(ResponseModel):
    """A seller's bid on a lead: its latest terms and who proposed them."""

    model_config = ConfigDict(json_schema_extra={"examples": [_BID_EXAMPLE]})

    lead_id: str
    seller_id: str
    buyer_id: str
    lead_title: str
    status: Literal["negotiating", "accepted", "lost", "withdrawn"] = Field(
        description="lost: another seller's terms were accepted, or the buyer closed the lead."
    )
    stage: Literal["requested", "in_progress", "completed", "ended"] = Field(
        description="Where the bid is on its seller's dashboard (GET /sellers/me/bids)."
    )
    currency: CurrencyCode
    price: MinorUnits
    days: int = Field(ge=1)
    proposed_by: Side = Field(description="Who made the latest proposal: the other side may accept it.")
    rounds: int = Field(ge=1, description="Proposals so far; the latest is number 'rounds'.")
    conversation_id: str = Field(description="The conversation of this lead's buyer and this seller.")
    created_at: UtcTimestamp
    updated_at: UtcTimestamp


class LeadBidView(LeadBidCard):
    """A bid with every proposal of its negotiation, in order."""

    model_config = ConfigDict(json_schema_extra={"examples": [_BID_EXAMPLE | {"proposals": _PROPOSALS_EXAMPLE}]})

    proposals: list[LeadProposalView]


class LeadBidList(ResponseModel):
    """The bids on a lead: every bid for its buyer, only their own for a seller."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_BID_EXAMPLE]}]})

    items: list[LeadBidCard]


class SellerBidPage(ResponseModel):
    """My bids as a seller in one dashboard stage, newest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_BID_EXAMPLE], "next_cursor": None}]})

    items: list[LeadBidCard]
    next_cursor: str | None = Field(description=NEXT_CURSOR)


class LeadConversationOpened(ResponseModel):
    """The lead's conversation with a seller (the same one their bid uses)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"conversation_id": f"lead:{_LEAD_ID}.acc-seller-1", "lead_id": _LEAD_ID, "seller_id": "acc-seller-1"}
            ]
        }
    )

    conversation_id: str
    lead_id: str
    seller_id: str
