"""Instellingen → Gebruikers: create, deactivate, a new dashboard password, tokens for the
extension (created and shown once, revoked). Leadership manages staff and leadership of its
own school; the admin manages everyone."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from aiohttp import web
from sqlalchemy import or_, select

from server import admin_ops, keys
from server.dashboard import viewmodels as vm
from server.dashboard.settings.common import MAX_ID, Scope, back, no_school, page, scope
from server.dashboard.views import error_page, esc, user_of
from server.escalation.channels import EMAIL_RE
from server.login_throttle import LoginGuard
from server.storage.models import ApiToken, User

log = logging.getLogger(__name__)
PATH = "/dashboard/settings/users"
FLASH = {"unlocked": "De blokkade is opgeheven; inloggen kan weer.",
         "created": "De gebruiker is toegevoegd.", "deactivated": "De gebruiker is "
         "gedeactiveerd; zijn tokens en inlog werken niet meer.",
         "revoked": "Het token is ingetrokken; de extensie met dit token werkt niet meer."}
LEAD_ROLES = ("staff", "leadership")
ADMIN_ROLES = ("staff", "leadership", "connector", "board", "admin")
DASHBOARD = ("leadership", "board", "admin")


def _manages(me: User, other: User, school_id: int) -> bool:
    if me.role == "admin":
        return True
    return (me.role == "leadership" and other.school_id == me.school_id == school_id
            and other.role in LEAD_ROLES)


async def _render(request: web.Request, sc: Scope, status: int = 200,
                  **ctx: Any) -> web.Response:
    me = user_of(request)
    async with esc(request).db.session() as s:
        q = select(User).where(User.school_id == sc.school_id)
        if me.role in ("admin", "board"):
            q = select(User).where(or_(User.school_id == sc.school_id, User.school_id.is_(None)))
        users = (await s.scalars(q.order_by(User.active.desc(), User.name))).all()
        tokens = (await s.scalars(select(ApiToken).where(
            ApiToken.user_id.in_([u.id for u in users])).order_by(ApiToken.id))).all()
    # login locks (server/login_throttle.py): the admin sees every one and can lift it
    blocks = await LoginGuard.blocks(esc(request).db) if me.role == "admin" else []
    locked = {b.subject: b for b in blocks if b.scope == "account" and b.locked}
    rows = []
    for u in users:
        editable = sc.can_edit and _manages(me, u, sc.school_id)
        lock = locked.get((u.email or "").strip().lower())
        rows.append({
            "locked_until": vm.when(lock.until) if lock else None,
            "id": u.id, "name": u.name, "email": u.email, "active": u.active,
            "role_label": vm.role_label(u.role), "editable": editable, "is_me": u.id == me.id,
            "can_token": u.role in ("staff", "leadership", "connector"),
            "can_password": u.role in DASHBOARD and bool(u.email),
            "tokens": [{"id": t.id, "label": t.label or "token", "prefix": t.prefix,
                        "created": vm.when(t.created_at), "used": vm.when(t.last_used_at)
                        if t.last_used_at else None, "revoked": t.revoked_at is not None}
                       for t in tokens if t.user_id == u.id]})
    roles = LEAD_ROLES if me.role != "admin" else ADMIN_ROLES
    return page(request, "settings_users.html", sc, "users", {
        "users": rows, "roles": [(r, vm.role_label(r)) for r in roles],
        "form": ctx.pop("form", {"name": "", "email": "", "role": "staff"}),
        "flash": FLASH.get(request.query.get("m", "")), "blocks": [{
            "key": b.key, "subject": b.subject, "failures": b.failures,
            "until": vm.when(b.until, seconds=not b.locked),
            "what": ("e-mailadres" if b.scope == "account" else "netwerkadres (IP)"),
            "kind": "geblokkeerd" if b.locked else "moet even wachten"} for b in blocks],
        **ctx}, status)


def _refused(request: web.Request) -> web.Response:
    return error_page(request, 403, "Geen toegang", "De directie beheert de medewerkers en de "
                      "directie van de eigen school; de beheerder beheert alle gebruikers.")


async def users_page(request: web.Request) -> web.Response:
    if user_of(request).role == "board":
        return _refused(request)
    sc = await scope(request)
    return no_school(request) if sc is None else await _render(request, sc)


async def _target(request: web.Request) -> tuple[Scope | None, Any, User | None,
                                                 web.Response | None]:
    """The scope, the form and the user the action is about (None when not allowed)."""
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return None, form, None, no_school(request)
    if not sc.can_edit:
        return sc, form, None, _refused(request)
    try:
        user_id = int(str(form.get("user", "")))
    except ValueError:
        user_id = 0
    other = None
    if 1 <= user_id <= MAX_ID:
        async with esc(request).db.session() as s:
            other = await s.get(User, user_id)
    if other is None or not _manages(user_of(request), other, sc.school_id):
        return sc, form, None, _refused(request)
    return sc, form, other, None


async def create_user(request: web.Request) -> web.Response:
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    me = user_of(request)
    if not sc.can_edit:
        return _refused(request)
    values = {k: str(form.get(k, "")).strip() for k in ("name", "email", "role")}
    allowed = ADMIN_ROLES if me.role == "admin" else LEAD_ROLES
    problems = []
    if not values["name"] or len(values["name"]) > 200:
        problems.append("Vul een naam in.")
    if values["email"] and not EMAIL_RE.fullmatch(values["email"]):
        problems.append(f"'{values['email']}' is geen e-mailadres.")
    if values["role"] not in allowed:
        problems.append("Kies een rol.")
    if values["role"] in DASHBOARD and not values["email"]:
        problems.append("De directie, het bestuur en de beheerder loggen in met hun "
                        "e-mailadres; vul het in.")
    if problems:
        return await _render(request, sc, 422, form=values, errors=problems)
    school = None if values["role"] in admin_ops.GLOBAL_ROLES else sc.school_id
    try:
        async with esc(request).db.session() as s:
            await admin_ops.create_user(s, name=values["name"], role=values["role"],
                                        school_id=school, email=values["email"] or None,
                                        actor=me.id)
    except admin_ops.AdminError as exc:
        return await _render(request, sc, exc.status, form=values, error=exc.message)
    raise back(PATH, sc, "created")


async def deactivate(request: web.Request) -> web.Response:
    sc, _form, other, stop = await _target(request)
    if stop is not None or other is None or sc is None:
        return stop  # type: ignore[return-value]
    if other.id == user_of(request).id:
        return await _render(request, sc, 409, error="U kunt uzelf niet deactiveren.")
    async with esc(request).db.session() as s:
        await admin_ops.deactivate_user(s, other.id, actor=user_of(request).id)
    if keys.AUTH in request.app:
        request.app[keys.AUTH].forget()
    raise back(PATH, sc, "deactivated")


async def new_password(request: web.Request) -> web.Response:
    sc, _form, other, stop = await _target(request)
    if stop is not None or other is None or sc is None:
        return stop  # type: ignore[return-value]
    if other.role not in DASHBOARD:
        return await _render(request, sc, 409, error="Medewerkers loggen niet in op het "
                             "dashboard; zij gebruiken een token in de extensie.")
    password = secrets.token_urlsafe(12)
    async with esc(request).db.session() as s:
        await admin_ops.set_password(s, other.id, password, actor=user_of(request).id)
    return await _render(request, sc, once={
        "title": f"Nieuw wachtwoord voor {other.name}",
        "text": f"Geef het door aan {other.name}; inloggen gaat met {other.email} en dit "
                "wachtwoord:", "secret": password})


async def new_token(request: web.Request) -> web.Response:
    sc, _form, other, stop = await _target(request)
    if stop is not None or other is None or sc is None:
        return stop  # type: ignore[return-value]
    try:
        async with esc(request).db.session() as s:
            _token, plaintext = await admin_ops.create_token(
                s, other.id, f"extensie {vm.when(esc(request).clock())}",
                actor=user_of(request).id)
    except admin_ops.AdminError as exc:
        return await _render(request, sc, exc.status, error=exc.message)
    return await _render(request, sc, once={
        "title": f"Token voor {other.name}",
        "text": "Vul dit token in bij de instellingen van de Denkna-extensie (of laat het de "
                "ICT via het apparaatbeleid instellen):", "secret": plaintext})


async def revoke_token(request: web.Request) -> web.Response:
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    try:
        token_id = int(str(form.get("token", "")))
    except ValueError:
        token_id = 0
    me = user_of(request)
    async with esc(request).db.session() as s:
        token = await s.get(ApiToken, token_id) if 1 <= token_id <= MAX_ID else None
        owner = await s.get(User, token.user_id) if token else None
        if token is None or owner is None or not sc.can_edit or \
                not _manages(me, owner, sc.school_id):
            return _refused(request)
        await admin_ops.revoke_token(s, token.id, actor=me.id)
    if keys.AUTH in request.app:
        request.app[keys.AUTH].forget()
    raise back(PATH, sc, "revoked")


async def unlock(request: web.Request) -> web.Response:
    """The admin lifts a login lock (of an e-mail address or an IP address)."""
    form = await request.post()
    sc = await scope(request, form)
    if sc is None:
        return no_school(request)
    if user_of(request).role != "admin":
        return _refused(request)
    key = str(form.get("key", ""))[:400]
    await LoginGuard.unlock(esc(request).db, key)
    log.info("login block lifted by user %s", user_of(request).id)
    raise back(PATH, sc, "unlocked")
