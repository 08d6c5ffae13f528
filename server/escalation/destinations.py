"""Where a school's alerts go: per audience (directie, medewerkers, bestuur, beheer) a list of
destinations per channel, kept in the school setting `alerts`. Without an e-mail destination,
e-mail goes to the active users of that role who have an address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from server.escalation.channels import CHANNELS, validate_destination
from server.storage.models import SchoolSetting, User

ALERT_SETTING = "alerts"  # school_settings key: {"leadership": {"email": [...], ...}, ...}
AUDIENCES = ("leadership", "staff", "board", "admin")
AUDIENCE_LABELS = {"leadership": "Directie", "staff": "Alle medewerkers", "board": "Bestuur",
                   "admin": "Beheer (ICT)"}
AUDIENCE_HELP = {
    "leadership": "nieuwe zaken, meldingen van medewerkers en herinneringen",
    "staff": "het verzoek van de directie om niet meer te reageren",
    "board": "zaken die na een verlopen termijn naar het bestuur gaan",
    "admin": "een account dat opnieuw gekoppeld moet worden",
}


@dataclass(frozen=True)
class Destination:
    channel: str
    address: str


async def configured(session: AsyncSession, school_id: int) -> dict[str, dict[str, list[str]]]:
    value = await session.scalar(select(SchoolSetting.value).where(
        SchoolSetting.school_id == school_id, SchoolSetting.key == ALERT_SETTING))
    out: dict[str, dict[str, list[str]]] = {}
    if isinstance(value, dict):
        for audience, channels in value.items():
            if audience in AUDIENCES and isinstance(channels, dict):
                out[audience] = {c: [str(a) for a in channels.get(c) or []]
                                 for c in CHANNELS if channels.get(c)}
    return out


async def save(session: AsyncSession, school_id: int, value: dict[str, Any]) -> None:
    row = await session.get(SchoolSetting, (school_id, ALERT_SETTING))
    if row is None:
        session.add(SchoolSetting(school_id=school_id, key=ALERT_SETTING, value=value))
    else:
        row.value = value


async def add(session: AsyncSession, school_id: int, audience: str, channel: str,
              address: str) -> str:
    """Add one destination; returns the cleaned address. ValueError (Dutch) when invalid."""
    if audience not in AUDIENCES:
        raise ValueError("kies voor wie de meldingen zijn")
    address = validate_destination(channel, address)
    value = await configured(session, school_id)
    entries = value.setdefault(audience, {}).setdefault(channel, [])
    if address in entries:
        raise ValueError("deze bestemming staat er al")
    entries.append(address)
    await save(session, school_id, value)
    return address


async def remove(session: AsyncSession, school_id: int, audience: str, channel: str,
                 address: str) -> bool:
    value = await configured(session, school_id)
    entries = value.get(audience, {}).get(channel, [])
    if address not in entries:
        return False
    entries.remove(address)
    await save(session, school_id, value)
    return True


async def role_emails(session: AsyncSession, school_id: int, audience: str) -> list[str]:
    """The fallback: active users of that role with an address (board and admin serve every
    school)."""
    q = select(User.email).where(User.role == audience, User.active.is_(True),
                                 User.email.is_not(None))
    if audience not in ("board", "admin"):
        q = q.where(User.school_id == school_id)
    return [e for e in (await session.scalars(q.order_by(User.id))).all() if e]


async def alert_destinations(
    session: AsyncSession, school_id: int, *, audience: str, user_id: int | None = None
) -> list[Destination]:
    """Where alerts go for `audience` ('leadership', 'board', 'staff' or 'admin'); with
    `user_id` (the assignee of a case) only that person's address."""
    if user_id is not None:
        email = await session.scalar(select(User.email).where(User.id == user_id,
                                                              User.active.is_(True)))
        if email:
            return [Destination("email", email)]
    part = (await configured(session, school_id)).get(audience, {})
    out = [Destination(channel, addr) for channel in CHANNELS for addr in part.get(channel, [])]
    if not any(d.channel == "email" for d in out):
        out += [Destination("email", e) for e in await role_emails(session, school_id, audience)]
    return out
