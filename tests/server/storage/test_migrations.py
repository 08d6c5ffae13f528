"""The 0001_core migration builds the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.storage.db import Database
from server.storage.models import (
    Account,
    ApiToken,
    Base,
    Comment,
    Counter,
    School,
    Thread,
    User,
)

CORE_TABLES = {
    "schools", "users", "api_tokens", "accounts", "threads", "comments", "counters",
    "audit_log", "school_settings",
}


async def test_migration_matches_models(database: Database) -> None:
    def diff(conn):  # type: ignore[no-untyped-def]
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        return [
            d for d in compare_metadata(ctx, Base.metadata)
            if _table_of(d) in CORE_TABLES
        ]

    async with database.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
    assert await database.current_revisions()  # at a head (0001_core or a later module's)


def _table_of(d: object) -> str | None:
    """The table a compare_metadata difference is about (tables of other modules are theirs)."""
    item = d[0] if isinstance(d, list) else d
    assert isinstance(item, tuple)
    for part in item[1:]:
        if isinstance(part, str) and part in CORE_TABLES:
            return part
        table = getattr(part, "table", part)
        if getattr(table, "name", None) in CORE_TABLES:
            return table.name
    return None


async def test_migrate_is_idempotent(database: Database) -> None:
    before = await database.current_revisions()
    await database.migrate()
    assert await database.current_revisions() == before


async def test_round_trip_and_constraints(database: Database) -> None:
    async with database.session() as s:
        school = School(name="De Regenboog", slug="regenboog")
        s.add(school)
        await s.flush()
        user = User(school_id=school.id, name="Juf Anna", role="staff", email="anna@x.nl")
        s.add(user)
        account = Account(
            school_id=school.id, platform="facebook", external_id="p1", name="FB", settings={}
        )
        s.add(account)
        await s.flush()
        s.add(ApiToken(user_id=user.id, token_hash="a" * 64, prefix="dk_abcd"))
        thread = Thread(school_id=school.id, account_id=account.id, external_post_id="post1")
        s.add(thread)
        await s.flush()
        when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        s.add(
            Comment(
                school_id=school.id, account_id=account.id, thread_id=thread.id,
                platform="facebook", external_id="c1", text="hoi", created_at=when,
                scores={"bullying": 0.1}, flags=[{"category": "bullying"}],
            )
        )
        s.add(Counter(school_id=school.id, day=date(2026, 1, 2), category="all",
                      event="checked", count=3))
    async with database.session() as s:
        comment = (await s.execute(select(Comment))).scalar_one()
        assert comment.created_at == when
        assert comment.scores == {"bullying": 0.1}
        assert comment.flags == [{"category": "bullying"}]
        assert comment.author_role == "unknown" and comment.flagged is False
    # (platform, external_id) is unique: a second copy of a comment cannot be stored
    with pytest.raises(IntegrityError):
        async with database.session() as s:
            s.add(
                Comment(
                    school_id=school.id, account_id=account.id, thread_id=thread.id,
                    platform="facebook", external_id="c1", text="dubbel", created_at=when,
                )
            )
    # foreign keys are enforced on both backends
    with pytest.raises(IntegrityError):
        async with database.session() as s:
            s.add(Thread(school_id=9999, account_id=account.id, external_post_id="x"))


async def test_sqlite_runs_in_wal_mode(sqlite_database: Database) -> None:
    from sqlalchemy import text

    async with sqlite_database.engine.connect() as conn:
        mode = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
        fk = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
    assert mode == "wal" and fk == 1
