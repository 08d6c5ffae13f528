"""Sensitivity as plain levels. Per category: streng, normaal or soepel (the threshold on the
combined score the extension's check uses); for opening a case: vroeg, normaal or laat (the
detector's thresholds). Each category level shows example texts (examples.yaml) as the real
scorer judges them at that level."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import yaml
from aiohttp import web

from classifiers.categories import ALL_CATEGORIES, CATEGORIES, Category, default_thresholds
from server import keys
from server.escalation.detector import Thresholds

LEVELS = {"streng": 0.35, "normaal": 0.5, "soepel": 0.8}
LEVEL_HELP = {
    "streng": "waarschuwt eerder, ook bij milde woorden; meer kans op een onterechte waarschuwing",
    "normaal": "de standaard van Denkna",
    "soepel": "waarschuwt alleen bij duidelijke gevallen; meer kans dat iets gemist wordt",
}
CASE_PRESETS: dict[str, dict[str, Any]] = {
    "vroeg": {"open_above": 0.45, "calm_below": 0.2, "min_flagged": 2},
    "normaal": {"open_above": 0.6, "calm_below": 0.3, "min_flagged": 3},
    "laat": {"open_above": 0.75, "calm_below": 0.4, "min_flagged": 5},
}
CASE_HELP = {
    "vroeg": "een zaak gaat al open bij een paar kwetsende reacties",
    "normaal": "de standaard: een zaak gaat open als een discussie duidelijk ontspoort",
    "laat": "een zaak gaat pas open als veel reacties kwetsend zijn en het aanhoudt",
}
EXAMPLES_FILE = Path(__file__).with_name("examples.yaml")
Verdicts = dict[str, dict[str, dict[str, list[str]]]]  # category -> level -> yes/no -> texts
EXAMPLES = web.AppKey("settings_level_examples", dict)


def level_of(value: float | None) -> str:
    """The level a threshold belongs to, or 'eigen' for a value set another way."""
    for name, v in LEVELS.items():
        if value is not None and abs(value - v) < 1e-6:
            return name
    return "eigen"


def case_level_of(t: Thresholds) -> str:
    for name, preset in CASE_PRESETS.items():
        if all(abs(float(getattr(t, k)) - float(v)) < 1e-6 for k, v in preset.items()):
            return name
    return "eigen"


def current_levels(stored: dict[str, Any] | None, base: dict[str, float]) -> dict[str, str]:
    values = {**default_thresholds(), **base, **(stored or {})}
    return {c: level_of(values.get(c)) for c in ALL_CATEGORIES}


def load_examples() -> dict[str, list[str]]:
    data = yaml.safe_load(EXAMPLES_FILE.read_text(encoding="utf-8")) or {}
    return {c: [str(t) for t in data.get(c) or []] for c in ALL_CATEGORIES}


async def _judge(app: web.Application, items: list[tuple[str, str]],
                 thresholds: dict[str, float]) -> list[set[str]]:
    pool = app.get(keys.SCORER_POOL)
    if pool is not None:
        judgements = await pool.score_many([(text, None) for _, text in items], thresholds)
    else:  # an app without a scorer pool (some tests): score here, off the event loop
        from classifiers.pipeline import Scorer

        scorer = Scorer(thresholds=thresholds)
        judgements = await asyncio.to_thread(lambda: [scorer.score(t) for _, t in items])
    return [{f.category for f in j.flags} for j in judgements]


async def verdicts(app: web.Application) -> Verdicts:
    """Which example texts get a warning at each level; computed once per process."""
    cached = app.get(EXAMPLES)
    if cached is not None:
        return cached
    items = [(c, t) for c, texts in load_examples().items() for t in texts]
    out: Verdicts = {c: {} for c in ALL_CATEGORIES}
    for level, value in LEVELS.items():
        flagged = await _judge(app, items, {c: value for c in ALL_CATEGORIES})
        for (cat, text), cats in zip(items, flagged, strict=True):
            out[cat].setdefault(level, {"yes": [], "no": []})["yes" if cat in cats
                                                              else "no"].append(text)
    app[EXAMPLES] = out
    return out


def category_label(cat: str) -> str:
    return CATEGORIES[Category(cat)].label_nl
