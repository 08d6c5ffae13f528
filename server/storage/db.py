"""The database handle: one async engine + session factory, migrations on start.

SQLite (aiosqlite) by default with WAL and foreign keys on; PostgreSQL (asyncpg) by URL.
`schema` (PostgreSQL only) puts every table in that schema via `search_path`: the tests give
each test its own schema so parallel runs never collide.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from server import file_modes

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # an acknowledged ingest survives power loss
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config  # imported when needed: `denkna admin` starts faster

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migration_heads() -> set[str]:
    """The revisions no other migration builds on, read from the files in versions/."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = re.search(r'^revision\s*=\s*["\']([^"\']+)', source, re.M)
        down = re.search(r"^down_revision\s*=\s*(.+)$", source, re.M)
        if rev:
            revisions.add(rev.group(1))
        if down:
            parents.update(re.findall(r'["\']([^"\']+)["\']', down.group(1)))
    return revisions - parents


class Database:
    def __init__(self, url: str, *, schema: str | None = None, echo: bool = False) -> None:
        self.url = make_url(url)
        self.schema = schema
        kwargs: dict[str, Any] = {"echo": echo, "pool_pre_ping": True}
        if self.is_sqlite:
            db_path = self.url.database
            if db_path and db_path != ":memory:" and not db_path.startswith("file:"):
                path = Path(db_path)
                path.parent.mkdir(parents=True, exist_ok=True, mode=file_modes.DIR_MODE)
                file_modes.sqlite_files(path)  # 0600 before SQLite creates it 0644
            kwargs["connect_args"] = {"timeout": 30}
        elif schema:
            kwargs["connect_args"] = {"server_settings": {"search_path": schema}}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessionmaker = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def dialect(self) -> str:
        return self.url.get_backend_name()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session inside one transaction: committed on success, rolled back on error."""
        async with self.sessionmaker() as session, session.begin():
            yield session

    async def migrate(self) -> None:
        """`alembic upgrade heads` on this database (idempotent)."""

        def upgrade(conn: Connection) -> None:
            from alembic import command

            command.upgrade(alembic_config(conn), "heads")

        async with self.engine.begin() as conn:
            await conn.run_sync(upgrade)

    async def migrate_if_behind(self) -> None:
        """`migrate()` unless the database is already at the heads of the migration files (a
        quick look that does not import Alembic: for `denkna admin`, which must start fast)."""
        try:
            current = await self.current_revisions()
        except Exception:  # no alembic_version table yet: a new database
            current = set()
        if current != migration_heads():
            await self.migrate()

    async def current_revisions(self) -> set[str]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            return {r[0] for r in rows}

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    async def dispose(self) -> None:
        await self.engine.dispose()
