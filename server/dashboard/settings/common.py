"""What every settings page shares: which school is being set up, who may change it (the
school's leadership and the admins; the board reads), and the tabs (the dashboard's own, then
those a later feature adds through keys.SETTINGS_TABS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlalchemy import select

from server import keys
from server.dashboard.views import error_page, esc, render, user_of
from server.storage.models import School, User

TABS = (
    ("alerts", "Meldingen", "/dashboard/settings/alerts"),
    ("mail", "Mailserver", "/dashboard/settings/mail"),
    ("steps", "Stappenplan", "/dashboard/settings/steps"),
    ("levels", "Gevoeligheid", "/dashboard/settings/levels"),
    ("warnings", "Waarschuwingen", "/dashboard/settings/warnings"),
    ("protocol", "Protocol", "/dashboard/settings/protocol"),
    ("consent", "Toestemming", "/dashboard/settings/consent"),
    ("users", "Gebruikers", "/dashboard/settings/users"),
)
# tabs only some roles see (the consent list names children: admin and leadership only)
TAB_ROLES = {"consent": ("admin", "leadership")}
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Scope:
    user: User
    school_id: int
    school_name: str
    schools: list[dict[str, Any]]  # the schools this user may pick (board, admin)
    can_edit: bool


def may_edit(user: User, school_id: int) -> bool:
    return user.role == "admin" or (user.role == "leadership" and user.school_id == school_id)


def _int(value: Any) -> int | None:
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return None
    return n if 1 <= n <= MAX_ID else None


async def scope(request: web.Request, form: Any = None) -> Scope | None:
    """The school of this request: leadership has its own; board and admin pick one with
    `school` (query or form). None when there is no school at all."""
    user = user_of(request)
    wanted = _int((form or {}).get("school")) or _int(request.query.get("school"))
    async with esc(request).db.session() as s:
        q = select(School).order_by(School.name)
        if user.role == "leadership":
            q = q.where(School.id == user.school_id)
        schools = [{"id": sc.id, "name": sc.name} for sc in (await s.scalars(q)).all()]
    if not schools:
        return None
    chosen = next((sc for sc in schools if sc["id"] == wanted), schools[0])
    return Scope(user, chosen["id"], chosen["name"], schools, may_edit(user, chosen["id"]))


def page(request: web.Request, template: str, sc: Scope, tab: str, ctx: dict[str, Any],
         status: int = 200) -> web.Response:
    role = sc.user.role
    tabs = [t for t in TABS if role in TAB_ROLES.get(t[0], (role,))] + [
        (key, label, href) for key, label, href, roles in request.app.get(keys.SETTINGS_TABS, [])
        if role in roles]
    return render(request, template, {
        "page": "settings", "tab": tab, "tabs": tabs, "scope": sc,
        "school_query": f"?school={sc.school_id}" if len(sc.schools) > 1 else "", **ctx},
        status)


def no_school(request: web.Request) -> web.Response:
    return error_page(request, 404, "Nog geen school",
                      "Er is nog geen school ingesteld op deze server.")


def refused(request: web.Request) -> web.Response:
    return error_page(request, 403, "Geen toegang",
                      "Alleen de directie van de school en de beheerder kunnen dit aanpassen.")


def back(path: str, sc: Scope, flash: str) -> web.HTTPSeeOther:
    sep = "&" if "?" in path else "?"
    school = f"school={sc.school_id}&" if len(sc.schools) > 1 else ""
    return web.HTTPSeeOther(f"{path}{sep}{school}m={flash}")
