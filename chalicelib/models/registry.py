"""Every model of the app, for creating tables (local stack, tests) and checking the template.

Not imported by the app itself: a handler loads only the models it uses.
"""

from __future__ import annotations

from pynamodb.models import Model

from chalicelib.models.account import Account
from chalicelib.models.appointment import Appointment, AppointmentLock, FreeConsultation
from chalicelib.models.availability import ExpertAvailability
from chalicelib.models.checkout import ServiceCheckout
from chalicelib.models.conversation import Conversation, ConversationMember, ConversationMessage
from chalicelib.models.delivery import Delivery
from chalicelib.models.expert_profile import ExpertProfile
from chalicelib.models.expert_search_entry import ExpertSearchEntry
from chalicelib.models.expert_week import ExpertWeek
from chalicelib.models.lead import Lead, LeadSkillEntry, SellerSkill
from chalicelib.models.lead_bid import LeadBid, LeadProposal
from chalicelib.models.ledger import LedgerBalance, LedgerRecord
from chalicelib.models.limits import HoldSeat, RateCounter
from chalicelib.models.payment import Payment
from chalicelib.models.payout import Payout, PayoutAccount
from chalicelib.models.profile_slug import ProfileSlug
from chalicelib.models.profile_view import ProfileViewMarker
from chalicelib.models.publication import Article, ExpertDocument
from chalicelib.models.question import Answer, ContentRevision, Question
from chalicelib.models.question_term import QuestionTerm
from chalicelib.models.reputation import ReputationEvent
from chalicelib.models.review import Review
from chalicelib.models.service import ExpertService, ServiceSlug
from chalicelib.models.session import CallSession, FirstCall
from chalicelib.models.session_link import SessionLink
from chalicelib.models.stripe_event import ProcessedStripeEvent
from chalicelib.models.vote import Vote
from chalicelib.models.ws_connection import WsConnection

ALL_MODELS: tuple[type[Model], ...] = (
    Delivery,
    Account,
    ExpertProfile,
    ProfileSlug,
    ExpertSearchEntry,
    Payment,
    LedgerRecord,
    LedgerBalance,
    Payout,
    PayoutAccount,
    ProcessedStripeEvent,
    CallSession,
    FirstCall,
    SessionLink,
    Review,
    WsConnection,
    ExpertAvailability,
    ExpertService,
    ServiceSlug,
    Appointment,
    AppointmentLock,
    FreeConsultation,
    Conversation,
    ConversationMember,
    ConversationMessage,
    ServiceCheckout,
    Lead,
    LeadSkillEntry,
    SellerSkill,
    LeadBid,
    LeadProposal,
    Question,
    Answer,
    ContentRevision,
    Article,
    ExpertDocument,
    Vote,
    ReputationEvent,
    ExpertWeek,
    QuestionTerm,
    ProfileViewMarker,
    RateCounter,
    HoldSeat,
)


def create_tables() -> None:
    """Create every table that does not exist yet (local stack and tests)."""
    for model in ALL_MODELS:
        if not model.exists():
            model.create_table(wait=True)
