"""The escalation service held in the app (`app[ESCALATION]`): per-school plan and thresholds,
the comment listener that runs the detector, deadline reminders, and the outbox worker."""

from __future__ import annotations

import logging
import os
import secrets
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from classifiers.categories import SEVERITY_RANK, Severity
from server.escalation import cases as case_ops
from server.escalation.detector import (
    ScoredComment,
    Thresholds,
    advance,
    score_thread,
)
from server.escalation.detector import (
    ThreadHeat as HeatState,
)
from server.escalation.mail import SmtpSettings, school_smtp
from server.escalation.outbox import OutboxWorker
from server.escalation.steps import Plan, StepsError, load_plan, parse_plan
from server.storage.db import Database
from server.storage.escalation_models import Case, ThreadHeat
from server.storage.models import Comment, SchoolSetting, Thread, utcnow

log = logging.getLogger(__name__)

THRESHOLD_SETTING = "escalation.thresholds"
STEPS_SETTING = "escalation.steps_yaml"  # a school's own stappenplan (YAML text)
THREAD_WINDOW = 300  # most recent comments of a thread the detector looks at
REMIND_AUDIENCE = {"teacher": "leadership", "staff": "leadership"}


@dataclass
class EscalationConfig:
    base_url: str = "http://127.0.0.1:8080"
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    steps_file: Path | None = None
    outbox_interval: float = 5.0
    secure_cookies: bool = False

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, *,
                 default_url: str = "http://127.0.0.1:8080", **overrides: Any
                 ) -> EscalationConfig:
        e = os.environ if env is None else env
        for key in ("DENKNA_SMTP_PORT",):
            if e.get(key) and not e[key].isdigit():
                raise ValueError(f"config: {key} moet een geheel getal zijn")
        smtp = SmtpSettings(
            host=e.get("DENKNA_SMTP_HOST", "127.0.0.1"),
            port=int(e.get("DENKNA_SMTP_PORT", "25")),
            sender=e.get("DENKNA_SMTP_SENDER", "denkna@localhost"),
            username=e.get("DENKNA_SMTP_USERNAME") or None,
            password=e.get("DENKNA_SMTP_PASSWORD") or None,
            security=_security(e),
        )
        base = e.get("DENKNA_PUBLIC_URL", default_url)
        values: dict[str, Any] = {"base_url": base, "smtp": smtp,
                                  "secure_cookies": base.startswith("https://")}
        if e.get("DENKNA_STEPS_FILE"):
            values["steps_file"] = Path(e["DENKNA_STEPS_FILE"])
        values.update(overrides)
        return cls(**values)


def _security(e: Any) -> str:
    """DENKNA_SMTP_SECURITY (none | starttls | ssl), or the older DENKNA_SMTP_STARTTLS=true."""
    value = e.get("DENKNA_SMTP_SECURITY", "").strip().lower()
    if value:
        if value not in ("none", "starttls", "ssl"):
            raise ValueError("config: DENKNA_SMTP_SECURITY moet none, starttls of ssl zijn")
        return str(value)
    return "starttls" if e.get("DENKNA_SMTP_STARTTLS", "") in ("1", "true", "yes") else "none"


def _author_key(c: Comment) -> str:
    return c.author_external_id or c.author_name or f"onbekend-{c.id}"


def to_scored(rows: list[Comment]) -> list[ScoredComment]:
    """Map stored comments to what the detector needs (replies resolve to the parent author)."""
    by_ext = {c.external_id: c for c in rows}
    out = []
    for c in rows:
        parent = by_ext.get(c.parent_external_id or "")
        out.append(ScoredComment.from_flags_json(
            id=str(c.id), author=_author_key(c), author_role=c.author_role,
            created_at=c.created_at, flags=c.flags if isinstance(c.flags, list) else [],
            reply_to_author=_author_key(parent) if parent is not None else None,
            text=c.text,
        ))
    return out


class Escalation:
    def __init__(self, db: Database, config: EscalationConfig,
                 clock: Callable[[], datetime] = utcnow, *, secret: str | None = None) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        # encrypts a school's mail server password; without the server's secret (some tests)
        # a per-process one: a stored password then lasts as long as the process
        self.secret = secret or secrets.token_urlsafe(32)
        self.default_plan = load_plan(config.steps_file)
        self.outbox = OutboxWorker(db, smtp=config.smtp, clock=clock,
                                   smtp_lookup=self.smtp_for)

    async def smtp_for(self, session: AsyncSession, school_id: int | None,
                       default: SmtpSettings | None = None) -> SmtpSettings:
        """The school's own mail server, else the installation's."""
        return await school_smtp(session, school_id, self.secret, default or self.config.smtp)

    # --- per-school data ----------------------------------------------------------------
    async def plan_for(self, session: AsyncSession, school_id: int) -> Plan:
        text = await session.scalar(select(SchoolSetting.value).where(
            SchoolSetting.school_id == school_id, SchoolSetting.key == STEPS_SETTING))
        if isinstance(text, str) and text.strip():
            try:
                return parse_plan(text, origin=f"stappenplan school {school_id}")
            except StepsError as exc:
                log.warning("school %s: own steps file invalid, using default: %s",
                            school_id, exc)
        return self.default_plan

    async def thresholds_for(self, session: AsyncSession, school_id: int) -> Thresholds:
        value = await session.scalar(select(SchoolSetting.value).where(
            SchoolSetting.school_id == school_id, SchoolSetting.key == THRESHOLD_SETTING))
        try:
            return Thresholds.from_mapping(value if isinstance(value, dict) else None)
        except (ValueError, TypeError):
            return Thresholds()

    async def normal_pace(self, session: AsyncSession, account_id: int, now: datetime) -> float:
        since = now - timedelta(days=14)
        n = await session.scalar(select(func.count(Comment.id)).where(
            Comment.account_id == account_id, Comment.created_at >= since))
        return max(1.0, (n or 0) / (14 * 24))

    # --- detection ----------------------------------------------------------------------
    async def on_comments(self, app: web.Application, stored: list[Any]) -> None:
        """COMMENT_LISTENERS entry: re-score every thread that got new comments."""
        await self.evaluate_threads(_thread_ids(stored))

    async def evaluate_threads(self, thread_ids: Iterable[int]) -> list[int]:
        opened: list[int] = []
        for thread_id in sorted(set(thread_ids)):
            try:
                case_id = await self.evaluate_thread(thread_id)
            except Exception:
                log.exception("derailment detection failed for thread %s", thread_id)
                continue
            if case_id is not None:
                opened.append(case_id)
        if opened:
            self.outbox.wake()
        return opened

    async def evaluate_thread(self, thread_id: int) -> int | None:
        now = self.clock()
        async with self.db.session() as s:
            thread = await s.get(Thread, thread_id)
            if thread is None:
                return None
            rows = list((await s.scalars(
                select(Comment).where(Comment.thread_id == thread_id,
                                      Comment.deleted_at.is_(None))
                .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(THREAD_WINDOW)
            )).all())
            rows.reverse()
            t = await self.thresholds_for(s, thread.school_id)
            pace = await self.normal_pace(s, thread.account_id, now)
            result = score_thread(to_scored(rows), thresholds=t, normal_per_hour=pace, now=now)
            heat = await s.get(ThreadHeat, thread_id)
            if heat is None:
                heat = ThreadHeat(thread_id=thread_id, school_id=thread.school_id, hot=False,
                                  score=0.0, reasons=[], updated_at=now)
                s.add(heat)
            prev = HeatState(heat.hot, heat.score, heat.hot_since, heat.last_hot_at)
            state, transition = advance(prev, result, now, t)
            heat.hot, heat.score = state.hot, state.score
            heat.hot_since, heat.last_hot_at = state.hot_since, state.last_hot_at
            heat.reasons, heat.updated_at = result.reasons_nl, now
            if transition != "opened":
                return None
            plan = await self.plan_for(s, thread.school_id)
            trig = [int(i) for i in result.triggering]
            severity = _max_severity(rows, set(trig))
            case = await case_ops.open_case(
                s, plan=plan, school_id=thread.school_id, thread_id=thread_id,
                account_id=thread.account_id, source="detector", now=now,
                base_url=self.config.base_url, score=result.score, reasons=result.reasons_nl,
                categories=sorted(result.categories), severity=severity, trigger_ids=trig,
                poster_role=_poster_of(rows, set(trig)),
            )
            return case.id if case else None

    # --- deadlines ----------------------------------------------------------------------
    async def process_deadlines(self) -> dict[str, int]:
        """Missed deadline → reminder to the assignee; missed again → escalate a role up."""
        now = self.clock()
        counts = {"reminded": 0, "escalated": 0}
        async with self.db.session() as s:
            due = (await s.scalars(select(Case).where(
                Case.state == "open", Case.step_due_at.is_not(None), Case.step_due_at <= now,
                Case.reminders_sent < 2))).all()
            for case in due:
                plan = await self.plan_for(s, case.school_id)
                try:
                    step = plan.step(case.current_step or "")
                except KeyError:
                    continue
                period = timedelta(hours=step.deadline_hours)
                suffix = f":{step.id}:{case.reminders_sent + 1}"
                if case.reminders_sent == 0:
                    audience = REMIND_AUDIENCE.get(case.assigned_role, case.assigned_role)
                    assignee = case.assignee_user_id if audience == "leadership" else None
                    await case_ops.notify(s, case, kind="reminder", audience=audience,
                                          base_url=self.config.base_url, now=now,
                                          key_suffix=suffix, step=step.title,
                                          user_id=assignee)
                    await case_ops.log_event(
                        s, case, action="reminder", step_id=step.id, now=now,
                        detail=f"Termijn van stap '{step.title}' verlopen; herinnering "
                               f"gestuurd aan {case_ops.ROLE_NL.get(audience, audience)}.")
                    counts["reminded"] += 1
                else:
                    up = plan.escalate_role(case.assigned_role)
                    up_nl = case_ops.ROLE_NL.get(up, up)
                    case.assigned_role = up
                    await case_ops.notify(s, case, kind="escalated", audience=up,
                                          base_url=self.config.base_url, now=now,
                                          key_suffix=suffix, step=step.title, role=up_nl)
                    await case_ops.log_event(
                        s, case, action="escalated", step_id=step.id, now=now,
                        detail=f"Termijn van stap '{step.title}' opnieuw verlopen; zaak "
                               f"geëscaleerd naar {up_nl}.")
                    counts["escalated"] += 1
                case.reminders_sent += 1
                case.step_due_at = now + period
        if counts["reminded"] or counts["escalated"]:
            self.outbox.wake()
        return counts


def _thread_ids(stored: list[Any]) -> set[int]:
    out: set[int] = set()
    for item in stored:
        tid = item.get("thread_id") if isinstance(item, dict) else getattr(item, "thread_id", None)
        if isinstance(tid, int):
            out.add(tid)
    return out


def _max_severity(rows: list[Comment], ids: set[int]) -> str | None:
    sev = [r.max_severity for r in rows if r.id in ids and r.max_severity in SEVERITY_RANK]
    if not sev:
        return None
    return str(max(sev, key=lambda s: SEVERITY_RANK[Severity(s)]))


def _poster_of(rows: list[Comment], ids: set[int]) -> str:
    """The most frequent known author role among the triggering comments (else unknown)."""
    roles: dict[str, int] = defaultdict(int)
    for r in rows:
        if r.id in ids and r.author_role in case_ops.POSTER_LABELS and r.author_role != "unknown":
            roles[r.author_role] += 1
    return max(roles, key=lambda k: roles[k]) if roles else "unknown"


ESCALATION = web.AppKey("escalation", Escalation)
