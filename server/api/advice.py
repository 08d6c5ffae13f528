"""Advice for the writer, from a judgement and the context: a level and a short summary line
plus notes that depend on where the text will appear (official vs. private account, reply)."""

from __future__ import annotations

from typing import Any

from classifiers.categories import CATEGORIES, Category

_TEXT = {
    "nl": {
        "ok": "Geen problemen gevonden.",
        "found": "Let op: mogelijk {cats} in je tekst.",
        "stop": "Plaats dit niet zo: mogelijk {cats} in je tekst.",
        "private": "Je schrijft vanaf een privéaccount: zeg erbij dat dit je persoonlijke "
        "mening is als je over school schrijft (001 C.3).",
        "official": "Dit is een officieel account van de school: alles wat je plaatst, spreekt "
        "namens de school.",
        "reply": "Je reageert op een ander bericht: ga niet mee in een verhitte discussie, "
        "overleg eerst met de directie (003 B.4).",
        "and": "en",
    },
    "en": {
        "ok": "No problems found.",
        "found": "Careful: your text may contain {cats}.",
        "stop": "Do not post this as it is: your text may contain {cats}.",
        "private": "You are writing from a private account: say it is your personal opinion "
        "when you write about the school (001 C.3).",
        "official": "This is an official school account: everything you post speaks for the "
        "school.",
        "reply": "You are replying to someone: do not join a heated discussion; talk to "
        "leadership first (003 B.4).",
        "and": "and",
    },
}


def _join(items: list[str], word: str) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} " + items[-1]


def advice(
    judgement: dict[str, Any], context: dict[str, Any] | None, locale: str
) -> dict[str, Any]:
    t = _TEXT.get(locale, _TEXT["nl"])
    flags = judgement.get("flags", [])
    context = context or {}
    if not flags:
        return {"level": "ok", "summary": t["ok"], "notes": []}
    labels = []
    for f in flags:
        info = CATEGORIES[Category(f["category"])]
        labels.append(info.label_en if locale == "en" else info.label_nl)
    high = any(f["severity"] == "high" for f in flags)
    level = "stop" if high else "caution"
    notes: list[str] = []
    account_type = context.get("account_type", "unknown")
    if account_type == "private" and any(f["category"] == "protocol" for f in flags):
        notes.append(t["private"])
    if account_type == "official":
        notes.append(t["official"])
    if context.get("reply_to"):
        notes.append(t["reply"])
    summary = t["stop" if high else "found"].format(cats=_join(labels, t["and"]))
    return {"level": level, "summary": summary, "notes": notes}

