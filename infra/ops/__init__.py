"""Operator commands: things a person runs by hand against the local stack or a stage."""
