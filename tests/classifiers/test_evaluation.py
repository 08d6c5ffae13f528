"""`evaluate` counts per category and subtype, confusions and hard-negative flags."""

from __future__ import annotations

from classifiers.categories import Severity
from classifiers.document import Document
from classifiers.evaluation import NONE, evaluate
from classifiers.judgement import Finding, Span
from classifiers.model.data import Example
from classifiers.pipeline import Scorer
from classifiers.recognizer import Recognizer


class Naive(Recognizer):
    """Flags 'sukkel' as a bullying insult, but only on official accounts."""

    name = "test.naive"

    def analyze(self, doc: Document) -> list[Finding]:
        if doc.context.account_type != "official":
            return []
        return [
            Finding(
                "bullying", "insult", 0.9, Severity.HIGH, [Span(t.start, t.end)], "x", "000 A.4"
            )
            for t in doc.tokens
            if t.text == "sukkel"
        ]


def test_report_counts_what_a_reader_expects() -> None:
    official = {"account_type": "official"}
    examples = [
        Example("1", "jij sukkel", ["bullying"], ["bullying/insult"], None, official),
        Example(
            "2", "jij sukkel", ["bullying"], ["bullying/insult"], None, {"account_type": "private"}
        ),
        Example("3", "hij zei 'sukkel', dat is gemeen", [], [], "reported_speech", official),
        Example(
            "4", "alle X weg", ["discrimination"], ["discrimination/exclusion"], None, official
        ),
        Example("5", "mooie dag", [], [], "school_news", official),
    ]
    report = evaluate(Scorer(recognizers=[Naive()], model_path=None), examples)
    bullying = report.categories["bullying"]
    # example 2 is missed because the context reaches the scorer: private account
    assert (bullying.tp, bullying.fp, bullying.fn) == (1, 1, 1)
    assert bullying.precision == 0.5 and bullying.recall == 0.5
    assert report.subtypes["bullying/insult"].tp == 1
    assert report.categories["discrimination"].recall == 0.0
    assert report.confusion["discrimination"][NONE] == 1
    assert report.confusion[NONE]["bullying"] == 1
    assert report.hard_negatives["reported_speech"] == {"n": 1, "flagged": 1, "bullying": 1}
    assert report.hard_negatives["school_news"] == {"n": 1, "flagged": 0}
    assert report.hard_negative_rate() == 0.5
    assert len(report.latency_ms) == 5
    text = report.format()
    assert "reported_speech" in text and "Verwarringstabel" in text
    data = report.to_dict()
    assert data["hard_negatives"]["rate_bullying_or_discrimination"] == 0.5
    assert "bullying/threat" not in data["subtypes"]  # no support, no prediction: left out
