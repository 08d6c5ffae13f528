"""The Scorer folds rule findings and the learned model into one judgement."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from classifiers.categories import Severity
from classifiers.document import Context, Document
from classifiers.judgement import Finding, Span
from classifiers.pipeline import MAX_TEXT_CHARS, PIPELINE_VERSION, Scorer
from classifiers.recognizer import Recognizer
from tests.classifiers.model.tiny_corpus import tiny_model


class WordRule(Recognizer):
    """Flags every occurrence of one word as bullying, or reports a stance guard."""

    name = "test.word"

    def __init__(self, word: str, score: float = 0.9, guard: bool = False) -> None:
        self.word, self.score_value, self.guard = word, score, guard

    def analyze(self, doc: Document) -> list[Finding]:
        out = []
        for t in doc.tokens:
            if t.text == self.word:
                out.append(
                    Finding(
                        category="bullying",
                        subtype="guard:counter_speech" if self.guard else "insult",
                        score=0.0 if self.guard else self.score_value,
                        severity=Severity.HIGH,
                        spans=[Span(t.start, t.end)],
                        reason="Scheldwoord gericht op een persoon.",
                        protocol_ref="000 A.4",
                    )
                )
        return out


@pytest.fixture(scope="module")
def model_path(tmp_path_factory) -> Path:
    return tiny_model(tmp_path_factory.mktemp("model"))


def test_rules_only_when_no_model(tmp_path, caplog) -> None:
    caplog.set_level(logging.WARNING)
    scorer = Scorer(recognizers=[WordRule("sukkel")], model_path=tmp_path / "missing.safetensors")
    j = scorer.score("jij bent een sukkel")
    assert j.model == PIPELINE_VERSION
    assert [(f.category, f.spans) for f in j.flags] == [("bullying", [Span(13, 19)])]
    assert "alleen met regels" in caplog.text


def test_model_alone_flags_with_token_spans_and_dutch_reason(model_path: Path) -> None:
    scorer = Scorer(recognizers=[], model_path=model_path)
    text = "Sanne jij bent echt een eikel"
    j = scorer.score(text)
    assert j.model.startswith("denkna-rules+fasttext 1.0+")
    (flag,) = [f for f in j.flags if f.category == "bullying"]
    assert flag.reason.startswith("Het model herkent deze tekst als pesten")
    assert flag.subtype == "insult"
    covered = "".join(text[s.start : s.end] for s in flag.spans)
    assert flag.spans and len(flag.spans) <= 3
    assert "eikel" in covered or "jij" in covered
    assert not scorer.score("de ouderavond begint om zeven uur").flags


def test_rule_spans_win_when_rules_and_model_agree(model_path: Path) -> None:
    scorer = Scorer(recognizers=[WordRule("eikel", score=0.7)], model_path=model_path)
    j = scorer.score("Sanne jij bent echt een eikel")
    (flag,) = [f for f in j.flags if f.category == "bullying"]
    assert flag.spans == [Span(24, 29)]
    assert flag.reason == "Scheldwoord gericht op een persoon."
    assert flag.score >= 0.7


def test_stance_guard_keeps_the_model_from_overriding_the_rules(model_path: Path) -> None:
    text = "Sanne jij bent echt een eikel"
    plain = Scorer(recognizers=[], model_path=model_path).score(text)
    guarded = Scorer(recognizers=[WordRule("eikel", guard=True)], model_path=model_path)
    j = guarded.score(text)
    assert plain.scores["bullying"] > 0.5
    assert j.scores["bullying"] < 0.5 * plain.scores["bullying"]
    assert not [f for f in j.flags if f.category == "bullying"]


def test_thresholds_come_from_the_model_unless_overridden(model_path: Path) -> None:
    from classifiers.model.artefact import read_metadata

    meta = read_metadata(model_path)
    scorer = Scorer(recognizers=[], model_path=model_path)
    assert scorer.model_thresholds == meta.thresholds  # tuned on dev
    assert scorer.thresholds["bullying"] == 0.5  # the category threshold on the combined score
    strict = Scorer(recognizers=[], model_path=model_path, thresholds={"bullying": 1.01})
    assert strict.thresholds["bullying"] == 1.01
    j = strict.score("Sanne jij bent echt een eikel")
    assert j.scores["bullying"] > 0.5
    assert not [f for f in j.flags if f.category == "bullying"]


def test_model_operating_point_maps_onto_the_category_threshold() -> None:
    from classifiers.pipeline import rescale

    assert rescale(0.8, 0.8, 0.5) == pytest.approx(0.5)
    assert rescale(0.79, 0.8, 0.5) < 0.5 < rescale(0.81, 0.8, 0.5)
    assert rescale(0.0, 0.8, 0.5) == 0.0 and rescale(1.0, 0.8, 0.5) == pytest.approx(1.0)
    assert rescale(0.3, 0.5, 0.5) == 0.3


def test_model_is_loaded_once_per_scorer(model_path: Path) -> None:
    scorer = Scorer(recognizers=[], model_path=model_path)
    first = scorer.predictor
    scorer.score("hallo")
    assert scorer.predictor is first is not None


def test_long_text_is_truncated_and_marked() -> None:
    scorer = Scorer(recognizers=[WordRule("sukkel")], model_path=None)
    j = scorer.score("a " * MAX_TEXT_CHARS + "sukkel")
    assert j.truncated and j.to_dict()["truncated"] is True
    assert not j.flags  # the insult lies beyond the cut


def test_score_many_passes_each_context(model_path: Path) -> None:
    seen: list[str] = []

    class ContextSpy(Recognizer):
        name = "test.spy"

        def analyze(self, doc: Document) -> list[Finding]:
            seen.append(doc.context.account_type)
            return []

    scorer = Scorer(recognizers=[ContextSpy()], model_path=model_path)
    out = scorer.score_many(["a", "b"], [Context(account_type="private"), None])
    assert len(out) == 2 and seen == ["private", "unknown"]


def test_model_alone_never_flags_personal_data_or_protocol() -> None:
    """The one-click redacted rewrite must not be flagged again by the model alone."""
    from classifiers.pipeline import Scorer

    scorer = Scorer()
    text = "Sanne de Vries uit 2B is ziek, bel haar moeder op 06-12345678"
    first = scorer.score(text)
    rewrite = next(f.suggestion for f in first.flags if f.category == "personal_data")
    again = scorer.score(rewrite)
    assert [f.category for f in again.flags if f.category in ("personal_data", "protocol")] == []
    assert again.scores["personal_data"] < 0.5
