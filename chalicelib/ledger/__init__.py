"""The double-entry ledger: every money movement is a balanced transaction with an id from its cause."""
