"""Comment ingestion: idempotent on (platform, external_id), threads per post, scored, and
listeners called after commit — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from server import keys
from server.comments import PlatformComment, StoredComment
from server.ingest import ingest_comments
from server.metrics import Metrics
from server.scoring_pool import ScorerPool, Scoring
from server.storage.db import Database
from server.storage.models import Account, Comment, School, Thread

WHEN = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


async def _app(db: Database) -> tuple[web.Application, list[list[StoredComment]]]:
    app = web.Application()
    app[keys.DB] = db
    pool = Scoring(ScorerPool(0))
    await pool.start()
    app[keys.SCORER_POOL] = pool
    app[keys.METRICS] = Metrics()
    seen: list[list[StoredComment]] = []

    async def listener(app: web.Application, stored: list[StoredComment]) -> None:
        # after commit: a fresh session sees the rows
        async with app[keys.DB].session() as s:
            ids = [c.id for c in stored]
            n = (await s.execute(select(func.count()).select_from(Comment)
                                 .where(Comment.id.in_(ids)))).scalar_one()
        assert n == len(stored)
        seen.append(stored)

    app[keys.COMMENT_LISTENERS] = [listener]
    return app, seen


async def _account(db: Database) -> int:
    async with db.session() as s:
        school = School(name="De Linde", slug="linde")
        s.add(school)
        await s.flush()
        account = Account(school_id=school.id, platform="facebook", external_id="page-1",
                          name="De Linde", settings={})
        s.add(account)
        await s.flush()
        return account.id


def _c(eid: str, post: str, text: str, parent: str | None = None) -> PlatformComment:
    return PlatformComment(external_id=eid, post_id=post, text=text, created_at=WHEN,
                           parent_id=parent, author_id=f"u-{eid}", author_name="Ouder")


async def test_ingest_is_idempotent_and_threads_per_post(database: Database) -> None:
    app, seen = await _app(database)
    account_id = await _account(database)
    batch = [
        _c("c1", "post-A", "Fijne ouderavond gisteren!"),
        _c("c2", "post-A", "Jij bent een vieze kankerlijer", parent="c1"),
        _c("c3", "post-B", "Wanneer is de sportdag?"),
        _c("c1", "post-A", "dubbel in dezelfde batch"),
    ]
    first = await ingest_comments(app, account_id, batch)
    assert first.counts() == {"received": 4, "stored": 3, "duplicates": 1}
    again = await ingest_comments(app, account_id, batch[:3])
    assert again.counts() == {"received": 3, "stored": 0, "duplicates": 3}
    assert len(seen) == 1 and len(seen[0]) == 3  # no listener call for nothing new
    async with database.session() as s:
        comments = (await s.execute(select(Comment).order_by(Comment.external_id))).scalars().all()
        threads = (await s.execute(select(Thread))).scalars().all()
    assert [c.external_id for c in comments] == ["c1", "c2", "c3"]
    assert comments[0].text == "Fijne ouderavond gisteren!"  # the first copy won
    assert {t.external_post_id for t in threads} == {"post-A", "post-B"}
    by_id = {c.external_id: c for c in comments}
    assert by_id["c2"].flagged and by_id["c2"].max_severity in ("medium", "high")
    assert any(f["category"] == "bullying" for f in by_id["c2"].flags)
    assert not by_id["c3"].flagged and by_id["c3"].max_severity is None
    assert by_id["c2"].parent_external_id == "c1"
    assert by_id["c1"].thread_id == by_id["c2"].thread_id != by_id["c3"].thread_id
    await app[keys.SCORER_POOL].close()


async def test_failing_listener_does_not_undo_the_ingest(database: Database) -> None:
    app, _ = await _app(database)

    async def broken(app: web.Application, stored: list[StoredComment]) -> None:
        raise RuntimeError("listener down")

    app[keys.COMMENT_LISTENERS].insert(0, broken)
    account_id = await _account(database)
    result = await ingest_comments(app, account_id, [_c("x1", "p", "Hallo")])
    assert result.stored == 1
    async with database.session() as s:
        assert (await s.execute(select(func.count()).select_from(Comment))).scalar_one() == 1
    await app[keys.SCORER_POOL].close()


async def test_comments_endpoint(seeded: tuple[Any, Any]) -> None:
    cli, seed = seeded
    school = seed.schools[0]
    body = {
        "account_id": school.account_id,
        "comments": [
            {"external_id": "e1", "post_id": "p1", "text": "Top georganiseerd!",
             "created_at": "2026-11-20T10:00:00Z", "author_name": "Mam van Sem"},
            {"external_id": "e2", "post_id": "p1", "parent_id": "e1", "text": "Ga toch dood",
             "created_at": "2026-11-20T11:05:00+01:00"},
        ],
    }
    connector = seed.headers(school.tokens["connector"])
    resp = await cli.post("/api/v1/comments", json=body, headers=connector)
    assert resp.status == 200
    assert await resp.json() == {"received": 2, "stored": 2, "duplicates": 0}
    resp = await cli.post("/api/v1/comments", json=body, headers=connector)
    assert await resp.json() == {"received": 2, "stored": 0, "duplicates": 2}
    # leadership sees the thread with its comments
    lead = seed.headers(school.tokens["leadership"])
    threads = (await (await cli.get("/api/v1/threads", headers=lead)).json())["threads"]
    assert len(threads) == 1 and threads[0]["comments"] == 2
    detail = await (await cli.get(f"/api/v1/threads/{threads[0]['id']}", headers=lead)).json()
    assert [c["external_id"] for c in detail["comments"]] == ["e1", "e2"]
    # a connector of another school cannot ingest into this account
    other = seed.headers(seed.schools[1].tokens["connector"])
    resp = await cli.post("/api/v1/comments", json=body, headers=other)
    assert resp.status == 404
    assert (await resp.json())["error"]["code"] == "account_not_found"
