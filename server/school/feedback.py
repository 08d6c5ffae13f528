""""Klopt niet": staff mark a warning of the extension as wrong, optionally with a reason from
a fixed list. Counted per school, day, category, subtype and what raised the warning (a rule
or a model); never the text, never who.

Each flag of the scorer says what raised it (`Flag.raised_by`); for a flag without it (an
older scorer), `raised_by` reads it from the flag the way the scorer builds it (pipeline.py):
the learned model's and the encoder's flags carry their own reason texts; every other flag
comes from the rule recognizer of its category (or from the school's consent list). The
answer of /check carries it per flag, so the extension can send it back with a mark.

Leadership sees per category the share of shown warnings marked wrong, next to what staff did
after a warning (the nudge outcomes); where that share is high, a softer level is suggested
(streng → normaal → soepel), which an admin applies with one click.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from classifiers.categories import ALL_CATEGORIES, default_thresholds
from classifiers.personal_data import consent as consent_rules
from server.storage.db import Database
from server.storage.models import Counter, SchoolSetting, utcnow
from server.storage.school_models import FalseAlarm

RAISED_BY = {
    "rule:abuse": "regel (scheldwoorden, bedreigingen, discriminatie)",
    "rule:personal_data": "regel (persoonsgegevens)",
    "rule:consent_list": "toestemmingslijst van school",
    "rule:staff_protocol": "regel (afspraken voor medewerkers)",
    "model:fasttext": "taalmodel (snel)",
    "model:encoder": "taalmodel (grondig)",
}
RULE_OF_CATEGORY = {"bullying": "rule:abuse", "discrimination": "rule:abuse",
                    "profanity": "rule:abuse", "personal_data": "rule:personal_data",
                    "protocol": "rule:staff_protocol"}
REASONS = {
    "quote": "het is een citaat of een voorbeeld",
    "friendly": "het is vriendelijk of als grap bedoeld",
    "consent": "er is toestemming",
    "not_personal": "het gaat niet over een persoon",
    "other": "iets anders",
}
OUTCOMES = ("shown", "changed", "cancelled", "posted_anyway")
LEVELS = {"streng": 0.35, "normaal": 0.5, "soepel": 0.8}
SOFTER = {"streng": "normaal", "normaal": "soepel"}
DAYS = 30
MIN_WRONG = 3  # marks before a suggestion: one person's three clicks are not a pattern yet
HIGH_RATE = 0.3  # more than this share of shown warnings marked wrong is "high"
_MODEL_REASONS = re.compile(r"^(?:Het model herkent deze tekst als|The model recognises this "
                            r"text as) ")


@cache
def _encoder_reasons() -> tuple[re.Pattern[str], ...]:
    try:
        raw = resources.files("classifiers.encoder").joinpath("messages.yaml").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return ()
    out = []
    for per_cat in (yaml.safe_load(raw) or {}).values():
        for msg in (per_cat or {}).values():
            for text in (msg or {}).values():
                parts = [re.escape(p) for p in str(text).split("{zin}")]
                out.append(re.compile("^" + "(?s:.*)".join(parts) + "$"))
    return tuple(out)


def raised_by(flag: dict[str, Any]) -> str:
    """What raised a flag of the scoring contract (see the module's docstring)."""
    if flag.get("raised_by") in RAISED_BY:  # the scorer says so itself
        return str(flag["raised_by"])
    reason = str(flag.get("reason") or "")
    if reason in (consent_rules.REASON_NL, consent_rules.REASON_EN):
        return "rule:consent_list"
    if _MODEL_REASONS.match(reason):
        return "model:fasttext"
    if flag.get("subtype") == "encoder" or any(p.match(reason) for p in _encoder_reasons()):
        return "model:encoder"
    return RULE_OF_CATEGORY.get(str(flag.get("category")), "rule:abuse")


async def record(db: Database, school_id: int, *, category: str, subtype: str, raised: str,
                 reason: str = "", day: date | None = None) -> None:
    day = day or utcnow().date()
    insert = sqlite_insert if db.is_sqlite else pg_insert
    stmt = insert(FalseAlarm).values(school_id=school_id, day=day, category=category,
                                     subtype=subtype, raised_by=raised, reason=reason, count=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=["school_id", "day", "category", "subtype", "raised_by", "reason"],
        set_={"count": FalseAlarm.count + 1})
    async with db.session() as s:
        await s.execute(stmt)


@dataclass
class CategoryStats:
    category: str
    outcomes: dict[str, int] = field(default_factory=dict)
    wrong: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    by_subtype: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    level: str = "normaal"
    suggestion: str | None = None

    @property
    def shown(self) -> int:
        return max(self.outcomes.get("shown", 0), self.wrong)

    @property
    def rate(self) -> float | None:
        return self.wrong / self.shown if self.shown else None


def level_of(value: float | None) -> str:
    for name, v in LEVELS.items():
        if value is not None and abs(value - v) < 1e-6:
            return name
    return "eigen"


def suggest(level: str, threshold: float, wrong: int, rate: float | None) -> str | None:
    """A softer level when many shown warnings are marked wrong; None otherwise."""
    if rate is None or wrong < MIN_WRONG or rate < HIGH_RATE:
        return None
    if level in SOFTER:
        return SOFTER[level]
    if level == "eigen":
        return next((name for name, v in LEVELS.items() if v > threshold + 1e-6), None)
    return None


async def stats(s: AsyncSession, school_id: int, base: dict[str, float], today: date,
                days: int = DAYS) -> list[CategoryStats]:
    since = today - timedelta(days=days - 1)
    out = {c: CategoryStats(c) for c in ALL_CATEGORIES}
    rows = await s.execute(
        select(Counter.category, Counter.event, func.sum(Counter.count))
        .where(Counter.school_id == school_id, Counter.day >= since,
               Counter.event.in_(OUTCOMES))
        .group_by(Counter.category, Counter.event))
    for cat, event, n in rows:
        if cat in out:
            out[cat].outcomes[event] = int(n or 0)
    rows = await s.execute(
        select(FalseAlarm.category, FalseAlarm.subtype, FalseAlarm.raised_by, FalseAlarm.reason,
               func.sum(FalseAlarm.count))
        .where(FalseAlarm.school_id == school_id, FalseAlarm.day >= since)
        .group_by(FalseAlarm.category, FalseAlarm.subtype, FalseAlarm.raised_by,
                  FalseAlarm.reason))
    for cat, subtype, source, reason, n in rows:
        st = out.get(cat)
        if st is None:
            continue
        n = int(n or 0)
        if reason:
            st.reasons[reason] = st.reasons.get(reason, 0) + n
            continue
        st.wrong += n
        st.by_source[source] = st.by_source.get(source, 0) + n
        st.by_subtype[subtype] = st.by_subtype.get(subtype, 0) + n
    row = await s.get(SchoolSetting, (school_id, "thresholds"))
    values = {**default_thresholds(), **base, **(row.value if row else {})}
    for cat, st in out.items():
        st.level = level_of(values.get(cat))
        st.suggestion = suggest(st.level, float(values.get(cat, 0.5)), st.wrong, st.rate)
    return list(out.values())
