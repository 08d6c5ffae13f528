"""Loading the staff-protocol rule data (data/rules.yaml) into compiled patterns.

Patterns are matched against `lower_same_length(text)`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from classifiers.regex_prefilter import with_first_char_filter


def lower_same_length(text: str) -> str:
    """`text` in lower case with every character kept at its offset (spans stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def compile_unfiltered(patterns: list[str]) -> re.Pattern[str]:
    """One rule group's patterns as one regex, as written."""
    # Rules match lower-cased text (cheaper than re.IGNORECASE); a capital in a pattern
    # ("[A-Z]") therefore means any letter.
    joined = "|".join(f"(?:{p})" for p in patterns)
    return re.compile(joined.replace("[A-Z]", r"[^\W\d_]"), re.UNICODE)


def _compile(patterns: list[str]) -> re.Pattern[str]:
    # the rule lists are long alternations tried at every position: filter on their first
    # characters (same matches, see classifiers/regex_prefilter.py)
    return with_first_char_filter(compile_unfiltered(patterns))


@dataclass(frozen=True)
class Rule:
    """One rule's texts, scores and named pattern groups."""

    subtype: str
    protocol_ref: str
    reason_nl: str
    reason_en: str
    suggestion: str | None
    scores: dict[str, float]
    patterns: dict[str, re.Pattern[str]]
    extra: dict[str, Any]

    def search(self, group: str, text: str) -> re.Match[str] | None:
        return self.patterns[group].search(text)

    def finditer(self, group: str, text: str) -> list[re.Match[str]]:
        return list(self.patterns[group].finditer(text))


def _rule(subtype: str, raw: dict[str, Any]) -> Rule:
    patterns = {
        key.removesuffix("_patterns"): _compile(value)
        for key, value in raw.items()
        if key.endswith("_patterns") or key == "patterns"
    }
    scores = {key: float(v) for key, v in raw.items() if key.startswith("score")}
    known = {"protocol_ref", "reason_nl", "reason_en", "suggestion"}
    extra = {
        k: v
        for k, v in raw.items()
        if k not in known and k not in scores and not (k.endswith("_patterns") or k == "patterns")
    }
    return Rule(
        subtype=subtype,
        protocol_ref=raw["protocol_ref"],
        reason_nl=raw["reason_nl"],
        reason_en=raw["reason_en"],
        suggestion=raw.get("suggestion"),
        scores=scores,
        patterns=patterns,
        extra=extra,
    )


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Rule]:
    text = resources.files("classifiers.staff_protocol").joinpath("data", "rules.yaml")
    raw = yaml.safe_load(text.read_text("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("staff_protocol/data/rules.yaml: expected a mapping of rules")
    return {subtype: _rule(subtype, body) for subtype, body in raw.items()}
