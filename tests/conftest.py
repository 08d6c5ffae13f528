"""Shared fixtures.

- `database`: a migrated `server.storage.Database`, parametrised over SQLite (temp file) and
  PostgreSQL (a fresh schema per test on 127.0.0.1:5432; skipped only if PostgreSQL is not
  reachable). Use `sqlite_database` / `pg_database` for one backend only.
- `settings`: `server.config.Settings` on a temp SQLite file (fast, no secrets on disk).
- `app_factory` / `client`: the real aiohttp app (create_app) under pytest-aiohttp's test server.
- `seed`: two schools with a user + token per role (plaintext tokens for Authorization headers).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from server.storage.db import Database
from tests.ci_guard import pytest_runtest_makereport  # noqa: F401  (CI: no skipped PG/browser)

PG_URL = os.environ.get("DENKNA_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


PG_AVAILABLE = _pg_reachable()


async def _pg_admin(sql: str) -> None:
    import asyncpg

    dsn = PG_URL.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def make_pg_database() -> tuple[Database, str]:
    """A migrated Database in a fresh PostgreSQL schema; drop with `drop_pg_schema(schema)`."""
    schema = f"t_{secrets.token_hex(6)}"
    await _pg_admin(f'CREATE SCHEMA "{schema}"')
    db = Database(PG_URL, schema=schema)
    await db.migrate()
    return db, schema


async def drop_pg_schema(schema: str) -> None:
    await _pg_admin(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
async def sqlite_database(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'denkna.sqlite3'}")
    await db.migrate()
    yield db
    await db.dispose()


@pytest.fixture
async def pg_database() -> AsyncIterator[Database]:
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    db, schema = await make_pg_database()
    yield db
    await db.dispose()
    await drop_pg_schema(schema)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'denkna.sqlite3'}")
        await db.migrate()
        yield db
        await db.dispose()
        return
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    db, schema = await make_pg_database()
    yield db
    await db.dispose()
    await drop_pg_schema(schema)


# --- the app ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per session; `settings` copies it (migrating is slow)."""
    path = tmp_path_factory.mktemp("template") / "denkna.sqlite3"

    async def migrate() -> None:
        db = Database(f"sqlite+aiosqlite:///{path}")
        await db.migrate()
        await db.dispose()

    asyncio.run(migrate())
    return path


@pytest.fixture
def settings(tmp_path: Path, migrated_sqlite_template: Path) -> Any:
    from server.config import Settings

    shutil.copyfile(migrated_sqlite_template, tmp_path / "denkna.sqlite3")
    return Settings.model_validate(
        {
            "database": {"url": f"sqlite+aiosqlite:///{tmp_path / 'denkna.sqlite3'}"},
            "server": {"secret_key": secrets.token_urlsafe(32), "var_dir": str(tmp_path / "var")},
            # deep off: answers do not depend on whether an encoder file is present or
            # loaded yet (tests/server/test_deep_mode.py switches it on, with a test judge)
            "scoring": {"workers": 0, "deep": False},
        }
    )


@pytest.fixture
def app_factory(settings: Any) -> Callable[..., Any]:
    """`app_factory(**overrides)` -> create_app(settings updated with overrides per section)."""
    from server.app import create_app

    def make(**sections: dict[str, Any]) -> Any:
        s = settings
        if sections:
            data = settings.model_dump()
            for section, values in sections.items():
                data.setdefault(section, {}).update(values)
            s = type(settings).model_validate(data)
        return create_app(s)

    return make


@pytest.fixture
async def client(aiohttp_client: Any, app_factory: Callable[..., Any]) -> Any:
    return await aiohttp_client(app_factory())


@dataclass
class SchoolSeed:
    id: int
    tokens: dict[str, str] = field(default_factory=dict)  # role -> plaintext bearer token
    user_ids: dict[str, int] = field(default_factory=dict)
    account_id: int = 0


@dataclass
class Seed:
    schools: list[SchoolSeed]
    board_token: str
    admin_token: str

    def headers(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}


async def seed_database(db: Database) -> Seed:
    """Two schools, each with staff/leadership/connector users + tokens and one official
    account; one board and one admin user (no school)."""
    from server import admin_ops

    schools: list[SchoolSeed] = []
    async with db.session() as s:
        for n in (1, 2):
            school = await admin_ops.create_school(s, f"School {n}", f"school-{n}")
            seed = SchoolSeed(id=school.id)
            for role in ("staff", "leadership", "connector"):
                user = await admin_ops.create_user(
                    s, name=f"{role} {n}", role=role, school_id=school.id,
                    email=f"{role}{n}@example.nl",
                )
                seed.user_ids[role] = user.id
                seed.tokens[role] = (await admin_ops.create_token(s, user.id))[1]
            account = await admin_ops.create_account(
                s, school_id=school.id, platform="facebook", external_id=f"page-{n}",
                name=f"School {n} Facebook", official=True,
            )
            seed.account_id = account.id
            schools.append(seed)
        board = await admin_ops.create_user(s, name="Bestuur", role="board", school_id=None)
        admin = await admin_ops.create_user(s, name="Beheer", role="admin", school_id=None)
        board_token = (await admin_ops.create_token(s, board.id))[1]
        admin_token = (await admin_ops.create_token(s, admin.id))[1]
    return Seed(schools=schools, board_token=board_token, admin_token=admin_token)


@pytest.fixture
async def seeded(aiohttp_client: Any, app_factory: Callable[..., Any]) -> tuple[Any, Seed]:
    """(client, seed): the app with two schools and a token per role."""
    from server import keys

    app = app_factory()
    cli = await aiohttp_client(app)
    seed = await seed_database(app[keys.DB])
    return cli, seed
