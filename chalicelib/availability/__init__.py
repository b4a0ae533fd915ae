"""Availability: weekly hours in the expert's time zone, date overrides, buffers, and the bookable slots."""
