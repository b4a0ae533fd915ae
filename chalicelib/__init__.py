"""Parley: the backend of an expert-consultation marketplace."""
