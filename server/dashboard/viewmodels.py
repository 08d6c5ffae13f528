"""Turning rows into what the templates show: Dutch labels, marked spans, the weekly chart."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from classifiers.categories import CATEGORIES, Category
from server.escalation.cases import POSTER_LABELS, ROLE_NL, STATE_LABELS
from server.escalation.detector import SEVERITY_WEIGHT
from server.school.protocol import SchoolProtocol
from server.storage.models import Comment

TZ = ZoneInfo("Europe/Amsterdam")
SEVERITY_NL = {"low": "laag", "medium": "middel", "high": "hoog"}
AUTHOR_ROLE_NL = {**POSTER_LABELS, "adult": "volwassene", "page": "schoolaccount"}
MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")


def when(dt: datetime | None, *, seconds: bool = False) -> str:
    if dt is None:
        return "–"
    local = dt.astimezone(TZ)
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    return f"{local.day} {MONTHS[local.month - 1]} {local.year} {clock}"


def category_label(cat: str) -> str:
    try:
        return CATEGORIES[Category(cat)].label_nl
    except ValueError:
        return cat


def categories() -> list[dict[str, str]]:
    return [{"id": c.value, "label": info.label_nl} for c, info in CATEGORIES.items()]


def marked_parts(text: str | None, flags: list[Any],
                 protocol: SchoolProtocol | None = None) -> list[dict[str, Any]]:
    """Split a comment into plain and marked parts along the flag spans (original offsets).
    `protocol`: the school's, so that the reasons (the marks' tooltips) cite its articles."""
    if protocol is not None:
        flags = protocol.flags(flags)
    if not text:
        return [{"text": "(tekst verwijderd na de bewaartermijn)", "mark": False}]
    spans: list[tuple[int, int, str]] = []
    for f in flags or []:
        if not isinstance(f, dict):
            continue
        title = f"{category_label(str(f.get('category', '')))}: {f.get('reason', '')}".strip()
        for sp in f.get("spans") or []:
            try:
                a, b = int(sp["start"]), int(sp["end"])
            except (KeyError, TypeError, ValueError):
                continue
            if 0 <= a < b <= len(text):
                spans.append((a, b, title))
    spans.sort()
    parts: list[dict[str, Any]] = []
    pos = 0
    for a, b, title in spans:
        if a < pos:  # overlapping: extend the previous mark
            if b > pos and parts:
                parts[-1]["text"] += text[pos:b]
                pos = b
            continue
        if a > pos:
            parts.append({"text": text[pos:a], "mark": False})
        parts.append({"text": text[a:b], "mark": True, "title": title})
        pos = b
    if pos < len(text):
        parts.append({"text": text[pos:], "mark": False})
    return parts


def comment_view(c: Comment, triggers: set[int],
                 protocol: SchoolProtocol | None = None) -> dict[str, Any]:
    flags = c.flags if isinstance(c.flags, list) else []
    labels = sorted({category_label(str(f.get("category"))) for f in flags if isinstance(f, dict)})
    return {
        "author": c.author_name or "onbekend", "role_label": AUTHOR_ROLE_NL.get(c.author_role,
                                                                                 c.author_role),
        "at": when(c.created_at), "parts": marked_parts(c.text, flags, protocol), "labels": labels,
        "flagged": bool(flags), "trigger": c.id in triggers,
    }


def weekly_chart(flag_lists: list[tuple[datetime, list[Any]]], now: datetime,
                 weeks: int = 8) -> tuple[list[dict[str, Any]], int]:
    """Findings per category per ISO week for the last `weeks` weeks (oldest first)."""
    start = (now - timedelta(weeks=weeks - 1)).astimezone(TZ)
    start = (start - timedelta(days=start.weekday())).replace(hour=0, minute=0, second=0,
                                                               microsecond=0)
    buckets: dict[int, Counter[str]] = defaultdict(Counter)
    for at, flags in flag_lists:
        local = at.astimezone(TZ)
        if local < start:
            continue
        idx = (local - start).days // 7
        for f in flags or []:
            if isinstance(f, dict) and f.get("category"):
                buckets[idx][str(f["category"])] += 1
    out = []
    for i in range(weeks):
        monday = start + timedelta(weeks=i)
        counts = dict(buckets.get(i, {}))
        out.append({"label": f"wk {monday.isocalendar().week}", "counts": counts,
                    "total": sum(counts.values())})
    return out, max([w["total"] for w in out] + [1])


def severity_label(sev: str | None) -> str:
    return SEVERITY_NL.get(sev or "", "–")


def role_label(role: str) -> str:
    return ROLE_NL.get(role, role)


def state_label(state: str) -> str:
    return STATE_LABELS.get(state, state)


def heat_label(score: float | None) -> str:
    """A derailment score in words (the dashboard shows no raw scores)."""
    if score is None:
        return "–"
    if score >= 0.8:
        return "sterk"
    if score >= 0.6:
        return "duidelijk"
    if score >= 0.3:
        return "beginnend"
    return "licht"


def heat_width(score: float) -> int:
    return max(0, min(10, round(score * 10)))


__all__ = ["SEVERITY_WEIGHT", "TZ"]
