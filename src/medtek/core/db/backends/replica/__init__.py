"""PostgreSQL for a read replica (the ENGINE of every `DATABASE_REPLICA_URLS` alias)."""
