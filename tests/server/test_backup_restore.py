"""Backup and restore as docs/deploy.md describes them (issue 17, finding 11): deploy/backup.sh
copies a live database, deploy/restore.sh puts it into a fresh one, and the dashboard on the
restored database shows the same cases. SQLite and PostgreSQL, for real."""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from server import keys
from server.dashboard import setup as dashboard
from server.escalation import setup as escalation
from server.escalation.alerts import SmtpSettings
from server.escalation.service import ESCALATION, EscalationConfig
from server.storage.db import Database
from tests.conftest import PG_AVAILABLE, PG_URL, _pg_admin
from tests.server.dashboard.test_dashboard import login
from tests.server.escalation.factory import (
    add_comments,
    derailing_items,
    free_port,
    make_thread,
    make_world,
)

ROOT = Path(__file__).resolve().parents[2]


def _app(db: Database) -> web.Application:
    app = web.Application()
    app[keys.DB] = db
    app[keys.COMMENT_LISTENERS] = []
    escalation.setup(app, EscalationConfig(smtp=SmtpSettings(port=free_port())),
                     start_worker=False)
    dashboard.setup(app)
    return app


async def _cases_on_the_dashboard(aiohttp_client: Any, db: Database, case_ids: list[int],
                                  w: Any) -> dict[int, str]:
    """What the board member sees for each case: its page's heading line."""
    client = await aiohttp_client(_app(db))
    assert (await login(client, w.emails["board"])).status == 303
    overview = await (await client.get("/dashboard/")).text()
    seen = {}
    for case_id in case_ids:
        assert f"/dashboard/cases/{case_id}" in overview
        page = await client.get(f"/dashboard/cases/{case_id}")
        assert page.status == 200
        html = await page.text()
        seen[case_id] = html[html.index("<h1"):html.index("</h1>")]
    await client.close()
    return seen


async def _fill(aiohttp_client: Any, db: Database) -> tuple[Any, list[int]]:
    app = _app(db)
    await aiohttp_client(app)
    w = await make_world(db)
    case_ids: list[int] = []
    for school in (0, 1):
        tid = await make_thread(db, w, school, f"post-{school}")
        await add_comments(db, w, tid, derailing_items(f"s{school}"), school)
        case_ids += await app[ESCALATION].evaluate_threads([tid])
    assert len(case_ids) == 2
    return w, case_ids


def _script(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(ROOT / "deploy" / name), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())


async def test_sqlite_backup_restores_into_a_fresh_database(aiohttp_client: Any,
                                                             tmp_path: Path) -> None:
    live = Database(f"sqlite+aiosqlite:///{tmp_path / 'var' / 'denkna.sqlite3'}")
    await live.migrate()
    w, case_ids = await _fill(aiohttp_client, live)
    before = await _cases_on_the_dashboard(aiohttp_client, live, case_ids, w)
    backup = tmp_path / "backups" / "denkna.backup"
    backup.parent.mkdir()
    out = _script("backup.sh", str(live.url), str(backup))  # the server is still running
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    await live.dispose()

    fresh_path = tmp_path / "nieuw" / "denkna.sqlite3"
    fresh_url = f"sqlite+aiosqlite:///{fresh_path}"
    out = _script("restore.sh", str(backup), fresh_url)
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(fresh_path.stat().st_mode) == 0o600
    again = _script("restore.sh", str(backup), fresh_url)  # never over an existing database
    assert again.returncode == 1 and "bestaat al" in again.stderr
    restored = Database(fresh_url)
    await restored.migrate()
    try:
        assert await _cases_on_the_dashboard(aiohttp_client, restored, case_ids, w) == before
    finally:
        await restored.dispose()


@pytest.mark.postgres
async def test_postgres_backup_restores_into_a_fresh_database(aiohttp_client: Any) -> None:
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    names = [f"t_{secrets.token_hex(6)}" for _ in range(2)]
    for name in names:
        await _pg_admin(f'CREATE DATABASE "{name}"')
    urls = [PG_URL.rsplit("/", 1)[0] + f"/{name}" for name in names]
    live, restored = Database(urls[0]), Database(urls[1])
    try:
        await live.migrate()
        w, case_ids = await _fill(aiohttp_client, live)
        before = await _cases_on_the_dashboard(aiohttp_client, live, case_ids, w)
        backup = Path(os.environ.get("TMPDIR", "/tmp")) / f"{names[0]}.backup"
        out = _script("backup.sh", urls[0], str(backup))
        assert out.returncode == 0, out.stderr
        await live.dispose()
        out = _script("restore.sh", str(backup), urls[1])
        assert out.returncode == 0, out.stderr
        backup.unlink()
        await restored.migrate()
        assert await _cases_on_the_dashboard(aiohttp_client, restored, case_ids, w) == before
    finally:
        await live.dispose()
        await restored.dispose()
        for name in names:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_every_file_docs_deploy_names_is_in_the_repository() -> None:
    import re

    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(deploy/[\w./@-]+)`", text))
    named |= {f"deploy/systemd/{n}" for n in re.findall(r"(denkna[\w@-]*\.(?:service|timer))",
                                                       text)}
    assert len(named) >= 7
    missing = sorted(n for n in named if not (ROOT / n).exists())
    assert missing == []
