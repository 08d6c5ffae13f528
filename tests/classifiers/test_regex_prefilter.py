"""The first-character filter changes no match: same spans and groups, with search,
finditer and match at any position, for the rule patterns it is applied to."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml

from classifiers.personal_data import identifiers as ids
from classifiers.personal_data import lexicon as pd_lexicon
from classifiers.personal_data.lexicon import build_patterns, load_lexicon
from classifiers.regex_prefilter import first_chars, with_first_char_filter
from classifiers.staff_protocol.rules import compile_unfiltered, load_rules, lower_same_length

DATA = Path(__file__).resolve().parents[2] / "classifiers" / "data"
EXTRA = [
    "", " ", "Juf Anja zei: 'dat kan echt niet'.", "mijn collega vertelde in de personeelskamer",
    "Sanne uit 2B heeft ADHD en ligt in het ziekenhuis", "📸 foto van groep 7", "a\tb\nc",
    "Geboren op 12-03-2011", "één, twee", "ZEI JUF", "x" * 50,
]


def _texts() -> list[str]:
    texts = list(EXTRA)
    path = DATA / "dev.jsonl"
    if path.exists():
        texts += [json.loads(line)["text"] for line in path.read_text("utf-8").splitlines()[:400]]
    return texts + [lower_same_length(t) for t in texts]


def _rule_patterns() -> list[tuple[re.Pattern[str], re.Pattern[str]]]:
    """(as written, as used) for every staff-protocol and personal-data pattern."""
    pairs: list[tuple[re.Pattern[str], re.Pattern[str]]] = []
    rules = load_rules()
    data = resources.files("classifiers.staff_protocol").joinpath("data", "rules.yaml")
    for subtype, body in yaml.safe_load(data.read_text("utf-8")).items():
        for key, value in body.items():
            if key.endswith("_patterns") or key == "patterns":
                used = rules[subtype].patterns[key.removesuffix("_patterns")]
                pairs.append((compile_unfiltered(value), used))
    lex = load_lexicon()
    for name, written in build_patterns(pd_lexicon._yaml("lexicon.yaml")).items():
        pairs.append((written, getattr(lex, name)))
    return pairs


def _same(a: re.Match[str] | None, b: re.Match[str] | None) -> bool:
    if a is None or b is None:
        return a is b
    return a.span() == b.span() and a.groups() == b.groups()


@pytest.mark.parametrize("raw", [
    r"\b(?:zoals|volgens)\s(?:juf|meester)\b|[,'\"]\s?zei\b",
    r"\b(?:een\s)?(?:adhd|add)\s(?:heeft|had)\b",
    r"(?<![\d+])(?:06|\+31)\d{8}",
    r"\bfoto'?s?\b|📸|\bv\.?l\.?n\.?r\.?",
    r"(?:a|b)?c+",
])
def test_filter_keeps_matches_of_examples(raw: str) -> None:
    original = re.compile(raw)
    filtered = with_first_char_filter(original)
    for text in _texts():
        assert [m.span() for m in original.finditer(text)] == [
            m.span() for m in filtered.finditer(text)
        ]


def test_filter_keeps_matches_of_rule_patterns() -> None:
    texts = _texts()
    pairs = _rule_patterns()
    assert sum(original is not used for original, used in pairs) >= 10  # filters in use
    for original, filtered in pairs:
        for text in texts:
            assert all(
                _same(a, b)
                for a, b in zip(original.finditer(text), filtered.finditer(text), strict=True)
            ), (original.pattern[:60], text)
            for pos in range(0, len(text), 5):
                assert _same(original.match(text, pos), filtered.match(text, pos))


def test_no_filter_when_first_characters_are_unknown() -> None:
    for raw in (r"\w+x", r"(?:ab)?", r".a", r"[^a]b", r"x*"):
        pattern = re.compile(raw)
        assert first_chars(pattern) is None
        assert with_first_char_filter(pattern) is pattern
    folded = re.compile(r"\bjuf\b", re.IGNORECASE)
    assert with_first_char_filter(folded) is folded


def test_no_filter_when_the_engine_scans_for_a_prefix_itself() -> None:
    literal = re.compile(r"klas\s?[1-6]")
    assert with_first_char_filter(literal) is literal


def test_first_characters_skip_zero_width_and_optional_items() -> None:
    pattern = re.compile(r"\b(?:(?:een|de)\s)?(?:adhd|kanker)\s")
    assert first_chars(pattern) == frozenset("edak")


def _as_written(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The pattern inside a filter `(?=[...])(?:...)` (the class escapes ], so the first
    `])(?:` ends it)."""
    source = pattern.pattern
    assert source.startswith("(?=[") and source.endswith(")")
    return re.compile(source[source.index("])(?:") + 5 : -1], pattern.flags)


def test_identifier_patterns_keep_their_matches() -> None:
    filtered = [ids._PHONE, ids._BSN, ids._POSTCODE, ids._LIVES]
    texts = [*_texts(), "bel 06-12345678 of +31 6 1234 5678", "bsn 123456782, 1234 AB Utrecht",
             "Ze woont in de Kerkstraat 12", "(020) 123 45 67", "0031612345678"]
    for pattern in filtered:
        written = _as_written(pattern)
        for text in texts:
            assert [(m.span(), m.groups()) for m in written.finditer(text)] == [
                (m.span(), m.groups()) for m in pattern.finditer(text)
            ]
