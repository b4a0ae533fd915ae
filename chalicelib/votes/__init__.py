"""Votes on answers, articles and documents: one per person per item; they move the owner's reputation."""
