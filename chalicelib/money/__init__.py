"""Money: integer minor units with an ISO currency code, never floats."""
