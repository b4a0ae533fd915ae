"""Reputation points: what earns and loses them (points.py, pure) and how they are recorded (record.py)."""
