"""Retention: old comment text is erased unless its thread is part of a case."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, text, update

from schedules.poll_account import poll_account
from schedules.purge_retention import RETENTION_KEEP_THREADS, purge_retention
from server import keys
from server.storage.models import Comment, utcnow
from tests.schedules.conftest import Monitored


async def test_purge_erases_old_text_but_keeps_case_threads(monitored: Monitored) -> None:
    m = monitored
    account_id, fake = await m.add_account("facebook")
    posts = [m.world.add_post(fake.id, f"Bericht {i}") for i in range(3)]
    for post in posts:
        m.world.add_comment(post.id, "Een reactie met een naam: Daan de Boer", author_name="Ouder")
    await poll_account(m.app, account_id)
    db = m.app[keys.DB]
    async with db.session() as s:
        rows = list((await s.execute(select(Comment).order_by(Comment.id))).scalars())
        assert len(rows) == 3
        old = utcnow() - timedelta(days=40)
        await s.execute(update(Comment).where(Comment.id.in_([r.id for r in rows[:2]]))
                        .values(created_at=old))
        case_thread = rows[0].thread_id
        hooked_thread = rows[1].thread_id
    has_cases = False
    async with db.engine.connect() as conn:
        has_cases = await conn.run_sync(
            lambda c: __import__("sqlalchemy").inspect(c).has_table("cases"))
    if has_cases:  # escalation's table: a case keeps its thread
        async with db.session() as s:
            await s.execute(text(
                "INSERT INTO cases (school_id, thread_id, source, state, plan_name, "
                "step_started_at, assigned_role, poster_role, reasons, categories, "
                "trigger_comment_ids, reminders_sent, created_at) VALUES "
                "(:school, :thread, 'detector', 'open', 'scala', :now, 'leadership', "
                "'unknown', '[]', '[]', '[]', 0, :now)"),
                {"school": m.school_id, "thread": case_thread, "now": utcnow()})
    else:
        async def keep_case(app) -> set[int]:
            return {case_thread}
        m.app[RETENTION_KEEP_THREADS].append(keep_case)
    assert await purge_retention(m.app) == 1
    async with db.session() as s:
        by_thread = {r.thread_id: r for r in (await s.execute(select(Comment))).scalars()}
    assert by_thread[case_thread].text is not None
    assert by_thread[hooked_thread].text is None and by_thread[hooked_thread].author_name is None
    assert by_thread[hooked_thread].scores, "scores stay for the statistics"
    assert sum(r.text is not None for r in by_thread.values()) == 2
    assert await purge_retention(m.app) == 0
