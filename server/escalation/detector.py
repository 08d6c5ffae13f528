"""Derailment detection: pure functions over the scored comments of one thread.

`score_thread` turns a list of scored comments into one score with Dutch reasons;
`advance` applies hysteresis so that a derailing thread opens ONE case: a thread turns
"hot" above `open_above` and only counts as calm again once the score stayed below
`calm_below` for `calm_after`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

SEVERITY_WEIGHT = {"low": 0.4, "medium": 0.7, "high": 1.0}
THREAT_SUBTYPES = frozenset({"threat", "death_wish", "self_harm_incitement"})
PUPIL_DATA_SUBTYPES = frozenset(
    {"pupil_name", "phone", "email", "address", "bsn", "iban", "birth_date", "health",
     "school_record"}
)
MENTION_RE = re.compile(r"@([\w.\-]{2,40})")


@dataclass(frozen=True)
class FlagInfo:
    category: str
    subtype: str
    severity: str
    score: float = 1.0

    @property
    def weight(self) -> float:
        return SEVERITY_WEIGHT.get(self.severity, 0.4)


@dataclass(frozen=True)
class ScoredComment:
    """What the detector needs of one stored, scored comment (no text is kept here)."""

    id: str
    author: str
    author_role: str  # staff | adult | child | unknown | page
    created_at: datetime
    flags: tuple[FlagInfo, ...] = ()
    reply_to_author: str | None = None
    mentions: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def weight(self) -> float:
        return max((f.weight for f in self.flags), default=0.0)

    @property
    def targets(self) -> set[str]:
        out = {m.lower() for m in self.mentions}
        if self.reply_to_author:
            out.add(self.reply_to_author.lower())
        out.discard(self.author.lower())
        return out

    @classmethod
    def from_flags_json(
        cls,
        *,
        id: str,
        author: str,
        author_role: str,
        created_at: datetime,
        flags: Sequence[dict[str, Any]] | None,
        reply_to_author: str | None = None,
        text: str | None = None,
    ) -> ScoredComment:
        infos = tuple(
            FlagInfo(
                category=str(f.get("category", "")),
                subtype=str(f.get("subtype", "")),
                severity=str(f.get("severity", "low")),
                score=float(f.get("score", 1.0) or 0.0),
            )
            for f in (flags or [])
            if isinstance(f, dict)
        )
        mentions = tuple(MENTION_RE.findall(text or ""))
        return cls(id, author, author_role or "unknown", created_at, infos, reply_to_author,
                   mentions)


@dataclass(frozen=True)
class Thresholds:
    """Per-school settings (school_settings 'escalation' key overrides any field)."""

    open_above: float = 0.6
    calm_below: float = 0.3
    calm_after_minutes: int = 120
    window_comments: int = 20
    min_window: int = 8
    min_flagged: int = 3
    velocity_window_minutes: int = 60
    pile_on_authors: int = 3

    @classmethod
    def from_mapping(cls, data: dict[str, Any] | None) -> Thresholds:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        t = cls(**{k: type(getattr(cls(), k))(v) for k, v in known.items()})
        if not 0 < t.calm_below < t.open_above <= 1:
            raise ValueError(
                "drempels ongeldig: er moet gelden 0 < calm_below < open_above <= 1"
            )
        return t


@dataclass(frozen=True)
class Reason:
    code: str
    text: str  # Dutch, for leadership
    weight: float


@dataclass(frozen=True)
class DerailmentScore:
    score: float
    reasons: tuple[Reason, ...]
    triggering: tuple[str, ...]  # comment ids that drove the score
    categories: dict[str, int] = field(default_factory=dict)

    @property
    def reasons_nl(self) -> list[str]:
        return [r.text for r in self.reasons]


def _n(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _clamp(x: float) -> float:
    return max(0.0, min(1.0, x))


def score_thread(
    comments: Sequence[ScoredComment],
    *,
    thresholds: Thresholds | None = None,
    normal_per_hour: float | None = None,
    now: datetime | None = None,
) -> DerailmentScore:
    """Score how much a thread is derailing, 0..1, with the reasons in Dutch.

    `normal_per_hour` is the account's usual comment pace (None: velocity is ignored).
    """
    t = thresholds or Thresholds()
    ordered = sorted(comments, key=lambda c: (c.created_at, c.id))
    if not ordered:
        return DerailmentScore(0.0, (), ())
    now = now or ordered[-1].created_at
    window = ordered[-t.window_comments :]
    flagged = [c for c in window if c.flagged]
    parts: list[Reason] = []

    # 1. share and severity of flagged comments in the sliding window
    weighted = sum(c.weight for c in flagged)
    share = weighted / max(len(window), t.min_window)
    gate = min(1.0, len(flagged) / t.min_flagged)
    c_share = _clamp((share - 0.1) / 0.35) * gate
    if c_share > 0:
        parts.append(Reason(
            "share",
            f"{len(flagged)} van de laatste {len(window)} reacties zijn gemarkeerd "
            f"(gewogen aandeel {share:.0%}).",
            0.75 * c_share,
        ))

    # 2. velocity against the account's normal pace
    if normal_per_hour and normal_per_hour > 0:
        since = now - timedelta(minutes=t.velocity_window_minutes)
        recent = sum(1 for c in ordered if c.created_at >= since)
        per_hour = recent * 60 / t.velocity_window_minutes
        ratio = per_hour / normal_per_hour
        if ratio >= 3 and flagged:
            c_vel = _clamp((ratio - 2) / 8)
            parts.append(Reason(
                "velocity",
                f"Er wordt {ratio:.0f}× zo snel gereageerd als normaal voor dit account.",
                0.25 * c_vel,
            ))

    # 3. pile-on: several authors aiming flagged comments at one person
    aimed: dict[str, set[str]] = defaultdict(set)
    for c in flagged:
        for target in c.targets:
            aimed[target].add(c.author)
    if aimed:
        target, authors = max(aimed.items(), key=lambda kv: len(kv[1]))
        if len(authors) >= t.pile_on_authors:
            parts.append(Reason(
                "pile_on",
                f"{len(authors)} verschillende personen richten zich met kwetsende reacties "
                "op één persoon.",
                0.6 * _clamp(len(authors) / (t.pile_on_authors + 1)),
            ))

    # 4. two authors escalating against each other
    duels = Counter(
        tuple(sorted((c.author.lower(), target)))
        for c in flagged
        for target in c.targets
    )
    pair, n = duels.most_common(1)[0] if duels else ((), 0)
    if n >= 4:
        both = {c.author.lower() for c in flagged if c.author.lower() in pair}
        if len(both) == 2:
            parts.append(Reason(
                "duel",
                f"Twee personen gaan steeds feller tegen elkaar in ({n} gemarkeerde reacties "
                "over en weer).",
                0.5 * _clamp(n / 6),
            ))

    # 5. threats
    threats = [c for c in window if any(f.subtype in THREAT_SUBTYPES for f in c.flags)]
    if threats:
        parts.append(Reason(
            "threat",
            f"{_n(len(threats), 'reactie bevat', 'reacties bevatten')} een bedreiging of "
            "doodswens.",
            0.45 if len(threats) == 1 else 0.6,
        ))

    # 6. personal data about pupils
    pdata = [
        c for c in window
        if any(f.category == "personal_data" and f.subtype in PUPIL_DATA_SUBTYPES
               for f in c.flags)
    ]
    if pdata:
        parts.append(Reason(
            "personal_data",
            f"{_n(len(pdata), 'reactie noemt', 'reacties noemen')} persoonsgegevens "
            "(bijvoorbeeld van een leerling).",
            0.35 if len(pdata) == 1 else 0.5,
        ))

    # 7. staff replying inside a heated thread
    staff_in_heat = []
    seen_flagged = 0
    for c in window:
        if c.author_role == "staff" and seen_flagged >= 2:
            staff_in_heat.append(c)
        if c.flagged:
            seen_flagged += 1
    if staff_in_heat:
        parts.append(Reason(
            "staff_reply",
            "Een medewerker reageert in een verhitte discussie (het protocol zegt: niet meer "
            "reageren, melden bij de directie).",
            0.3,
        ))

    # noisy-OR of the parts: several moderate signals add up, none exceeds 1
    rest = 1.0
    for p in parts:
        rest *= 1.0 - _clamp(p.weight)
    score = round(1.0 - rest, 4)
    cats = Counter(f.category for c in flagged for f in c.flags)
    trig = tuple(c.id for c in window if c.flagged or c in staff_in_heat)
    parts.sort(key=lambda r: -r.weight)
    return DerailmentScore(score, tuple(parts), trig, dict(cats))


@dataclass(frozen=True)
class ThreadHeat:
    """Persisted per thread: the hysteresis state of the detector."""

    hot: bool = False
    score: float = 0.0
    hot_since: datetime | None = None
    last_hot_at: datetime | None = None  # last time the score was >= calm_below


def advance(
    prev: ThreadHeat, result: DerailmentScore, now: datetime, thresholds: Thresholds
) -> tuple[ThreadHeat, str | None]:
    """Apply hysteresis. Returns the new state and 'opened' / 'calmed' / None."""
    s = result.score
    if not prev.hot:
        if s >= thresholds.open_above:
            return ThreadHeat(True, s, now, now), "opened"
        return replace(prev, score=s), None
    if s >= thresholds.calm_below:
        return replace(prev, score=s, last_hot_at=now), None
    last = prev.last_hot_at or prev.hot_since or now
    if now - last >= timedelta(minutes=thresholds.calm_after_minutes):
        return ThreadHeat(False, s, None, None), "calmed"
    return replace(prev, score=s), None
