"""Stripe Connect: the expert's Express account that weekly payouts are sent to."""
