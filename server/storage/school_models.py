"""The school's own data (migration 0004_school): the consent list of its pupils and the
"klopt niet" counts of the extension's warnings.

`consent_pupils` holds names of children: it is read only by admin and leadership (the
dashboard's consent page) and by the scoring of the school's own texts; it is replaced as a
whole on each import and never sent to the extension.
`false_alarms` counts per school, day, category, subtype and what raised the warning (a rule
or a model), and the optional reason picked from a fixed list. Never any text.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.storage.models import Base, utcnow


class ConsentPupil(Base):
    __tablename__ = "consent_pupils"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    class_name: Mapped[str] = mapped_column(String(60), default="")
    consent: Mapped[bool] = mapped_column(Boolean)
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)


class FalseAlarm(Base):
    __tablename__ = "false_alarms"
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(40), primary_key=True)
    subtype: Mapped[str] = mapped_column(String(40), primary_key=True)
    raised_by: Mapped[str] = mapped_column(String(40), primary_key=True)
    # "" for the mark itself; a reason key for the optional reason given afterwards
    reason: Mapped[str] = mapped_column(String(40), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


__all__ = ["ConsentPupil", "FalseAlarm"]
