"""SIGKILL a real `denkna serve` in the middle of batch ingests: after a restart every comment
whose request got a 200 is stored (acknowledged means committed)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from server.storage.db import Database
from server.storage.models import Comment
from tests.conftest import seed_database

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=Path(__file__).parents[2],
    )


async def _wait_healthy(session: aiohttp.ClientSession, base: str, proc: Any) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise AssertionError("server exited during start-up")
        try:
            async with session.get(f"{base}/api/v1/health") as resp:
                if resp.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("server did not become healthy")


async def test_sigkill_during_ingest_loses_no_acknowledged_comment(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'denkna.sqlite3'}"
    db = Database(url)
    await db.migrate()
    seed = await seed_database(db)
    await db.dispose()
    port = _free_port()
    env = {
        **os.environ, "DENKNA_DATABASE_URL": url, "DENKNA_SERVER_PORT": str(port),
        "DENKNA_SERVER_VAR_DIR": str(tmp_path / "var"), "DENKNA_SCORING_WORKERS": "0",
        "DENKNA_RATE_LIMIT_PER_SECOND": "10000", "DENKNA_RATE_LIMIT_BURST": "10000",
        "DENKNA_SERVER_LOG_LEVEL": "WARNING",
    }
    base = f"http://127.0.0.1:{port}"
    school = seed.schools[0]
    headers = seed.headers(school.tokens["connector"])
    acked: set[str] = set()
    proc = _start(env)
    try:
        async with aiohttp.ClientSession() as session:
            await _wait_healthy(session, base, proc)

            async def sender(worker: int) -> None:
                n = 0
                while True:
                    ids = [f"w{worker}-b{n}-c{i}" for i in range(20)]
                    body = {"account_id": school.account_id, "comments": [
                        {"external_id": eid, "post_id": f"post-{worker}",
                         "text": f"Reactie {eid}: wat een mooie dag",
                         "created_at": "2026-11-20T10:00:00Z"} for eid in ids]}
                    try:
                        async with session.post(f"{base}/api/v1/comments", json=body,
                                                headers=headers) as resp:
                            if resp.status == 200:
                                acked.update(ids)
                    except aiohttp.ClientError:
                        return
                    n += 1

            tasks = [asyncio.create_task(sender(w)) for w in range(4)]
            while len(acked) < 100:
                await asyncio.sleep(0.05)
                assert proc.poll() is None
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
            await asyncio.wait_for(asyncio.gather(*tasks), timeout=30)
        # restart on the same file: it starts cleanly and everything acknowledged is there
        proc = _start(env)
        async with aiohttp.ClientSession() as session:
            await _wait_healthy(session, base, proc)
        db = Database(url)
        async with db.session() as s:
            stored = set((await s.execute(select(Comment.external_id))).scalars())
        await db.dispose()
        assert len(acked) >= 100
        assert acked <= stored, f"{len(acked - stored)} acknowledged comments lost"
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
