"""Cases: open (by the detector or a staff report), walk the steps, record everything in the
append-only dossier, enqueue alerts in the same transaction. Role rules live here too."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from server.escalation.alerts import Alert
from server.escalation.destinations import ALERT_SETTING, Destination, alert_destinations
from server.escalation.outbox import enqueue
from server.escalation.steps import Plan, walk
from server.storage.escalation_models import Case, CaseEvent
from server.storage.models import Account, School, Thread, User

POSTER_LABELS = {
    "staff": "medewerker",
    "adult": "volwassene (ouder of buitenstaander)",
    "child": "leerling",
    "unknown": "onbekend",
}
STATE_LABELS = {"open": "open", "closed": "gesloten"}
SYSTEM_ACTOR = "Denkna (automatisch)"


class CaseError(Exception):
    """A request on a case that cannot be honoured; `code` is snake_case, message Dutch."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def actor_label(user: User | None) -> str:
    if user is None:
        return SYSTEM_ACTOR
    return f"{user.name} ({ROLE_NL.get(user.role, user.role)})"


ROLE_NL = {"staff": "medewerker", "leadership": "directie", "board": "bestuur",
           "admin": "beheerder", "connector": "koppeling"}


def can_read(user: User, case: Case) -> bool:
    if user.role in ("admin", "board"):
        return True
    return user.role == "leadership" and user.school_id == case.school_id


def can_act(user: User, case: Case) -> bool:
    """Board reads all its schools; leadership (own school) and admin act."""
    if user.role == "admin":
        return True
    return user.role == "leadership" and user.school_id == case.school_id


def visible_cases_query(user: User):  # type: ignore[no-untyped-def]
    q = select(Case)
    if user.role == "leadership":
        q = q.where(Case.school_id == user.school_id)
    elif user.role not in ("board", "admin"):
        q = q.where(Case.id == -1)
    return q


async def log_event(
    session: AsyncSession, case: Case, *, action: str, detail: str, now: datetime,
    user: User | None = None, step_id: str | None = None, data: dict[str, Any] | None = None,
) -> CaseEvent:
    ev = CaseEvent(case_id=case.id, at=now, actor_user_id=user.id if user else None,
                   actor_label=actor_label(user), action=action, step_id=step_id,
                   detail=detail, data=data or {})
    session.add(ev)
    await session.flush()
    return ev


async def _alert_for(session: AsyncSession, case: Case, kind: str, base_url: str,
                     **extra: Any) -> Alert:
    school = await session.get(School, case.school_id)
    account = await session.get(Account, case.account_id) if case.account_id else None
    return Alert(
        kind=kind, case_id=case.id, school=school.name if school else "",
        account=(f"{account.name} ({account.platform.capitalize()})" if account
                 else "onbekend account"),
        link=f"{base_url.rstrip('/')}/dashboard/cases/{case.id}",
        categories=tuple(case.categories or ()), severity=case.severity, score=case.score,
        **extra,
    )


async def notify(
    session: AsyncSession, case: Case, *, kind: str, audience: str, base_url: str,
    now: datetime, key_suffix: str = "", user_id: int | None = None, **extra: Any,
) -> int:
    alert = await _alert_for(session, case, kind, base_url, **extra)
    n = 0
    for d in await alert_destinations(session, case.school_id, audience=audience,
                                      user_id=user_id):
        key = f"{kind}:{case.id}{key_suffix}:{d.channel}:{d.address}"
        if await enqueue(session, alert=alert, channel=d.channel, destination=d.address,
                         dedupe_key=key, school_id=case.school_id, now=now):
            n += 1
    return n


def _due(plan: Plan, step_id: str | None, now: datetime) -> datetime | None:
    if not step_id:
        return None
    return now + timedelta(hours=plan.step(step_id).deadline_hours)


async def open_case(
    session: AsyncSession,
    *,
    plan: Plan,
    school_id: int,
    thread_id: int | None,
    account_id: int | None,
    source: str,
    now: datetime,
    base_url: str,
    user: User | None = None,
    score: float | None = None,
    reasons: list[str] | None = None,
    categories: list[str] | None = None,
    severity: str | None = None,
    trigger_ids: list[int] | None = None,
    note: str = "",
    poster_role: str = "unknown",
) -> Case | None:
    """Open a case with its first dossier entry and its alerts, in the caller's transaction.

    Returns None when the thread already has an open case (one thread, one case)."""
    if thread_id is not None:
        existing = await session.scalar(
            select(Case.id).where(Case.thread_id == thread_id, Case.state == "open"))
        if existing is not None:
            return None
    first = plan.start
    case = Case(
        school_id=school_id, thread_id=thread_id, account_id=account_id, source=source,
        opened_by_user_id=user.id if user else None, state="open", plan_name=plan.name,
        current_step=first, step_started_at=now, step_due_at=_due(plan, first, now),
        reminders_sent=0, assigned_role=plan.step(first).role, poster_role=poster_role,
        score=score, reasons=reasons or [], categories=categories or [], severity=severity,
        trigger_comment_ids=trigger_ids or [], statement_text=plan.statement_for(poster_role),
        created_at=now,
    )
    try:
        async with session.begin_nested():
            session.add(case)
            await session.flush()
    except IntegrityError:
        return None  # another instance opened it a moment ago
    if source == "detector":
        detail = "Zaak geopend: de discussie ontspoort. " + " ".join(reasons or [])
    else:
        detail = "Melding door een medewerker: de communicatie ontspoort (stap 1)."
        if note:
            detail += f" Toelichting: {note}"
    await log_event(session, case, action="opened", detail=detail.strip(), now=now, user=user,
                    data={"score": score, "categories": categories or []})
    await notify(session, case, kind="case_opened" if source == "detector" else "case_reported",
                 audience="leadership", base_url=base_url, now=now)
    return case


async def record_view(session: AsyncSession, case: Case, user: User, now: datetime,
                      *, what: str = "bekeken") -> None:
    await log_event(session, case, action="viewed", detail=f"Zaak {what}.", now=now, user=user)


async def record_outcome(
    session: AsyncSession, case: Case, *, plan: Plan, user: User, step_id: str,
    outcome_id: str, now: datetime, note: str = "",
) -> None:
    if case.state != "open":
        raise CaseError("case_closed", "Deze zaak is al gesloten.", 409)
    if step_id != case.current_step:
        raise CaseError("step_moved_on",
                        "Deze stap is al afgerond; ververs de pagina om de huidige stap te zien.",
                        409)
    try:
        t = walk(plan, step_id, outcome_id)
    except KeyError as exc:
        raise CaseError("unknown_outcome", str(exc.args[0]), 400) from None
    detail = f"{t.step.title}: {t.outcome.label}."
    if note.strip():
        detail += f" Toelichting: {note.strip()[:2000]}"
    await log_event(session, case, action="outcome", detail=detail, now=now, user=user,
                    step_id=step_id, data={"outcome": outcome_id})
    if case.assignee_user_id is None and user.role == "leadership":
        case.assignee_user_id = user.id  # whoever starts working the case owns it
    if t.outcome.poster and t.outcome.poster != case.poster_role:
        await _set_poster(session, case, t.outcome.poster, plan, user, now)
    if t.next_step is None:
        case.state = "closed"
        case.closed_at = now
        case.current_step = None
        case.step_due_at = None
        await log_event(session, case, action="closed",
                        detail="Zaak gesloten; de afhandeling staat in dit dossier.",
                        now=now, user=user)
    else:
        case.current_step = t.next_step.id
        case.step_started_at = now
        case.step_due_at = _due(plan, t.next_step.id, now)
        case.reminders_sent = 0
        case.assigned_role = t.next_step.role


async def _set_poster(session: AsyncSession, case: Case, poster: str, plan: Plan,
                      user: User, now: datetime) -> None:
    old_default = plan.statement_for(case.poster_role)
    case.poster_role = poster
    if not case.statement_posted_at and (not case.statement_text
                                         or case.statement_text == old_default):
        case.statement_text = plan.statement_for(poster)
    await log_event(session, case, action="poster_set",
                    detail=f"Plaatser vastgesteld als {POSTER_LABELS[poster]}.",
                    now=now, user=user, data={"poster": poster})


async def set_poster(session: AsyncSession, case: Case, *, plan: Plan, user: User,
                     poster: str, now: datetime) -> None:
    if poster not in POSTER_LABELS:
        raise CaseError("bad_poster", "Kies medewerker, volwassene, leerling of onbekend.")
    if poster != case.poster_role:
        await _set_poster(session, case, poster, plan, user, now)


async def save_statement(session: AsyncSession, case: Case, *, user: User, text: str,
                         now: datetime) -> None:
    text = " ".join(text.split())
    if not text:
        raise CaseError("empty_statement", "Het statement is leeg.")
    if len(text) > 2000:
        raise CaseError("statement_too_long", "Het statement is te lang (maximaal 2000 tekens).")
    if case.statement_posted_at:
        raise CaseError("statement_posted", "Het statement is al geplaatst.", 409)
    if text != case.statement_text:
        case.statement_text = text
        await log_event(session, case, action="statement_edited",
                        detail="Tekst van het statement aangepast.", now=now, user=user,
                        data={"text": text})


async def mark_statement_posted(session: AsyncSession, case: Case, *, user: User, now: datetime,
                                reply_id: str | None) -> None:
    case.statement_posted_at = now
    await log_event(session, case, action="statement_posted",
                    detail=f"Statement geplaatst onder het bericht: “{case.statement_text}”",
                    now=now, user=user, data={"reply_id": reply_id})


async def send_stop_reacting(session: AsyncSession, case: Case, *, user: User, now: datetime,
                             base_url: str) -> int:
    if case.stop_reacting_sent_at:
        return 0
    n = await notify(session, case, kind="stop_reacting", audience="staff", base_url=base_url,
                     now=now)
    case.stop_reacting_sent_at = now
    await log_event(session, case, action="stop_reacting",
                    detail="Alle medewerkers gevraagd niet meer te reageren "
                           f"({n} {'bericht' if n == 1 else 'berichten'} klaargezet).",
                    now=now, user=user)
    return n


async def case_counts_by_week(session: AsyncSession, user: User) -> list[Any]:
    q = select(Case.created_at, Case.categories)
    if user.role == "leadership":
        q = q.where(Case.school_id == user.school_id)
    return list((await session.execute(q)).all())


async def open_case_for_thread(session: AsyncSession, thread_id: int) -> int | None:
    return await session.scalar(select(Case.id).where(Case.thread_id == thread_id,
                                                      Case.state == "open"))


async def thread_school(session: AsyncSession, thread_id: int) -> Thread | None:
    return await session.get(Thread, thread_id)


async def count_cases(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count(Case.id))) or 0)


__all__ = ["ALERT_SETTING", "Destination", "alert_destinations"]
