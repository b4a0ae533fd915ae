"""Weekly payouts: each expert's available balance transferred to their Connect account, once per week."""
