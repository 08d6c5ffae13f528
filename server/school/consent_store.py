"""The consent list in the database: replaced as a whole on each import (one transaction, so
a failed import keeps the previous list), read back for the dashboard and for scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from classifiers.personal_data.consent import ConsentList
from server import admin_ops
from server.school.consent_csv import Pupil
from server.storage.models import SchoolSetting, utcnow
from server.storage.school_models import ConsentPupil

IMPORT_KEY = "consent_import"  # school_settings: when, by whom, how many (no names)


async def replace(s: AsyncSession, school_id: int, pupils: list[Pupil], *,
                  actor: int | None = None, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    await s.execute(delete(ConsentPupil).where(ConsentPupil.school_id == school_id))
    if pupils:
        await s.execute(insert(ConsentPupil), [
            {"school_id": school_id, "name": p.name, "class_name": p.class_name,
             "consent": p.consent, "imported_at": now} for p in pupils])
    summary = {"at": now.isoformat(), "count": len(pupils),
               "with_consent": sum(1 for p in pupils if p.consent), "by": actor}
    row = await s.get(SchoolSetting, (school_id, IMPORT_KEY))
    if row is None:
        s.add(SchoolSetting(school_id=school_id, key=IMPORT_KEY, value=summary))
    else:
        row.value = summary
    await admin_ops.audit(s, "consent.import", actor=actor, school_id=school_id,
                          target=f"school:{school_id}",
                          details={"count": summary["count"],
                                   "with_consent": summary["with_consent"]})
    return summary


async def clear(s: AsyncSession, school_id: int, *, actor: int | None = None) -> None:
    await s.execute(delete(ConsentPupil).where(ConsentPupil.school_id == school_id))
    row = await s.get(SchoolSetting, (school_id, IMPORT_KEY))
    if row is not None:
        await s.delete(row)
    await admin_ops.audit(s, "consent.clear", actor=actor, school_id=school_id,
                          target=f"school:{school_id}")


async def summary(s: AsyncSession, school_id: int) -> dict[str, Any] | None:
    row = await s.get(SchoolSetting, (school_id, IMPORT_KEY))
    return dict(row.value) if row and isinstance(row.value, dict) else None


async def pupils(s: AsyncSession, school_id: int, limit: int | None = None
                 ) -> list[ConsentPupil]:
    q = (select(ConsentPupil).where(ConsentPupil.school_id == school_id)
         .order_by(ConsentPupil.class_name, ConsentPupil.name))
    if limit is not None:
        q = q.limit(limit)
    return list((await s.scalars(q)).all())


async def count(s: AsyncSession, school_id: int) -> int:
    return int(await s.scalar(select(func.count()).select_from(ConsentPupil)
                              .where(ConsentPupil.school_id == school_id)) or 0)


async def consent_list(s: AsyncSession, school_id: int) -> ConsentList:
    rows = await s.execute(select(ConsentPupil.name, ConsentPupil.consent)
                           .where(ConsentPupil.school_id == school_id))
    return ConsentList((name, bool(consent)) for name, consent in rows)
