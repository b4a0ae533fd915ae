"""Expert profiles: their rules (limits, contact details, slugs) and use cases."""
