"""The limits of the lead routes, in one place: the use cases enforce them and the document states them (pure)."""

from __future__ import annotations

MAX_BUDGET = 10_000_000  # 100,000.00 in the currency's major unit
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 50  # leads and sellers listings
MAX_BID_PAGE_SIZE = 100  # a seller's bids
MAX_SEARCH_TEXT = 100  # the search's ``q``
BUYER_STAGES = ("open", "in_progress", "completed", "ended")  # My Leads (chalicelib.leads.states.BUYER_STAGES)
SELLER_STAGES = ("requested", "in_progress", "completed", "ended")  # a seller's bids (bid_rules.seller_stage)
