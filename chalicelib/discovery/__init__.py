"""Finding experts: the search index's rules and the queries that read it (never a Scan)."""
