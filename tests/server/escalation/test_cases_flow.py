"""From scored comments to one case, one alert e-mail over real SMTP, reminders, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.escalation import cases as case_ops
from server.escalation.alerts import SmtpSettings
from server.escalation.service import Escalation, EscalationConfig
from server.storage.db import Database
from server.storage.escalation_models import Case, CaseEvent, OutboxMessage
from server.storage.models import User
from tests.server.escalation.factory import (
    INSULT,
    T0,
    MailSink,
    add_comments,
    derailing_items,
    make_thread,
    make_world,
)


class Clock:
    def __init__(self) -> None:
        self.now = T0 + timedelta(minutes=20)

    def __call__(self):  # type: ignore[no-untyped-def]
        return self.now


@pytest.fixture
async def db(sqlite_database: Database) -> AsyncIterator[Database]:
    yield sqlite_database


@pytest.fixture
async def both_db(database: Database) -> AsyncIterator[Database]:
    """SQLite and PostgreSQL (tests/conftest.py `database`)."""
    yield database


@pytest.fixture
def sink() -> MailSink:
    with MailSink() as s:
        yield s


def service(db: Database, sink: MailSink, clock: Clock) -> Escalation:
    cfg = EscalationConfig(base_url="https://denkna.school.nl",
                           smtp=SmtpSettings(port=sink.port, sender="denkna@school.nl"))
    return Escalation(db, cfg, clock=clock)


async def n_cases(db: Database) -> int:
    async with db.session() as s:
        return int(await s.scalar(select(func.count(Case.id))) or 0)


async def test_derailing_thread_opens_one_case_and_one_alert_mail(both_db, sink) -> None:
    db = both_db
    w = await make_world(db)
    clock = Clock()
    esc = service(db, sink, clock)
    tid = await make_thread(db, w)
    items = derailing_items()
    # comments arrive in batches, as polling delivers them; the listener runs after each
    for start in range(0, len(items), 4):
        await add_comments(db, w, tid, items[start:start + 4])
        await esc.on_comments(None, [{"thread_id": tid}])
    assert await n_cases(db) == 1
    report = await esc.outbox.deliver_due()
    again = await esc.outbox.deliver_due()
    await esc.outbox.stop()
    assert (report.sent, again.sent) == (1, 0)
    mails = sink.to(w.emails["leadership1"])
    assert len(mails) == 1 and len(sink.messages) == 1
    body = mails[0].get_payload()
    assert "pesten" in body and "https://denkna.school.nl/dashboard/cases/" in body
    assert "Sukkel" not in body and "boos" not in body  # no comment text, no authors
    async with db.session() as s:
        case = (await s.scalars(select(Case))).one()
        assert case.severity == "high" and case.poster_role == "adult"
        assert case.current_step == "stop_reageren"
        ev = (await s.scalars(select(CaseEvent))).one()
        assert ev.action == "opened" and "ontspoort" in ev.detail


async def test_calm_thread_of_200_and_one_rude_among_50_open_nothing(db, sink) -> None:
    w = await make_world(db)
    esc = service(db, sink, Clock())
    calm = await make_thread(db, w, post="calm")
    rude = await make_thread(db, w, post="rude")
    for batch in range(10):
        await add_comments(db, w, calm, [
            {"ext": f"c{batch}-{i}", "author": f"ouder{i}", "at": T0 + timedelta(minutes=batch)}
            for i in range(20)])
        await esc.on_comments(None, [{"thread_id": calm}])
    items = [{"ext": f"r{i}", "author": f"ouder{i % 9}", "at": T0 + timedelta(minutes=i)}
             for i in range(51)]
    items[30]["flags"] = [INSULT]
    for start in range(0, 51, 5):
        await add_comments(db, w, rude, items[start:start + 5])
        await esc.on_comments(None, [{"thread_id": rude}])
    assert await n_cases(db) == 0
    async with db.session() as s:
        assert await s.scalar(select(func.count(OutboxMessage.id))) == 0


async def test_missed_deadline_reminds_then_escalates_to_the_board(db, sink) -> None:
    w = await make_world(db)
    clock = Clock()
    esc = service(db, sink, clock)
    tid = await make_thread(db, w)
    await add_comments(db, w, tid, derailing_items())
    await esc.evaluate_threads([tid])
    await esc.outbox.deliver_due()
    assert await esc.process_deadlines() == {"reminded": 0, "escalated": 0}
    clock.now += timedelta(hours=4, minutes=1)  # stop_reageren has a 4 hour deadline
    assert await esc.process_deadlines() == {"reminded": 1, "escalated": 0}
    assert await esc.process_deadlines() == {"reminded": 0, "escalated": 0}  # not twice
    await esc.outbox.deliver_due()
    reminder = sink.to(w.emails["leadership1"])[-1]
    assert "Herinnering" in reminder["Subject"]
    assert sink.to(w.emails["board"]) == []
    clock.now += timedelta(hours=4, minutes=1)  # second miss
    assert await esc.process_deadlines() == {"reminded": 0, "escalated": 1}
    await esc.outbox.deliver_due()
    await esc.outbox.stop()
    board_mail = sink.to(w.emails["board"])
    assert len(board_mail) == 1 and "Escalatie" in board_mail[0]["Subject"]
    async with db.session() as s:
        case = (await s.scalars(select(Case))).one()
        assert case.assigned_role == "board"
        actions = [e.action for e in (await s.scalars(
            select(CaseEvent).order_by(CaseEvent.id))).all()]
    assert actions == ["opened", "reminder", "escalated"]


async def test_dossier_is_append_only_at_the_database(both_db, sink) -> None:
    db = both_db
    w = await make_world(db)
    esc = service(db, sink, Clock())
    tid = await make_thread(db, w)
    await add_comments(db, w, tid, derailing_items())
    await esc.evaluate_threads([tid])
    await esc.outbox.stop()
    with pytest.raises(Exception, match="append-only"):
        async with db.session() as s:
            ev = (await s.scalars(select(CaseEvent))).one()
            ev.detail = "verdoezeld"
    with pytest.raises(Exception, match="append-only"):
        async with db.session() as s:
            await s.delete((await s.scalars(select(CaseEvent))).one())


async def test_leadership_sees_only_its_school_board_reads_all(db, sink) -> None:
    w = await make_world(db)
    clock = Clock()
    esc = service(db, sink, clock)
    t1 = await make_thread(db, w, 0, "p1")
    t2 = await make_thread(db, w, 1, "p2")
    await add_comments(db, w, t1, derailing_items("a"), 0)
    await add_comments(db, w, t2, derailing_items("b"), 1)
    await esc.evaluate_threads([t1, t2])
    await esc.outbox.stop()
    async with db.session() as s:
        lead1 = await s.get(User, w.users["leadership1"])
        board = await s.get(User, w.users["board"])
        staff = await s.get(User, w.users["staff1"])
        seen1 = (await s.scalars(case_ops.visible_cases_query(lead1))).all()
        seen_b = (await s.scalars(case_ops.visible_cases_query(board))).all()
        seen_s = (await s.scalars(case_ops.visible_cases_query(staff))).all()
        assert {c.school_id for c in seen1} == {w.school_ids[0]}
        assert len(seen_b) == 2 and seen_s == []
        other = next(c for c in seen_b if c.school_id == w.school_ids[1])
        assert not case_ops.can_read(lead1, other)
        assert case_ops.can_read(board, other) and not case_ops.can_act(board, other)


async def test_one_open_case_per_thread_is_enforced_by_the_database(both_db, sink) -> None:
    """Two instances detecting at the same moment: the unique index keeps it to one case."""
    from sqlalchemy.exc import IntegrityError

    db = both_db
    w = await make_world(db)
    tid = await make_thread(db, w)

    def racing_case() -> Case:
        return Case(school_id=w.school_ids[0], thread_id=tid, source="detector", state="open",
                    plan_name="Scala-stappenplan", step_started_at=T0, reminders_sent=0,
                    poster_role="unknown", assigned_role="leadership", reasons=[],
                    categories=[], trigger_comment_ids=[], created_at=T0)

    async with db.session() as s:
        s.add(racing_case())
    with pytest.raises(IntegrityError):
        async with db.session() as s:  # bypasses open_case's own check, as a racer would
            s.add(racing_case())
    assert await n_cases(db) == 1
    async with db.session() as s:  # a closed case does not block a new one
        first = (await s.scalars(select(Case))).one()
        first.state = "closed"
    async with db.session() as s:
        s.add(racing_case())
    assert await n_cases(db) == 2


async def test_case_reminders_job_runs_the_deadlines(db, sink) -> None:
    from aiohttp import web

    from schedules.case_reminders import case_reminders
    from server.escalation.service import ESCALATION

    w = await make_world(db)
    clock = Clock()
    esc = service(db, sink, clock)
    app = web.Application()
    assert await case_reminders(app) == {"reminded": 0, "escalated": 0}  # not set up: no-op
    app[ESCALATION] = esc
    tid = await make_thread(db, w)
    await add_comments(db, w, tid, derailing_items())
    await esc.evaluate_threads([tid])
    clock.now += timedelta(hours=5)
    assert await case_reminders(app) == {"reminded": 1, "escalated": 0}
    await esc.outbox.stop()


async def test_reminder_goes_to_the_assignee_once_someone_works_the_case(db, sink) -> None:
    w = await make_world(db)
    clock = Clock()
    esc = service(db, sink, clock)
    async with db.session() as s:  # a second director at school 1
        s.add(User(school_id=w.school_ids[0], email="adjunct@school1.nl", name="Adjunct Bas",
                   role="leadership", active=True))
    tid = await make_thread(db, w)
    await add_comments(db, w, tid, derailing_items())
    (case_id,) = await esc.evaluate_threads([tid])
    await esc.outbox.deliver_due()
    assert sorted(m["To"] for m in sink.messages) == ["adjunct@school1.nl",
                                                      w.emails["leadership1"]]
    async with db.session() as s:
        case = await s.get(Case, case_id)
        lead = await s.get(User, w.users["leadership1"])
        await case_ops.record_outcome(s, case, plan=esc.default_plan, user=lead,
                                      step_id="stop_reageren", outcome_id="personeel_gestopt",
                                      now=clock.now)
        assert case.assignee_user_id == lead.id
    sink.messages.clear()
    clock.now += timedelta(hours=49)  # past the 48 h of 'gesprek'
    assert (await esc.process_deadlines())["reminded"] == 1
    await esc.outbox.deliver_due()
    await esc.outbox.stop()
    assert [m["To"] for m in sink.messages] == [w.emails["leadership1"]]
