"""Phrase patterns (data: classifiers/lexicons/phrases.tsv) compiled to regexes over the
tag string of an Analysis.

Pattern language, tokens separated by spaces:
  word | w1|w2       a token whose lemma is one of these words (`word*` = starts with)
  <tag> | <t1|t2>    a token carrying one of these lexicon tags
  _                  any token
  ..N                up to N tokens (never across a sentence end)
  X?                 the token X is optional
A pattern that mentions a negation itself (`<neg>`, niet, geen, nooit, niemand, niets)
keeps matches that contain a negation; any other pattern drops them ("ik zou je nooit slaan").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from classifiers.abuse.lexicon import LEXICON_DIR

NEGATION_WORDS = frozenset({"niet", "geen", "nooit", "niemand", "niets", "niks", "nergens"})
_ANY = r"[,][^\s#]* "


@dataclass(frozen=True)
class Phrase:
    id: str
    category: str
    subtype: str
    severity: int
    score: float
    pattern: str
    regex: re.Pattern[str]
    allows_negation: bool
    # the analysis must contain one of these lemmas or tags, or the regex is not run
    needs_lemmas: frozenset[str]
    needs_tags: frozenset[str]


def compile_pattern(pattern: str) -> re.Pattern[str]:
    parts: list[str] = [r"(?:(?<= )|^)"]
    for raw in pattern.split():
        optional = raw.endswith("?") and len(raw) > 1
        item = raw[:-1] if optional else raw
        if item.startswith(".."):
            parts.append(rf"(?:{_ANY}){{0,{int(item[2:])}}}")
            continue
        if item == "_":
            piece = _ANY
        elif item.startswith("<") and item.endswith(">") and item.count("<") == 1:
            piece = _tags(item[1:-1].split("|"))
        else:
            piece = "(?:" + "|".join(_literal(w) for w in item.split("|")) + ")"
        parts.append(f"(?:{piece})?" if optional else piece)
    return re.compile("".join(parts))


def _tags(tags: list[str]) -> str:
    alternation = "|".join(re.escape(t) for t in tags)
    return rf",(?:[^\s:]*,)?(?:{alternation}),[^\s:]*:\S* "


def _literal(alternative: str) -> str:
    """One alternative: a word, `word*` (prefix) or `w1+w2` (a sequence of tokens)."""
    if alternative.startswith("<") and alternative.endswith(">"):
        return _tags([alternative[1:-1]])
    pieces = []
    for w in alternative.split("+"):
        lemma = re.escape(w[:-1]) + r"\S*" if w.endswith("*") else re.escape(w)
        pieces.append(rf",[^\s:]*:{lemma} ")
    return "".join(pieces)


def _first_required(pattern: str) -> tuple[frozenset[str], frozenset[str]]:
    for raw in pattern.split():
        if raw.endswith("?") or raw.startswith("..") or raw == "_":
            continue
        if raw.startswith("<"):
            return frozenset(), frozenset(raw[1:-1].split("|"))
        alternatives = [w.split("+")[0] for w in raw.split("|")]
        if any(w.endswith("*") for w in alternatives):
            break
        return frozenset(alternatives), frozenset()
    return frozenset(), frozenset()


def load_phrases(path: Path | None = None) -> list[Phrase]:
    path = path or LEXICON_DIR / "phrases.tsv"
    phrases: list[Phrase] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 6:
            raise ValueError(f"{path.name}:{n}: expected 6 tab-separated columns, got {len(cols)}")
        pid, category, subtype, severity, score, pattern = (c.strip() for c in cols)
        words = set(pattern.replace("?", "").replace("+", " ").split())
        alternatives = {w for item in words for w in item.split("|")}
        allows = "<neg>" in pattern or bool(alternatives & NEGATION_WORDS)
        lemmas, tags = _first_required(pattern)
        phrases.append(
            Phrase(pid, category, subtype, int(severity), float(score), pattern,
                   compile_pattern(pattern), allows, lemmas, tags)
        )
    return phrases
