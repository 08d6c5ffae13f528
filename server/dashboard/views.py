"""Dashboard pages (server-rendered, Dutch). Every POST checks the CSRF token; every view of
a case is a dossier entry; leadership sees its own school, the board reads all schools."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from sqlalchemy import select

from server import keys, login_throttle
from server.dashboard import banner, pdf_render, sessions
from server.dashboard import viewmodels as vm
from server.escalation import cases as case_ops
from server.escalation.service import ESCALATION, Escalation
from server.platforms.connect import leadership_may_connect
from server.school import protocol as school_protocol
from server.storage.escalation_models import Case, CaseEvent, ThreadHeat
from server.storage.models import Account, Comment, School, Thread, User
from server.storage.monitoring_models import PollState

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
JINJA = web.AppKey("dashboard_jinja", jinja2.Environment)
LOGIN = web.RequestKey("denkna_dashboard_login", sessions.Login)
# argon2 runs here, never on the event loop (dashboard/setup.py makes and closes it)
PASSWORD_EXECUTOR = web.AppKey("dashboard_password_executor", ThreadPoolExecutor)
# the login throttle (server/login_throttle.py); setup.py makes it from the settings
LOGIN_GUARD = web.AppKey("dashboard_login_guard", login_throttle.LoginGuard)
FLASH = {
    "outcome": "De uitkomst is vastgelegd in het dossier.",
    "closed": "De zaak is gesloten. Het dossier is compleet.",
    "poster": "De plaatser is vastgelegd.",
    "saved": "Het statement is opgeslagen.",
    "posted": "Het statement is geplaatst onder het bericht.",
    "post_failed": "Plaatsen is niet gelukt; probeer het later opnieuw. Dit staat in het dossier.",
    "stop": "Het verzoek om te stoppen met reageren is verstuurd naar alle medewerkers.",
}
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


def esc(request: web.Request) -> Escalation:
    return request.app[ESCALATION]


def render(request: web.Request, template: str, ctx: dict[str, Any],
           status: int = 200) -> web.Response:
    login: sessions.Login | None = request.get(LOGIN)
    base = {
        "static_url": "/dashboard/static",
        "me": _me(login.user) if login else None,
        "csrf": login.csrf if login else ctx.get("csrf", ""),
        "flash": FLASH.get(request.query.get("m", "")),
        **banner.context(request),
    }
    return aiohttp_jinja2.render_template(template, request, {**base, **ctx}, app_key=JINJA,
                                          status=status)


def _me(user: User) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "role_label": vm.role_label(user.role)}


def error_page(request: web.Request, status: int, title: str, message: str) -> web.Response:
    return render(request, "error.html", {"title": title, "message": message}, status)


# --- login -------------------------------------------------------------------------------------


async def login_form(request: web.Request) -> web.Response:
    nxt = safe_next(request.query.get("next"))
    if await sessions.current(esc(request).db, request):
        raise web.HTTPSeeOther(nxt or "/dashboard/")
    return _login_page(request, nxt=nxt)


def _login_page(request: web.Request, error: str | None = None, email: str = "",
                status: int = 200, nxt: str | None = None) -> web.Response:
    token = secrets.token_urlsafe(24)
    choices = request.get(keys.SSO_LOGIN_CHOICES, [])
    resp = render(request, "login.html", {"csrf": token, "error": error, "email": email,
                                          "next": nxt or "", "sso_choices": choices}, status)
    sessions.set_cookie(resp, sessions.LOGIN_CSRF_COOKIE, token,
                        secure=esc(request).config.secure_cookies or request.secure, max_age=3600)
    return resp


async def login_submit(request: web.Request) -> web.Response:
    form = await request.post()
    expected = request.cookies.get(sessions.LOGIN_CSRF_COOKIE, "")
    if not expected or not sessions.csrf_ok(expected, form.get("csrf")):
        return _login_page(request, "De pagina was verlopen; probeer opnieuw.", status=400)
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    nxt = safe_next(form.get("next") or request.query.get("next"))
    guard = request.app[LOGIN_GUARD]
    try:
        user = await sessions.authenticate(
            esc(request).db, email, password, guard=guard,
            ip=login_throttle.client_ip(request, guard.trusted_proxies),
            executor=request.app[PASSWORD_EXECUTOR])
    except sessions.LoginRefused as exc:
        resp = _login_page(request, exc.message, email, status=exc.status, nxt=nxt)
        if exc.retry_after:
            resp.headers["Retry-After"] = str(exc.retry_after)
        return resp
    password_ok = True
    policy = request.app.get(keys.PASSWORD_LOGIN_ALLOWED)
    if policy is not None:
        async with esc(request).db.session() as s:
            password_ok = await policy(s, user)
    if not password_ok:  # the school signs in with its accounts only (server/sso/)
        return _login_page(request, "Je school logt in met het schoolaccount. Gebruik de knop "
                           "'Inloggen met je schoolaccount'.", email, status=403, nxt=nxt)
    token, _ = await sessions.start_session(esc(request).db, user)
    resp = web.HTTPSeeOther(nxt or "/dashboard/")
    secure = esc(request).config.secure_cookies or request.secure
    sessions.set_cookie(resp, sessions.COOKIE, token, secure=secure,
                        max_age=sessions.SESSION_HOURS * 3600)
    resp.del_cookie(sessions.LOGIN_CSRF_COOKIE, path="/dashboard")
    raise resp


def safe_next(value: object) -> str | None:
    """Where to go after logging in: only a path of this dashboard on this server (the link in
    an alert e-mail), never another site (`//evil`, `https://evil`, `/\\evil`) or a scheme."""
    if not isinstance(value, str) or len(value) > 2000:
        return None
    if any(ord(ch) < 0x21 or ch == "\\" for ch in value):  # controls, spaces, backslashes
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/dashboard/"):
        return None
    if value.startswith("//") or "/../" in parts.path or parts.path.endswith("/.."):
        return None
    return value


async def logout(request: web.Request) -> web.Response:
    await sessions.end_session(esc(request).db, request)
    resp = web.HTTPSeeOther("/dashboard/login")
    resp.del_cookie(sessions.COOKIE, path="/dashboard")
    raise resp


# --- middleware: session, CSRF, headers --------------------------------------------------------

PUBLIC = ("/dashboard/login", "/dashboard/static/")


@web.middleware
async def dashboard_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    path = request.path
    if not path.startswith("/dashboard") or path.startswith(PUBLIC):
        return await handler(request)
    login = await sessions.current(esc(request).db, request)
    if login is None:
        target = "/dashboard/login"
        if request.method == "GET" and path != "/dashboard/" and safe_next(request.path_qs):
            target += "?" + urlencode({"next": request.path_qs})
        raise web.HTTPSeeOther(target)
    request[LOGIN] = login
    await banner.load(request, login.user)
    if request.method == "POST":
        form = await request.post()
        if not sessions.csrf_ok(login.csrf, form.get("csrf")):
            return error_page(request, 403, "Verzoek geweigerd",
                              "Het formulier was verlopen of kwam niet van deze pagina. "
                              "Ga terug, ververs de pagina en probeer het opnieuw.")
    return await handler(request)


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    if request.path.startswith("/dashboard"):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        if not request.path.startswith("/dashboard/static/"):
            response.headers["Cache-Control"] = "no-store"


def user_of(request: web.Request) -> User:
    return request[LOGIN].user


# --- overview ----------------------------------------------------------------------------------


async def overview(request: web.Request) -> web.Response:
    user = user_of(request)
    service = esc(request)
    now = service.clock()
    async with service.db.session() as s:
        cases = (await s.scalars(case_ops.visible_cases_query(user)
                                 .where(Case.state == "open").order_by(Case.created_at.desc())
                                 )).all()
        rows = []
        for c in cases:
            plan = await service.plan_for(s, c.school_id)
            rows.append(await _case_row(s, c, plan, now))
        heat_q = (select(ThreadHeat, Thread, Account)
                  .join(Thread, Thread.id == ThreadHeat.thread_id)
                  .join(Account, Account.id == Thread.account_id)
                  .where(ThreadHeat.score >= 0.15).order_by(ThreadHeat.score.desc()).limit(8))
        if user.role == "leadership":
            heat_q = heat_q.where(ThreadHeat.school_id == user.school_id)
        heating = []
        for h, t, a in (await s.execute(heat_q)).all():
            heating.append({"score": h.score, "heat_label": vm.heat_label(h.score),
                            "account": a.name, "title": t.title or "",
                            "reason": (h.reasons or [""])[0], "link": t.permalink,
                            "case_id": await case_ops.open_case_for_thread(s, t.id)})
        flag_q = select(Comment.created_at, Comment.flags).where(
            Comment.flagged.is_(True), Comment.created_at >= now - timedelta(weeks=8))
        if user.role == "leadership":
            flag_q = flag_q.where(Comment.school_id == user.school_id)
        flags = [(at, f if isinstance(f, list) else []) for at, f in (await s.execute(flag_q))]
    weeks, max_week = vm.weekly_chart(flags, now)
    return render(request, "overview.html", {
        "page": "overview", "cases": rows, "heating": heating,
        "weeks": weeks if any(w["total"] for w in weeks) else [], "max_week": max_week,
        "categories": vm.categories(), "schools_visible": user.role in ("board", "admin"),
    })


async def _case_row(s: Any, c: Case, plan: Any, now: Any) -> dict[str, Any]:
    school = await s.get(School, c.school_id)
    account = await s.get(Account, c.account_id) if c.account_id else None
    try:
        step_title = plan.step(c.current_step).title if c.current_step else "–"
    except KeyError:
        step_title = c.current_step or "–"
    return {
        "id": c.id, "opened": vm.when(c.created_at), "school": school.name if school else "",
        "account": account.name if account else "onbekend account", "step_title": step_title,
        "poster_label": case_ops.POSTER_LABELS.get(c.poster_role, c.poster_role),
        "due": vm.when(c.step_due_at), "overdue": bool(c.step_due_at and c.step_due_at < now),
        "severity": c.severity, "severity_label": vm.severity_label(c.severity),
    }


# --- case page ---------------------------------------------------------------------------------


async def _load_case(request: web.Request, s: Any) -> Case | web.Response:
    try:
        case_id = int(request.match_info["case_id"])
    except ValueError:
        case_id = 0
    if not 1 <= case_id <= 2**31 - 1:
        return error_page(request, 404, "Zaak niet gevonden", "Deze zaak bestaat niet.")
    case = await s.get(Case, case_id)
    if case is None or not case_ops.can_read(user_of(request), case):
        # the same answer for "does not exist" and "not yours": no probing of other schools
        return error_page(request, 404, "Zaak niet gevonden",
                          "Deze zaak bestaat niet of hoort niet bij uw school.")
    return case


async def _case_context(s: Any, service: Escalation, case: Case, user: User) -> dict[str, Any]:
    now = service.clock()
    plan = await service.plan_for(s, case.school_id)
    school = await s.get(School, case.school_id)
    account = await s.get(Account, case.account_id) if case.account_id else None
    opener = await s.get(User, case.opened_by_user_id) if case.opened_by_user_id else None
    comments: list[Comment] = []
    if case.thread_id:
        comments = list((await s.scalars(select(Comment).where(Comment.thread_id == case.thread_id)
                                         .order_by(Comment.created_at, Comment.id).limit(300)
                                         )).all())
    events = (await s.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id)
                              .order_by(CaseEvent.id))).all()
    step = None
    if case.current_step:
        try:
            step = plan.step(case.current_step)
        except KeyError:
            step = None
    titles = {sid: st.title for sid, st in plan.steps.items()}
    own_protocol = await school_protocol.load(s, case.school_id, school.name if school else None)
    return {
        "case": {
            "id": case.id, "state": case.state, "state_label": vm.state_label(case.state),
            "school": school.name if school else "", "account": account.name if account else
            "onbekend account", "opened": vm.when(case.created_at), "closed":
            vm.when(case.closed_at) if case.closed_at else None,
            "opened_by": case_ops.actor_label(opener) if opener else "Denkna (automatisch)",
            "score": case.score, "heat_label": vm.heat_label(case.score),
            "reasons": case.reasons or [], "poster": case.poster_role,
            "poster_label": case_ops.POSTER_LABELS.get(case.poster_role, case.poster_role),
            "assignee": await _assignee(s, case), "due": vm.when(case.step_due_at),
            "overdue": bool(case.step_due_at and case.step_due_at < now),
            "statement": case.statement_text or plan.statement_for(case.poster_role),
            "statement_posted": vm.when(case.statement_posted_at)
            if case.statement_posted_at else None,
            "stop_sent": case.stop_reacting_sent_at is not None, "plan": case.plan_name,
            "source_label": "automatisch gedetecteerd" if case.source == "detector"
            else "melding door een medewerker",
        },
        "step": step,
        "comments": [vm.comment_view(c, set(case.trigger_comment_ids or []), own_protocol)
                     for c in comments],
        "dossier": [{"at": vm.when(e.at, seconds=True), "actor": e.actor_label, "action": e.action,
                     "text": e.detail, "step": titles.get(e.step_id or "", e.step_id)}
                    for e in events],
        "posters": list(case_ops.POSTER_LABELS.items()),
        "can_act": case_ops.can_act(user, case),
    }


async def _assignee(s: Any, case: Case) -> str:
    role = vm.role_label(case.assigned_role)
    if case.assignee_user_id and case.assigned_role == "leadership":
        user = await s.get(User, case.assignee_user_id)
        if user is not None:
            return f"{user.name} ({role})"
    return role


async def case_page(request: web.Request) -> web.Response:
    service = esc(request)
    user = user_of(request)
    async with service.db.session() as s:
        case = await _load_case(request, s)
        if isinstance(case, web.Response):
            return case
        await case_ops.record_view(s, case, user, service.clock())
        ctx = await _case_context(s, service, case, user)
    return render(request, "case.html", {"page": "case", **ctx})


async def case_export(request: web.Request) -> web.Response:
    service = esc(request)
    user = user_of(request)
    async with service.db.session() as s:
        case = await _load_case(request, s)
        if isinstance(case, web.Response):
            return case
        await case_ops.log_event(s, case, action="exported", detail="Dossier geëxporteerd.",
                                 now=service.clock(), user=user)
        ctx = await _case_context(s, service, case, user)
    return render(request, "export.html", {**ctx, "exported_at": vm.when(service.clock()),
                                           "pdf_available": pdf_render.available()})


async def _act(request: web.Request, fn: Callable[..., Awaitable[str]]) -> web.Response:
    """Run a change on a case the user may act on, then redirect back (POST/redirect/GET)."""
    service = esc(request)
    user = user_of(request)
    form = await request.post()
    try:
        async with service.db.session() as s:
            case = await _load_case(request, s)
            if isinstance(case, web.Response):
                return case
            if not case_ops.can_act(user, case):
                return error_page(request, 403, "Geen toegang",
                                  "Het bestuur kan zaken lezen; de directie van de school "
                                  "handelt ze af.")
            flash = await fn(s, case, form)
    except case_ops.CaseError as exc:
        return error_page(request, exc.status, "Dat lukte niet", exc.message)
    service.outbox.wake()
    raise web.HTTPSeeOther(f"/dashboard/cases/{case.id}?m={flash}")


async def case_outcome(request: web.Request) -> web.Response:
    service = esc(request)

    async def fn(s: Any, case: Case, form: Any) -> str:
        plan = await service.plan_for(s, case.school_id)
        await case_ops.record_outcome(s, case, plan=plan, user=user_of(request),
                                      step_id=str(form.get("step", "")),
                                      outcome_id=str(form.get("outcome", "")),
                                      note=str(form.get("note", "")), now=service.clock())
        return "closed" if case.state == "closed" else "outcome"

    return await _act(request, fn)


async def case_poster(request: web.Request) -> web.Response:
    service = esc(request)

    async def fn(s: Any, case: Case, form: Any) -> str:
        plan = await service.plan_for(s, case.school_id)
        await case_ops.set_poster(s, case, plan=plan, user=user_of(request),
                                  poster=str(form.get("poster", "")), now=service.clock())
        return "poster"

    return await _act(request, fn)


async def case_stop_reacting(request: web.Request) -> web.Response:
    service = esc(request)

    async def fn(s: Any, case: Case, form: Any) -> str:
        await case_ops.send_stop_reacting(s, case, user=user_of(request), now=service.clock(),
                                          base_url=service.config.base_url)
        return "stop"

    return await _act(request, fn)


async def case_statement(request: web.Request) -> web.Response:
    """Save the statement; with action=post also place it under the post. The platform call
    happens OUTSIDE the database transaction (a slow platform must not hold a lock)."""
    service = esc(request)
    user = user_of(request)
    form = await request.post()

    async def save(s: Any, case: Case, form: Any) -> str:
        await case_ops.save_statement(s, case, user=user, text=str(form.get("statement", "")),
                                      now=service.clock())
        if form.get("action") == "post" and (case.thread_id is None or case.account_id is None):
            raise case_ops.CaseError("no_thread", "Deze zaak hoort niet bij een bericht op een "
                                     "account; plaats het statement zelf.")
        return "saved"

    if form.get("action") != "post":
        return await _act(request, save)
    try:
        refused = await _act(request, save)
    except web.HTTPSeeOther:
        pass  # saved; now post it
    else:  # an error page came back (no access, empty text, already posted)
        return refused
    poster = request.app.get(keys.REPLY_POSTER)
    async with service.db.session() as s:
        case = await _load_case(request, s)
        if isinstance(case, web.Response):
            return case
        thread = await s.get(Thread, case.thread_id)
        account = await s.get(Account, case.account_id)
        text, case_id = case.statement_text or "", case.id
    if poster is None or thread is None or account is None:
        return error_page(request, 409, "Dat lukte niet",
                          "Plaatsen is op deze server niet ingesteld.")
    try:
        reply_id: str | None = await poster(account, thread, text)
        error = None
    except Exception as exc:  # connector errors are recorded, never a 5xx
        log.warning("posting statement for case %s failed: %s", case_id, exc)
        reply_id, error = None, exc.__class__.__name__
    async with service.db.session() as s:
        case = await s.get(Case, case_id)
        if error is not None:
            await case_ops.log_event(s, case, action="statement_failed", now=service.clock(),
                                     user=user, detail="Plaatsen van het statement mislukt "
                                     f"({error}).")
            flash = "post_failed"
        else:
            await case_ops.mark_statement_posted(s, case, user=user, now=service.clock(),
                                                 reply_id=reply_id)
            flash = "posted"
    raise web.HTTPSeeOther(f"/dashboard/cases/{case_id}?m={flash}")


# --- accounts and settings ---------------------------------------------------------------------


async def accounts_page(request: web.Request) -> web.Response:
    user = user_of(request)
    async with esc(request).db.session() as s:
        q = (select(Account, School, PollState).join(School, School.id == Account.school_id)
             .outerjoin(PollState, PollState.account_id == Account.id).order_by(Account.name))
        if user.role == "leadership":
            q = q.where(Account.school_id == user.school_id)
        rows = []
        for acc, school, poll in (await s.execute(q)).all():
            health, label = "unknown", "nog niet opgehaald"
            if acc.status == "needs_reauth":
                health, label = "error", "opnieuw koppelen nodig"
            elif acc.status == "paused":
                health, label = "unknown", "gepauzeerd"
            elif poll is not None and poll.consecutive_failures:
                health, label = "error", f"{poll.consecutive_failures}× mislukt"
            elif poll is not None and poll.last_success:
                health, label = "ok", "in orde"
            rows.append({"id": acc.id, "name": acc.name,
                         "platform": acc.platform.capitalize(),
                         "school": school.name, "health": health, "health_label": label,
                         "last_poll": vm.when(poll.last_success) if poll and poll.last_success
                         else None, "error": (poll.last_error or "")[:160] if poll else ""})
        can_connect = user.role == "admin" or (
            user.role == "leadership" and user.school_id is not None
            and await leadership_may_connect(s, user.school_id))
    return render(request, "accounts.html", {"page": "accounts", "accounts": rows,
                                             "schools_visible": user.role in ("board", "admin"),
                                             "can_connect": can_connect})
