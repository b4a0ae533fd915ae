"""Card payments: holds, captures, refunds and disputes, each posted to the ledger."""
