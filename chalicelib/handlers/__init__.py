"""Thin entry points: one blueprint per topic. Parse, call one use case, shape the reply."""
