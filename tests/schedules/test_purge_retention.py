"""Retention: old comment text is erased unless its thread is part of a case."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from schedules.poll_account import poll_account
from schedules.purge_retention import purge_retention
from server import keys
from server.storage.models import Comment, utcnow
from tests.schedules.conftest import Monitored


async def test_purge_erases_old_text_but_keeps_case_threads(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("facebook")
    posts = [m.world.add_post(fake.id, f"Bericht {i}") for i in range(4)]
    for post in posts:
        m.world.add_comment(post.id, "Een reactie met een naam: Daan de Boer", author_name="Ouder")
    await poll_account(m.app, account_id)
    db = m.app[keys.DB]
    async with db.session() as s:
        rows = list((await s.execute(select(Comment).order_by(Comment.id))).scalars())
        assert len(rows) == 4
        old = utcnow() - timedelta(days=40)
        await s.execute(update(Comment).where(Comment.id.in_([r.id for r in rows[:3]]))
                        .values(created_at=old))
        case_thread = rows[0].thread_id
        hooked_thread = rows[1].thread_id  # old, no case: purged
        kept_by_hook = rows[2].thread_id

    async def keep(app) -> set[int]:
        return {kept_by_hook}

    m.app[keys.RETENTION_KEEP_THREADS].append(keep)
    try:  # escalation's cases table: a case keeps its thread
        from server.storage.escalation_models import Case
    except ImportError:
        Case = None
    if Case is not None:
        async with db.session() as s:
            s.add(Case(school_id=m.school_id, thread_id=case_thread, source="detector",
                       plan_name="scala"))
    else:
        async def keep_case(app) -> set[int]:
            return {case_thread}
        m.app[keys.RETENTION_KEEP_THREADS].append(keep_case)
    assert await purge_retention(m.app) == 1
    async with db.session() as s:
        by_thread = {r.thread_id: r for r in (await s.execute(select(Comment))).scalars()}
    assert by_thread[case_thread].text is not None
    assert by_thread[hooked_thread].text is None and by_thread[hooked_thread].author_name is None
    assert by_thread[hooked_thread].scores, "scores stay for the statistics"
    assert by_thread[kept_by_hook].text is not None
    assert sum(r.text is not None for r in by_thread.values()) == 3
    assert await purge_retention(m.app) == 0
