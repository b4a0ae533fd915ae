"""Parley's Chalice app: wiring only. Each topic's routes live in chalicelib/handlers/."""

from __future__ import annotations

from chalice.app import Chalice

from chalicelib.handlers import (
    accounts,
    availability,
    booking_jobs,
    bookings,
    conversation_jobs,
    conversations,
    delivery_jobs,
    discovery,
    earnings,
    expert_profiles,
    lead_deals,
    leads,
    meta,
    money_jobs,
    payments,
    payouts,
    publications,
    questions,
    realtime,
    services,
    sessions,
    statistics,
    uploads,
    votes,
)
from chalicelib.web.framework_errors import reshape_framework_errors

app = Chalice(app_name="parley")
app.experimental_feature_flags.update({"BLUEPRINTS", "WEBSOCKETS"})
app.register_middleware(reshape_framework_errors, "http")

app.register_blueprint(meta.api.blueprint)
app.register_blueprint(accounts.api.blueprint)
app.register_blueprint(expert_profiles.api.blueprint)
app.register_blueprint(discovery.api.blueprint)
app.register_blueprint(uploads.api.blueprint)
app.register_blueprint(payments.api.blueprint)
app.register_blueprint(earnings.api.blueprint)
app.register_blueprint(money_jobs.jobs)
app.register_blueprint(payouts.api.blueprint)
app.register_blueprint(realtime.realtime)
app.register_blueprint(sessions.api.blueprint)
app.register_blueprint(availability.api.blueprint)
app.register_blueprint(services.api.blueprint)
app.register_blueprint(bookings.api.blueprint)
app.register_blueprint(booking_jobs.jobs)
app.register_blueprint(conversations.api.blueprint)
app.register_blueprint(conversation_jobs.jobs)
app.register_blueprint(lead_deals.api.blueprint)
app.register_blueprint(lead_deals.jobs)
app.register_blueprint(leads.api.blueprint)
app.register_blueprint(questions.api.blueprint)
app.register_blueprint(publications.api.blueprint)
app.register_blueprint(votes.api.blueprint)
app.register_blueprint(statistics.api.blueprint)
app.register_blueprint(delivery_jobs.jobs)
