"""Helpers for tests that run real monitoring processes (`python -m schedules.worker`)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from sqlalchemy import func, select

from denkna_demo.fakes import FakePlatformServer, FakeWorld
from server import admin_ops
from server.platforms.credentials import store_token
from server.storage.db import Database
from server.storage.models import Comment
from server.storage.monitoring_models import PollState

ROOT = Path(__file__).resolve().parents[2]
FAST_API = {"page_size": 10, "retry_base_delay": 0.01, "retry_max_delay": 0.05,
            "retry_timeout": 2.0, "retry_attempts": 4, "retry_max_inline_wait": 0.5}


def worker_env(db_url: str, secret: str, var_dir: Path, **monitoring: object) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DENKNA_")}
    env.update({"DENKNA_DATABASE_URL": db_url, "DENKNA_SERVER_SECRET_KEY": secret,
                "DENKNA_SERVER_VAR_DIR": str(var_dir), "DENKNA_SCORING_WORKERS": "0",
                # no deep scorer process: with an encoder artefact in the checkout each worker
                # loaded a ~0.8 GB judge and stored nothing for minutes on a busy machine
                "DENKNA_SCORING_DEEP": "false",
                "PYTHONPATH": str(ROOT)})
    values = {"enabled": "true", "poll_interval_seconds": 0.3, "jitter_seconds": 0.1,
              "sync_interval_seconds": 0.5, "lease_seconds": 3, "backoff_base_seconds": 0.1,
              "backoff_max_seconds": 0.5, **monitoring}
    env.update({f"DENKNA_MONITORING_{k.upper()}": str(v) for k, v in values.items()})
    return env


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "schedules.worker"], cwd=ROOT, env=env,
                            stdout=log.open("ab"), stderr=subprocess.STDOUT)


def kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def seed_accounts(db: Database, secret: str, world: FakeWorld,
                        servers: dict[str, FakePlatformServer], platforms: list[str]
                        ) -> dict[int, str]:
    """One school; one account per entry of `platforms`. Returns our id -> fake account id."""
    out: dict[int, str] = {}
    async with db.session() as s:
        school = await admin_ops.create_school(s, "OBS De Klimop", "klimop")
        for platform in platforms:
            fake = world.add_account(platform)
            account = await admin_ops.create_account(
                s, school_id=school.id, platform=platform, external_id=fake.id,
                name=fake.name, settings={"api": {**FAST_API,
                                                  "base_url": servers[platform].url}})
            await store_token(s, secret, account.id, fake.token)
            out[account.id] = fake.id
    return out


async def stored(db: Database) -> list[str]:
    async with db.session() as s:
        return list((await s.execute(select(Comment.external_id))).scalars())


async def lease_owners(db: Database) -> set[str]:
    """The instances holding a lease right now (hostname:pid:random each)."""
    async with db.session() as s:
        rows = (await s.execute(select(PollState.lease_owner).where(
            PollState.lease_owner.is_not(None)))).scalars()
        return set(rows)


async def count(db: Database) -> int:
    async with db.session() as s:
        return (await s.execute(select(func.count()).select_from(Comment))).scalar_one()


async def wait_for(check: Callable[[], Awaitable[bool]], timeout: float, what: str,
                   workers: Sequence[tuple[subprocess.Popen[bytes], Path]] = ()) -> None:
    """Wait until `check()`; fail at once when a worker process died, and say what the
    workers logged when it fails."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        dead = [(p, log) for p, log in workers if p.poll() is not None]
        if dead:
            raise AssertionError(f"a worker exited ({dead[0][0].returncode}) while waiting for "
                                 f"{what}:\n{_tails(dead)}")
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}\n"
                         f"{_tails(workers)}")


def _tails(workers: Sequence[tuple[subprocess.Popen[bytes], Path]], lines: int = 15) -> str:
    out = []
    for _proc, log in workers:
        text = log.read_text(errors="replace") if log.exists() else ""
        kept = [ln for ln in text.splitlines() if "maximum number of running instances" not in ln]
        out.append(f"--- {log.name}:\n" + "\n".join(kept[-lines:]))
    return "\n".join(out)
