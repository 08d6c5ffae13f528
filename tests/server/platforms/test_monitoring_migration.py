"""0002_monitoring and 0007_mastodon_apps build exactly the tables monitoring_models describes
(SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import server.storage.monitoring_models  # noqa: F401  (registers the tables on Base.metadata)
from server.storage.db import Database, alembic_config, migration_heads
from server.storage.models import Base

MONITORING_TABLES = {"account_credentials", "poll_state", "author_roles", "mastodon_apps"}


def _table(diff: Any) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        name = getattr(part, "name", None)
        table = getattr(part, "table", None)
        if table is not None and getattr(table, "name", None):
            return table.name
        if name in MONITORING_TABLES or (isinstance(part, str) and part in MONITORING_TABLES):
            return name or part
    return None


async def test_migration_matches_models(database: Database) -> None:
    def diffs(conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(ctx, Base.metadata)
                if _table(d) in MONITORING_TABLES]

    async with database.engine.connect() as conn:
        found = await conn.run_sync(diffs)
    assert found == []
    # the database is at the newest migration(s), and 0002_monitoring is on the way there (the
    # old check named 0002 or 0003 as the head and failed as soon as 0004 was added)
    heads = await database.current_revisions()
    assert heads == migration_heads()
    script = ScriptDirectory.from_config(alembic_config())
    applied = {r.revision for head in heads for r in script.iterate_revisions(head, "base")}
    assert {"0002_monitoring", "0007_mastodon_apps"} <= applied
