"""APScheduler wiring and the jobs it runs (polling, retention purge, reminders, digests)."""
