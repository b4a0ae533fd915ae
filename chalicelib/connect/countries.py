"""Countries an expert can be paid out in (as the seeds list them), by ISO 3166-1 alpha-2 code."""

from __future__ import annotations

PAYOUT_COUNTRIES: dict[str, str] = {
    "US": "United States", "GB": "United Kingdom", "AU": "Australia", "CA": "Canada", "DK": "Denmark",
    "FI": "Finland", "IE": "Ireland", "NO": "Norway", "SE": "Sweden", "AT": "Austria", "BE": "Belgium",
    "FR": "France", "DE": "Germany", "IT": "Italy", "JP": "Japan", "LU": "Luxembourg", "NL": "Netherlands",
    "ES": "Spain", "BR": "Brazil", "MX": "Mexico", "PT": "Portugal", "SG": "Singapore", "CH": "Switzerland",
}  # fmt: skip
