"""Thin entry points: one blueprint per topic. Parse, call one use case, shape the reply.

Every function of the app imports ``app.py`` and so every handler module on a cold
start; handlers therefore import their use cases inside the view, so that a public
profile read loads only what it uses (scripts/bench-cold-start checks the cost).
"""
