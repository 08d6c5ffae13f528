"""Hooking escalation into the app: the service, the comment listener, the outbox worker,
the dashboard routes, the statement connector and `POST /api/v1/cases/report`.

`setup_escalation(app)` is the one call server/app.py makes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from server import keys
from server.dashboard.views import REPLY_POSTER, setup_routes
from server.escalation import cases as case_ops
from server.escalation.service import ESCALATION, Escalation, EscalationConfig
from server.storage import escalation_models  # noqa: F401  (maps the tables)
from server.storage.models import Account, Comment, Thread

ESCALATION_CONFIG = web.AppKey("escalation_config", EscalationConfig)


def setup_escalation(app: web.Application, config: EscalationConfig | None = None,
                     *, start_worker: bool = True) -> None:
    if config is not None:
        app[ESCALATION_CONFIG] = config

    async def ctx(app: web.Application) -> AsyncIterator[None]:
        cfg = app.get(ESCALATION_CONFIG) or EscalationConfig.from_env()
        service = Escalation(app[keys.DB], cfg)
        app[ESCALATION] = service
        listeners = app.get(keys.COMMENT_LISTENERS)
        if listeners is not None:
            listeners.append(service.on_comments)
        from schedules.purge_retention import RETENTION_KEEP_THREADS

        if RETENTION_KEEP_THREADS in app:
            app[RETENTION_KEEP_THREADS].append(_case_threads)
        if REPLY_POSTER not in app:
            app[REPLY_POSTER] = _connector_poster(app)
        if start_worker:
            service.outbox.start(cfg.outbox_interval)
        yield
        await service.outbox.stop()

    app.cleanup_ctx.append(ctx)
    setup_routes(app)
    app.router.add_post("/api/v1/cases/report", report_thread)


async def _case_threads(app: web.Application) -> set[int]:
    """Threads that are part of a case are kept past the retention period (the dossier)."""
    from sqlalchemy import select

    from server.storage.escalation_models import Case

    async with app[keys.DB].session() as s:
        return {t for t in (await s.scalars(select(Case.thread_id))).all() if t is not None}


def _connector_poster(app: web.Application) -> Any:
    """Post a reply through the account's connector (G's platforms), token from the DB."""

    async def post(account: Account, thread: Thread, text: str) -> str:
        from server.platforms.base import load_settings
        from server.platforms.credentials import load_token
        from server.platforms.registry import connector_class

        async with app[keys.DB].session() as s:
            token = await load_token(s, app[keys.SECRET_KEY], account.id)
        overrides = dict((account.settings or {}).get("api", {}))
        try:
            from schedules.context import MONITOR

            if MONITOR in app:
                overrides = {**app[MONITOR].settings.platforms.get(account.platform, {}),
                             **overrides}
        except ImportError:  # monitoring not installed in this build
            pass
        connector = connector_class(account.platform)(
            account_external_id=account.external_id, token=token,
            settings=load_settings(account.platform, overrides),
            account_settings=account.settings or {})
        try:
            return await connector.post_reply(thread.external_post_id, text)
        finally:
            await connector.close()

    return post


async def report_thread(request: web.Request) -> web.Response:
    """A staff member reports a derailing thread or post (flowchart step 1).

    JSON: {"thread_id": int} or {"comment_id": int}, optional "note" (max 1000 chars).
    Staff may report; leadership/admin too. Answers 201 with the case id, or 200 with the
    already open case of that thread."""
    from server.auth import principal_of, requires
    from server.errors import ApiError

    @requires("staff", "leadership")
    async def handle(request: web.Request) -> web.Response:
        p = principal_of(request)
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "invalid_json", "Stuur geldige JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_body", "Stuur een JSON-object.")
        note = body.get("note", "")
        if not isinstance(note, str) or len(note) > 1000:
            raise ApiError(400, "invalid_note", "'note' moet tekst zijn van hoogstens 1000 "
                           "tekens.")
        service: Escalation = request.app[ESCALATION]
        async with service.db.session() as s:
            thread = None
            if isinstance(body.get("thread_id"), int):
                thread = await s.get(Thread, body["thread_id"])
            elif isinstance(body.get("comment_id"), int):
                c = await s.get(Comment, body["comment_id"])
                thread = await s.get(Thread, c.thread_id) if c else None
            else:
                raise ApiError(400, "missing_target", "Geef 'thread_id' of 'comment_id' op.")
            if thread is None or (p.role != "admin" and p.school_id != thread.school_id):
                raise ApiError(404, "not_found", "Dit bericht bestaat niet of hoort niet bij "
                               "uw school.")
            existing = await case_ops.open_case_for_thread(s, thread.id)
            if existing is not None:
                return web.json_response({"case_id": existing, "created": False})
            from server.storage.models import User

            user = await s.get(User, p.user_id)
            plan = await service.plan_for(s, thread.school_id)
            trig = []
            if isinstance(body.get("comment_id"), int):
                trig = [body["comment_id"]]
            case = await case_ops.open_case(
                s, plan=plan, school_id=thread.school_id, thread_id=thread.id,
                account_id=thread.account_id, source="report", now=service.clock(),
                base_url=service.config.base_url, user=user, note=note.strip(),
                trigger_ids=trig)
            if case is None:
                existing = await case_ops.open_case_for_thread(s, thread.id)
                return web.json_response({"case_id": existing, "created": False})
            case_id = case.id
        service.outbox.wake()
        return web.json_response({"case_id": case_id, "created": True}, status=201)

    return await handle(request)


__all__ = ["ESCALATION_CONFIG", "setup_escalation"]
