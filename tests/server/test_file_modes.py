"""File modes (issue 17, finding 5): `var/` 0700; the SQLite database, its WAL and SHM files and
the secret key 0600 when created, and set back to that on every start."""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from server.config import Settings
from server.storage.db import Database


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask() -> Iterator[None]:
    old = os.umask(0o022)  # what most servers run with: new files 0644
    yield
    os.umask(old)


def _settings(var: Path) -> Settings:
    # no database URL and no secret key: both go into var/ as in a real installation
    return Settings.model_validate({"server": {"var_dir": str(var)},
                                    "scoring": {"workers": 0, "deep": False}})


async def _start(aiohttp_client: Any, settings: Settings) -> Any:
    from server.app import create_app

    cli = await aiohttp_client(create_app(settings))
    resp = await cli.post("/api/v1/check", json={"text": "hoi"})  # 401, the app is up
    assert resp.status == 401
    return cli


async def test_a_new_installation_is_private(aiohttp_client: Any, tmp_path: Path,
                                             usual_umask: None) -> None:
    var = tmp_path / "var"
    cli = await _start(aiohttp_client, _settings(var))
    await cli.close()
    assert mode(var) == 0o700
    assert mode(var / "secret_key") == 0o600
    db = var / "denkna.sqlite3"
    assert mode(db) == 0o600
    async with Database(f"sqlite+aiosqlite:///{db}").session() as s:  # WAL and SHM appear
        await s.execute(__import__("sqlalchemy").text("CREATE TABLE t (x INTEGER)"))
    for side in ("denkna.sqlite3-wal", "denkna.sqlite3-shm"):
        assert (var / side).exists() and mode(var / side) == 0o600, side


async def test_open_files_of_an_older_version_are_closed_on_start(
    aiohttp_client: Any, tmp_path: Path, usual_umask: None,
    migrated_sqlite_template: Path,
) -> None:
    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    shutil.copyfile(migrated_sqlite_template, var / "denkna.sqlite3")
    (var / "secret_key").write_text("s" * 40 + "\n")
    for side in ("denkna.sqlite3-wal", "denkna.sqlite3-shm"):
        (var / side).write_bytes(b"")
    for f in var.iterdir():
        f.chmod(0o644)
    await _start(aiohttp_client, _settings(var))  # running: SQLite has its WAL and SHM open
    assert mode(var) == 0o700
    for name in ("denkna.sqlite3", "denkna.sqlite3-wal", "denkna.sqlite3-shm", "secret_key"):
        assert mode(var / name) == 0o600, name


async def test_a_database_opened_by_the_cli_is_created_private(tmp_path: Path,
                                                               usual_umask: None) -> None:
    path = tmp_path / "elders" / "denkna.sqlite3"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    await db.dispose()
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
