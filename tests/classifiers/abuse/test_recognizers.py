"""The recognizers as the pipeline sees them: registered, sharing one analysis, fast paths."""

from __future__ import annotations

from classifiers.abuse import BullyingRecognizer, DiscriminationRecognizer, ProfanityRecognizer
from classifiers.document import Document
from classifiers.recognizer import registered


def test_importing_the_package_registers_three_recognizers() -> None:
    names = set(registered())
    assert {"abuse.bullying", "abuse.discrimination", "abuse.profanity"} <= names


def test_findings_have_original_spans_reason_and_source() -> None:
    text = "Hé 🐷, jij bent een K4NK3RL1J3R!!"
    doc = Document(text)
    findings = BullyingRecognizer().analyze(doc)
    assert findings
    words = {text[s.start : s.end] for f in findings for s in f.spans}
    assert "K4NK3RL1J3R" in words
    assert all(f.reason and f.reason_en and f.protocol_ref for f in findings)
    assert all(f.source.startswith("abuse.bullying:") for f in findings)


def test_recognizers_share_one_analysis_per_document() -> None:
    doc = Document("Moslims zijn ratten. Kut, de bus is weg.")
    a = DiscriminationRecognizer().analyze(doc)
    b = ProfanityRecognizer().analyze(doc)
    assert a and b
    assert doc.view("abuse.analysis", lambda d: None) is not None


def test_empty_and_symbol_only_texts_give_no_findings() -> None:
    for text in ("", "   ", "!!!", "12345", "🙂"):
        doc = Document(text)
        assert BullyingRecognizer().analyze(doc) == []
        assert ProfanityRecognizer().analyze(doc) == []


def test_long_text_is_handled_and_finds_the_late_insult() -> None:
    text = "Wat een mooie dag vandaag. " * 3000 + "Jij bent een kankerlijer."
    doc = Document(text)
    findings = BullyingRecognizer().analyze(doc)
    assert any(text[s.start : s.end] == "kankerlijer" for f in findings for s in f.spans)
