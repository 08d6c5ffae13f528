"""Value types of the scoring contract: what a recognizer finds and what the scorer returns.

The JSON shape is fixed by shared/DESIGN.md ("Scoring contract"). Spans are character
offsets into the ORIGINAL text, end exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from classifiers.categories import ALL_CATEGORIES, SEVERITY_RANK, Severity


@dataclass(frozen=True, order=True)
class Span:
    start: int
    end: int

    def to_dict(self) -> dict[str, int]:
        return {"start": self.start, "end": self.end}


@dataclass
class Finding:
    """One thing a recognizer saw. Several findings of one category merge into one flag."""

    category: str
    subtype: str
    score: float
    severity: Severity
    spans: list[Span]
    reason: str  # Dutch, for a teacher
    protocol_ref: str
    suggestion: str | None = None
    reason_en: str | None = None
    source: str = ""  # recognizer name, for debugging and eval; not part of the contract


@dataclass
class Flag:
    category: str
    subtype: str
    severity: Severity
    score: float
    spans: list[Span]
    reason: str
    protocol_ref: str
    suggestion: str | None = None
    reason_en: str | None = None
    subtypes: list[str] = field(default_factory=list)
    # what raised it: "rule:<recognizer family>", "model:fasttext" or "model:encoder"
    raised_by: str = ""

    def to_dict(self, locale: str = "nl") -> dict[str, Any]:
        out: dict[str, Any] = {
            "category": self.category,
            "subtype": self.subtype,
            "severity": str(self.severity),
            "score": round(self.score, 4),
            "spans": [s.to_dict() for s in self.spans],
            "reason": self.reason_en if (locale == "en" and self.reason_en) else self.reason,
            "protocol_ref": self.protocol_ref,
        }
        if self.suggestion:
            out["suggestion"] = self.suggestion
        if self.raised_by:
            out["raised_by"] = self.raised_by
        if len(self.subtypes) > 1:
            out["subtypes"] = list(self.subtypes)
        return out


@dataclass
class Judgement:
    scores: dict[str, float]
    flags: list[Flag]
    language: str = "nl"
    model: str = ""
    truncated: bool = False
    mode: str = "quick"  # quick (rules + fastText) or deep (with the encoder)

    def to_dict(self, locale: str = "nl") -> dict[str, Any]:
        out: dict[str, Any] = {
            "scores": {c: round(self.scores.get(c, 0.0), 4) for c in ALL_CATEGORIES},
            "flags": [f.to_dict(locale) for f in self.flags],
            "language": self.language,
            "model": self.model,
            "mode": self.mode,
        }
        if self.truncated:
            out["truncated"] = True
        return out

    @property
    def max_severity(self) -> Severity | None:
        if not self.flags:
            return None
        return max((f.severity for f in self.flags), key=lambda s: SEVERITY_RANK[s])
