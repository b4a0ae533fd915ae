"""Paid calls: the session's states, its billing rules, the 90-minute cutoff."""
