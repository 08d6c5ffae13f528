"""Anonymous daily counters (school, day, category, event) — the only trace a draft leaves.

Increments are buffered in memory and flushed with one upsert per key every few seconds and
at shutdown, so that a check never waits on a database write.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from datetime import date

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.storage.db import Database
from server.storage.models import Counter, utcnow

log = logging.getLogger("denkna.counters")

Key = tuple[int, date, str, str]


class CounterBuffer:
    def __init__(self, db: Database, flush_every: float = 5.0) -> None:
        self.db = db
        self.flush_every = flush_every
        self._pending: dict[Key, int] = defaultdict(int)
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    def add(self, school_id: int | None, category: str, event: str, n: int = 1) -> None:
        if school_id is None:
            return  # board/admin tokens belong to no school: nothing to count against
        self._pending[(school_id, utcnow().date(), category, event)] += n

    async def flush(self) -> None:
        async with self._lock:
            pending, self._pending = self._pending, defaultdict(int)
            if not pending:
                return
            insert = sqlite_insert if self.db.is_sqlite else pg_insert
            try:
                async with self.db.session() as s:
                    for (school_id, day, category, event), n in sorted(pending.items()):
                        stmt = insert(Counter).values(
                            school_id=school_id, day=day, category=category, event=event, count=n
                        )
                        stmt = stmt.on_conflict_do_update(
                            index_elements=["school_id", "day", "category", "event"],
                            set_={"count": Counter.count + n},
                        )
                        await s.execute(stmt)
            except Exception:
                log.exception("could not flush counters; keeping them for the next try")
                for key, n in pending.items():
                    self._pending[key] += n

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.flush_every)
            await self.flush()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()
