"""Storage: SQLAlchemy 2 async models, the `Database` handle and Alembic migrations.

Feature modules add their own tables by subclassing `server.storage.models.Base` and chaining a
migration after `0001_core` (revision ids: `0001_core`, `0002_monitoring`, `0003_escalation`).
"""

from server.storage.db import Database

__all__ = ["Database"]
